/**
 * Backend "Vertex AI Imagen": generateImages with the seed and addWatermark off. Google retired
 * every Imagen model on 2026-08-17; kept for accounts that still reach one, and a retired
 * model's 404 names the replacements.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ImageSize } from '../../../engine/provider/models';
import { IMAGEN_ASPECT_RATIOS, IMAGEN_IMAGE_SIZES } from '../../../engine/strategies/seeded-generate';
import { partsOf, type BackendRequest } from '../inputs';

const show = { show: { backend: ['imagen'] } };

export const imagenProperties: INodeProperties[] = [
	{
		displayName: 'Imagen was retired by Google on 2026-08-17: calls now fail unless your Vertex AI project still has access. For exact seeds use Flux/Seedream through a gateway, or your own Stable Diffusion.',
		name: 'imagenNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'Model',
		name: 'imagenModel',
		type: 'string',
		default: 'imagen-4.0-generate-001',
		required: true,
		description: 'Imagen model ID on Vertex AI',
		displayOptions: show,
	},
	{
		displayName: 'Aspect Ratio',
		name: 'imagenAspectRatio',
		type: 'options',
		default: '1:1',
		options: IMAGEN_ASPECT_RATIOS.map((r) => ({ name: r, value: r })),
		displayOptions: show,
	},
	{
		displayName: 'Image Size',
		name: 'imagenImageSize',
		type: 'options',
		default: '1K',
		options: IMAGEN_IMAGE_SIZES.map((s) => ({ name: s, value: s })),
		displayOptions: show,
	},
];

/** The Imagen request of one item. */
export function imagenRequest(fn: IExecuteFunctions, itemIndex: number): BackendRequest {
	return {
		request: {
			model: String(fn.getNodeParameter('imagenModel', itemIndex, '')).trim(),
			parts: partsOf(String(fn.getNodeParameter('prompt', itemIndex, '')), []),
			negativePrompt: String(fn.getNodeParameter('negativePrompt', itemIndex, '')) || undefined,
			aspectRatio: String(fn.getNodeParameter('imagenAspectRatio', itemIndex, '1:1')),
			imageSize: String(fn.getNodeParameter('imagenImageSize', itemIndex, '1K')) as ImageSize,
		},
	};
}
