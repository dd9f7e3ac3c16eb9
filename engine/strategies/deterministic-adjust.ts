/**
 * Strategy 5, Deterministic Adjust: exact, repeatable tone and colour steps (engine/adjust), and
 * "Replicate approved edit": learn a 3D LUT from an approved before/after pair (engine/lut) and
 * replay it on any number of images, bit-identically and at zero cost.
 */
import { adjustImage } from '../adjust/adjust';
import type { AdjustOutputOptions, AdjustResult, AdjustStep } from '../adjust/types';
import { formatCube } from '../lut/cube-write';
import { learnLutFromFiles, type LearnLutFromFilesOptions, type LearnLutReport } from '../lut/learn';
import type { CubeLut } from '../lut/types';
import type { LutInterpolation } from '../lut/apply';
import { EngineError } from '../core/errors';

export interface AdjustRunOptions {
	/** Pixel limit for inputs. @default 100_000_000 */
	maxPixels?: number;
	/** Names the input in errors. */
	label?: string;
}

/**
 * Runs the steps in the order given and encodes the result.
 * @example await runAdjust(jpeg, [{ op: 'brightness', factor: 0.85 }], { format: 'jpeg', quality: 90 })
 * @throws {EngineError} invalidInput naming the step and parameter, or the image problem
 */
export function runAdjust(input: Buffer, steps: AdjustStep[], output: AdjustOutputOptions = {}, options: AdjustRunOptions = {}): Promise<AdjustResult> {
	return adjustImage(input, steps, output, options);
}

export interface LearnedEdit {
	lut: CubeLut;
	/** The LUT as a 3D .cube file, ready to store and reuse. */
	cube: string;
	report: LearnLutReport;
}

/**
 * Learns the colour transform that turns `original` into `approved`.
 * @example const learned = await learnApprovedEdit(before, after); // learned.report.verdict
 * @param options - LUT size (default 33), smoothness (default 1), pixel limits
 * @throws {EngineError} invalidInput for unreadable images or pairs of different shape
 */
export async function learnApprovedEdit(original: Buffer, approved: Buffer, options: LearnLutFromFilesOptions = {}): Promise<LearnedEdit> {
	const { lut, report } = await learnLutFromFiles(original, approved, options);
	return { lut, cube: formatCube(lut, { title: 'Learned look' }), report };
}

/**
 * Replays a learned edit on an image: one exact LUT step, then the output options.
 * @param strength - mix with the input, 0..1 @default 1
 */
export function replayLearnedEdit(
	input: Buffer,
	lut: CubeLut,
	output: AdjustOutputOptions = {},
	options: AdjustRunOptions & { strength?: number; interpolation?: LutInterpolation } = {},
): Promise<AdjustResult> {
	const step: AdjustStep = { op: 'lut', cube: lut, strength: options.strength ?? 1, interpolation: options.interpolation ?? 'tetrahedral' };
	return adjustImage(input, [step], output, { maxPixels: options.maxPixels, label: options.label });
}

/**
 * Parses curve points written as text: "0,0; 128,140; 255,255" -> [[0,0],[128,140],[255,255]].
 * Ranges and ordering are checked by the step validation.
 * @param name - parameter name for errors, e.g. 'steps[2].points (curves)'
 * @throws {EngineError} invalidInput for a pair that is not two numbers
 */
export function parseCurvePoints(text: string, name: string): Array<[number, number]> {
	const pairs = text.split(';').map((p) => p.trim()).filter(Boolean);
	return pairs.map((pair) => {
		const values = pair.split(',').map((v) => Number(v.trim()));
		if (values.length !== 2 || values.some((v) => !Number.isFinite(v))) {
			throw new EngineError('invalidInput', `Expected "input,output" pairs separated by ";" for ${name} but received "${pair}"`, { parameter: name });
		}
		return [values[0], values[1]] as [number, number];
	});
}

/**
 * Reads steps given as JSON text (or an already parsed value); the steps are validated later.
 * @throws {EngineError} invalidInput when the text is not JSON
 */
export function parseStepsJson(value: unknown): AdjustStep[] {
	if (typeof value !== 'string') return value as AdjustStep[];
	try {
		return JSON.parse(value) as AdjustStep[];
	} catch {
		throw new EngineError('invalidInput', 'Steps (JSON) is not valid JSON', { parameter: 'Steps (JSON)' });
	}
}
