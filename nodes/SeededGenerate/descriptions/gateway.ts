/**
 * Backend "OpenAI-Compatible Gateway": Flux and Seedream through APIYI or any gateway with
 * POST /v1/images/generations. Parameters and their mapping to the request.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { readInputImages, partsOf, type BackendRequest } from '../inputs';
import { inOptionsFor, readJsonObject, splitList } from './common';

const show = { show: { backend: ['openaiImages'] } };

/** Width and height, shared with Stable Diffusion WebUI. */
export const sizeProperties: INodeProperties[] = [
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		default: 1024,
		typeOptions: { minValue: 64, maxValue: 8192, numberPrecision: 0 },
		description: 'Output width in pixels. Flux needs a multiple of 16; SD 1.5 works best at 512, SDXL at 1024.',
		displayOptions: { show: { backend: ['openaiImages', 'sdWebui'] } },
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		default: 1024,
		typeOptions: { minValue: 64, maxValue: 8192, numberPrecision: 0 },
		description: 'Output height in pixels. Flux needs a multiple of 16.',
		displayOptions: { show: { backend: ['openaiImages', 'sdWebui'] } },
	},
];

export const gatewayProperties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'gatewayModel',
		type: 'string',
		default: 'flux-kontext-pro',
		required: true,
		placeholder: 'flux-kontext-pro, flux-dev, seedream-4-0',
		description: 'Model ID as the gateway names it. flux-* and seedream-* models honour the seed.',
		displayOptions: show,
	},
	{
		displayName: 'Input Images (Binary Fields)',
		name: 'inputBinaryFields',
		type: 'string',
		default: '',
		placeholder: 'data',
		description:
			'Binary properties with input images for edit models (flux-kontext-*, Seedream), comma-separated; the model follows the LAST one. Empty = generate from the prompt alone.',
		displayOptions: { show: { backend: ['openaiImages', 'gemini'] } },
	},
];

/** Entries of the Options collection. */
export const gatewayOptions: INodeProperties[] = [
	{
		displayName: 'Steps',
		name: 'gatewaySteps',
		type: 'number',
		default: 28,
		typeOptions: { minValue: 1, maxValue: 150, numberPrecision: 0 },
		description: 'Sampling steps, for models that take them (Flux dev/pro); sent only when set',
		displayOptions: inOptionsFor('openaiImages'),
	},
	{
		displayName: 'Guidance',
		name: 'gatewayGuidance',
		type: 'number',
		default: 3.5,
		typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 2 },
		description: 'Prompt guidance, for models that take it (Flux); sent only when set',
		displayOptions: inOptionsFor('openaiImages'),
	},
	{
		displayName: 'Response Format',
		name: 'responseFormat',
		type: 'options',
		default: 'b64_json',
		description: 'How the gateway returns the image; Flux answers with a URL either way. URLs are downloaded within the size limit and timeout.',
		options: [
			{ name: 'Base64 in the Answer', value: 'b64_json' },
			{ name: 'URL', value: 'url' },
		],
		displayOptions: inOptionsFor('openaiImages'),
	},
	{
		displayName: 'Max Download Size (MB)',
		name: 'maxDownloadMegabytes',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1, maxValue: 1000 },
		description: 'Result files larger than this are refused',
		displayOptions: inOptionsFor('openaiImages', 'comfyui'),
	},
	{
		displayName: 'Extra Body (JSON)',
		name: 'extraBody',
		type: 'json',
		default: '{}',
		description:
			'More request fields, passed as they are, e.g. {"output_format": "png"} for a gateway or {"enable_hr": true} for the WebUI. May not repeat a field the node sets (seed, prompt, size, ...). Shown in the output for replay.',
		displayOptions: inOptionsFor('openaiImages', 'sdWebui'),
	},
];

/** The gateway request of one item. */
export async function gatewayRequest(fn: IExecuteFunctions, itemIndex: number, options: IDataObject, maxPixels: number): Promise<BackendRequest> {
	const fields = splitList(fn.getNodeParameter('inputBinaryFields', itemIndex, ''));
	const { images, fileName } = await readInputImages(fn, itemIndex, fields, 'Input Images (Binary Fields)', maxPixels);
	return {
		fileName,
		request: {
			model: String(fn.getNodeParameter('gatewayModel', itemIndex, '')).trim(),
			parts: partsOf(String(fn.getNodeParameter('prompt', itemIndex, '')), images),
			width: Number(fn.getNodeParameter('width', itemIndex, 1024)),
			height: Number(fn.getNodeParameter('height', itemIndex, 1024)),
			steps: options.gatewaySteps === undefined ? undefined : Number(options.gatewaySteps),
			guidance: options.gatewayGuidance === undefined ? undefined : Number(options.gatewayGuidance),
			responseFormat: options.responseFormat === undefined ? undefined : (String(options.responseFormat) as 'url' | 'b64_json'),
			extraBody: readJsonObject(options.extraBody, 'Extra Body (JSON)'),
		},
	};
}
