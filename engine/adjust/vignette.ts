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
import type { StripPass, Workspace } from './kernels';
import { IDENTITY_LUTS, type ChannelLuts } from './point-lut';
import { encodeLevel, encodeTable, encodeThresholds, linearTable } from './transfer';

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
 * Prepares the vignette for an image: the returned pass applies it, in place, to a strip of rows,
 * after the pending tables `pre` (kernels.c vignette_rows: per row, the falloff of each column as
 * a table row, computed only in the soft band, then three lookups per pixel). Alpha is left as it is.
 *
 * @example group.push(vignettePass(ws, 6000, 4000, 3, { strength: 40, radius: 1, softness: 0.5 }, null));
 * @param ws - the run's workspace
 * @param width - pixels per row
 * @param height - rows
 * @param channels - 3 or 4
 * @param p - strength, radius, softness (validated by the caller)
 * @param pre - tables to apply first (fused into this pass), or null
 */
export function vignettePass(
	ws: Workspace,
	width: number,
	height: number,
	channels: 3 | 4,
	p: VignetteParameters,
	pre: ChannelLuts | null,
): StripPass {
	const luts = pre ?? IDENTITY_LUTS;
	// Per falloff step q and level v: the output level. Row q = 0 is the pending tables alone.
	const tr = ws.put(gainTables(luts.r, p.strength));
	const tg = luts.g === luts.r ? tr : ws.put(gainTables(luts.g, p.strength));
	const tb = luts.b === luts.r ? tr : luts.b === luts.g ? tg : ws.put(gainTables(luts.b, p.strength));
	// Squared horizontal distance from the centre of each column, in half-widths. Columns x and
	// width-1-x get exactly the same value, so the loop computes half a row and mirrors it.
	const halfW = width / 2;
	const u2 = new Float64Array(width);
	for (let x = 0; x < width; x++) {
		const u = (x + 0.5 - halfW) / halfW;
		u2[x] = u * u;
	}
	const u2At = ws.put(u2);
	const offsets = ws.alloc(width * 4);
	const e0 = p.radius * (1 - p.softness);
	const e1 = p.radius * (1 + p.softness);
	return (at, _pixels, y0, y1) =>
		ws.k.vignette_rows(at, y0, y1, width, channels, height / 2, e0, e1, u2At, offsets, tr, tg, tb);
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
