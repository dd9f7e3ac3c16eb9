/**
 * The sRGB transfer function (IEC 61966-2-1) and the tables built on it, for the steps that work
 * in linear light (exposure, temperature, tint, vignette). All in float64; the tables are pure
 * functions of their index, so every run and every platform with the same Node gives the same bytes.
 */

// Held in a module constant: a fast lookup in loops, also in jest's vm sandbox.
const { floor } = Math;

/**
 * Decodes an sRGB value to linear light.
 *
 * @example srgbToLinear(0.5); // 0.214...
 * @param v - encoded value 0..1
 * @returns linear value 0..1
 */
export function srgbToLinear(v: number): number {
	return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/**
 * Encodes a linear-light value to sRGB.
 *
 * @example linearToSrgb(0.214); // 0.4999...
 * @param v - linear value 0..1
 * @returns encoded value 0..1
 */
export function linearToSrgb(v: number): number {
	return v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
}

/**
 * Linear-light value of each 8-bit level.
 *
 * @example linearTable()[128]; // 0.2158...
 * @returns a new 256-entry table
 */
export function linearTable(): Float64Array {
	const t = new Float64Array(256);
	for (let i = 0; i < 256; i++) t[i] = srgbToLinear(i / 255);
	return t;
}

/** Entries of {@link encodeTable}: linear values are quantised to 1 / 65535. */
export const ENCODE_STEPS = 65535;

/**
 * 8-bit sRGB level of each linear value `i / 65535` (rounded to the nearest level). Linear values
 * 1/65535 apart are 0.05 levels apart or less above level 1, so the quantisation changes at most
 * values that sit on a rounding boundary.
 *
 * @example encodeTable()[Math.round(0.2158 * 65535)]; // 128
 * @returns a new 65,536-entry table
 */
export function encodeTable(): Uint8Array {
	const t = new Uint8Array(ENCODE_STEPS + 1);
	for (let i = 0; i <= ENCODE_STEPS; i++) t[i] = Math.floor(linearToSrgb(i / ENCODE_STEPS) * 255 + 0.5);
	return t;
}

/**
 * Linear values halfway between consecutive levels: level k is the right 8-bit encoding of a linear
 * value v exactly when `thresholds[k - 1] <= v < thresholds[k]` (entry 255 is +Infinity).
 *
 * @example encodeThresholds()[127]; // linear value of level 127.5
 * @returns a new 256-entry table
 */
export function encodeThresholds(): Float64Array {
	const t = new Float64Array(256);
	for (let k = 0; k < 255; k++) t[k] = srgbToLinear((k + 0.5) / 255);
	t[255] = Infinity;
	return t;
}

/**
 * The 8-bit level nearest to the sRGB encoding of a linear value (exact, not quantised): a first
 * guess from {@link encodeTable}, corrected against {@link encodeThresholds}.
 *
 * @example encodeLevel(0.25, encodeTable(), encodeThresholds()); // 137
 * @param v - linear value; clipped to 0..1
 * @param table - {@link encodeTable}
 * @param thresholds - {@link encodeThresholds}
 */
export function encodeLevel(v: number, table: Uint8Array, thresholds: Float64Array): number {
	if (!(v > 0)) return 0;
	if (v >= 1) return 255;
	let k = table[floor(v * ENCODE_STEPS + 0.5)];
	while (k > 0 && v < thresholds[k - 1]) k--;
	while (v >= thresholds[k]) k++;
	return k;
}

/**
 * Table for a gain in linear light: each level is decoded, multiplied by `gain`, clipped to 1 and
 * encoded again, rounding to the nearest level (no quantisation). A gain of 1 maps every level to
 * itself.
 *
 * @example linearGainTable(2)[128]; // 176 (one stop brighter)
 * @param gain - factor on linear values, >= 0
 * @returns a new 256-entry table
 */
export function linearGainTable(gain: number): Uint8Array {
	const t = new Uint8Array(256);
	for (let i = 0; i < 256; i++) {
		const v = Math.min(1, srgbToLinear(i / 255) * gain);
		t[i] = Math.floor(linearToSrgb(v) * 255 + 0.5);
	}
	return t;
}
