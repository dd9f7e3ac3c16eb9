/**
 * Colour-space conversions for 8-bit sRGB pixels: sRGB <-> linear light (IEC 61966-2-1),
 * linear sRGB <-> CIE XYZ (D65, 2° observer), XYZ <-> CIELAB (D65 white), plus loops over whole
 * interleaved buffers. Scalar helpers return new tuples; buffer helpers allocate only their result.
 */
import { integerInRange, invalidParameterError } from '../core/validate';

/** Three numbers: R, G, B or X, Y, Z or L*, a*, b*. */
export type Triple = [number, number, number];

/** D65 reference white (Y = 1), the white of sRGB: X = 0.95047, Z = 1.08883. */
export const D65_WHITE: Readonly<Triple> = Object.freeze([0.95047, 1, 1.08883]) as Readonly<Triple>;

/** Linear sRGB -> XYZ (D65), rows X, Y, Z (IEC 61966-2-1 primaries, as tabulated by Lindbloom). */
const RGB_TO_XYZ = [
	0.4124564, 0.3575761, 0.1804375,
	0.2126729, 0.7151522, 0.072175,
	0.0193339, 0.119192, 0.9503041,
];
/** The inverse of {@link RGB_TO_XYZ}, computed once so that the round trip is exact to rounding. */
const XYZ_TO_RGB = invert3x3(RGB_TO_XYZ);

/** Linear light of each 8-bit sRGB level. */
const LINEAR_OF_LEVEL = new Float64Array(256);
for (let v = 0; v < 256; v++) LINEAR_OF_LEVEL[v] = srgbToLinear(v / 255);

const LAB_EPSILON = 216 / 24389; // (6/29)^3
const LAB_KAPPA = 24389 / 27; // (29/3)^3

/**
 * Decodes one sRGB value to linear light with the IEC 61966-2-1 curve.
 *
 * @example srgbToLinear(0.5); // 0.21404114048223255
 * @param value - encoded value, 0..1 (values outside are extended with the same formula, mirrored below 0)
 * @returns linear light, 0..1
 * @throws nothing (no argument checks: a building block for loops)
 */
export function srgbToLinear(value: number): number {
	const sign = value < 0 ? -1 : 1;
	const v = Math.abs(value);
	return sign * (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
}

/**
 * Encodes linear light with the sRGB curve (inverse of {@link srgbToLinear}).
 *
 * @example linearToSrgb(0.2140411); // ≈ 0.5
 * @param value - linear light, 0..1 (values outside are extended, mirrored below 0)
 * @returns encoded value, 0..1
 * @throws nothing (no argument checks)
 */
export function linearToSrgb(value: number): number {
	const sign = value < 0 ? -1 : 1;
	const v = Math.abs(value);
	return sign * (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);
}

/**
 * Linear light of an 8-bit sRGB level, from a 256-entry table.
 *
 * @example srgb8ToLinear(255); // 1
 * @param level - 0..255 (an integer; other values are not checked, for speed)
 * @throws nothing; a level outside 0..255 gives undefined
 */
export function srgb8ToLinear(level: number): number {
	return LINEAR_OF_LEVEL[level];
}

/**
 * The nearest 8-bit sRGB level for a linear-light value, clamped to 0..255.
 *
 * @example linearToSrgb8(0.2140411); // 128
 * @param value - linear light
 * @throws nothing (no argument checks)
 */
export function linearToSrgb8(value: number): number {
	const v = linearToSrgb(value) * 255;
	return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * Linear sRGB to CIE XYZ (D65, Y of white = 1).
 *
 * @example linearRgbToXyz([1, 1, 1]); // ≈ [0.95047, 1, 1.08883]
 * @param rgb - linear R, G, B
 * @throws nothing (no argument checks)
 */
export function linearRgbToXyz(rgb: ArrayLike<number>): Triple {
	return multiply(RGB_TO_XYZ, rgb[0], rgb[1], rgb[2]);
}

/**
 * CIE XYZ (D65) to linear sRGB; colours outside the sRGB gamut give values outside 0..1.
 *
 * @example xyzToLinearRgb([0.95047, 1, 1.08883]); // ≈ [1, 1, 1]
 * @param xyz - X, Y, Z with Y of white = 1
 * @throws nothing (no argument checks)
 */
export function xyzToLinearRgb(xyz: ArrayLike<number>): Triple {
	return multiply(XYZ_TO_RGB, xyz[0], xyz[1], xyz[2]);
}

/**
 * CIE XYZ to CIELAB (CIE 1976 L*a*b*) relative to a white point.
 *
 * @example xyzToLab([0.95047, 1, 1.08883]); // [100, 0, 0]
 * @param xyz - X, Y, Z with Y of white = 1
 * @param white - the reference white; default D65 ({@link D65_WHITE})
 * @throws nothing (no argument checks)
 */
export function xyzToLab(xyz: ArrayLike<number>, white: Readonly<Triple> = D65_WHITE): Triple {
	const fx = labF(xyz[0] / white[0]);
	const fy = labF(xyz[1] / white[1]);
	const fz = labF(xyz[2] / white[2]);
	return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/**
 * CIELAB to CIE XYZ relative to a white point (inverse of {@link xyzToLab}).
 *
 * @example labToXyz([100, 0, 0]); // [0.95047, 1, 1.08883]
 * @param lab - L*, a*, b*
 * @param white - the reference white; default D65 ({@link D65_WHITE})
 * @throws nothing (no argument checks)
 */
export function labToXyz(lab: ArrayLike<number>, white: Readonly<Triple> = D65_WHITE): Triple {
	const fy = (lab[0] + 16) / 116;
	const fx = fy + lab[1] / 500;
	const fz = fy - lab[2] / 200;
	return [white[0] * labFInverse(fx), white[1] * labFInverse(fy), white[2] * labFInverse(fz)];
}

/**
 * An 8-bit sRGB colour to CIELAB (D65).
 *
 * @example srgb8ToLab([255, 0, 0]); // ≈ [53.24, 80.09, 67.20]
 * @param rgb - R, G, B levels 0..255 (integers)
 * @throws nothing (no argument checks)
 */
export function srgb8ToLab(rgb: ArrayLike<number>): Triple {
	return xyzToLab(linearRgbToXyz([srgb8ToLinear(rgb[0]), srgb8ToLinear(rgb[1]), srgb8ToLinear(rgb[2])]));
}

/**
 * A CIELAB (D65) colour to the nearest 8-bit sRGB levels, each clamped to 0..255 (no gamut mapping).
 *
 * @example labToSrgb8([53.2408, 80.0925, 67.2032]); // [255, 0, 0]
 * @param lab - L*, a*, b*
 * @throws nothing (no argument checks)
 */
export function labToSrgb8(lab: ArrayLike<number>): Triple {
	const rgb = xyzToLinearRgb(labToXyz(lab));
	return [linearToSrgb8(rgb[0]), linearToSrgb8(rgb[1]), linearToSrgb8(rgb[2])];
}

/**
 * Converts interleaved 8-bit sRGB pixels to CIELAB (D65), three floats per converted pixel.
 *
 * @example
 * const lab = rgbBufferToLab(raw, 3); // lab[i * 3] is L* of pixel i
 * @param raw - pixels, `channels` bytes each; alpha is ignored
 * @param channels - 3 or 4
 * @param options - `sampleStep`: convert every n-th pixel only (pixel 0, n, 2n, ...); default 1
 * @returns L*, a*, b* of each converted pixel
 * @throws {EngineError} kind 'invalidInput' for a bad buffer, channel count or step
 */
export function rgbBufferToLab(raw: Uint8Array, channels: 3 | 4, options: { sampleStep?: number } = {}): Float32Array {
	checkPixels(raw, channels, 'raw');
	const step = integerInRange('sampleStep', options.sampleStep ?? 1, 1, 1_000_000);
	const pixels = raw.length / channels;
	const count = Math.ceil(pixels / step);
	const lab = new Float32Array(count * 3);
	const stride = channels * step;
	const m = RGB_TO_XYZ;
	const lin = LINEAR_OF_LEVEL;
	const iwx = 1 / D65_WHITE[0];
	const iwz = 1 / D65_WHITE[2];
	for (let p = 0, o = 0; o < lab.length; p += stride, o += 3) {
		const r = lin[raw[p]];
		const g = lin[raw[p + 1]];
		const b = lin[raw[p + 2]];
		const fx = labF((m[0] * r + m[1] * g + m[2] * b) * iwx);
		const fy = labF(m[3] * r + m[4] * g + m[5] * b);
		const fz = labF((m[6] * r + m[7] * g + m[8] * b) * iwz);
		lab[o] = 116 * fy - 16;
		lab[o + 1] = 500 * (fx - fy);
		lab[o + 2] = 200 * (fy - fz);
	}
	return lab;
}

/**
 * Converts CIELAB (D65) triples back to interleaved 8-bit sRGB pixels, clamped per channel.
 *
 * @example const raw = labBufferToRgb(rgbBufferToLab(pixels, 3)); // equals pixels
 * @param lab - L*, a*, b* triples
 * @returns 3 bytes per triple
 * @throws {EngineError} kind 'invalidInput' when `lab` is not a whole number of triples
 */
export function labBufferToRgb(lab: Float32Array | Float64Array): Buffer {
	if (!(lab instanceof Float32Array || lab instanceof Float64Array) || lab.length % 3 !== 0) {
		throw invalidParameterError('lab', 'a Float32Array of L*, a*, b* triples', lab);
	}
	const out = Buffer.allocUnsafe(lab.length);
	for (let i = 0; i < lab.length; i += 3) {
		const rgb = labToSrgb8([lab[i], lab[i + 1], lab[i + 2]]);
		out[i] = rgb[0];
		out[i + 1] = rgb[1];
		out[i + 2] = rgb[2];
	}
	return out;
}

/**
 * Converts interleaved 8-bit sRGB pixels to linear light, three floats per pixel (alpha dropped).
 *
 * @example const linear = rgbBufferToLinear(raw, 4);
 * @param raw - pixels, `channels` bytes each
 * @param channels - 3 or 4
 * @throws {EngineError} kind 'invalidInput' for a bad buffer or channel count
 */
export function rgbBufferToLinear(raw: Uint8Array, channels: 3 | 4): Float32Array {
	checkPixels(raw, channels, 'raw');
	const pixels = raw.length / channels;
	const out = new Float32Array(pixels * 3);
	for (let p = 0, o = 0; o < out.length; p += channels, o += 3) {
		out[o] = LINEAR_OF_LEVEL[raw[p]];
		out[o + 1] = LINEAR_OF_LEVEL[raw[p + 1]];
		out[o + 2] = LINEAR_OF_LEVEL[raw[p + 2]];
	}
	return out;
}

/**
 * Checks a buffer of interleaved 8-bit pixels; shared by the colour modules.
 *
 * @example checkPixels(raw, 3, 'raw'); // returns quietly for 3n bytes
 * @param raw - the value to check
 * @param channels - expected 3 or 4
 * @param name - parameter name for the error message
 * @throws {EngineError} kind 'invalidInput' for a non-buffer, bad channels, or a length that is not whole pixels
 */
export function checkPixels(raw: unknown, channels: unknown, name: string): void {
	if (!(raw instanceof Uint8Array)) throw invalidParameterError(name, 'a Buffer of 8-bit pixels', raw);
	if (channels !== 3 && channels !== 4) throw invalidParameterError('channels', '3 or 4', channels);
	if (raw.length % channels !== 0) {
		throw invalidParameterError(name, `a whole number of ${channels}-byte pixels`, `${raw.length} bytes`);
	}
}

function labF(t: number): number {
	// `** (1 / 3)` rather than Math.cbrt: the same to an ulp, and an operator, so it stays fast
	// where Math calls are not inlined (in jest's sandbox each costs ~150 ns).
	return t > LAB_EPSILON ? t ** (1 / 3) : (LAB_KAPPA * t + 16) / 116;
}

function labFInverse(f: number): number {
	const cube = f * f * f;
	return cube > LAB_EPSILON ? cube : (116 * f - 16) / LAB_KAPPA;
}

function multiply(m: number[], a: number, b: number, c: number): Triple {
	return [m[0] * a + m[1] * b + m[2] * c, m[3] * a + m[4] * b + m[5] * c, m[6] * a + m[7] * b + m[8] * c];
}

function invert3x3(m: number[]): number[] {
	const [a, b, c, d, e, f, g, h, i] = m;
	const A = e * i - f * h;
	const B = -(d * i - f * g);
	const C = d * h - e * g;
	const det = a * A + b * B + c * C;
	return [
		A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
		B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
		C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
	];
}
