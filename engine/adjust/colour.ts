/**
 * Colour balance (temperature, tint) and hue rotation. Saturation, which must match PIL bit for
 * bit, lives with brightness and contrast in enhance.ts.
 */
import type { ChannelLuts } from './point-lut';
import { linearGainTable } from './transfer';

/** Rec. 709 luminance weights of linear RGB, used to keep greys at the same luminance. */
const Y709: readonly [number, number, number] = [0.2126, 0.7152, 0.0722];

/** Stops of gain at percent 100 for temperature and tint. */
const BALANCE_STOPS = 0.4;

/**
 * Linear-light gains of the temperature step. Red `2^(0.4 p)`, green 1, blue `2^(-0.4 p)` with
 * `p = percent / 100`, then all three divided by `0.2126 R + 0.7152 G + 0.0722 B`, so that a grey
 * keeps its luminance while taking a warm (p > 0) or cool (p < 0) cast.
 *
 * @example temperatureGains(100); // [1.2561..., 0.9519..., 0.7214...]
 * @param percent - -100..100
 * @returns gains for R, G, B
 */
export function temperatureGains(percent: number): [number, number, number] {
	const p = percent / 100;
	return normaliseGains([2 ** (BALANCE_STOPS * p), 1, 2 ** (-BALANCE_STOPS * p)]);
}

/**
 * Linear-light gains of the tint step: green `2^(-0.4 p)`, red and blue 1, normalised like
 * {@link temperatureGains}. Positive percent adds magenta, negative adds green.
 *
 * @example tintGains(-100); // green up, red and blue down
 * @param percent - -100..100
 * @returns gains for R, G, B
 */
export function tintGains(percent: number): [number, number, number] {
	const p = percent / 100;
	return normaliseGains([1, 2 ** (-BALANCE_STOPS * p), 1]);
}

function normaliseGains(g: [number, number, number]): [number, number, number] {
	const y = Y709[0] * g[0] + Y709[1] * g[1] + Y709[2] * g[2];
	return [g[0] / y, g[1] / y, g[2] / y];
}

/**
 * Per-channel tables for linear-light gains (sRGB decode, multiply, clip at 1, encode, round).
 *
 * @example gainLuts(temperatureGains(30));
 * @param gains - gains for R, G, B
 */
export function gainLuts(gains: [number, number, number]): ChannelLuts {
	return { r: linearGainTable(gains[0]), g: linearGainTable(gains[1]), b: linearGainTable(gains[2]) };
}

/** RGB to YIQ (FCC NTSC), rows Y, I, Q. */
const RGB_TO_YIQ: readonly number[] = [
	0.299, 0.587, 0.114, 0.595716, -0.274453, -0.321263, 0.211456, -0.522591, 0.311135,
];

/**
 * The 3x3 matrix (row-major, applied to gamma-encoded R, G, B) that rotates hue by `degrees`:
 * RGB to YIQ, rotate the (I, Q) plane, back to RGB. Y is untouched, so greys (I = Q = 0) stay
 * grey. The I/Q plane is turned by `-degrees`, which moves red towards yellow and green for positive
 * degrees, like the HSL hue wheel.
 *
 * @example hueMatrix(0); // the identity, up to rounding in the 15th digit
 * @param degrees - rotation angle
 * @returns 9 numbers, row-major
 */
export function hueMatrix(degrees: number): number[] {
	const t = (-degrees * Math.PI) / 180;
	const c = Math.cos(t);
	const s = Math.sin(t);
	const rotation = [1, 0, 0, 0, c, -s, 0, s, c];
	const toRgb = invert3(RGB_TO_YIQ);
	return multiply3(toRgb, multiply3(rotation, RGB_TO_YIQ));
}

/**
 * Hue rotation, its tables built once: the returned function rotates, in place, the pixels of
 * any buffer or strip after the pending tables `pre`. Each channel is `round(row . [r, g, b])`,
 * clamped to 0..255. Alpha is left as it is.
 *
 * @example const rotate = huePass(3, 30, null); rotate(strip1); rotate(strip2);
 * @param channels - 3 or 4
 * @param degrees - rotation angle
 * @param pre - tables to apply first (fused into this pass), or null
 */
export function huePass(channels: 3 | 4, degrees: number, pre: ChannelLuts | null): (data: Uint8Array) => void {
	const m = hueMatrix(degrees);
	// Nine 256-entry product tables, the pending tables folded in: out_r = t0[r] + t1[g] + t2[b].
	// The 0.5 of the rounding is folded into the first table of each row.
	const tables: Float64Array[] = [];
	for (let row = 0; row < 3; row++) {
		for (let col = 0; col < 3; col++) {
			const t = new Float64Array(256);
			const p = pre ? [pre.r, pre.g, pre.b][col] : null;
			for (let v = 0; v < 256; v++) t[v] = m[row * 3 + col] * (p ? p[v] : v) + (col === 0 ? 0.5 : 0);
			tables.push(t);
		}
	}
	const [t00, t01, t02, t10, t11, t12, t20, t21, t22] = tables;
	return (data) => rotateWith(data, channels, t00, t01, t02, t10, t11, t12, t20, t21, t22);
}

function rotateWith(
	data: Uint8Array,
	channels: number,
	t00: Float64Array,
	t01: Float64Array,
	t02: Float64Array,
	t10: Float64Array,
	t11: Float64Array,
	t12: Float64Array,
	t20: Float64Array,
	t21: Float64Array,
	t22: Float64Array,
): void {
	const n = data.length;
	for (let i = 0; i < n; i += channels) {
		const r = data[i];
		const g = data[i + 1];
		const b = data[i + 2];
		const vr = t00[r] + t01[g] + t02[b];
		const vg = t10[r] + t11[g] + t12[b];
		const vb = t20[r] + t21[g] + t22[b];
		data[i] = vr <= 0 ? 0 : vr >= 255 ? 255 : vr | 0;
		data[i + 1] = vg <= 0 ? 0 : vg >= 255 ? 255 : vg | 0;
		data[i + 2] = vb <= 0 ? 0 : vb >= 255 ? 255 : vb | 0;
	}
}

function multiply3(a: readonly number[], b: readonly number[]): number[] {
	const out = new Array<number>(9);
	for (let r = 0; r < 3; r++) {
		for (let c = 0; c < 3; c++) {
			out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
		}
	}
	return out;
}

function invert3(m: readonly number[]): number[] {
	const [a, b, c, d, e, f, g, h, i] = m;
	const A = e * i - f * h;
	const B = -(d * i - f * g);
	const C = d * h - e * g;
	const det = a * A + b * B + c * C;
	return [
		A / det,
		-(b * i - c * h) / det,
		(b * f - c * e) / det,
		B / det,
		(a * i - c * g) / det,
		-(a * f - c * d) / det,
		C / det,
		-(a * h - b * g) / det,
		(a * e - b * d) / det,
	];
}
