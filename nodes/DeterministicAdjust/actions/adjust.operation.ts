/**
 * Operation "Adjust": the ordered steps, built in the UI or given as JSON (e.g. a stored
 * recipe), run on each item's image.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import type { AdjustStep } from '../../../engine/adjust/types';
import { EngineError, isEngineError } from '../../../engine/core/errors';
import { parseCube } from '../../../engine/lut/cube-parse';
import type { CubeLut } from '../../../engine/lut/types';
import { parseCurvePoints, parseStepsJson, runAdjust } from '../../../engine/strategies/deterministic-adjust';
import { readFile, readImage, writeImage } from '../../shared/binary';
import { runItems } from '../../shared/run-items';
import { concurrencyOf, concurrencyOrDefault, maxPixelsOf, toOutputOptions } from './output.description';

const show = { operation: ['adjust'] };
const op = (...ops: string[]) => ({ show: { op: ops } });

/** Largest .cube file read from a binary property (a 129^3 LUT is ~50 MB of text). */
const MAX_CUBE_BYTES = 64 * 1024 * 1024;

export const description: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the image',
		displayOptions: { show },
	},
	{
		displayName: 'Define Steps',
		name: 'stepsSource',
		type: 'options',
		default: 'ui',
		displayOptions: { show },
		options: [
			{ name: 'Using Fields Below', value: 'ui' },
			{ name: 'Using JSON', value: 'json', description: 'A JSON array of steps, e.g. from a stored recipe' },
		],
	},
	{
		displayName: 'Steps (JSON)',
		name: 'stepsJson',
		type: 'json',
		default: '[{"op": "brightness", "factor": 0.85}]',
		description: 'Steps in order, e.g. [{"op":"brightness","factor":0.85},{"op":"grain","strength":20,"seed":7}]',
		displayOptions: { show: { ...show, stepsSource: ['json'] } },
	},
	{
		displayName: 'Steps',
		name: 'steps',
		type: 'fixedCollection',
		placeholder: 'Add Step',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		description: 'Applied in this order (drag to reorder)',
		displayOptions: { show: { ...show, stepsSource: ['ui'] } },
		options: [
			{
				displayName: 'Step',
				name: 'step',
				// "Operation" stays first: every other field of a step depends on it.
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items
				values: [
					{
						displayName: 'Operation',
						name: 'op',
						type: 'options',
						default: 'brightness',
						options: [
							{ name: 'Brightness (PIL-Identical)', value: 'brightness' },
							{ name: 'Contrast (PIL-Identical)', value: 'contrast' },
							{ name: 'Curves', value: 'curves' },
							{ name: 'Exposure (Stops)', value: 'exposure' },
							{ name: 'Film Grain', value: 'grain' },
							{ name: 'Gamma', value: 'gamma' },
							{ name: 'Hue Rotation', value: 'hue' },
							{ name: 'Levels', value: 'levels' },
							{ name: 'LUT (Cube File)', value: 'lut' },
							{ name: 'Saturation (PIL-Identical)', value: 'saturation' },
							{ name: 'Temperature (Warm/Cool)', value: 'temperature' },
							{ name: 'Tint (Green/Magenta)', value: 'tint' },
							{ name: 'Vignette', value: 'vignette' },
						],
					},
					{ displayName: 'Factor', name: 'factor', type: 'number', default: 1, typeOptions: { minValue: 0, maxValue: 4, numberPrecision: 3 }, description: '1 = unchanged, 0.85 = 85 %', displayOptions: op('brightness', 'contrast', 'saturation') },
					{ displayName: 'Stops', name: 'stops', type: 'number', default: 0, typeOptions: { minValue: -5, maxValue: 5, numberPrecision: 2 }, displayOptions: op('exposure') },
					{ displayName: 'Gamma', name: 'gammaValue', type: 'number', default: 1, typeOptions: { minValue: 0.1, maxValue: 10, numberPrecision: 2 }, description: 'Above 1 brightens mid-tones', displayOptions: op('gamma') },
					{ displayName: 'Percent', name: 'percent', type: 'number', default: 0, typeOptions: { minValue: -100, maxValue: 100 }, description: 'Temperature: + warmer, - cooler. Tint: + magenta, - green.', displayOptions: op('temperature', 'tint') },
					{ displayName: 'Degrees', name: 'degrees', type: 'number', default: 0, typeOptions: { minValue: -360, maxValue: 360 }, displayOptions: op('hue') },
					{ displayName: 'Black Point', name: 'blackPoint', type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 254 }, displayOptions: op('levels') },
					{ displayName: 'White Point', name: 'whitePoint', type: 'number', default: 255, typeOptions: { minValue: 1, maxValue: 255 }, displayOptions: op('levels') },
					{ displayName: 'Midtone Gamma', name: 'midtone', type: 'number', default: 1, typeOptions: { minValue: 0.1, maxValue: 10, numberPrecision: 2 }, displayOptions: op('levels') },
					{ displayName: 'Output Black', name: 'outputBlack', type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 255 }, displayOptions: op('levels') },
					{ displayName: 'Output White', name: 'outputWhite', type: 'number', default: 255, typeOptions: { minValue: 0, maxValue: 255 }, displayOptions: op('levels') },
					{ displayName: 'Curve Points', name: 'points', type: 'string', default: '0,0; 64,58; 192,200; 255,255', description: 'Input,output pairs 0-255 separated by semicolons; inputs increasing', displayOptions: op('curves') },
					{
						displayName: 'Channel',
						name: 'channel',
						type: 'options',
						default: 'master',
						options: [
							{ name: 'Master (RGB)', value: 'master' },
							{ name: 'Red', value: 'red' },
							{ name: 'Green', value: 'green' },
							{ name: 'Blue', value: 'blue' },
						],
						displayOptions: op('levels', 'curves'),
					},
					{ displayName: 'Strength', name: 'grainStrength', type: 'number', default: 20, typeOptions: { minValue: 0, maxValue: 100 }, displayOptions: op('grain') },
					{ displayName: 'Grain Size (Px)', name: 'grainSize', type: 'number', default: 1, typeOptions: { minValue: 1, maxValue: 8 }, displayOptions: op('grain') },
					{ displayName: 'Seed', name: 'seed', type: 'number', default: 0, description: 'Same seed, same grain, bit for bit', displayOptions: op('grain') },
					{ displayName: 'Monochrome', name: 'monochrome', type: 'boolean', default: true, description: 'Whether the grain is the same in all three channels', displayOptions: op('grain') },
					{ displayName: 'Strength', name: 'vignetteStrength', type: 'number', default: 30, typeOptions: { minValue: -100, maxValue: 100 }, description: 'Positive darkens the edges (100 = -2 stops), negative lightens them', displayOptions: op('vignette') },
					{ displayName: 'Radius', name: 'radius', type: 'number', default: 1, typeOptions: { minValue: 0, maxValue: 1.5, numberPrecision: 2 }, displayOptions: op('vignette') },
					{ displayName: 'Softness', name: 'softness', type: 'number', default: 0.5, typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 }, displayOptions: op('vignette') },
					{
						displayName: 'LUT Source',
						name: 'lutSource',
						type: 'options',
						default: 'binary',
						options: [
							{ name: 'Binary Property of the Item', value: 'binary' },
							{ name: 'Text', value: 'text' },
						],
						displayOptions: op('lut'),
					},
					{ displayName: 'LUT Binary Field', name: 'lutBinaryField', type: 'string', default: 'lut', displayOptions: { show: { op: ['lut'], lutSource: ['binary'] } } },
					{ displayName: 'LUT Text (Cube Format)', name: 'lutText', type: 'string', typeOptions: { rows: 4 }, default: '', displayOptions: { show: { op: ['lut'], lutSource: ['text'] } } },
					{ displayName: 'Mix', name: 'lutStrength', type: 'number', default: 1, typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 }, description: '0 = input, 1 = full LUT', displayOptions: op('lut') },
					{
						displayName: 'Interpolation',
						name: 'interpolation',
						type: 'options',
						default: 'tetrahedral',
						options: [
							{ name: 'Tetrahedral (Keeps Greys Neutral)', value: 'tetrahedral' },
							{ name: 'Trilinear', value: 'trilinear' },
						],
						displayOptions: op('lut'),
					},
				],
			},
		],
	},
];

/** Maps one UI step to the engine's step; the engine validates every value. */
async function toStep(fn: IExecuteFunctions, itemIndex: number, s: IDataObject, index: number): Promise<AdjustStep> {
	switch (s.op) {
		case 'brightness':
		case 'contrast':
		case 'saturation':
			return { op: s.op, factor: s.factor as number };
		case 'exposure':
			return { op: 'exposure', stops: s.stops as number };
		case 'gamma':
			return { op: 'gamma', value: s.gammaValue as number };
		case 'temperature':
		case 'tint':
			return { op: s.op, percent: s.percent as number };
		case 'hue':
			return { op: 'hue', degrees: s.degrees as number };
		case 'levels':
			return {
				op: 'levels',
				blackPoint: s.blackPoint as number,
				whitePoint: s.whitePoint as number,
				gamma: s.midtone as number,
				outputBlack: s.outputBlack as number,
				outputWhite: s.outputWhite as number,
				channel: s.channel as 'master',
			};
		case 'curves':
			return { op: 'curves', points: parseCurvePoints(String(s.points ?? ''), `steps[${index}].points (curves)`), channel: s.channel as 'master' };
		case 'grain':
			return { op: 'grain', strength: s.grainStrength as number, size: s.grainSize as number, seed: s.seed as number, monochrome: s.monochrome as boolean };
		case 'vignette':
			return { op: 'vignette', strength: s.vignetteStrength as number, radius: s.radius as number, softness: s.softness as number };
		case 'lut': {
			const fromText = s.lutSource === 'text';
			const field = String(s.lutBinaryField ?? 'lut').trim();
			const parameter = fromText ? `Steps[${index}] LUT Text (Cube Format)` : `Steps[${index}] LUT Binary Field`;
			const text = fromText ? String(s.lutText ?? '') : await readFile(fn, itemIndex, field, parameter, MAX_CUBE_BYTES);
			const source = fromText ? `parameter "${parameter}"` : `binary property "${field}" (parameter "${parameter}")`;
			return { op: 'lut', cube: readCube(text, source, parameter), strength: s.lutStrength as number, interpolation: s.interpolation as 'tetrahedral' };
		}
		default:
			return s as unknown as AdjustStep;
	}
}

/**
 * Parses a .cube once, here, so its errors name where the file came from (the binary property
 * and the parameter) rather than the engine's step index.
 * @throws {EngineError} invalidInput "The .cube in binary property "lut" (parameter "Steps[0] LUT Binary Field") is empty"
 */
function readCube(text: string | Buffer, source: string, parameter: string): CubeLut {
	if (text.length === 0) {
		throw new EngineError('invalidInput', `The .cube in ${source} is empty`, { parameter, description: 'A .cube LUT is plain text: a LUT_3D_SIZE or LUT_1D_SIZE line, then rows of three numbers.' });
	}
	let problem: unknown;
	try {
		return parseCube(text, { maxBytes: MAX_CUBE_BYTES });
	} catch (error) {
		problem = error;
	}
	const cause = isEngineError(problem) ? problem : undefined;
	const reason = cause?.message ?? (problem instanceof Error ? problem.message : String(problem));
	throw new EngineError('invalidInput', `The .cube in ${source} is not a valid LUT: ${reason}`, { parameter, description: cause?.description, cause: problem });
}

async function stepsFor(fn: IExecuteFunctions, itemIndex: number): Promise<AdjustStep[]> {
	if (fn.getNodeParameter('stepsSource', itemIndex) === 'json') {
		return parseStepsJson(fn.getNodeParameter('stepsJson', itemIndex));
	}
	const ui = fn.getNodeParameter('steps.step', itemIndex, []) as IDataObject[];
	return await Promise.all(ui.map((s, i) => toStep(fn, itemIndex, s, i)));
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	return await runItems(this, { concurrency: concurrencyOrDefault(options) }, async (i) => {
		const itemOptions = this.getNodeParameter('options', i, {}) as IDataObject;
		concurrencyOf(itemOptions);
		const maxPixels = maxPixelsOf(itemOptions);
		const output = toOutputOptions(itemOptions);
		const property = String(this.getNodeParameter('binaryPropertyName', i)).trim();
		const steps = await stepsFor(this, i);
		const input = await readImage(this, i, property, { maxPixels });
		const result = await runAdjust(input.data, steps, output, {
			maxPixels,
			label: `image in binary property "${property}" (parameter "Input Binary Field")`,
		});
		const item = this.getInputData()[i];
		const outputField = String(itemOptions.outputBinaryField ?? 'data');
		return [
			{
				json: {
					// A LUT's table is not echoed: it can be megabytes.
					steps: steps.map((s) => (s.op === 'lut' ? { ...s, cube: '(.cube)' } : s)) as unknown as IDataObject[],
					input: { width: input.info.width, height: input.info.height, format: input.info.format },
					output: { ...result.info },
				},
				binary: { ...(item.binary ?? {}), [outputField]: await writeImage(this, result.data, result.info.mimeType, input.fileName, '-adjusted') },
				pairedItem: { item: i },
			},
		];
	});
}
