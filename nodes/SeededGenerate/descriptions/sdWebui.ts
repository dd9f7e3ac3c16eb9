/**
 * Backend "Stable Diffusion WebUI" (AUTOMATIC1111 / Forge): txt2img, or img2img with an input
 * image. Parameters and their mapping to the request.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { readInputImages, partsOf, type BackendRequest } from '../inputs';
import { inOptionsFor, readJsonObject, splitList } from './common';

const show = { show: { backend: ['sdWebui'] } };

export const sdWebuiProperties: INodeProperties[] = [
	{
		displayName: 'Start Image Binary Field',
		name: 'sdInputBinaryField',
		type: 'string',
		default: '',
		placeholder: 'e.g. data',
		description: 'Binary property with the image to start from (img2img). Empty = txt2img.',
		displayOptions: show,
	},
	{
		displayName: 'Denoising Strength',
		name: 'denoisingStrength',
		type: 'number',
		default: 0.75,
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		description: 'Img2img only: how much of the input image is replaced (0 = none, 1 = all)',
		displayOptions: show,
	},
	{
		displayName: 'Steps',
		name: 'sdSteps',
		type: 'number',
		default: 20,
		typeOptions: { minValue: 1, maxValue: 150, numberPrecision: 0 },
		displayOptions: show,
	},
	{
		displayName: 'CFG Scale',
		name: 'cfgScale',
		type: 'number',
		default: 7,
		typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 1 },
		description: 'How strictly the image follows the prompt',
		displayOptions: show,
	},
	{
		displayName: 'Sampler',
		name: 'sampler',
		type: 'string',
		default: 'Euler a',
		placeholder: 'Euler a, DPM++ 2M, DDIM',
		description: 'Sampler name as the WebUI lists it (GET /sdapi/v1/samplers)',
		displayOptions: show,
	},
];

/** Entries of the Options collection. */
export const sdWebuiOptions: INodeProperties[] = [
	{
		displayName: 'Variation Seed',
		name: 'subseed',
		type: 'number',
		default: -1,
		typeOptions: { minValue: -1, numberPrecision: 0 },
		description: 'Subseed for variations of the same image; -1 = random (the WebUI reports the one used)',
		displayOptions: inOptionsFor('sdWebui'),
	},
	{
		displayName: 'Variation Strength',
		name: 'subseedStrength',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		description: 'How much the variation seed changes the image (0 = not at all)',
		displayOptions: inOptionsFor('sdWebui'),
	},
	{
		displayName: 'Checkpoint',
		name: 'checkpoint',
		type: 'string',
		default: '',
		placeholder: 'sd_xl_base_1.0.safetensors [31e35c80fc]',
		description: 'Checkpoint title to switch to for this call (override_settings); empty = the one loaded',
		displayOptions: inOptionsFor('sdWebui'),
	},
];

/** The WebUI request of one item. */
export async function sdWebuiRequest(fn: IExecuteFunctions, itemIndex: number, options: IDataObject, maxPixels: number): Promise<BackendRequest> {
	const fields = splitList(fn.getNodeParameter('sdInputBinaryField', itemIndex, ''));
	const { images, fileName } = await readInputImages(fn, itemIndex, fields.slice(0, 1), 'Start Image Binary Field', maxPixels);
	return {
		fileName,
		request: {
			model: String(options.checkpoint ?? ''),
			parts: partsOf(String(fn.getNodeParameter('prompt', itemIndex, '')), images),
			negativePrompt: String(fn.getNodeParameter('negativePrompt', itemIndex, '')),
			width: Number(fn.getNodeParameter('width', itemIndex, 1024)),
			height: Number(fn.getNodeParameter('height', itemIndex, 1024)),
			steps: Number(fn.getNodeParameter('sdSteps', itemIndex, 20)),
			cfgScale: Number(fn.getNodeParameter('cfgScale', itemIndex, 7)),
			sampler: String(fn.getNodeParameter('sampler', itemIndex, '')).trim() || undefined,
			denoisingStrength: images.length ? Number(fn.getNodeParameter('denoisingStrength', itemIndex, 0.75)) : undefined,
			subseed: options.subseed === undefined ? undefined : Number(options.subseed),
			subseedStrength: options.subseedStrength === undefined ? undefined : Number(options.subseedStrength),
			checkpoint: String(options.checkpoint ?? '').trim() || undefined,
			extraBody: readJsonObject(options.extraBody, 'Extra Body (JSON)'),
		},
	};
}
