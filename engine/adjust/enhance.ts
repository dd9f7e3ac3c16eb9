/**
 * Brightness, contrast and saturation, bit-identical to PIL's `ImageEnhance` (Pillow 9.4, the
 * reference used by the tests).
 *
 * How PIL computes them, established by experiment against `/usr/bin/python3` PIL:
 * - Every enhancer is `Image.blend(degenerate, image, factor)`. Blend (libImaging/Blend.c) takes
 *   `factor` as a C float (float32) and computes `in1 + factor * (in2 - in1)` in float32: the
 *   product is rounded to float32, then the sum. For 0 <= factor <= 1 the result is cast to
 *   8 bits, i.e. truncated towards zero, without clamping; otherwise it is clamped (<= 0 gives 0,
 *   >= 255 gives 255) and then truncated. Checked on all 65,536 (in1, in2) pairs for 26 factors.
 * - Brightness: the degenerate image is black, so `out = trunc(f32(factor * v))`, clamped.
 * - Contrast: the degenerate image is grey at `int(mean + 0.5)`, where mean is the float mean of
 *   `image.convert('L')` over all pixels (ImageStat, alpha ignored).
 * - Saturation (`ImageEnhance.Color`): the degenerate image is `convert('L')` (per pixel luma)
 *   put back to RGB, so `out = L + factor * (v - L)` per channel, float32, truncated.
 * - `convert('L')` is `(r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16` (ITU-R 601-2 weights
 *   in 16-bit fixed point, rounded): verified on all 16,777,216 RGB colours. It is NOT
 *   `(r * 299 + g * 587 + b * 114) / 1000` (9,040 colours differ with rounding, 8.4 M truncated).
 * - Alpha: PIL blends the alpha channel with itself, which leaves it unchanged.
 * - Factors: Python passes the factor as a double, C narrows it to float32 (`Math.fround` here).
 *
 * These were verified on x86-64 (Debian python3-pil 9.4, SSE float arithmetic). A PIL compiled
 * with fused multiply-add contraction (possible on arm64) could round a few values differently;
 * the tests compare against the PIL installed on the machine they run on.
 */
import { putLuts, type StripPass, type Workspace } from './kernels';
import type { ChannelLuts } from './point-lut';

// Math functions held in module constants: loops run as fast inside jest's vm sandbox, where
// every `Math.x` lookup goes through the sandbox's global object.
const { fround, trunc } = Math;

/** Luma weights of PIL's `convert('L')`, 16-bit fixed point. */
const LUMA_R = 19595;
const LUMA_G = 38470;
const LUMA_B = 7471;

/**
 * PIL's `convert('L')` luma of one pixel.
 *
 * @example pilLuma(255, 0, 0); // 76
 * @param r - 0..255
 * @param g - 0..255
 * @param b - 0..255
 * @returns 0..255
 */
export function pilLuma(r: number, g: number, b: number): number {
	return (r * LUMA_R + g * LUMA_G + b * LUMA_B + 0x8000) >>> 16;
}

/**
 * One value of PIL's `Image.blend(im1, im2, factor)`: float32 arithmetic, truncation, and
 * clamping only when extrapolating (factor outside 0..1).
 *
 * @example pilBlend(0, 200, 0.85); // 170 (brightness 0.85 of level 200)
 * @param in1 - level of the degenerate image, 0..255
 * @param in2 - level of the image, 0..255
 * @param factor - the enhancement factor
 * @returns 0..255
 */
export function pilBlend(in1: number, in2: number, factor: number): number {
	const a = fround(factor);
	// in1 and the float32 product are both float32; their double sum rounds once to float32,
	// exactly like the C float addition.
	const t = fround(in1 + fround(a * (in2 - in1)));
	if (a >= 0 && a <= 1) return trunc(t);
	if (t <= 0) return 0;
	if (t >= 255) return 255;
	return trunc(t);
}

/**
 * The brightness table, identical to `ImageEnhance.Brightness(image).enhance(factor)` (and to
 * sharp's `linear(factor, 0)` on 8-bit input).
 *
 * @example brightnessTable(0.85)[200]; // 170
 * @param factor - 0 is black, 1 unchanged
 * @returns a 256-entry table
 */
export function brightnessTable(factor: number): Uint8Array {
	const t = new Uint8Array(256);
	for (let v = 0; v < 256; v++) t[v] = pilBlend(0, v, factor);
	return t;
}

/**
 * The contrast table around a given integer mean, identical to `ImageEnhance.Contrast` when
 * `mean` is {@link pilMean} of the image's lumas.
 *
 * @example contrastTable(1.3, 118)[200]; // 224
 * @param factor - 0 is flat grey, 1 unchanged
 * @param mean - integer mean luma 0..255
 * @returns a 256-entry table
 */
export function contrastTable(factor: number, mean: number): Uint8Array {
	const t = new Uint8Array(256);
	for (let v = 0; v < 256; v++) t[v] = pilBlend(mean, v, factor);
	return t;
}

/**
 * Tables for summing PIL luma after the pending tables `pre` (if any): the luma of a pixel is
 * `(r[R] + g[G] + b[B]) >>> 16`, with the weights and the rounding folded in. The contrast mean
 * pass (pipeline.ts) sums it over the image.
 *
 * @example const { r, g, b } = lumaWeightTables(null); (r[255] + g[0] + b[0]) >>> 16; // 76
 * @param pre - tables not yet applied to the pixels, or null
 */
export function lumaWeightTables(pre: ChannelLuts | null): { r: Int32Array; g: Int32Array; b: Int32Array } {
	const r = new Int32Array(256);
	const g = new Int32Array(256);
	const b = new Int32Array(256);
	for (let v = 0; v < 256; v++) {
		r[v] = (pre ? pre.r[v] : v) * LUMA_R;
		g[v] = (pre ? pre.g[v] : v) * LUMA_G;
		b[v] = (pre ? pre.b[v] : v) * LUMA_B + 0x8000;
	}
	return { r, g, b };
}

/**
 * The integer mean PIL's `ImageEnhance.Contrast` pivots on, from the sum of the PIL lumas of all
 * pixels: Python's `int(sum / count + 0.5)` (the division of two exact integers rounds the same way).
 *
 * @example pilMean(300, 4); // 75
 * @param sum - sum of the lumas (exact: below 2^53)
 * @param pixels - pixel count
 */
export function pilMean(sum: number, pixels: number): number {
	return pixels === 0 ? 0 : Math.trunc(sum / pixels + 0.5);
}

/**
 * The 65,536-entry saturation table: entry `(L << 8) | v` is `pilBlend(L, v, factor)`.
 *
 * @example saturationTable(0)[(76 << 8) | 255]; // 76
 * @param factor - 0 is greyscale, 1 unchanged
 * @returns the table
 */
export function saturationTable(factor: number): Uint8Array {
	const t = new Uint8Array(65536);
	for (let l = 0; l < 256; l++) {
		for (let v = 0; v < 256; v++) t[(l << 8) | v] = pilBlend(l, v, factor);
	}
	return t;
}

/**
 * Saturation identical to `ImageEnhance.Color(image).enhance(factor)`: a pass that changes a
 * strip in place after the pending tables `pre`, with the table built once (kernels.c saturate).
 * Alpha is left as it is.
 *
 * @example group.push(saturationPass(ws, 3, 1.3, null));
 * @param ws - the run's workspace
 * @param channels - 3 or 4
 * @param factor - 0 is greyscale, 1 unchanged
 * @param pre - tables to apply first (fused into this pass), or null
 */
export function saturationPass(ws: Workspace, channels: 3 | 4, factor: number, pre: ChannelLuts | null): StripPass {
	const table = ws.put(saturationTable(factor));
	const [r, g, b] = putLuts(ws, pre);
	return (at, pixels) => ws.k.saturate(at, pixels, channels, r, g, b, table);
}
