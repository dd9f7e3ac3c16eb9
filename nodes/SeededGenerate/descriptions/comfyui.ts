/**
 * Backend "ComfyUI": the user's workflow in API format; the node sets the seed, prompt and
 * input image on the named (or found) nodes. Parameters and their mapping to the request.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { ComfyGraph } from '../../../engine/provider/seeded-request';
import { readInputImages, partsOf, type BackendRequest } from '../inputs';
import { inOptionsFor, readJsonObject, splitList } from './common';

const show = { show: { backend: ['comfyui'] } };

export const comfyuiProperties: INodeProperties[] = [
	{
		displayName: 'Workflow (API Format JSON)',
		name: 'workflowJson',
		type: 'json',
		default: '{}',
		required: true,
		description: 'Export it in ComfyUI with "Export (API)" (older versions: enable Dev Mode, then "Save (API Format)")',
		displayOptions: show,
	},
	{
		displayName: 'Seed Node IDs',
		name: 'seedNodeIds',
		type: 'string',
		default: '',
		placeholder: '3',
		description: 'Nodes whose seed / noise_seed input gets the seed, comma-separated. Empty = every node with a numeric seed input (KSampler, KSamplerAdvanced, RandomNoise, ...).',
		displayOptions: show,
	},
	{
		displayName: 'Prompt Node ID',
		name: 'promptNodeId',
		type: 'string',
		default: '',
		placeholder: '6',
		description: 'Node whose text input gets the prompt. Empty = the node wired to the first sampler\'s "positive" input.',
		displayOptions: show,
	},
	{
		displayName: 'Input Image',
		name: 'comfyInputBinaryField',
		type: 'string',
		default: '',
		placeholder: 'data',
		description: 'Binary property with an image to upload and put on the LoadImage node. Empty = no input image.',
		displayOptions: show,
	},
];

/** Entries of the Options collection. */
export const comfyuiOptions: INodeProperties[] = [
	{
		displayName: 'Negative Prompt Node ID',
		name: 'negativePromptNodeId',
		type: 'string',
		default: '',
		description: 'Node whose text input gets the negative prompt. Empty = the node wired to the first sampler\'s "negative" input.',
		displayOptions: inOptionsFor('comfyui'),
	},
	{
		displayName: 'Image Node ID',
		name: 'imageNodeId',
		type: 'string',
		default: '',
		description: 'LoadImage node that gets the input image. Empty = the only LoadImage node.',
		displayOptions: inOptionsFor('comfyui'),
	},
	{
		displayName: 'Output Node IDs',
		name: 'outputNodeIds',
		type: 'string',
		default: '',
		description: 'Output nodes to take images from, comma-separated. Empty = every SaveImage node (PreviewImage if there is none).',
		displayOptions: inOptionsFor('comfyui'),
	},
	{
		displayName: 'Poll Interval (Ms)',
		name: 'pollIntervalMs',
		type: 'number',
		default: 1000,
		typeOptions: { minValue: 10, maxValue: 60000, numberPrecision: 0 },
		description: 'Wait between checks of the job\'s history',
		displayOptions: inOptionsFor('comfyui'),
	},
	{
		displayName: 'Job Timeout (Seconds)',
		name: 'jobTimeoutSeconds',
		type: 'number',
		default: 600,
		typeOptions: { minValue: 1, maxValue: 86400 },
		description: 'Give up waiting for a queued job after this long (it is not queued again)',
		displayOptions: inOptionsFor('comfyui'),
	},
];

/** The ComfyUI request of one item. */
export async function comfyuiRequest(fn: IExecuteFunctions, itemIndex: number, options: IDataObject, maxPixels: number): Promise<BackendRequest> {
	const fields = splitList(fn.getNodeParameter('comfyInputBinaryField', itemIndex, ''));
	const { images, fileName } = await readInputImages(fn, itemIndex, fields.slice(0, 1), 'Input Image', maxPixels);
	const graph = (readJsonObject(fn.getNodeParameter('workflowJson', itemIndex, '{}'), 'Workflow (API Format JSON)') ?? {}) as ComfyGraph;
	return {
		fileName,
		request: {
			model: '',
			parts: partsOf(String(fn.getNodeParameter('prompt', itemIndex, '')), images),
			negativePrompt: String(fn.getNodeParameter('negativePrompt', itemIndex, '')),
			comfy: {
				graph,
				seedNodeIds: splitList(fn.getNodeParameter('seedNodeIds', itemIndex, '')),
				promptNodeId: String(fn.getNodeParameter('promptNodeId', itemIndex, '')).trim() || undefined,
				negativePromptNodeId: String(options.negativePromptNodeId ?? '').trim() || undefined,
				imageNodeId: String(options.imageNodeId ?? '').trim() || undefined,
				outputNodeIds: splitList(options.outputNodeIds),
				pollIntervalMs: options.pollIntervalMs === undefined ? undefined : Number(options.pollIntervalMs),
				jobTimeoutMs: options.jobTimeoutSeconds === undefined ? undefined : Number(options.jobTimeoutSeconds) * 1000,
			},
		},
	};
}
