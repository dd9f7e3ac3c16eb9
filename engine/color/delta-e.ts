/**
 * Colour difference: CIEDE2000 (CIE 142-2001, as worked out by Sharma, Wu and Dalal, 2005) for
 * single colours, and a whole-image comparison that summarises it (mean, 95th percentile, share
 * of clearly different pixels). A ΔE2000 of about 1 is a just-noticeable difference; above 10
 * the colours are obviously different.
 */
import { integerInRange, invalidParameterError, is } from '../core/validate';
import { checkPixels, rgbBufferToLab } from './convert';

const DEG = Math.PI / 180;
const POW25_7 = 25 ** 7;

/** Parametric weights of CIEDE2000; 1, 1, 1 for the reference conditions. */
export interface DeltaE2000Weights {
	/** Lightness weight. @default 1 */
	kL?: number;
	/** Chroma weight. @default 1 */
	kC?: number;
	/** Hue weight. @default 1 */
	kH?: number;
}

/**
 * CIEDE2000 colour difference between two CIELAB colours.
 *
 * @example deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485]); // 2.0425 (Sharma et al., pair 1)
 * @param lab1 - L*, a*, b* of the first colour
 * @param lab2 - L*, a*, b* of the second colour
 * @param weights - kL, kC, kH; each default 1
 * @returns ΔE00 (0 for identical colours; symmetric in its two arguments)
 * @throws {EngineError} kind 'invalidInput' when a colour is not three finite numbers or a weight is not positive
 */
export function deltaE2000(lab1: ArrayLike<number>, lab2: ArrayLike<number>, weights: DeltaE2000Weights = {}): number {
	checkLab(lab1, 'lab1');
	checkLab(lab2, 'lab2');
	const kL = positive(weights.kL ?? 1, 'kL');
	const kC = positive(weights.kC ?? 1, 'kC');
	const kH = positive(weights.kH ?? 1, 'kH');
	return deltaE2000Values(lab1[0], lab1[1], lab1[2], lab2[0], lab2[1], lab2[2], kL, kC, kH);
}

/**
 * CIEDE2000 on six plain numbers, without argument checks: the inner loop of image comparisons.
 *
 * @example deltaE2000Values(50, 2.5, 0, 50, 0, -2.5); // 4.3065
 * @param L1 - L* of the first colour (and a1, b1 its a*, b*)
 * @param L2 - L* of the second colour (and a2, b2 its a*, b*)
 * @param kL - lightness weight; default 1 (kC, kH likewise)
 * @throws nothing (no argument checks; NaN in gives NaN out)
 */
export function deltaE2000Values(
	L1: number,
	a1: number,
	b1: number,
	L2: number,
	a2: number,
	b2: number,
	kL = 1,
	kC = 1,
	kH = 1,
): number {
	// Square roots as `** 0.5` (an operator; Math calls are not inlined in every sandbox, e.g. jest's).
	const C1 = (a1 * a1 + b1 * b1) ** 0.5;
	const C2 = (a2 * a2 + b2 * b2) ** 0.5;
	const Cbar = (C1 + C2) / 2;
	const Cbar7 = Cbar ** 7;
	const G = 0.5 * (1 - (Cbar7 / (Cbar7 + POW25_7)) ** 0.5);
	const a1p = (1 + G) * a1;
	const a2p = (1 + G) * a2;
	const C1p = (a1p * a1p + b1 * b1) ** 0.5;
	const C2p = (a2p * a2p + b2 * b2) ** 0.5;
	const h1p = hueAngle(b1, a1p);
	const h2p = hueAngle(b2, a2p);

	const dLp = L2 - L1;
	const dCp = C2p - C1p;
	const chromaProduct = C1p * C2p;
	let dhp = 0;
	if (chromaProduct !== 0) {
		dhp = h2p - h1p;
		if (dhp > 180) dhp -= 360;
		else if (dhp < -180) dhp += 360;
	}
	const dHp = 2 * chromaProduct ** 0.5 * Math.sin((dhp / 2) * DEG);

	const Lbarp = (L1 + L2) / 2;
	const Cbarp = (C1p + C2p) / 2;
	let hbarp = h1p + h2p;
	if (chromaProduct !== 0) {
		if (Math.abs(h1p - h2p) <= 180) hbarp /= 2;
		else hbarp = hbarp < 360 ? (hbarp + 360) / 2 : (hbarp - 360) / 2;
	}
	const T =
		1 -
		0.17 * Math.cos((hbarp - 30) * DEG) +
		0.24 * Math.cos(2 * hbarp * DEG) +
		0.32 * Math.cos((3 * hbarp + 6) * DEG) -
		0.2 * Math.cos((4 * hbarp - 63) * DEG);
	const dTheta = 30 * Math.exp(-(((hbarp - 275) / 25) ** 2));
	const Cbarp7 = Cbarp ** 7;
	const RC = 2 * (Cbarp7 / (Cbarp7 + POW25_7)) ** 0.5;
	const Lm50sq = (Lbarp - 50) ** 2;
	const SL = 1 + (0.015 * Lm50sq) / (20 + Lm50sq) ** 0.5;
	const SC = 1 + 0.045 * Cbarp;
	const SH = 1 + 0.015 * Cbarp * T;
	const RT = -Math.sin(2 * dTheta * DEG) * RC;

	const l = dLp / (kL * SL);
	const c = dCp / (kC * SC);
	const h = dHp / (kH * SH);
	return (l * l + c * c + h * h + RT * c * h) ** 0.5;
}

/** Hue angle in degrees, 0..360; 0 for a neutral colour. */
function hueAngle(b: number, ap: number): number {
	if (b === 0 && ap === 0) return 0;
	const h = Math.atan2(b, ap) / DEG;
	return h < 0 ? h + 360 : h;
}

/** Summary of the per-pixel CIEDE2000 differences between two images. */
export interface ImageDifference {
	/** Mean ΔE2000 over the compared pixels. */
	meanDeltaE: number;
	/** 95th percentile of ΔE2000 (nearest-rank). */
	p95DeltaE: number;
	/** Share (0..1) of compared pixels with ΔE2000 above 10. */
	shareOver10: number;
}

export interface CompareImagesOptions {
	/** Compare every n-th pixel only (pixels 0, n, 2n, ... in memory order). @default 1 */
	sampleStep?: number;
}

/**
 * Compares two images of the same size pixel by pixel in CIEDE2000 (both read as 8-bit sRGB;
 * alpha ignored).
 *
 * @example
 * const { meanDeltaE, p95DeltaE, shareOver10 } = compareImages(before, after, 3);
 * // identical images: { meanDeltaE: 0, p95DeltaE: 0, shareOver10: 0 }
 * @param a - first image, interleaved 8-bit pixels
 * @param b - second image, same length and layout
 * @param channels - 3 or 4, for both
 * @param options - `sampleStep` (default 1: every pixel), see {@link CompareImagesOptions}
 * @returns mean, 95th percentile and share above 10 of ΔE2000
 * @throws {EngineError} kind 'invalidInput' for buffers of different lengths, bad channels or step
 */
export function compareImages(
	a: Buffer,
	b: Buffer,
	channels: 3 | 4,
	options: CompareImagesOptions = {},
): ImageDifference {
	checkPixels(a, channels, 'a');
	checkPixels(b, channels, 'b');
	if (a.length !== b.length) {
		throw invalidParameterError('b', `an image of the same size as a (${a.length} bytes)`, `${b.length} bytes`);
	}
	if (!is.plainObject(options)) throw invalidParameterError('options', 'an object', options);
	const sampleStep = integerInRange('sampleStep', options.sampleStep ?? 1, 1, 1_000_000);
	const labA = rgbBufferToLab(a, channels, { sampleStep });
	const labB = rgbBufferToLab(b, channels, { sampleStep });
	const differences = new Float64Array(labA.length / 3);
	for (let i = 0, k = 0; k < differences.length; i += 3, k++) {
		differences[k] = deltaE2000Values(labA[i], labA[i + 1], labA[i + 2], labB[i], labB[i + 1], labB[i + 2]);
	}
	return summariseDifferences(differences);
}

/**
 * Mean, 95th percentile (nearest-rank) and share above 10 of a list of ΔE values.
 *
 * @example summariseDifferences(Float64Array.of(0, 1, 2, 20)); // { meanDeltaE: 5.75, p95DeltaE: 20, shareOver10: 0.25 }
 * @param differences - ΔE values; reordered in place
 * @returns zeros for an empty list
 * @throws nothing
 */
export function summariseDifferences(differences: Float64Array): ImageDifference {
	const count = differences.length;
	if (count === 0) return { meanDeltaE: 0, p95DeltaE: 0, shareOver10: 0 };
	let sum = 0;
	let over = 0;
	for (let k = 0; k < count; k++) {
		const d = differences[k];
		sum += d;
		if (d > 10) over++;
	}
	const rank = Math.max(1, Math.ceil(0.95 * count));
	return { meanDeltaE: sum / count, p95DeltaE: kthSmallest(differences, rank - 1), shareOver10: over / count };
}

/**
 * The k-th smallest value (0-based) of a list, in linear expected time (Hoare's quickselect with
 * a middle pivot); the list is reordered.
 *
 * @example kthSmallest(Float64Array.of(5, 1, 4, 2), 1); // 2
 * @param values - the list; reordered in place
 * @param k - 0-based rank, 0..values.length-1
 * @returns the value, or 0 for an empty list
 * @throws nothing (k is not checked)
 */
export function kthSmallest(values: Float64Array, k: number): number {
	if (values.length === 0) return 0;
	let lo = 0;
	let hi = values.length - 1;
	while (lo < hi) {
		const pivot = values[(lo + hi) >> 1];
		let i = lo;
		let j = hi;
		while (i <= j) {
			while (values[i] < pivot) i++;
			while (values[j] > pivot) j--;
			if (i <= j) {
				const t = values[i];
				values[i] = values[j];
				values[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j) hi = j;
		else if (k >= i) lo = i;
		else return values[k];
	}
	return values[k];
}

function checkLab(lab: ArrayLike<number>, name: string): void {
	if (
		lab === null ||
		typeof lab !== 'object' ||
		lab.length !== 3 ||
		!is.number(lab[0]) ||
		!is.number(lab[1]) ||
		!is.number(lab[2])
	) {
		throw invalidParameterError(name, 'an array of 3 finite numbers (L*, a*, b*)', lab);
	}
}

function positive(value: unknown, name: string): number {
	if (!is.number(value) || value <= 0) throw invalidParameterError(name, 'a positive number', value);
	return value;
}
