/**
 * Vignette: an exposure change that grows towards the edges of the frame, computed per pixel in
 * float64 (same bytes on every run).
 *
 * - Distance: `d = sqrt(u^2 + v^2)` with `u = (x + 0.5 - w/2) / (w/2)` and `v = (y + 0.5 - h/2) / (h/2)`,
 *   so the falloff follows the frame's shape: d = 1 at the middle of each edge, ~1.41 in the corners.
 *   Mirror-image pixels get exactly the same d.
 * - Falloff: `t = smoothstep(radius * (1 - softness), radius * (1 + softness), d)` (0 inside, 1
 *   outside, `3s^2 - 2s^3` between); softness 0 gives a hard edge at `radius`.
 * - Gain: `g = 1 + (2^(-2 * strength / 100) - 1) * t` on linear light: strength 100 takes the
 *   outside to -2 stops (x 0.25), -100 to +2 stops (x 4, clipped at white).
 * - t is rounded to a multiple of 1/2048 (gain steps of at most 0.0015, far below one level).
 * - Each channel: sRGB decode, times g, clipped at 1, encoded and rounded to the nearest level
 *   (exactly, in float64). Pixels with t = 0 are not changed at all.
 */
import type { ChannelLuts } from './point-lut';
import { encodeLevel, encodeTable, encodeThresholds, linearTable } from './transfer';

// Held in a module constant: a fast lookup in the pixel loop, also in jest's vm sandbox.
const { sqrt } = Math;

/** Resolved vignette parameters. */
export interface VignetteParameters {
	/** -100..100; positive darkens the edges. */
	strength: number;
	/** 0..1.5 */
	radius: number;
	/** 0..1 */
	softness: number;
}

/**
 * The vignette's linear-light gain at normalised distance `d` from the centre.
 *
 * @example vignetteGain(0, { strength: 100, radius: 1, softness: 0.5 }); // 1 (centre untouched)
 * @example vignetteGain(2, { strength: 100, radius: 1, softness: 0.5 }); // 0.25 (-2 stops)
 * @param d - distance, 1 at the middle of an edge
 * @param p - strength, radius, softness
 */
export function vignetteGain(d: number, p: VignetteParameters): number {
	return 1 + (2 ** ((-2 * p.strength) / 100) - 1) * falloff(d, p.radius * (1 - p.softness), p.radius * (1 + p.softness));
}

function falloff(d: number, e0: number, e1: number): number {
	if (d <= e0) return e0 === e1 && d === e0 ? 1 : 0;
	if (d >= e1) return 1;
	const s = (d - e0) / (e1 - e0);
	return s * s * (3 - 2 * s);
}

/** Steps of the falloff t between 0 and 1 (t is rounded to a multiple of 1/2048). */
const FALLOFF_STEPS = 2048;

/**
 * Prepares the vignette for an image; the returned function applies it, in place, to any range
 * of rows, after the pending tables `pre`. Alpha is left as it is.
 *
 * @example vignetteRows(raw, 6000, 4000, 3, { strength: 40, radius: 1, softness: 0.5 }, null)(0, 4000);
 * @param data - interleaved RGB or RGBA pixels, modified in place
 * @param width - pixels per row
 * @param height - rows
 * @param channels - 3 or 4
 * @param p - strength, radius, softness (validated by the caller)
 * @param pre - tables to apply first (fused into this pass), or null
 */
export function vignetteRows(
	data: Uint8Array,
	width: number,
	height: number,
	channels: 3 | 4,
	p: VignetteParameters,
	pre: ChannelLuts | null,
): (y0: number, y1: number) => void {
	const luts = pre ?? { r: IDENTITY, g: IDENTITY, b: IDENTITY };
	// Per falloff step q and level v: the output level. Row q = 0 is the pending tables alone.
	const tr = gainTables(luts.r, p.strength);
	const tg = luts.g === luts.r ? tr : gainTables(luts.g, p.strength);
	const tb = luts.b === luts.r ? tr : luts.b === luts.g ? tg : gainTables(luts.b, p.strength);
	const halfW = width / 2;
	const halfH = height / 2;
	const u2 = new Float64Array(width);
	for (let x = 0; x < width; x++) {
		const u = (x + 0.5 - halfW) / halfW;
		u2[x] = u * u;
	}
	const e0 = p.radius * (1 - p.softness);
	const e1 = p.radius * (1 + p.softness);
	const hard = e0 === e1;
	const e0sq = e0 * e0;
	const e1sq = e1 * e1;
	const invSpan = hard ? 0 : 1 / (e1 - e0);
	const offsets = new Int32Array(width);
	const mid = Math.ceil(width / 2);
	const rowBytes = width * channels;
	return (y0, y1) => {
		for (let y = y0; y < y1; y++) {
			const v = (y + 0.5 - halfH) / halfH;
			const v2 = v * v;
			// Falloff of each pixel of the row, as a table row offset (q * 256); columns x and
			// width-1-x are at the same distance (u^2 is exactly equal), so half a row is computed.
			// u^2 falls from the left edge to the middle, so the row is: full falloff (t = 1) up to
			// `band`, the soft band up to `inner`, no falloff (t = 0) from there: the two flat parts
			// are filled, only the band is computed.
			const band = firstAt(mid, (x) => (hard ? u2[x] + v2 < e0sq : u2[x] + v2 < e1sq));
			const inner = hard ? band : firstAt(mid, (x) => u2[x] + v2 <= e0sq);
			offsets.fill(FULL_OFFSET, 0, band);
			offsets.fill(FULL_OFFSET, width - band, width);
			for (let x = band; x < inner; x++) {
				const s = (sqrt(u2[x] + v2) - e0) * invSpan;
				const o = (((s * s * (3 - 2 * s)) * FALLOFF_STEPS + 0.5) | 0) << 8;
				offsets[x] = o;
				offsets[width - 1 - x] = o;
			}
			offsets.fill(0, inner, width - inner);
			applyRow(data, y * rowBytes, width, channels, offsets, tr, tg, tb);
		}
	};
}

/** Table row offset of t = 1 (full falloff). */
const FULL_OFFSET = FALLOFF_STEPS << 8;

/** The first x in 0..end-1 where `test` holds (it holds from there on), or end. */
function firstAt(end: number, test: (x: number) => boolean): number {
	let lo = 0;
	let hi = end;
	while (lo < hi) {
		const m = (lo + hi) >>> 1;
		if (test(m)) hi = m;
		else lo = m + 1;
	}
	return lo;
}

function applyRow(
	data: Uint8Array,
	start: number,
	width: number,
	channels: number,
	offsets: Int32Array,
	tr: Uint8Array,
	tg: Uint8Array,
	tb: Uint8Array,
): void {
	for (let x = 0, i = start; x < width; x++, i += channels) {
		const o = offsets[x];
		data[i] = tr[o | data[i]];
		data[i + 1] = tg[o | data[i + 1]];
		data[i + 2] = tb[o | data[i + 2]];
	}
}

/** (FALLOFF_STEPS + 1) x 256 table: level after `pre`, decoded, times the gain of step q, encoded. */
function gainTables(pre: Uint8Array, strength: number): Uint8Array {
	const table = new Uint8Array((FALLOFF_STEPS + 1) * 256);
	const edgeGain = 2 ** ((-2 * strength) / 100);
	for (let q = 0; q <= FALLOFF_STEPS; q++) {
		const g = 1 + ((edgeGain - 1) * q) / FALLOFF_STEPS;
		const row = q << 8;
		for (let v = 0; v < 256; v++) {
			const level = pre[v];
			if (q === 0) {
				table[row | v] = level;
				continue;
			}
			table[row | v] = encodeLevel(LINEAR[level] * g, ENCODE, THRESHOLDS);
		}
	}
	return table;
}

/** Constants computed once at load, never written. */
const LINEAR: Float64Array = linearTable();
const ENCODE: Uint8Array = encodeTable();
const THRESHOLDS: Float64Array = encodeThresholds();
const IDENTITY: Uint8Array = Uint8Array.from({ length: 256 }, (_, i) => i);
