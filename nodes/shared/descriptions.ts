/**
 * Parameter descriptions shared by the AI nodes, so "Model", "Image Size" or "Max Retries"
 * look and behave the same everywhere.
 */
import type { INodeProperties } from 'n8n-workflow';
import { ASPECT_RATIOS, DEFAULT_GEMINI_IMAGE_MODEL, EXTRA_ASPECT_RATIOS_31_FLASH } from '../../engine/provider/models';

export const binaryInputField = (name = 'binaryPropertyName', displayName = 'Input Binary Field', description = 'Binary property holding the image to edit'): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: 'data',
	required: true,
	hint: 'The name of the input binary field containing the image',
	description,
});

export const modelLocator: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'resourceLocator',
	default: { mode: 'list', value: DEFAULT_GEMINI_IMAGE_MODEL },
	required: true,
	description: 'Gemini image model. The list comes from the provider; type any other ID under "By ID".',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchImageModels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'gemini-3-pro-image',
		},
	],
};

const ratioOptions = [...ASPECT_RATIOS, ...EXTRA_ASPECT_RATIOS_31_FLASH].map((r) => ({ name: r, value: r }));

/** Image options inside the node's "Options" collection. */
export const imageOptions: INodeProperties[] = [
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: 'match',
		description: 'Shape of the result',
		options: [
			{ name: 'Match Input', value: 'match', description: 'The supported ratio closest to the input image' },
			{ name: 'Model Decides', value: 'auto' },
			...ratioOptions,
		],
	},
	{
		displayName: 'Image Size',
		name: 'imageSize',
		type: 'options',
		default: '',
		description: 'Output resolution class. gemini-2.5-flash-image supports 1K only. 4K costs more.',
		options: [
			{ name: 'Model Default (1K)', value: '' },
			{ name: '1K', value: '1K' },
			{ name: '2K', value: '2K' },
			{ name: '4K', value: '4K' },
		],
	},
	{
		displayName: 'Restore Input Size',
		name: 'restoreInputSize',
		type: 'boolean',
		default: false,
		description: 'Whether to resize the result back to the input image\'s exact width and height',
	},
	{
		displayName: 'Seed (Best-Effort)',
		name: 'seed',
		type: 'number',
		default: -1,
		typeOptions: { minValue: -1, numberPrecision: 0 },
		description: 'Sent as generationConfig.seed. Gemini image models honour it on a best-effort basis only: the same seed does not guarantee the same image. -1 = do not send.',
	},
	{
		displayName: 'Temperature',
		name: 'temperature',
		type: 'number',
		default: -1,
		typeOptions: { minValue: -1, maxValue: 2, numberPrecision: 2 },
		description: 'Sampling temperature 0-2; -1 = the model default. Lower is not reliably more repeatable for image models.',
	},
];

/** Throughput, retry and cost options inside the node's "Options" collection. */
export const callOptions: INodeProperties[] = [
	{
		displayName: 'Max Concurrent Requests',
		name: 'maxConcurrent',
		type: 'number',
		default: 4,
		typeOptions: { minValue: 1, maxValue: 64, numberPrecision: 0 },
		description: 'Calls in flight at once for this node execution',
	},
	{
		displayName: 'Max Requests per Minute',
		name: 'requestsPerMinute',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description: 'Rate cap across all items, retries included; 0 = no cap. Set it to your quota to avoid 429s.',
	},
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		default: 3,
		typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
		description: 'Retries after 429, 503, 500, timeouts and dropped connections, with backoff and the server\'s Retry-After. Safety blocks, refusals and bad requests are never retried.',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		default: 180,
		typeOptions: { minValue: 5, maxValue: 1200, numberPrecision: 0 },
		description: 'Per call. 4K images can take over a minute.',
	},
	{
		displayName: 'Price Overrides (JSON)',
		name: 'priceOverrides',
		type: 'json',
		default: '{}',
		description: 'USD per request by model ID, e.g. {"gemini-3-pro-image": 0.09}, or {"model": {"imageOutputPerMTokens": 120}}. Overrides the built-in price table for the Cost field.',
	},
	{
		displayName: 'Max Input Megapixels',
		name: 'maxInputMegapixels',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 1, maxValue: 1000 },
		description: 'Larger inputs are refused (protects n8n from decompression bombs)',
	},
];

/** n8n lists collection options alphabetically; the lint rule checks it. */
export function sortByName(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
