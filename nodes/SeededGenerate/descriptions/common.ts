/**
 * What every backend of Seeded Generate shares: the backend selector, the prompt, the seed
 * (mode and value), the reproducibility check, and the Options collection, with the mapping
 * from parameters to engine values.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { invalidParameterError } from '../../../engine/core/validate';
import { MAX_SEED, resolveSeed, type SeededBackend, type SeedMode } from '../../../engine/strategies/seeded-generate';
import { callOptions, sortByName } from '../../shared/descriptions';
import { executionOptions } from '../../shared/edit-context';
import { maxDownloadBytes } from '../transport';

const show = (...backends: SeededBackend[]) => ({ show: { backend: backends } });
/** displayOptions for an entry of the Options collection (it refers to the root parameter). */
export const inOptionsFor = (...backends: SeededBackend[]) => ({ show: { '/backend': backends } });

export const backendProperty: INodeProperties = {
	displayName: 'Backend',
	name: 'backend',
	type: 'options',
	noDataExpression: true,
	default: 'openaiImages',
	options: [
		{
			name: 'ComfyUI (Your Workflow)',
			value: 'comfyui',
			description: 'Your workflow in API format; the node sets the seed and prompt. Seed: exact.',
		},
		{
			name: 'Gemini (Best-Effort Seed)',
			value: 'gemini',
			description: 'Nano Banana models. The seed is accepted but NOT guaranteed to reproduce the image.',
		},
		{
			name: 'OpenAI-Compatible Gateway (Flux, Seedream)',
			value: 'openaiImages',
			description: 'APIYI or any gateway with /v1/images/generations. Seed: exact if the gateway passes it through.',
		},
		{
			name: 'Stable Diffusion WebUI (AUTOMATIC1111 / Forge)',
			value: 'sdWebui',
			description: 'Your own WebUI started with --api: txt2img and img2img. Seed: exact.',
		},
		{
			name: 'Vertex AI Imagen (Retired 2026-08-17)',
			value: 'imagen',
			description: 'Only for accounts that still reach Imagen. Seed: exact with the watermark off.',
		},
	],
};

export const promptProperties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'a lighthouse at dusk, 35mm photo',
		description: 'What to generate, or for edit models what to change in the input image',
		displayOptions: show('openaiImages', 'sdWebui', 'gemini', 'imagen'),
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Put into the text input of the prompt node; empty keeps the text saved in the workflow',
		displayOptions: show('comfyui'),
	},
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'What to avoid. ComfyUI: put into the negative prompt node; empty keeps the workflow\'s text.',
		displayOptions: show('sdWebui', 'comfyui', 'imagen'),
	},
];

export const seedProperties: INodeProperties[] = [
	{
		displayName: 'Seed Mode',
		name: 'seedMode',
		type: 'options',
		default: 'perItem',
		options: [
			{
				name: 'Fixed',
				value: 'fixed',
				description: 'The same seed for every item (e.g. the same edit on different input images)',
			},
			{
				name: 'Fixed per Item',
				value: 'perItem',
				description: 'Each item gets its own seed derived from the base seed and its position, so rerunning the same batch reproduces every image',
			},
			{
				name: 'From Expression',
				value: 'expression',
				description: 'Take the seed from the item with an expression, for example the seed field of the incoming data',
			},
			{
				name: 'Random (Reported)',
				value: 'random',
				description: 'A new seed per item, written to the output so a good one can be fixed later',
			},
		],
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		default: 42,
		typeOptions: { minValue: 0, maxValue: MAX_SEED, numberPrecision: 0 },
		description: 'Integer 0-2147483647',
		displayOptions: { show: { seedMode: ['fixed'] } },
	},
	{
		displayName: 'Base Seed',
		name: 'seed',
		type: 'number',
		default: 42,
		typeOptions: { minValue: 0, maxValue: MAX_SEED, numberPrecision: 0 },
		description: 'Item seeds are derived from it and the item index (formula in the README); the output shows each item\'s seed',
		displayOptions: { show: { seedMode: ['perItem'] } },
	},
	{
		displayName: 'Seed (From Expression)',
		name: 'seedExpression',
		type: 'string',
		default: '={{ $json.seed }}',
		description: 'An integer 0-2147483647, usually an expression reading the item',
		displayOptions: { show: { seedMode: ['expression'] } },
	},
];

export const verifyProperty: INodeProperties = {
	displayName: 'Verify Reproducibility',
	name: 'verifyReproducibility',
	type: 'boolean',
	default: false,
	description:
		'Whether to generate a second time with the same seed and parameters and compare the decoded pixels. Doubles the calls and the cost; the output reports reproducible true/false and the pixel difference.',
};

/** Options for every backend; backend-specific entries come from the backend files. */
export function optionsCollection(backendOptions: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: sortByName([
			{
				displayName: 'Output Binary Field',
				name: 'outputBinaryField',
				type: 'string',
				default: 'data',
				description: 'Binary property for the generated image; further images of the same call get the suffixes _1, _2 and so on'
			},
			{
				displayName: 'Reproducibility Tolerance',
				name: 'reproducibilityTolerance',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, maxValue: 255, numberPrecision: 0 },
				description: 'Largest per-channel pixel difference (0-255) still counted as reproducible; 0 = identical pixels',
			},
			...backendOptions,
			...callOptions,
		]),
	};
}

/**
 * The item's seed and how it was chosen.
 * @throws {EngineError} invalidInput "Expected an integer between 0 and 2147483647 for Seed ..."
 */
export function readSeed(fn: IExecuteFunctions, itemIndex: number): { mode: SeedMode; seed: number } {
	const mode = fn.getNodeParameter('seedMode', itemIndex, 'perItem') as SeedMode;
	const value =
		mode === 'expression'
			? fn.getNodeParameter('seedExpression', itemIndex, undefined)
			: mode === 'random'
				? undefined
				: fn.getNodeParameter('seed', itemIndex, 42);
	return { mode, seed: resolveSeed(mode, value, itemIndex) };
}

/**
 * The item's Options collection, with its execution-wide entries checked, so a bad value is
 * this item's error.
 * @throws {EngineError} invalidInput naming the option
 */
export function readOptions(fn: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	executionOptions(options);
	maxDownloadBytes(options);
	return options;
}

/**
 * Comma- or newline-separated names ("data, mask") as a list.
 * @example splitList(' 3, 7 ') // ['3', '7']
 */
export function splitList(value: unknown): string[] {
	return String(value ?? '')
		.split(/[,\n]/)
		.map((s) => s.trim())
		.filter(Boolean);
}

/**
 * Parses an "Extra Body (JSON)" option: a JSON object, or undefined when empty.
 * @throws {EngineError} invalidInput when it is not a JSON object
 */
export function readJsonObject(value: unknown, parameter: string): Record<string, unknown> | undefined {
	if (value === undefined || value === null || value === '' || value === '{}') return undefined;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			parsed = undefined;
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw invalidParameterError(parameter, 'a JSON object such as {"key": "value"}', value);
	}
	return Object.keys(parsed).length ? (parsed as Record<string, unknown>) : undefined;
}
