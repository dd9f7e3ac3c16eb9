/**
 * Backend "Gemini (best-effort seed)": the same generateContent request Quantified Edit makes,
 * with the seed set; Gemini does not guarantee the same image for the same seed.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ImageSize } from '../../../engine/provider/models';
import { ASPECT_RATIOS, EXTRA_ASPECT_RATIOS_31_FLASH } from '../../../engine/provider/models';
import { modelLocator } from '../../shared/descriptions';
import { readInputImages, partsOf, type BackendRequest } from '../inputs';
import { splitList } from './common';

const show = { show: { backend: ['gemini'] } };

export const geminiProperties: INodeProperties[] = [
	{ ...modelLocator, displayOptions: show },
	{
		displayName: 'Aspect Ratio',
		name: 'geminiAspectRatio',
		type: 'options',
		default: '',
		options: [{ name: 'Model Decides', value: '' }, ...[...ASPECT_RATIOS, ...EXTRA_ASPECT_RATIOS_31_FLASH].map((r) => ({ name: r, value: r }))],
		description: 'Shape of the result; 1:4, 4:1, 1:8 and 8:1 need gemini-3.1-flash-image',
		displayOptions: show,
	},
	{
		displayName: 'Image Size',
		name: 'geminiImageSize',
		type: 'options',
		default: '',
		options: [
			{ name: 'Model Default (1K)', value: '' },
			{ name: '1K', value: '1K' },
			{ name: '2K', value: '2K' },
			{ name: '4K', value: '4K' },
		],
		description: 'Output resolution class; gemini-2.5-flash-image supports 1K only',
		displayOptions: show,
	},
];

/** The Gemini request of one item. */
export async function geminiRequest(fn: IExecuteFunctions, itemIndex: number, maxPixels: number): Promise<BackendRequest> {
	const fields = splitList(fn.getNodeParameter('inputBinaryFields', itemIndex, ''));
	const { images, fileName } = await readInputImages(fn, itemIndex, fields, 'Input Images (Binary Fields)', maxPixels);
	const aspectRatio = String(fn.getNodeParameter('geminiAspectRatio', itemIndex, ''));
	const imageSize = String(fn.getNodeParameter('geminiImageSize', itemIndex, ''));
	return {
		fileName,
		request: {
			model: String(fn.getNodeParameter('model', itemIndex, '', { extractValue: true })).trim(),
			parts: partsOf(String(fn.getNodeParameter('prompt', itemIndex, '')), images),
			aspectRatio: aspectRatio || undefined,
			imageSize: (imageSize || undefined) as ImageSize | undefined,
		},
	};
}
