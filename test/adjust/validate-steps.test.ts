/**
 * Bad steps and options are refused before any pixel is touched, with one message shape naming
 * the step index, the parameter and the op.
 */
import { EngineError } from '../../engine/core/errors';
import { adjustImage, applyStepsToRaw, validateOutputOptions, validateSteps } from '../../engine/adjust';

const message = (fn: () => unknown): string => {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(EngineError);
		expect((error as EngineError).kind).toBe('invalidInput');
		return (error as Error).message;
	}
	throw new Error('did not throw');
};

describe('validateSteps', () => {
	test.each([
		['not an array', { op: 'brightness' }, 'Expected an array of steps for steps but received an object'],
		['too many steps', new Array(65).fill({ op: 'gamma', value: 1 }), 'Expected an array of at most 64 steps for steps but received an array of 65 items'],
		['a step that is not an object', [5], 'Expected an object with an "op" for steps[0] but received 5'],
		['unknown op', [{ op: 'brightness', factor: 1 }, { op: 'blur' }], 'Expected one of brightness, contrast, saturation, exposure, gamma, temperature, tint, hue, levels, curves, grain, vignette, lut for steps[1].op but received "blur"'],
		['missing op', [{ factor: 1 }], 'Expected one of brightness, contrast, saturation, exposure, gamma, temperature, tint, hue, levels, curves, grain, vignette, lut for steps[0].op but received undefined'],
		['negative factor', [{ op: 'gamma', value: 1 }, { op: 'contrast', factor: 1 }, { op: 'brightness', factor: -1 }], 'Expected a number between 0 and 4 for steps[2].factor (brightness) but received -1'],
		['NaN factor', [{ op: 'saturation', factor: NaN }], 'Expected a number between 0 and 4 for steps[0].factor (saturation) but received NaN'],
		['Infinity', [{ op: 'contrast', factor: Infinity }], 'Expected a number between 0 and 4 for steps[0].factor (contrast) but received Infinity'],
		['factor as a string', [{ op: 'brightness', factor: '1.2' }], 'Expected a number between 0 and 4 for steps[0].factor (brightness) but received "1.2"'],
		['missing factor', [{ op: 'brightness' }], 'Expected a number between 0 and 4 for steps[0].factor (brightness) but received undefined'],
		['unknown parameter (typo)', [{ op: 'brightness', factr: 1.2 }], 'Expected only the parameters factor for steps[0] (brightness) but received an unknown parameter "factr"'],
		['exposure out of range', [{ op: 'exposure', stops: 6 }], 'Expected a number between -5 and 5 for steps[0].stops (exposure) but received 6'],
		['gamma 0', [{ op: 'gamma', value: 0 }], 'Expected a number between 0.1 and 10 for steps[0].value (gamma) but received 0'],
		['temperature out of range', [{ op: 'temperature', percent: -101 }], 'Expected a number between -100 and 100 for steps[0].percent (temperature) but received -101'],
		['tint missing', [{ op: 'tint' }], 'Expected a number between -100 and 100 for steps[0].percent (tint) but received undefined'],
		['hue out of range', [{ op: 'hue', degrees: 400 }], 'Expected a number between -360 and 360 for steps[0].degrees (hue) but received 400'],
		['levels blackPoint 255', [{ op: 'levels', blackPoint: 255 }], 'Expected an integer between 0 and 254 for steps[0].blackPoint (levels) but received 255'],
		['levels white below black', [{ op: 'levels', blackPoint: 100, whitePoint: 90 }], 'Expected an integer between 101 and 255 for steps[0].whitePoint (levels) but received 90'],
		['levels fractional point', [{ op: 'levels', whitePoint: 200.5 }], 'Expected an integer between 1 and 255 for steps[0].whitePoint (levels) but received 200.5'],
		['levels gamma', [{ op: 'levels', gamma: 11 }], 'Expected a number between 0.1 and 10 for steps[0].gamma (levels) but received 11'],
		['levels channel', [{ op: 'levels', channel: 'alpha' }], 'Expected one of master, red, green, blue for steps[0].channel (levels) but received "alpha"'],
		['curves one point', [{ op: 'curves', points: [[0, 0]] }], 'Expected an array of 2 to 32 [input, output] pairs for steps[0].points (curves) but received an array of 1 items'],
		['curves missing points', [{ op: 'curves' }], 'Expected an array of 2 to 32 [input, output] pairs for steps[0].points (curves) but received undefined'],
		['curves bad pair', [{ op: 'curves', points: [[0, 0], [1, 2, 3]] }], 'Expected an [input, output] pair for steps[0].points[1] (curves) but received an array of 3 items'],
		['curves output out of range', [{ op: 'curves', points: [[0, 0], [255, 300]] }], 'Expected a number between 0 and 255 for steps[0].points[1][1] (curves) but received 300'],
		['curves inputs not increasing', [{ op: 'curves', points: [[0, 0], [120, 100], [120, 140]] }], 'Expected a number above 120 (inputs must increase) for steps[0].points[2][0] (curves) but received 120'],
		['grain strength', [{ op: 'grain', strength: 101 }], 'Expected a number between 0 and 100 for steps[0].strength (grain) but received 101'],
		['grain size fractional', [{ op: 'grain', strength: 10, size: 1.5 }], 'Expected an integer between 1 and 8 for steps[0].size (grain) but received 1.5'],
		['grain seed negative', [{ op: 'grain', strength: 10, seed: -1 }], 'Expected an integer between 0 and 4294967295 for steps[0].seed (grain) but received -1'],
		['grain monochrome string', [{ op: 'grain', strength: 10, monochrome: 'yes' }], 'Expected true or false for steps[0].monochrome (grain) but received "yes"'],
		['vignette radius', [{ op: 'vignette', strength: 10, radius: 2 }], 'Expected a number between 0 and 1.5 for steps[0].radius (vignette) but received 2'],
		['vignette softness', [{ op: 'vignette', strength: 10, softness: -0.1 }], 'Expected a number between 0 and 1 for steps[0].softness (vignette) but received -0.1'],
		['lut without cube', [{ op: 'lut' }], 'Expected the text of a .cube file or a parsed LUT for steps[0].cube (lut) but received undefined'],
		['lut empty cube', [{ op: 'lut', cube: '' }], 'Expected the text of a .cube file for steps[0].cube (lut) but received ""'],
		['lut strength', [{ op: 'lut', cube: 'LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n', strength: 2 }], 'Expected a number between 0 and 1 for steps[0].strength (lut) but received 2'],
		['lut interpolation', [{ op: 'lut', cube: 'LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n', interpolation: 'cubic' }], 'Expected one of tetrahedral, trilinear for steps[0].interpolation (lut) but received "cubic"'],
	])('%s', (_name, steps, expected) => {
		expect(message(() => validateSteps(steps))).toBe(expected);
	});

	test('a malformed .cube names the step', () => {
		const text = 'LUT_3D_SIZE 2\n0 0 0\n1 0 0\n';
		const error = message(() => validateSteps([{ op: 'gamma', value: 1 }, { op: 'lut', cube: text }]));
		expect(error).toMatch(/ \(in steps\[1\]\.cube, lut\)$/);
		expect(error).toMatch(/LUT_3D_SIZE 2/);
	});

	test('fills in defaults and does not modify its input', () => {
		const steps = [{ op: 'grain', strength: 20 }, { op: 'vignette', strength: 30 }, { op: 'levels' }, { op: 'curves', points: [[0, 10], [255, 250]] }];
		const copy = JSON.parse(JSON.stringify(steps)) as unknown;
		expect(validateSteps(steps)).toEqual([
			{ op: 'grain', strength: 20, size: 1, seed: 0, monochrome: true },
			{ op: 'vignette', strength: 30, radius: 1, softness: 0.5 },
			{ op: 'levels', blackPoint: 0, whitePoint: 255, gamma: 1, outputBlack: 0, outputWhite: 255, channel: 'master' },
			{ op: 'curves', points: [[0, 10], [255, 250]], channel: 'master' },
		]);
		expect(steps).toEqual(copy);
	});

	test('an empty list is valid (the image is only re-encoded)', () => {
		expect(validateSteps([])).toEqual([]);
	});
});

describe('validateOutputOptions', () => {
	test.each([
		['format', { format: 'gif' }, 'Expected one of same, jpeg, png, webp, avif for output.format but received "gif"'],
		['quality 0', { quality: 0 }, 'Expected an integer between 1 and 100 for output.quality but received 0'],
		['quality fractional', { quality: 90.5 }, 'Expected an integer between 1 and 100 for output.quality but received 90.5'],
		['keepMetadata string', { keepMetadata: 'true' }, 'Expected true or false for output.keepMetadata but received "true"'],
		['resize without size', { resize: {} }, 'Expected an object with width and/or height for output.resize but received an object'],
		['resize width 0', { resize: { width: 0 } }, 'Expected an integer between 1 and 65535 for output.resize.width but received 0'],
		['resize fit', { resize: { width: 100, fit: 'stretch' } }, 'Expected one of inside, outside, cover, contain, fill for output.resize.fit but received "stretch"'],
		['chroma', { chromaSubsampling: '4:2:2' }, 'Expected one of 4:2:0, 4:4:4 for output.chromaSubsampling but received "4:2:2"'],
		['unknown option', { qualty: 80 }, 'Expected only the options format, quality, keepMetadata, resize, chromaSubsampling, optimiseCoding for output but received an unknown option "qualty"'],
		['not an object', 'jpeg', 'Expected an object for output but received "jpeg"'],
	])('%s', (_name, output, expected) => {
		expect(message(() => validateOutputOptions(output))).toBe(expected);
	});

	test('defaults', () => {
		expect(validateOutputOptions(undefined)).toEqual({
			format: 'same',
			keepMetadata: false,
			chromaSubsampling: '4:2:0',
			optimiseCoding: false,
		});
	});
});

describe('entry points validate too', () => {
	test('adjustImage refuses bad steps before reading the image', async () => {
		await expect(adjustImage(Buffer.alloc(0), [{ op: 'brightness', factor: 5 }])).rejects.toThrow(
			'Expected a number between 0 and 4 for steps[0].factor (brightness) but received 5',
		);
	});

	test('applyStepsToRaw checks the buffer size and channels', async () => {
		await expect(applyStepsToRaw(Buffer.alloc(10), 2, 2, 3, [])).rejects.toThrow(
			'Expected 12 bytes (2x2x3) for raw but received a buffer of 10 bytes',
		);
		await expect(applyStepsToRaw(Buffer.alloc(8), 2, 2, 2 as 3, [])).rejects.toThrow('Expected 3 or 4 for channels but received 2');
	});
});
