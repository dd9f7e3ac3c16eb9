/**
 * Effect fidelity: how close a variant's measured tone change is to the change that was asked
 * for (Quantified Edit's quantities) or shown (the approved before/after pair of Reference Edit).
 *
 * The changes come from a least-squares fit of the global colour transform between the source
 * and the result, which are pixel-aligned (the result is an edit of the source): per channel k,
 * result_k = p_k * source_k + q_k * luma + o_k over unclipped block means. For PIL
 * ImageEnhance-style edits (brightness b, contrast c around the mean luma m, saturation s,
 * warmth w as R x (1 + w), B x (1 - w); what the fake provider applies) the fit recovers
 * c = a_G / b with b = a_G + o_G / m, s = sum p / sum a and w = (a_R - a_B) / (a_R + a_B), with
 * a_k = p_k + q_k: each attribute independently of the others, so a variant is not punished twice
 * for one miss. Brightness is the mean luma ratio (what a person sees, and what the nodes report
 * as the achieved brightness) without the part the measured warmth explains (R x 1.1, B x 0.9
 * raises the mean luma by 1 + w k, k = (0.299 R - 0.114 B) / luma of the source's mean colour).
 * For other edits the fit is the best global linear description. Without an aligned pair
 * (different sizes, too few unclipped blocks) the statistics-based {@link toneChange} is used.
 *
 * | attribute | measured change (percent) |
 * | --- | --- |
 * | brightness | mean luma ratio / (1 + w k) - 1 (fit); statistics fallback: mean luma after / before - 1 |
 * | contrast | c - 1 (fit); fallback: (luma std / mean luma) ratio - 1 |
 * | saturation | s - 1 (fit); fallback: (mean chroma / luma std) ratio - 1 |
 * | warmth (colour temperature) | 100 w (fit: "R x 1.1, B x 0.9" reads +10 %); fallback: change of mean R - B over the luma std ratio, in percent of 2 x the mean luma |
 *
 * The correlated colour temperature shift (K) is reported beside them, not scored (it would
 * count the warmth miss twice).
 *
 * The error is the Euclidean distance between measured and target changes in percentage
 * points, E; the score is 1 / (1 + E / {@link FIDELITY_SCALE_POINTS}): 1 for a perfect hit,
 * 0.83 for 1 point off, 0.5 for 5 points off. Attributes held at 0 because the prompt says not to
 * change them count only beyond {@link HELD_TOLERANCE_POINTS} (1 point, below what a person
 * notices and about the measurement's floor on 8-bit images), so their noise does not decide
 * between variants that differ in what was asked for; requested attributes count from 0.
 */
import { statsOf, type ImageStats, type Thumbnail } from '../analysis/stats';
import type { Attribute, Quantity } from '../prompt/quantities';

export const SCORED_ATTRIBUTES = ['brightness', 'contrast', 'saturation', 'warmth'] as const;
export type ScoredAttribute = (typeof SCORED_ATTRIBUTES)[number];

/** Percentage points of total error at which fidelity is 0.5. */
export const FIDELITY_SCALE_POINTS = 5;
/** A 'keepUnchanged' attribute's reading within this many points of 0 counts as no change. */
export const HELD_TOLERANCE_POINTS = 1;

/** A tone change per scored attribute, in percent (see the table above). */
export type ToneChange = Record<ScoredAttribute, number> & {
	/** Change of the mean colour's correlated colour temperature (K), reported, not scored. */
	colourTemperatureKelvin: number;
	/** 'fit' = aligned colour-transform fit; 'stats' = image statistics only. */
	method: 'fit' | 'stats';
};

/** Why an attribute has the target it has. */
export type TargetReason = 'requested' | 'keepUnchanged' | 'approvedPair';

export interface AttributeTarget {
	attribute: ScoredAttribute;
	/** Target change in percent. */
	percent: number;
	reason: TargetReason;
}

export interface FidelityTarget {
	/** The scored attributes and their targets; empty = nothing measurable was asked. */
	attributes: AttributeTarget[];
	/** Requested attributes that are not scored (tint, grain, sharpness, vignette, or moved by one of them). */
	notScored: Attribute[];
}

export interface FidelityScore {
	/** 0..1, 1 = exactly the target change. */
	score: number;
	/** Euclidean distance of measured and target changes (percentage points). */
	errorPoints: number;
	/** Per attribute; errorPoints is the miss as counted (after the tolerance of held attributes). */
	attributes: Array<{ attribute: ScoredAttribute; targetPercent: number; measuredPercent: number; errorPoints: number; reason: TargetReason }>;
}

/**
 * Measures the change from `before` to `after` per scored attribute from image statistics alone
 * (for images that are not pixel-aligned). Brightness and contrast are exact for PIL-style edits;
 * saturation and warmth interact (a warm cast adds chroma), see {@link measureToneChange}.
 *
 * @example toneChange(statsOf(originalThumb), statsOf(approvedThumb)).brightness; // -14.2
 * @param before - statistics of the source (or of the original of an approved pair)
 * @param after - statistics of the variant (or of the approved result)
 */
export function toneChange(before: ImageStats, after: ImageStats): ToneChange {
	const ratio = (to: number, from: number): number => (Math.abs(from) < 1e-9 ? 1 : to / from);
	const brightness = ratio(after.meanLuma, before.meanLuma);
	const tonal = ratio(after.lumaStd, before.lumaStd);
	const contrast = ratio(ratio(after.lumaStd, after.meanLuma), ratio(before.lumaStd, before.meanLuma));
	const saturation = ratio(ratio(after.meanChroma, after.lumaStd), ratio(before.meanChroma, before.lumaStd));
	const warmScale = 2 * Math.max(1, before.meanLuma);
	return {
		brightness: round((brightness - 1) * 100),
		contrast: round((contrast - 1) * 100),
		saturation: round((saturation - 1) * 100),
		warmth: round(((after.warmBalance / (tonal > 1e-6 ? tonal : 1) - before.warmBalance) / warmScale) * 100),
		colourTemperatureKelvin: after.cctKelvin - before.cctKelvin,
		method: 'stats',
	};
}

/**
 * Measures the change from `source` to `result`, two pixel-aligned RGB thumbnails of the same
 * size, from the fitted colour transform (see the module comment); falls back to {@link toneChange} when the sizes differ or
 * fewer than 64 unclipped blocks remain. A source without colour (all grey) has no measurable
 * saturation change: it reads 0.
 *
 * @example measureToneChange(sourceThumb, variantThumb); // { brightness: -14.9, contrast: 0.1, saturation: 0, warmth: 0, ... }
 * @param source - the image before the edit
 * @param result - the image after it, same width and height
 * @param stats - statistics of both when already measured
 */
export function measureToneChange(source: Thumbnail, result: Thumbnail, stats: { before?: ImageStats; after?: ImageStats } = {}): ToneChange {
	const before = stats.before ?? statsOf(source);
	const after = stats.after ?? statsOf(result);
	const fallback = toneChange(before, after);
	if (source.width !== result.width || source.height !== result.height) return fallback;
	const fit = fitTransform(source.data, result.data, source.width, source.height);
	if (!fit) return fallback;
	const [aR, aG, aB] = fit.gain;
	if (aG <= 1e-6 || aR + aB <= 1e-6) return fallback;
	const b = aG + fit.offsetG / Math.max(1, before.meanLuma);
	const warmth = (aR - aB) / (aR + aB);
	const [mR, mG, mB] = fit.mean;
	// What R x (1 + w), B x (1 - w) does to the mean luma: 1 + w k.
	const k = (LUMA_R * mR - LUMA_B * mB) / Math.max(1e-6, LUMA_R * mR + LUMA_G * mG + LUMA_B * mB);
	const castLuma = Math.max(1e-6, 1 + warmth * k);
	return {
		brightness: round(((1 + fallback.brightness / 100) / castLuma - 1) * 100),
		contrast: round((b > 1e-6 ? aG / b - 1 : 0) * 100),
		saturation: fit.saturation === null ? 0 : round((fit.saturation - 1) * 100),
		warmth: round(warmth * 100),
		colourTemperatureKelvin: fallback.colourTemperatureKelvin,
		method: 'fit',
	};
}

const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;
/** Blocks per short side for the fit: small enough to average out resampling differences. */
const FIT_BLOCKS = 96;

/**
 * Per channel k, least squares of result_k = p_k source_k + q_k luma + o_k over block means
 * (B x B pixel blocks, about {@link FIT_BLOCKS} on the short side, so that the two thumbnails'
 * different resampling does not dilute the fit); blocks with a clipped pixel (<= 1 or >= 254
 * in either image) are left out. Returns gains a_k = p_k + q_k, the green offset,
 * s = sum p / sum a (null when the source has no colour to scale: source_k and luma collinear)
 * and the mean source colour of the blocks used.
 */
function fitTransform(
	src: Buffer,
	out: Buffer,
	width: number,
	height: number,
): { gain: [number, number, number]; offsetG: number; saturation: number | null; mean: [number, number, number] } | null {
	const block = Math.max(1, Math.floor(Math.min(width, height) / FIT_BLOCKS));
	// Normal equations per channel over features [x_k, L, 1]: sums of x², xL, x, L², L, 1 and x y, L y, y.
	const m = new Float64Array(3 * 6);
	const v = new Float64Array(3 * 3);
	let used = 0;
	const mean: [number, number, number] = [0, 0, 0];
	const area = block * block;
	for (let by = 0; by + block <= height; by += block) {
		for (let bx = 0; bx + block <= width; bx += block) {
			let r = 0, g = 0, b = 0, r2 = 0, g2 = 0, b2 = 0;
			let clipped = false;
			for (let y = by; y < by + block && !clipped; y++) {
				let i = (y * width + bx) * 3;
				for (let x = 0; x < block; x++, i += 3) {
					const sr = src[i], sg = src[i + 1], sb = src[i + 2];
					const or = out[i], og = out[i + 1], ob = out[i + 2];
					if (sr <= 1 || sg <= 1 || sb <= 1 || sr >= 254 || sg >= 254 || sb >= 254 || or <= 1 || og <= 1 || ob <= 1 || or >= 254 || og >= 254 || ob >= 254) {
						clipped = true;
						break;
					}
					r += sr; g += sg; b += sb; r2 += or; g2 += og; b2 += ob;
				}
			}
			if (clipped) continue;
			r /= area; g /= area; b /= area; r2 /= area; g2 /= area; b2 /= area;
			const L = LUMA_R * r + LUMA_G * g + LUMA_B * b;
			accumulate(m, v, 0, r, L, r2);
			accumulate(m, v, 1, g, L, g2);
			accumulate(m, v, 2, b, L, b2);
			mean[0] += r;
			mean[1] += g;
			mean[2] += b;
			used++;
		}
	}
	if (used < 64) return null;
	for (let k = 0; k < 3; k++) mean[k] /= used;
	const gain: [number, number, number] = [0, 0, 0];
	let sumP = 0;
	let sumA = 0;
	let offsetG = 0;
	let colourless = false;
	for (let k = 0; k < 3; k++) {
		const [xx, xl, x1, ll, l1, n] = m.subarray(k * 6, k * 6 + 6);
		const [xy, ly, y1] = v.subarray(k * 3, k * 3 + 3);
		const full = solve3(Float64Array.of(xx, xl, x1, xl, ll, l1, x1, l1, n), Float64Array.of(xy, ly, y1));
		if (full) {
			gain[k] = full[0] + full[1];
			sumP += full[0];
			sumA += gain[k];
			if (k === 1) offsetG = full[2];
			continue;
		}
		// x_k and luma are collinear (no colour): fit result_k = a L + o.
		colourless = true;
		const det = n * ll - l1 * l1;
		if (Math.abs(det) < 1e-9 * n * ll) return null;
		gain[k] = (n * ly - l1 * y1) / det;
		if (k === 1) offsetG = (y1 - gain[k] * l1) / n;
	}
	return { gain, offsetG, saturation: colourless || Math.abs(sumA) < 1e-9 ? null : sumP / sumA, mean };
}

function accumulate(m: Float64Array, v: Float64Array, k: number, x: number, L: number, y: number): void {
	const o = k * 6;
	m[o] += x * x;
	m[o + 1] += x * L;
	m[o + 2] += x;
	m[o + 3] += L * L;
	m[o + 4] += L;
	m[o + 5] += 1;
	const p = k * 3;
	v[p] += x * y;
	v[p + 1] += L * y;
	v[p + 2] += y;
}

/** Solves the symmetric 3x3 system m x = v; null when it is (nearly) singular. */
function solve3(m: Float64Array, v: Float64Array): [number, number, number] | null {
	const [a, b, c, d, e, f, g, h, i] = m;
	const A = e * i - f * h;
	const B = -(d * i - f * g);
	const C = d * h - e * g;
	const det = a * A + b * B + c * C;
	const scale = Math.abs(a * e * i) + 1e-12;
	if (Math.abs(det) < 1e-7 * scale) return null;
	return [
		(A * v[0] + -(b * i - c * h) * v[1] + (b * f - c * e) * v[2]) / det,
		(B * v[0] + (a * i - c * g) * v[1] + -(a * f - c * d) * v[2]) / det,
		(C * v[0] + -(a * h - b * g) * v[1] + (a * e - b * d) * v[2]) / det,
	];
}

/**
 * Targets from Quantified Edit quantities. Requested attributes get their percent (exposure
 * counts as brightness when brightness is not given); the prompt tells the model not to change
 * the other scored attributes, so they get 0. A requested effect that cannot be measured takes
 * the attributes it moves out of scoring, requested or not: a vignette changes brightness and
 * contrast, grain and sharpness change contrast, tint changes saturation and warmth.
 *
 * @example targetFromQuantities([{ attribute: 'brightness', percent: -15 }]);
 * // brightness -15 (requested); contrast, saturation, warmth 0 (keepUnchanged)
 * @param quantities - the plan's quantities (validated)
 */
export function targetFromQuantities(quantities: Quantity[]): FidelityTarget {
	const asked = new Map<Attribute, number>();
	for (const q of quantities) if (q.percent !== 0 && !asked.has(q.attribute)) asked.set(q.attribute, q.percent);
	const requested: Partial<Record<ScoredAttribute, number>> = {
		brightness: asked.get('brightness') ?? asked.get('exposure'),
		contrast: asked.get('contrast'),
		saturation: asked.get('saturation'),
		warmth: asked.get('warmth'),
	};
	const disturbed = new Set<ScoredAttribute>();
	if (asked.has('vignette')) ['brightness', 'contrast'].forEach((a) => disturbed.add(a as ScoredAttribute));
	if (asked.has('grain') || asked.has('sharpness')) disturbed.add('contrast');
	if (asked.has('tint')) ['saturation', 'warmth'].forEach((a) => disturbed.add(a as ScoredAttribute));
	const attributes: AttributeTarget[] = [];
	const scored = new Set<Attribute>();
	for (const attribute of SCORED_ATTRIBUTES) {
		if (disturbed.has(attribute)) continue;
		const percent = requested[attribute];
		attributes.push(percent === undefined ? { attribute, percent: 0, reason: 'keepUnchanged' } : { attribute, percent, reason: 'requested' });
		if (percent !== undefined) scored.add(attribute === 'brightness' && !asked.has('brightness') ? 'exposure' : attribute);
	}
	return { attributes, notScored: [...asked.keys()].filter((a) => !scored.has(a)) };
}

/**
 * Targets from an approved pair: the change that turns the original into the approved result,
 * measured like the variants' ({@link measureToneChange}) when the two are aligned thumbnails of
 * the same size, else from their statistics.
 *
 * @example targetFromPair(originalThumb, approvedThumbAtTheSameSize);
 * @param original - RGB thumbnail of the original (before)
 * @param approved - RGB thumbnail of the approved result (after)
 */
export function targetFromPair(original: Thumbnail, approved: Thumbnail): FidelityTarget {
	const change = measureToneChange(original, approved);
	return {
		attributes: SCORED_ATTRIBUTES.map((attribute) => ({ attribute, percent: change[attribute], reason: 'approvedPair' as const })),
		notScored: [],
	};
}

/**
 * Scores a measured change against a target.
 *
 * @example fidelityScore(toneChange(before, after), targetFromQuantities(plan.quantities));
 * // { score: 0.87, errorPoints: 0.74, attributes: [...] }
 * @param change - from {@link toneChange}
 * @param target - from {@link targetFromQuantities} or {@link targetFromPair}
 * @returns null when the target has no attributes (nothing to measure)
 */
export function fidelityScore(change: ToneChange, target: FidelityTarget): FidelityScore | null {
	if (target.attributes.length === 0) return null;
	let sum = 0;
	const attributes = target.attributes.map((t) => {
		const miss = Math.abs(change[t.attribute] - t.percent);
		const error = t.reason === 'keepUnchanged' ? Math.max(0, miss - HELD_TOLERANCE_POINTS) : miss;
		sum += error * error;
		return { attribute: t.attribute, targetPercent: t.percent, measuredPercent: change[t.attribute], errorPoints: round(error), reason: t.reason };
	});
	const errorPoints = Math.sqrt(sum);
	return { score: 1 / (1 + errorPoints / FIDELITY_SCALE_POINTS), errorPoints: round(errorPoints), attributes };
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}
