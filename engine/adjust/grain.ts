/**
 * Seeded film grain. The noise comes from mulberry32 (a 32-bit generator) started at the seed and
 * drawn in a fixed order (row by row, left to right), so the same seed, size and image size give
 * the same grain bit for bit on every run, at any concurrency: all generator state is local to
 * one call.
 *
 * - Noise values are standard normal quantiles: 10 bits of a draw pick one of 1,024
 *   equal-probability quantiles (Acklam's inverse CDF at (k + 0.5) / 1024, |z| <= 3.3). A draw
 *   gives three values, from bits 0-9, 10-19 and 20-29: R, G and B of one pixel (colour grain),
 *   or three consecutive pixels (monochrome grain at size 1), or R, G, B of one grid point
 *   (colour, size > 1); monochrome grid points use bits 0-9 of one draw each.
 * - The grain is weighted by the pixel's luma l = L / 255 (PIL's 601 luma of the pixel before
 *   grain): standard deviation `0.2 * strength * sqrt(4 l (1 - l))` levels, i.e. 20 levels at
 *   strength 100 in the mid-tones, fading to nothing at pure black and pure white.
 * - Size 1: each channel becomes `v + round(amplitude(L) * z)` (half up), clamped to 0..255.
 * - Size s > 1: the noise is drawn on a grid s times coarser (one point per s x s block plus one
 *   extra row and column, drawn row by row) and enlarged with bilinear weights, divided by the
 *   weights' root sum of squares so the grain has the same standard deviation at every pixel;
 *   each channel becomes `round(v + amplitude(L) * n)`, clamped.
 */
import { lutPass, type StripPass, type Workspace } from './kernels';
import { IDENTITY_LUTS, type ChannelLuts } from './point-lut';

/** Resolved grain parameters. */
export interface GrainParameters {
	/** 0..100 */
	strength: number;
	/** Integer 1..8 */
	size: number;
	/** Integer 0..2^32-1 */
	seed: number;
	monochrome: boolean;
}

// Math functions held in module constants (fast global-free lookups, also in jest's vm sandbox).
const { imul } = Math;

/** Standard deviation in levels at strength 100 and mid-grey. */
const SIGMA_AT_FULL_STRENGTH = 20;

/** Bits of a draw per noise value. */
const QUANTILE_BITS = 10;
const QUANTILE_COUNT = 1 << QUANTILE_BITS;

/** The standard normal quantiles at (k + 0.5) / 1024: a constant, computed once at load, never written. */
function buildQuantiles(): Float64Array {
	const t = new Float64Array(QUANTILE_COUNT);
	for (let k = 0; k < QUANTILE_COUNT; k++) t[k] = inverseNormalCdf((k + 0.5) / QUANTILE_COUNT);
	return t;
}

/**
 * Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
 *
 * @example inverseNormalCdf(0.975); // 1.95996...
 * @param p - probability in (0, 1)
 */
export function inverseNormalCdf(p: number): number {
	const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
	const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
	const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
	const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
	const low = 0.02425;
	if (p < low) {
		const q = Math.sqrt(-2 * Math.log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - low) {
		const q = Math.sqrt(-2 * Math.log(1 - p));
		return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	const q = p - 0.5;
	const r = q * q;
	return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Grain amplitude (standard deviation in levels) for each luma 0..255.
 *
 * @example grainAmplitudes(50)[128]; // 9.99...
 * @param strength - 0..100
 * @returns a 256-entry table
 */
export function grainAmplitudes(strength: number): Float64Array {
	const t = new Float64Array(256);
	const sigma = (SIGMA_AT_FULL_STRENGTH * strength) / 100;
	for (let l = 0; l < 256; l++) {
		const x = l / 255;
		t[l] = sigma * Math.sqrt(4 * x * (1 - x));
	}
	return t;
}

/**
 * Prepares seeded grain for an image: the returned pass adds it, in place, to a strip of rows,
 * after the pending tables `pre`. Strips can be run in any order and split anywhere: the
 * generator is counter-based (mulberry32's state after k draws is seed + k x increment), so
 * each row's noise is the same whether the image is done in one piece or strip by strip.
 * Size 1 runs in WebAssembly (kernels.c): monochrome takes one draw for three consecutive pixels
 * (bits 0-9, 10-19, 20-29), colour one draw per pixel (the same bits for R, G, B); each channel
 * becomes clamp(v + round(amplitude(L) * z)), rounding half up, z the normal quantile of the
 * 10 bits. Larger sizes run in JavaScript, on a view of the strip. Alpha is left as it is.
 *
 * @example group.push(grainPass(ws, 6000, 3, { strength: 30, size: 2, seed: 7, monochrome: true }, null));
 * @param ws - the run's workspace
 * @param width - pixels per row
 * @param channels - 3 or 4
 * @param p - strength, size, seed, monochrome (validated by the caller)
 * @param pre - tables to apply first (fused into this pass), or null
 */
export function grainPass(ws: Workspace, width: number, channels: 3 | 4, p: GrainParameters, pre: ChannelLuts | null): StripPass {
	const amplitudes = grainAmplitudes(p.strength);
	// The generator works on 32-bit integers; `| 0` keeps the seed's bits (as Math.imul would).
	const seed = p.seed | 0;
	if (p.size === 1) {
		// The loop has no tables of its own: pending tables run as a pass just before it.
		const deltas = ws.put(grainDeltas(amplitudes));
		const kernel = p.monochrome ? ws.k.grain_mono : ws.k.grain_colour;
		const grain: StripPass = (at, pixels, y0) => kernel(at, y0 * width, pixels, channels, seed, deltas);
		if (!pre) return grain;
		const tables = lutPass(ws, channels, pre);
		return (at, pixels, y0, y1) => {
			tables(at, pixels, y0, y1);
			grain(at, pixels, y0, y1);
		};
	}
	const rows = coarseGrain(width, channels, amplitudes, p, pre ?? IDENTITY_LUTS);
	return (at, pixels, y0, y1) => rows(ws.bytes().subarray(at, at + pixels * channels), y0, y1);
}

/**
 * The rounded noise, in levels, for every luma L and 10-bit draw z: entry `(L << 10) | z` is
 * `floor(amplitude(L) * quantile(z) + 0.5)` (at most 63 in size: amplitude <= 20, |quantile| < 3.2).
 */
function grainDeltas(amplitudes: Float64Array): Int8Array {
	const t = new Int8Array(256 * QUANTILE_COUNT);
	for (let l = 0; l < 256; l++) {
		for (let z = 0; z < QUANTILE_COUNT; z++) t[(l << QUANTILE_BITS) | z] = Math.floor(amplitudes[l] * QUANTILES[z] + 0.5);
	}
	return t;
}

/** mulberry32's output for a state (the state advances by {@link MULBERRY_INCREMENT} per draw). */
function mulberryOutput(state: number): number {
	let t = imul(state ^ (state >>> 15), state | 1);
	t ^= t + imul(t ^ (t >>> 7), t | 61);
	return (t ^ (t >>> 14)) >>> 0;
}

const MULBERRY_INCREMENT = 0x6d2b79f5;

/** The generator's state for draw `k` (0-based): seed + (k + 1) x increment, mod 2^32. */
function stateOfDraw(seed: number, k: number): number {
	return (seed + imul(k + 1, MULBERRY_INCREMENT)) | 0;
}

/**
 * One row of grid noise: `points` grid points, `planes` values each (1 monochrome, 3 colour),
 * drawn left to right; row r starts at draw r x points.
 */
function gridRow(seed: number, row: number, points: number, planes: number): Float64Array {
	const out = new Float64Array(points * planes);
	let state = stateOfDraw(seed, row * points - 1);
	for (let k = 0; k < out.length; k += planes) {
		state = (state + MULBERRY_INCREMENT) | 0;
		const u = mulberryOutput(state);
		out[k] = QUANTILES[u & 1023];
		if (planes === 3) {
			out[k + 1] = QUANTILES[(u >>> 10) & 1023];
			out[k + 2] = QUANTILES[(u >>> 20) & 1023];
		}
	}
	return out;
}

/** Rounds half up and clamps to 0..255. */
function addLevel(v: number, delta: number): number {
	const x = v + delta + 0.5;
	return x < 1 ? 0 : x >= 255 ? 255 : x | 0;
}

/** Size > 1: bilinear enlargement of the grid noise, normalised to unit variance. */
function coarseGrain(
	width: number,
	channels: number,
	amp: Float64Array,
	p: GrainParameters,
	luts: ChannelLuts,
): (strip: Uint8Array, y0: number, y1: number) => void {
	const s = p.size;
	const seed = p.seed | 0;
	const planes = p.monochrome ? 1 : 3;
	const gridWidth = Math.floor((width - 1) / s) + 2;
	const { r: pr, g: pg, b: pb } = luts;
	// Per column: left grid index (times planes) and the two weights, pre-scaled by the column's
	// normaliser 1 / sqrt(w0^2 + w1^2).
	const colIndex = new Int32Array(width);
	const colW0 = new Float64Array(width);
	const colW1 = new Float64Array(width);
	for (let x = 0; x < width; x++) {
		const f = (x % s) / s;
		const norm = 1 / Math.sqrt((1 - f) * (1 - f) + f * f);
		colIndex[x] = Math.floor(x / s) * planes;
		colW0[x] = (1 - f) * norm;
		colW1[x] = f * norm;
	}
	// The two grid rows around the last rows done, kept between consecutive ranges.
	let gridTop = -1;
	let top: Float64Array = new Float64Array(0);
	let bottom: Float64Array = new Float64Array(0);
	return (data, y0, y1) => {
		for (let y = y0; y < y1; y++) {
			const gy = Math.floor(y / s);
			if (gy !== gridTop) {
				top = gy === gridTop + 1 && bottom.length ? bottom : gridRow(seed, gy, gridWidth, planes);
				bottom = gridRow(seed, gy + 1, gridWidth, planes);
				gridTop = gy;
			}
			const f = (y % s) / s;
			const norm = 1 / Math.sqrt((1 - f) * (1 - f) + f * f);
			const w0 = (1 - f) * norm;
			const w1 = f * norm;
			let i = (y - y0) * width * channels;
			for (let x = 0; x < width; x++, i += channels) {
				const r = pr[data[i]];
				const g = pg[data[i + 1]];
				const b = pb[data[i + 2]];
				const a = amp[(r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16];
				const k = colIndex[x];
				const c0 = colW0[x];
				const c1 = colW1[x];
				if (planes === 1) {
					const n = w0 * (c0 * top[k] + c1 * top[k + 1]) + w1 * (c0 * bottom[k] + c1 * bottom[k + 1]);
					const d = a * n;
					data[i] = addLevel(r, d);
					data[i + 1] = addLevel(g, d);
					data[i + 2] = addLevel(b, d);
				} else {
					const nr = w0 * (c0 * top[k] + c1 * top[k + 3]) + w1 * (c0 * bottom[k] + c1 * bottom[k + 3]);
					const ng = w0 * (c0 * top[k + 1] + c1 * top[k + 4]) + w1 * (c0 * bottom[k + 1] + c1 * bottom[k + 4]);
					const nb = w0 * (c0 * top[k + 2] + c1 * top[k + 5]) + w1 * (c0 * bottom[k + 2] + c1 * bottom[k + 5]);
					data[i] = addLevel(r, a * nr);
					data[i + 1] = addLevel(g, a * ng);
					data[i + 2] = addLevel(b, a * nb);
				}
			}
		}
	};
}

const QUANTILES: Float64Array = buildQuantiles();
