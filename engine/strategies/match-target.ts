/**
 * Match Target: the finishing step of Multi-Sample. After the best variant is picked, its
 * remaining miss on each scored attribute (measured brightness, contrast, saturation, warmth vs
 * the target) is corrected with exact, deterministic operations, within a bound.
 *
 * Why: picking the best of N only narrows the model's spread so far. For a Gaussian miss, the
 * variant closest to the target among N = 5 still misses by ~0.35 sigma (rms), i.e. selection
 * alone cannot make a batch more than ~2.8x more consistent. The correction removes what is left
 * of a global tone miss, so a batch lands on the same numbers; the AI still does what only it
 * can (content-aware edits), and the correction is small by construction (bounded, default 10 %).
 *
 * The operations, in this order (each leaves the others' measurements unchanged, see
 * engine/scoring/fidelity.ts):
 * | attribute | operation | exact form |
 * | --- | --- | --- |
 * | warmth | levels on red and blue | red x (1 + t) / (1 + m), blue x (1 - t) / (1 - m), in 1/255 steps |
 * | saturation | PIL ImageEnhance.Color | factor (1 + t) / (1 + m) |
 * | contrast | PIL ImageEnhance.Contrast | factor (1 + t) / (1 + m) |
 * | brightness | exposure (engine/adjust) | stops 2.4 log2((1 + t) / (1 + m)) |
 * with t the target and m the measured change as fractions. Brightness uses exposure, not PIL's
 * brightness: PIL truncates, so a factor of 1.005 leaves every level below 200 unchanged and
 * 0.995 takes a whole level off every pixel, while exposure rounds to the nearest level and is,
 * in sRGB's power-law range, a multiplication by 2^(stops / 2.4) up to a small offset. Attributes the prompt holds
 * unchanged are corrected only beyond {@link HELD_TOLERANCE_POINTS}; misses under
 * {@link MIN_RESIDUAL_POINTS} are left alone. No correction needed = the image is returned as is.
 */
import { adjustImage } from '../adjust';
import type { AdjustStep, LevelsStep } from '../adjust/types';
import { numberInRange } from '../core/validate';
import { HELD_TOLERANCE_POINTS, type FidelityTarget, type ScoredAttribute, type ToneChange } from '../scoring/fidelity';

/** Largest change of any one factor by default, in percent (10 = factors 0.9..1.1). */
export const DEFAULT_MAX_CORRECTION_PERCENT = 10;
/** Upper bound of the user's setting, in percent. */
export const MAX_CORRECTION_PERCENT = 50;
/** A miss below this many percentage points is not corrected (the measurement resolves about 0.02). */
export const MIN_RESIDUAL_POINTS = 0.05;
/** sRGB's encoding exponent: a linear-light gain g scales encoded values by about g^(1 / 2.4). */
const SRGB_EXPONENT = 2.4;
/** JPEG/WebP/AVIF quality of a corrected image (PNG stays lossless). */
const CORRECTED_QUALITY = 95;

export interface MatchTargetOptions {
	/** Largest change of a factor, percent, 0..50. @default 10 */
	maxCorrectionPercent?: number;
}

/** One attribute's correction. */
export interface AttributeCorrection {
	attribute: ScoredAttribute;
	targetPercent: number;
	/** The variant's measured change before correction. */
	measuredPercent: number;
	/**
	 * Multiplier applied: brightness (as exposure), contrast and saturation factor; for warmth the
	 * red gain (the blue gain is {@link AttributeCorrection.blueFactor}). 1 = not corrected.
	 */
	factor: number;
	/** Warmth only: the blue gain. */
	blueFactor?: number;
	/** True when the full correction was beyond the bound and was cut to it. */
	clamped: boolean;
}

export interface TargetCorrectionPlan {
	/** Attributes with a correction (factor != 1), in the order applied. */
	corrections: AttributeCorrection[];
	/** The deterministic adjustment steps (engine/adjust); empty = nothing to correct. */
	steps: AdjustStep[];
}

/** Gains per operation; 1 = unchanged. Warmth is the red and blue gains of levels steps. */
interface Gains {
	red: number;
	blue: number;
	saturation: number;
	contrast: number;
	brightness: number;
}

const UNITY: Readonly<Gains> = Object.freeze({ red: 1, blue: 1, saturation: 1, contrast: 1, brightness: 1 });

/**
 * The gains that would move `change` onto `target` (unbounded), and which attributes asked;
 * `only` limits them to these attributes.
 */
function wantedGains(
	change: ToneChange,
	target: FidelityTarget,
	only?: ReadonlyMap<ScoredAttribute, unknown>,
): { gains: Gains; targets: Map<ScoredAttribute, { target: number; measured: number }> } {
	const gains: Gains = { ...UNITY };
	const targets = new Map<ScoredAttribute, { target: number; measured: number }>();
	for (const t of target.attributes) {
		if (only && !only.has(t.attribute)) continue;
		const measured = change[t.attribute];
		if (!Number.isFinite(measured)) continue;
		const tolerance = t.reason === 'keepUnchanged' ? HELD_TOLERANCE_POINTS : MIN_RESIDUAL_POINTS;
		if (Math.abs(measured - t.percent) <= tolerance) continue;
		const m = measured / 100;
		const tt = t.percent / 100;
		if (t.attribute === 'warmth') {
			// The fit reads warmth w as red x (1 + w), blue x (1 - w).
			if (!(Math.abs(m) < 1 && Math.abs(tt) < 1)) continue;
			gains.red = (1 + tt) / (1 + m);
			gains.blue = (1 - tt) / (1 - m);
		} else {
			if (m <= -1) continue;
			gains[t.attribute] = (1 + tt) / (1 + m);
		}
		targets.set(t.attribute, { target: t.percent, measured });
	}
	return { gains, targets };
}

/** Steps and the report for gains, each cut to 1 +- bound. */
function stepsFor(gains: Gains, bound: number, targets: Map<ScoredAttribute, { target: number; measured: number }>): TargetCorrectionPlan {
	const clamp = (gain: number): { gain: number; clamped: boolean } => {
		const limited = Math.min(1 + bound, Math.max(1 - bound, gain));
		return { gain: limited, clamped: Math.abs(limited - gain) > 1e-9 };
	};
	const corrections: AttributeCorrection[] = [];
	const steps: AdjustStep[] = [];
	const warmth = targets.get('warmth');
	if (warmth) {
		const red = clamp(gains.red);
		const blue = clamp(gains.blue);
		const redStep = channelGain('red', red.gain);
		const blueStep = channelGain('blue', blue.gain);
		const applied = { red: levelsGain(redStep), blue: levelsGain(blueStep) };
		if (applied.red !== 1 || applied.blue !== 1) {
			steps.push(redStep, blueStep);
			corrections.push({
				attribute: 'warmth',
				targetPercent: warmth.target,
				measuredPercent: warmth.measured,
				factor: round(applied.red),
				blueFactor: round(applied.blue),
				clamped: red.clamped || blue.clamped,
			});
		}
	}
	for (const attribute of ['saturation', 'contrast', 'brightness'] as const) {
		const want = targets.get(attribute);
		if (!want) continue;
		const { gain, clamped } = clamp(gains[attribute]);
		const factor = round(gain);
		if (factor === 1) continue;
		steps.push(attribute === 'brightness' ? { op: 'exposure', stops: round(SRGB_EXPONENT * Math.log2(factor)) } : { op: attribute, factor });
		corrections.push({ attribute, targetPercent: want.target, measuredPercent: want.measured, factor, clamped });
	}
	return { corrections, steps };
}

function boundOf(options: MatchTargetOptions): number {
	return numberInRange('Max Correction (%)', options.maxCorrectionPercent ?? DEFAULT_MAX_CORRECTION_PERCENT, 0, MAX_CORRECTION_PERCENT) / 100;
}

/**
 * Works out the correction of a measured change towards a target, without touching pixels.
 *
 * @example planTargetCorrection({ brightness: -12, contrast: 0.4, saturation: 0, warmth: 0, colourTemperatureKelvin: 0, method: 'fit' },
 * 	targetFromQuantities([{ attribute: 'brightness', percent: -15 }]));
 * // corrections: [{ attribute: 'brightness', factor: 0.9659, ... }], steps: [{ op: 'exposure', stops: -0.1203 }]
 * @param change - the variant's measured change (Multi-Sample's score.change)
 * @param target - what was asked or shown
 * @param options - see {@link MatchTargetOptions}
 * @throws {EngineError} invalidInput for a bound outside 0..50
 */
export function planTargetCorrection(change: ToneChange, target: FidelityTarget, options: MatchTargetOptions = {}): TargetCorrectionPlan {
	const bound = boundOf(options);
	const { gains, targets } = wantedGains(change, target);
	return stepsFor(gains, bound, targets);
}

export interface CorrectedImage {
	data: Buffer;
	mimeType: string;
	width: number;
	height: number;
}

/** Measures an image's change from the source, the way the variant's `change` was measured. */
export type ChangeMeter = (image: Buffer) => Promise<ToneChange>;

/** Refinement passes after the first correction, when a meter is given. */
const REFINE_PASSES = 3;

/**
 * Applies {@link planTargetCorrection} to an image. With a meter, the result is measured again
 * and the gains of the corrected attributes refined (up to {@link REFINE_PASSES} times, always
 * applied to the original variant, so pixels are quantised once), keeping the result closest to
 * the target: the operations interact slightly (each PIL operation truncates, which lowers the
 * mean by about half a level; clipping), and the meter has the last word. Deterministic: the
 * same image, change, target and meter give the same bytes.
 *
 * @example const { image, plan, after } = await matchTarget(best.image, measured, target, {}, meter);
 * @param image - the encoded variant (PNG, JPEG, WebP or AVIF; written back in its own format)
 * @param change - the variant's measured change (as the meter measures, when one is given)
 * @param measure - optional meter for refinement; see {@link ChangeMeter}
 * @returns the corrected image (the input itself when nothing needed correcting), the plan applied
 *   (corrections report the variant's original miss) and, with a meter, the result's measurement
 */
export async function matchTarget(
	image: CorrectedImage,
	change: ToneChange,
	target: FidelityTarget,
	options: MatchTargetOptions = {},
	measure?: ChangeMeter,
): Promise<{ image: CorrectedImage; plan: TargetCorrectionPlan; after?: ToneChange }> {
	const bound = boundOf(options);
	const first = wantedGains(change, target);
	const gains = first.gains;
	let plan = stepsFor(gains, bound, first.targets);
	if (plan.steps.length === 0) return { image, plan };
	const corrected = await apply(image, plan.steps);
	if (!measure) return { image: corrected, plan };
	let after = await measure(corrected.data);
	let best = { image: corrected, plan, after, miss: missOf(after, target) };
	for (let pass = 0; pass < REFINE_PASSES; pass++) {
		const residual = wantedGains(after, target, first.targets);
		if (residual.targets.size === 0) break;
		for (const key of Object.keys(gains) as Array<keyof Gains>) {
			gains[key] = Math.min(1 + bound, Math.max(1 - bound, gains[key])) * residual.gains[key];
		}
		const refined = stepsFor(gains, bound, first.targets);
		if (sameSteps(refined.steps, plan.steps)) break;
		plan = refined;
		const image2 = await apply(image, plan.steps);
		after = await measure(image2.data);
		const miss = missOf(after, target);
		if (miss < best.miss) best = { image: image2, plan, after, miss };
	}
	return { image: best.image, plan: best.plan, after: best.after };
}

/** Total miss in points, as fidelity counts it: held attributes only beyond their tolerance. */
function missOf(change: ToneChange, target: FidelityTarget): number {
	let sum = 0;
	for (const t of target.attributes) {
		const miss = Math.abs(change[t.attribute] - t.percent);
		const counted = t.reason === 'keepUnchanged' ? Math.max(0, miss - HELD_TOLERANCE_POINTS) : miss;
		sum += counted * counted;
	}
	return Math.sqrt(sum);
}

async function apply(image: CorrectedImage, steps: AdjustStep[]): Promise<CorrectedImage> {
	const result = await adjustImage(image.data, steps, { format: 'same', quality: CORRECTED_QUALITY }, { label: 'variant' });
	return { data: result.data, mimeType: result.info.mimeType, width: result.info.width, height: result.info.height };
}

function sameSteps(a: AdjustStep[], b: AdjustStep[]): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** A levels step that multiplies one channel by `gain`, as close as whole levels allow. */
function channelGain(channel: 'red' | 'blue', gain: number): LevelsStep {
	if (gain >= 1) return { op: 'levels', channel, whitePoint: Math.max(1, Math.min(255, Math.round(255 / gain))) };
	return { op: 'levels', channel, outputWhite: Math.max(0, Math.min(255, Math.round(255 * gain))) };
}

/** The gain a {@link channelGain} step really applies. */
function levelsGain(step: LevelsStep): number {
	return (step.outputWhite ?? 255) / (step.whitePoint ?? 255);
}

function round(value: number): number {
	return Math.round(value * 10000) / 10000;
}
