/**
 * Closeness to the approved result, in CIEDE2000 (D65) -- the colour-difference formula of
 * engine/color/delta-e.ts. Two ways to compare:
 *
 * - 'histogram' (default, for a different photo than the approved one): each image's pixels are
 *   split into {@link SIGNATURE_BINS} equal-count groups by lightness (L* quantiles) and each
 *   group's mean Lab colour is taken; the distance is the mean ΔE2000 of corresponding groups.
 *   It compares tone curve and colour cast per tone (shadows, mid-tones, highlights), not content.
 * - 'aligned' (for the same scene, e.g. re-doing an approved edit of this very photo): mean
 *   per-pixel ΔE2000 of the two thumbnails at the same size (compareImages).
 *
 * The score is 1 / (1 + ΔE / {@link CLOSENESS_SCALE_DELTA_E}): 1 for identical colours, 0.83 at
 * ΔE 2 (barely perceptible), 0.5 at ΔE 10 (clearly different).
 */
import type { Thumbnail } from '../analysis/stats';
import { rgbBufferToLab } from '../color/convert';
import { compareImages, deltaE2000Values } from '../color/delta-e';
import { integerInRange, invalidParameterError } from '../core/validate';

export const CLOSENESS_METHODS = ['histogram', 'aligned'] as const;
export type ClosenessMethod = (typeof CLOSENESS_METHODS)[number];

/** Lightness groups of a colour signature. */
export const SIGNATURE_BINS = 16;
/** Mean ΔE2000 at which closeness is 0.5. */
export const CLOSENESS_SCALE_DELTA_E = 10;

/** Mean L*, a*, b* of each lightness group, darkest first. */
export interface ColourSignature {
	/** 3 numbers per group. */
	lab: Float64Array;
	bins: number;
}

const L_LEVELS = 1000;
/** Pixels sampled per signature at most (about). */
const SIGNATURE_SAMPLES = 65_536;

/**
 * The colour signature of an RGB thumbnail: mean Lab of each of `bins` equal-count lightness
 * groups (L* quantiles; a histogram bin on a boundary is shared pro rata). Thumbnails above
 * ~64K pixels are sampled at every n-th pixel.
 *
 * @example const signature = colourSignature(await thumbnail(approvedPng));
 * @param thumb - 8-bit RGB pixels
 * @param bins - number of groups, 1..64; default {@link SIGNATURE_BINS}
 * @throws {EngineError} invalidInput for a bad buffer or bin count
 */
export function colourSignature(thumb: Thumbnail, bins = SIGNATURE_BINS): ColourSignature {
	integerInRange('bins', bins, 1, 64);
	// A distribution needs no more than ~64K samples: every n-th pixel of larger thumbnails.
	const sampleStep = Math.max(1, Math.floor(thumb.data.length / 3 / SIGNATURE_SAMPLES));
	const lab = rgbBufferToLab(thumb.data, 3, { sampleStep });
	const count = new Float64Array(L_LEVELS);
	const sumL = new Float64Array(L_LEVELS);
	const sumA = new Float64Array(L_LEVELS);
	const sumB = new Float64Array(L_LEVELS);
	for (let i = 0; i < lab.length; i += 3) {
		const level = Math.min(L_LEVELS - 1, Math.max(0, Math.floor((lab[i] / 100) * L_LEVELS)));
		count[level]++;
		sumL[level] += lab[i];
		sumA[level] += lab[i + 1];
		sumB[level] += lab[i + 2];
	}
	const pixels = lab.length / 3;
	if (pixels === 0) throw invalidParameterError('thumb', 'an image with at least one pixel', thumb.data);
	const perBin = pixels / bins;
	const out = new Float64Array(bins * 3);
	const weight = new Float64Array(bins);
	let bin = 0;
	let room = perBin;
	for (let level = 0; level < L_LEVELS; level++) {
		let left = count[level];
		if (left === 0) continue;
		const mL = sumL[level] / left;
		const mA = sumA[level] / left;
		const mB = sumB[level] / left;
		while (left > 1e-9) {
			const take = bin === bins - 1 ? left : Math.min(left, room);
			out[bin * 3] += take * mL;
			out[bin * 3 + 1] += take * mA;
			out[bin * 3 + 2] += take * mB;
			weight[bin] += take;
			left -= take;
			room -= take;
			if (room <= 1e-9 && bin < bins - 1) {
				bin++;
				room = perBin;
			}
		}
	}
	for (let k = 0; k < bins; k++) {
		const w = weight[k] || 1;
		out[k * 3] /= w;
		out[k * 3 + 1] /= w;
		out[k * 3 + 2] /= w;
	}
	return { lab: out, bins };
}

/**
 * Mean CIEDE2000 between corresponding lightness groups of two signatures.
 *
 * @example signatureDistance(colourSignature(a), colourSignature(b)); // 3.1
 * @throws {EngineError} invalidInput when the signatures have different bin counts
 */
export function signatureDistance(a: ColourSignature, b: ColourSignature): number {
	if (a.bins !== b.bins) throw invalidParameterError('b', `a signature with ${a.bins} bins`, b.bins);
	let sum = 0;
	for (let k = 0; k < a.bins; k++) {
		const i = k * 3;
		sum += deltaE2000Values(a.lab[i], a.lab[i + 1], a.lab[i + 2], b.lab[i], b.lab[i + 1], b.lab[i + 2]);
	}
	return sum / a.bins;
}

/**
 * Mean per-pixel CIEDE2000 of two RGB thumbnails of the same size.
 *
 * @example alignedDistance(variantThumb, approvedThumbAtSameSize); // 1.7
 * @throws {EngineError} invalidInput when the sizes differ
 */
export function alignedDistance(a: Thumbnail, b: Thumbnail): number {
	if (a.width !== b.width || a.height !== b.height) {
		throw invalidParameterError('b', `a thumbnail of ${a.width}x${a.height}`, `${b.width}x${b.height}`);
	}
	return compareImages(a.data, b.data, 3).meanDeltaE;
}

/**
 * Turns a mean ΔE2000 into the 0..1 closeness sub-score.
 *
 * @example closenessFromDeltaE(10); // 0.5
 * @param deltaE - mean ΔE2000, >= 0
 */
export function closenessFromDeltaE(deltaE: number): number {
	return 1 / (1 + Math.max(0, deltaE) / CLOSENESS_SCALE_DELTA_E);
}
