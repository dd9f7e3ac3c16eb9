/**
 * Checking adjustment steps and output options before any pixel is touched. Every problem is an
 * {@link EngineError} of kind 'invalidInput' in the engine's one error shape, naming the step and
 * parameter: "Expected a number between 0 and 4 for steps[2].factor (brightness) but received -1".
 */
import { EngineError } from '../core/errors';
import { describeValue, integerInRange, invalidParameterError, is, numberInRange, oneOf } from '../core/validate';
import { LUT_INTERPOLATIONS } from '../lut/apply';
import { checkCubeLut } from '../lut/check';
import { parseCube } from '../lut/cube-parse';
import type { CubeLut } from '../lut/types';
import type {
	AdjustChannel,
	AdjustOp,
	AdjustOutputFormat,
	AdjustResizeFit,
	AdjustResizeOptions,
	AdjustStep,
} from './types';

/** Every step `op`, in documentation order. */
export const ADJUST_OPS: readonly AdjustOp[] = [
	'brightness',
	'contrast',
	'saturation',
	'exposure',
	'gamma',
	'temperature',
	'tint',
	'hue',
	'levels',
	'curves',
	'grain',
	'vignette',
	'lut',
];

/** Most steps one adjustment may have. */
export const MAX_STEPS = 64;
/** Most points of a curve. */
export const MAX_CURVE_POINTS = 32;

/** Channels a levels or curves step can target; 'master' is R, G and B together. */
export const ADJUST_CHANNELS: readonly AdjustChannel[] = ['master', 'red', 'green', 'blue'];
/** Values of `output.format`. */
export const OUTPUT_FORMATS: readonly AdjustOutputFormat[] = ['same', 'jpeg', 'png', 'webp', 'avif'];
/** Values of `output.resize.fit` (sharp's fit modes). */
export const RESIZE_FITS: readonly AdjustResizeFit[] = ['inside', 'outside', 'cover', 'contain', 'fill'];

/** The parameters each op accepts (besides `op`). */
const PARAMETERS: Readonly<Record<AdjustOp, readonly string[]>> = {
	brightness: ['factor'],
	contrast: ['factor'],
	saturation: ['factor'],
	exposure: ['stops'],
	gamma: ['value'],
	temperature: ['percent'],
	tint: ['percent'],
	hue: ['degrees'],
	levels: ['blackPoint', 'whitePoint', 'gamma', 'outputBlack', 'outputWhite', 'channel'],
	curves: ['points', 'channel'],
	grain: ['strength', 'size', 'seed', 'monochrome'],
	vignette: ['strength', 'radius', 'softness'],
	lut: ['cube', 'strength', 'interpolation'],
};

/**
 * Checks a list of adjustment steps and returns them with every default filled in (and a lut
 * step's `.cube` text parsed into a {@link CubeLut}). The input is not modified.
 *
 * Ranges: brightness, contrast and saturation `factor` 0..4; exposure `stops` -5..5; gamma
 * `value` 0.1..10; temperature and tint `percent` -100..100; hue `degrees` -360..360; levels
 * integers `blackPoint` 0..254, `whitePoint` 1..255 (above blackPoint), `outputBlack` and
 * `outputWhite` 0..255, `gamma` 0.1..10; curves 2..32 points of two numbers 0..255 with strictly
 * increasing inputs; grain `strength` 0..100, `size` integer 1..8 (default 1), `seed` integer
 * 0..4294967295 (default 0), `monochrome` (default true); vignette `strength` -100..100, `radius`
 * 0..1.5 (default 1), `softness` 0..1 (default 0.5); lut `cube` text or object, `strength` 0..1
 * (default 1), `interpolation` 'tetrahedral' (default) or 'trilinear'. Unknown parameters are
 * refused, so that a typo does not silently do nothing.
 *
 * @example validateSteps([{ op: 'brightness', factor: 1.1 }, { op: 'grain', strength: 20 }]);
 * // [{ op: 'brightness', factor: 1.1 }, { op: 'grain', strength: 20, size: 1, seed: 0, monochrome: true }]
 * @example validateSteps([{ op: 'contrast', factor: 1 }, { op: 'blur' }]);
 * // throws: Expected one of brightness, contrast, ... for steps[1].op but received "blur"
 * @param steps - the value to check, typically parsed from the node's parameters
 * @returns the steps, typed and with defaults
 * @throws {EngineError} kind 'invalidInput' naming the first bad step and parameter
 */
export function validateSteps(steps: unknown): AdjustStep[] {
	if (!Array.isArray(steps)) throw invalidParameterError('steps', 'an array of steps', steps);
	if (steps.length > MAX_STEPS) throw invalidParameterError('steps', `an array of at most ${MAX_STEPS} steps`, steps);
	return steps.map((step, index) => validateStep(step, index));
}

function validateStep(step: unknown, index: number): AdjustStep {
	const at = `steps[${index}]`;
	if (!is.plainObject(step)) throw invalidParameterError(at, 'an object with an "op"', step);
	const op = oneOf(`${at}.op`, step.op, ADJUST_OPS);
	const allowed = PARAMETERS[op];
	for (const key of Object.keys(step)) {
		if (key !== 'op' && !allowed.includes(key)) {
			throw new EngineError(
				'invalidInput',
				`Expected only the parameters ${allowed.join(', ')} for ${at} (${op}) but received an unknown parameter "${key}"`,
				{ parameter: `${at}.${key}` },
			);
		}
	}
	const name = (key: string): string => `${at}.${key} (${op})`;
	const number = (key: string, min: number, max: number, fallback?: number): number =>
		numberInRange(name(key), step[key] === undefined ? fallback : step[key], min, max);
	const integer = (key: string, min: number, max: number, fallback?: number): number =>
		integerInRange(name(key), step[key] === undefined ? fallback : step[key], min, max);
	const channel = (): AdjustChannel => oneOf(name('channel'), step.channel ?? 'master', ADJUST_CHANNELS);

	switch (op) {
		case 'brightness':
		case 'contrast':
		case 'saturation':
			return { op, factor: number('factor', 0, 4) };
		case 'exposure':
			return { op, stops: number('stops', -5, 5) };
		case 'gamma':
			return { op, value: number('value', 0.1, 10) };
		case 'temperature':
		case 'tint':
			return { op, percent: number('percent', -100, 100) };
		case 'hue':
			return { op, degrees: number('degrees', -360, 360) };
		case 'levels': {
			const blackPoint = integer('blackPoint', 0, 254, 0);
			const whitePoint = integer('whitePoint', blackPoint + 1, 255, 255);
			return {
				op,
				blackPoint,
				whitePoint,
				gamma: number('gamma', 0.1, 10, 1),
				outputBlack: integer('outputBlack', 0, 255, 0),
				outputWhite: integer('outputWhite', 0, 255, 255),
				channel: channel(),
			};
		}
		case 'curves':
			return { op, points: curvePoints(step.points, name('points')), channel: channel() };
		case 'grain':
			return {
				op,
				strength: number('strength', 0, 100),
				size: integer('size', 1, 8, 1),
				seed: integer('seed', 0, 4294967295, 0),
				monochrome: boolean(name('monochrome'), step.monochrome, true),
			};
		case 'vignette':
			return {
				op,
				strength: number('strength', -100, 100),
				radius: number('radius', 0, 1.5, 1),
				softness: number('softness', 0, 1, 0.5),
			};
		case 'lut':
			return {
				op,
				cube: cubeTable(step.cube, `${at}.cube`),
				strength: number('strength', 0, 1, 1),
				interpolation: oneOf(name('interpolation'), step.interpolation ?? 'tetrahedral', LUT_INTERPOLATIONS),
			};
	}
}

function boolean(name: string, value: unknown, fallback: boolean): boolean {
	if (value === undefined) return fallback;
	if (!is.bool(value)) throw invalidParameterError(name, 'true or false', value);
	return value;
}

function curvePoints(value: unknown, name: string): Array<[number, number]> {
	const expected = `an array of 2 to ${MAX_CURVE_POINTS} [input, output] pairs`;
	if (!Array.isArray(value) || value.length < 2 || value.length > MAX_CURVE_POINTS) {
		throw invalidParameterError(name, expected, value);
	}
	const points: Array<[number, number]> = [];
	// `name` ends with " (curves)"; indices go before it.
	const base = name.replace(/ \(curves\)$/, '');
	value.forEach((point: unknown, k: number) => {
		if (!Array.isArray(point) || point.length !== 2) {
			throw invalidParameterError(`${base}[${k}] (curves)`, 'an [input, output] pair', point);
		}
		const previous = k > 0 ? points[k - 1][0] : undefined;
		const input = numberInRange(`${base}[${k}][0] (curves)`, point[0], 0, 255);
		if (previous !== undefined && !(input > previous)) {
			throw invalidParameterError(
				`${base}[${k}][0] (curves)`,
				`a number above ${previous} (inputs must increase)`,
				point[0],
			);
		}
		points.push([input, numberInRange(`${base}[${k}][1] (curves)`, point[1], 0, 255)]);
	});
	return points;
}

function cubeTable(value: unknown, at: string): CubeLut {
	if (is.string(value) || Buffer.isBuffer(value)) {
		if (value.length === 0) throw invalidParameterError(`${at} (lut)`, 'the text of a .cube file', value);
		try {
			return parseCube(value);
		} catch (error) {
			if (error instanceof EngineError) {
				throw new EngineError('invalidInput', `${error.message} (in ${at}, lut)`, {
					parameter: at,
					description: error.description,
					cause: error,
				});
			}
			throw error;
		}
	}
	if (is.plainObject(value)) return checkCubeLut(value, at);
	throw invalidParameterError(`${at} (lut)`, 'the text of a .cube file or a parsed LUT', value);
}

/** Output options with defaults filled in. */
export interface ResolvedOutputOptions {
	format: AdjustOutputFormat;
	quality?: number;
	keepMetadata: boolean;
	resize?: Required<Pick<AdjustResizeOptions, 'fit' | 'withoutEnlargement'>> & Pick<AdjustResizeOptions, 'width' | 'height'>;
	chromaSubsampling: '4:2:0' | '4:4:4';
	optimiseCoding: boolean;
}

const OUTPUT_KEYS = ['format', 'quality', 'keepMetadata', 'resize', 'chromaSubsampling', 'optimiseCoding'];
const RESIZE_KEYS = ['width', 'height', 'fit', 'withoutEnlargement'];

/**
 * Checks the output options and fills in the defaults: format 'same', quality per format (set
 * later), keepMetadata false, no resize, chroma subsampling '4:2:0', optimiseCoding false.
 *
 * @example validateOutputOptions({ format: 'webp', quality: 85 });
 * @example validateOutputOptions({ resize: { width: 0 } });
 * // throws: Expected an integer between 1 and 65535 for output.resize.width but received 0
 * @param output - the value to check; undefined means all defaults
 * @returns the options with defaults
 * @throws {EngineError} kind 'invalidInput' naming the bad option
 */
export function validateOutputOptions(output: unknown): ResolvedOutputOptions {
	if (output === undefined) output = {};
	if (!is.plainObject(output)) throw invalidParameterError('output', 'an object', output);
	rejectUnknown(output, OUTPUT_KEYS, 'output');
	const o = output;
	const resolved: ResolvedOutputOptions = {
		format: oneOf('output.format', o.format ?? 'same', OUTPUT_FORMATS),
		keepMetadata: boolean('output.keepMetadata', o.keepMetadata, false),
		chromaSubsampling: oneOf('output.chromaSubsampling', o.chromaSubsampling ?? '4:2:0', ['4:2:0', '4:4:4'] as const),
		optimiseCoding: boolean('output.optimiseCoding', o.optimiseCoding, false),
	};
	if (o.quality !== undefined) resolved.quality = integerInRange('output.quality', o.quality, 1, 100);
	if (o.resize !== undefined) {
		if (!is.plainObject(o.resize)) throw invalidParameterError('output.resize', 'an object with width and/or height', o.resize);
		const r = o.resize;
		rejectUnknown(r, RESIZE_KEYS, 'output.resize');
		if (r.width === undefined && r.height === undefined) {
			throw invalidParameterError('output.resize', 'an object with width and/or height', r);
		}
		resolved.resize = {
			width: r.width === undefined ? undefined : integerInRange('output.resize.width', r.width, 1, 65535),
			height: r.height === undefined ? undefined : integerInRange('output.resize.height', r.height, 1, 65535),
			fit: oneOf('output.resize.fit', r.fit ?? 'inside', RESIZE_FITS),
			withoutEnlargement: boolean('output.resize.withoutEnlargement', r.withoutEnlargement, true),
		};
	}
	return resolved;
}

function rejectUnknown(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
	for (const key of Object.keys(value)) {
		if (!allowed.includes(key)) {
			throw new EngineError(
				'invalidInput',
				`Expected only the options ${allowed.join(', ')} for ${at} but received an unknown option "${key}"`,
				{ parameter: `${at}.${key}`, description: `Value: ${describeValue(value[key])}` },
			);
		}
	}
}
