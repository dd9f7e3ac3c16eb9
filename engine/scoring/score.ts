/**
 * The Multi-Sample score of one variant: three sub-scores in 0..1 and their weighted mean.
 *
 * | sub-score | what it measures | default weight |
 * | --- | --- | --- |
 * | fidelity | measured change vs the requested quantities or the approved pair's change (fidelity.ts) | 0.5 |
 * | structure | SSIM of the variant's luma against the source, tone-matched (ssim.ts) | 0.3 |
 * | closeness | ΔE2000 colour distance to the approved result (closeness.ts) | 0.2 |
 *
 * A sub-score that cannot be computed (no approved result: closeness; no measurable target:
 * fidelity) is left out and the remaining weights are re-normalised. Everything runs on the
 * ~512 px analysis thumbnails of engine/analysis/stats.ts, never on full images.
 *
 * Calibration: a variant comes back at the model's resolution (1K-4K) while the source has its
 * own, so their thumbnails went through different resampling, which alone reads as up to ~1 point
 * of contrast or saturation change and an SSIM of ~0.99. When the scorer has the source image,
 * it measures that floor once per variant size on an identity copy (the source resized to the
 * variant's size, then thumbnailed the same way) and takes it out: the measured contrast,
 * saturation and warmth minus the copy's, the structure divided by the copy's (at most 1);
 * brightness stays as measured (it is the achieved brightness the nodes report). A perfect edit then reads within a few
 * tenths of a point of its target and a structure of 1 whatever the resolutions, so a re-roll
 * threshold means about the same on every image.
 */
import sharp from 'sharp';
import { resampled, statsOf, THUMBNAIL_SIDE, type ImageStats, type Thumbnail } from '../analysis/stats';
import { openImage } from '../image/input';
import { invalidParameterError, is, numberInRange, oneOf } from '../core/validate';
import {
	alignedDistance,
	closenessFromDeltaE,
	colourSignature,
	signatureDistance,
	CLOSENESS_METHODS,
	type ClosenessMethod,
	type ColourSignature,
} from './closeness';
import { fidelityScore, measureToneChange, type FidelityScore, type FidelityTarget, type ToneChange } from './fidelity';
import { lumaOf, structureKept, type GreyImage } from './ssim';

export interface ScoreWeights {
	/** Weight of effect fidelity. @default 0.5 */
	fidelity: number;
	/** Weight of structure kept (SSIM). @default 0.3 */
	structure: number;
	/** Weight of closeness to the approved result. @default 0.2 */
	closeness: number;
}

export const DEFAULT_SCORE_WEIGHTS: Readonly<ScoreWeights> = Object.freeze({ fidelity: 0.5, structure: 0.3, closeness: 0.2 });

const WEIGHT_NAMES: Readonly<Record<keyof ScoreWeights, string>> = {
	fidelity: 'Fidelity Weight',
	structure: 'Structure Weight',
	closeness: 'Closeness Weight',
};

/**
 * Validates user weights and fills in the defaults. Weights are relative (0.5/0.3/0.2 equals
 * 5/3/2); each is a number from 0 to 100 and at least one must be above 0.
 *
 * @example resolveScoreWeights({ closeness: 0 }); // { fidelity: 0.5, structure: 0.3, closeness: 0 }
 * @param partial - any of fidelity, structure, closeness; undefined keeps the default
 * @throws {EngineError} invalidInput naming the weight, e.g. "Expected a number between 0 and 100 for Fidelity Weight but received -1"
 */
export function resolveScoreWeights(partial: Partial<ScoreWeights> = {}): ScoreWeights {
	if (!is.plainObject(partial)) throw invalidParameterError('Score Weights', 'an object', partial);
	const weights = { ...DEFAULT_SCORE_WEIGHTS };
	for (const key of Object.keys(WEIGHT_NAMES) as Array<keyof ScoreWeights>) {
		if (partial[key] !== undefined) weights[key] = numberInRange(WEIGHT_NAMES[key], partial[key], 0, 100);
	}
	if (weights.fidelity + weights.structure + weights.closeness <= 0) {
		throw invalidParameterError('Score Weights', 'at least one weight above 0', '0, 0 and 0');
	}
	return weights;
}

/** Sub-scores in 0..1; null = not computed for this run. */
export interface SubScores {
	fidelity: number | null;
	structure: number | null;
	closeness: number | null;
}

/**
 * Weighted mean of the available sub-scores.
 *
 * @example combineScores({ fidelity: 0.9, structure: 1, closeness: null }, DEFAULT_SCORE_WEIGHTS);
 * // { combined: 0.9375, weights: { fidelity: 0.625, structure: 0.375, closeness: 0 } }
 * @param sub - the sub-scores
 * @param weights - validated weights ({@link resolveScoreWeights})
 * @returns the combined score and the weights actually used (normalised to sum 1)
 * @throws {EngineError} invalidInput when every available sub-score has weight 0
 */
export function combineScores(sub: SubScores, weights: ScoreWeights): { combined: number; weights: ScoreWeights } {
	const keys = (Object.keys(WEIGHT_NAMES) as Array<keyof ScoreWeights>).filter((k) => sub[k] !== null);
	const total = keys.reduce((s, k) => s + weights[k], 0);
	if (total <= 0) {
		throw invalidParameterError('Score Weights', `a weight above 0 for ${keys.join(' or ') || 'an available sub-score'}`, '0');
	}
	const used: ScoreWeights = { fidelity: 0, structure: 0, closeness: 0 };
	let combined = 0;
	for (const k of keys) {
		used[k] = weights[k] / total;
		combined += used[k] * (sub[k] as number);
	}
	return { combined, weights: used };
}

/** What a {@link Scorer} compares variants with. */
export interface ScorerSetup {
	/** RGB analysis thumbnail of the image being edited. */
	source: Thumbnail;
	/** The encoded source image, for calibration (see above); omitted = no calibration. */
	sourceImage?: Buffer;
	/** Target change; omitted = fidelity is not scored. */
	target?: FidelityTarget;
	/** RGB thumbnail of the approved result; omitted = closeness is not scored. */
	approved?: Thumbnail;
	/** How closeness compares. @default 'histogram' */
	closeness?: ClosenessMethod;
	/** User weights. @default {@link DEFAULT_SCORE_WEIGHTS} */
	weights?: Partial<ScoreWeights>;
}

export interface VariantScore extends SubScores {
	/** Weighted mean of the available sub-scores, 0..1. */
	combined: number;
	/** The weights used, normalised over the available sub-scores. */
	weights: ScoreWeights;
	/** Measured change per scored attribute. */
	change: ToneChange;
	fidelityDetail: FidelityScore | null;
	/** Mean ΔE2000 to the approved result; null without one. */
	closenessDeltaE: number | null;
	closenessMethod: ClosenessMethod | null;
}

/** Scores variants of one source image; prepares the source once. */
export interface Scorer {
	/** Which sub-scores this scorer computes. */
	readonly available: Readonly<Record<keyof ScoreWeights, boolean>>;
	/**
	 * @param variant - RGB analysis thumbnail of the variant (resampled to the source's size if needed)
	 * @param stats - its statistics when already measured (saves a pass)
	 * @param size - the variant's full width and height, for calibration; omitted = none
	 */
	score(variant: Thumbnail, stats?: ImageStats, size?: { width: number; height: number }): Promise<VariantScore>;
}

/**
 * Prepares scoring against one source.
 *
 * @example
 * const scorer = createScorer({ source: sourceThumb, target: targetFromQuantities(plan.quantities) });
 * const { combined, fidelity, structure } = await scorer.score(variantThumb);
 * @param setup - see {@link ScorerSetup}
 * @throws {EngineError} invalidInput for bad weights, a bad closeness method, or weights that are
 *   0 for every sub-score this setup can compute
 */
export function createScorer(setup: ScorerSetup): Scorer {
	const weights = resolveScoreWeights(setup.weights);
	const method = oneOf('Closeness Method', setup.closeness ?? 'histogram', CLOSENESS_METHODS);
	const available = { fidelity: Boolean(setup.target?.attributes.length), structure: true, closeness: Boolean(setup.approved) };
	// Fail before any call when the user's weights leave nothing to rank by.
	combineScores({ fidelity: available.fidelity ? 0 : null, structure: 0, closeness: available.closeness ? 0 : null }, weights);
	const source = setup.source;
	const sourceStats = statsOf(source);
	const sourceLuma: GreyImage = lumaOf(source);
	const approvedSignature: ColourSignature | undefined =
		setup.approved && method === 'histogram' ? colourSignature(setup.approved) : undefined;
	const approvedAtSize = new Map<string, Promise<Thumbnail>>();
	const floors = new Map<string, Promise<Floor>>();
	const floorAt = (size: { width: number; height: number } | undefined): Promise<Floor> | undefined => {
		if (!setup.sourceImage || !size) return undefined;
		const key = `${size.width}x${size.height}`;
		let floor = floors.get(key);
		if (!floor) {
			floor = measureFloor(setup.sourceImage, source, sourceStats, sourceLuma, size);
			floors.set(key, floor);
		}
		return floor;
	};

	return {
		available,
		async score(variant: Thumbnail, stats?: ImageStats, size?: { width: number; height: number }): Promise<VariantScore> {
			const floor = await floorAt(size);
			const sized = await resampled(variant, source.width, source.height);
			const variantStats = stats ?? statsOf(variant);
			const measured = measureToneChange(source, sized, { before: sourceStats, after: variantStats });
			const change = floor ? subtractFloor(measured, floor.change) : measured;
			const fidelityDetail = setup.target ? fidelityScore(change, setup.target) : null;
			const rawStructure = structureKept(sourceLuma, lumaOf(sized));
			const structure = floor ? Math.min(1, rawStructure / Math.max(1e-6, floor.structure)) : rawStructure;
			let closenessDeltaE: number | null = null;
			if (setup.approved) {
				if (approvedSignature) {
					closenessDeltaE = signatureDistance(colourSignature(variant), approvedSignature);
				} else {
					const key = `${variant.width}x${variant.height}`;
					let approved = approvedAtSize.get(key);
					if (!approved) {
						approved = resampled(setup.approved, variant.width, variant.height);
						approvedAtSize.set(key, approved);
					}
					closenessDeltaE = alignedDistance(variant, await approved);
				}
			}
			const sub: SubScores = {
				fidelity: fidelityDetail ? fidelityDetail.score : null,
				structure,
				closeness: closenessDeltaE === null ? null : closenessFromDeltaE(closenessDeltaE),
			};
			const { combined, weights: used } = combineScores(sub, weights);
			return {
				...roundAll(sub),
				combined: round(combined),
				weights: roundAll(used) as ScoreWeights,
				change,
				fidelityDetail,
				closenessDeltaE: closenessDeltaE === null ? null : round(closenessDeltaE),
				closenessMethod: setup.approved ? method : null,
			};
		},
	};
}

/** What resampling alone reads as, for one variant size. */
interface Floor {
	change: ToneChange;
	structure: number;
}

/** The source resized to the variant's size and thumbnailed like a variant, measured against the source. */
async function measureFloor(
	image: Buffer,
	source: Thumbnail,
	sourceStats: ImageStats,
	sourceLuma: GreyImage,
	size: { width: number; height: number },
): Promise<Floor> {
	// At the variant's full size: libvips shrinks large ratios in steps, so the reading depends on it.
	const copy = await openImage(image)
		.resize({ width: size.width, height: size.height, fit: 'fill', kernel: sharp.kernel.lanczos3 })
		.toColourspace('srgb')
		.removeAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	const { data, info } = await sharp(copy.data, { raw: { width: copy.info.width, height: copy.info.height, channels: 3 } })
		.resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true, kernel: sharp.kernel.lanczos3 })
		.raw()
		.toBuffer({ resolveWithObject: true });
	const sized = await resampled({ data, width: info.width, height: info.height }, source.width, source.height);
	return {
		change: measureToneChange(source, sized, { before: sourceStats }),
		structure: structureKept(sourceLuma, lumaOf(sized)),
	};
}

function subtractFloor(change: ToneChange, floor: ToneChange): ToneChange {
	if (change.method !== floor.method) return change;
	return {
		// Brightness stays as measured: it is the achieved brightness the nodes report.
		brightness: change.brightness,
		contrast: round3(change.contrast - floor.contrast),
		saturation: round3(change.saturation - floor.saturation),
		warmth: round3(change.warmth - floor.warmth),
		colourTemperatureKelvin: change.colourTemperatureKelvin - floor.colourTemperatureKelvin,
		method: change.method,
	};
}

function round3(value: number): number {
	return Math.round(value * 1000) / 1000;
}

function round(value: number): number {
	return Math.round(value * 10000) / 10000;
}

function roundAll<T extends object>(values: T): T {
	return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v])) as T;
}
