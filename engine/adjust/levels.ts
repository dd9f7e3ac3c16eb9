/**
 * Levels and curves: tone mappings given by the user, each one 256-entry table, for the three
 * channels together ('master') or for one channel.
 */
import type { AdjustChannel } from './types';
import { clampLevel, identityTable, type ChannelLuts } from './point-lut';

/** Resolved levels parameters (defaults filled in). */
export interface LevelsParameters {
	blackPoint: number;
	whitePoint: number;
	gamma: number;
	outputBlack: number;
	outputWhite: number;
}

/**
 * The levels table: `v = clamp((in - blackPoint) / (whitePoint - blackPoint), 0, 1)`, then
 * `v^(1 / gamma)`, then `outputBlack + v * (outputWhite - outputBlack)`, rounded half up.
 * So every input at or below `blackPoint` gives `outputBlack` and every input at or above
 * `whitePoint` gives `outputWhite`.
 *
 * @example levelsTable({ blackPoint: 16, whitePoint: 235, gamma: 1, outputBlack: 0, outputWhite: 255 })[16]; // 0
 * @param p - the parameters, already validated (blackPoint < whitePoint)
 * @returns a 256-entry table
 */
export function levelsTable(p: LevelsParameters): Uint8Array {
	const t = new Uint8Array(256);
	const span = p.whitePoint - p.blackPoint;
	const exponent = 1 / p.gamma;
	for (let v = 0; v < 256; v++) {
		let x = (v - p.blackPoint) / span;
		x = x <= 0 ? 0 : x >= 1 ? 1 : x ** exponent;
		t[v] = clampLevel(p.outputBlack + x * (p.outputWhite - p.outputBlack));
	}
	return t;
}

/**
 * The curve table through `points` with monotone cubic (Fritsch-Carlson) interpolation: a cubic
 * Hermite spline whose tangents are limited so that it never overshoots between points (a curve
 * through increasing points is increasing). Two points give a straight line. Each point's input
 * maps exactly to its (rounded) output; inputs outside the first and last point are held flat.
 *
 * @example curvesTable([[0, 0], [128, 160], [255, 255]])[128]; // 160
 * @param points - `[input, output]` pairs, inputs strictly increasing, all 0..255 (validated by the caller)
 * @returns a 256-entry table
 */
export function curvesTable(points: ReadonlyArray<readonly [number, number]>): Uint8Array {
	const n = points.length;
	const xs = points.map((p) => p[0]);
	const ys = points.map((p) => p[1]);
	const tangents = monotoneTangents(xs, ys);
	const t = new Uint8Array(256);
	let k = 0;
	for (let v = 0; v < 256; v++) {
		let y: number;
		if (v <= xs[0]) {
			y = ys[0];
		} else if (v >= xs[n - 1]) {
			y = ys[n - 1];
		} else {
			while (v > xs[k + 1]) k++;
			const h = xs[k + 1] - xs[k];
			const s = (v - xs[k]) / h;
			const s2 = s * s;
			const s3 = s2 * s;
			y =
				(2 * s3 - 3 * s2 + 1) * ys[k] +
				(s3 - 2 * s2 + s) * h * tangents[k] +
				(-2 * s3 + 3 * s2) * ys[k + 1] +
				(s3 - s2) * h * tangents[k + 1];
		}
		t[v] = clampLevel(y);
	}
	return t;
}

/** Fritsch-Carlson tangents (1980): three-point averages, zeroed at extrema, then limited. */
function monotoneTangents(xs: readonly number[], ys: readonly number[]): number[] {
	const n = xs.length;
	const secants: number[] = [];
	for (let k = 0; k < n - 1; k++) secants.push((ys[k + 1] - ys[k]) / (xs[k + 1] - xs[k]));
	const m: number[] = new Array<number>(n);
	m[0] = secants[0];
	m[n - 1] = secants[n - 2];
	for (let k = 1; k < n - 1; k++) {
		m[k] = secants[k - 1] * secants[k] <= 0 ? 0 : (secants[k - 1] + secants[k]) / 2;
	}
	for (let k = 0; k < n - 1; k++) {
		const d = secants[k];
		if (d === 0) {
			m[k] = 0;
			m[k + 1] = 0;
			continue;
		}
		const a = m[k] / d;
		const b = m[k + 1] / d;
		const r = a * a + b * b;
		if (r > 9) {
			const tau = 3 / Math.sqrt(r);
			m[k] = tau * a * d;
			m[k + 1] = tau * b * d;
		}
	}
	return m;
}

/**
 * Puts a table on the requested channel(s); the other channels map to themselves.
 *
 * @example channelLuts(levelsTable(p), 'red');
 * @param table - the mapping
 * @param channel - 'master' (R, G and B), 'red', 'green' or 'blue'
 */
export function channelLuts(table: Uint8Array, channel: AdjustChannel): ChannelLuts {
	if (channel === 'master') return { r: table, g: table, b: table };
	const identity = identityTable();
	return {
		r: channel === 'red' ? table : identity,
		g: channel === 'green' ? table : identity,
		b: channel === 'blue' ? table : identity,
	};
}
