/**
 * The steps of a deterministic adjustment and the options of its output file.
 *
 * A step is a plain object `{ op: '<name>', ...parameters }`; an adjustment is an ordered list of
 * steps, applied in the order given (unlike sharp's own operations, which run in a fixed order).
 * Every step works on 8-bit sRGB values and leaves the alpha channel untouched.
 */
import type { LutInterpolation } from '../lut/apply';
import type { CubeLut } from '../lut/types';

/** Which channels a levels or curves step changes. `'master'` applies the same mapping to R, G and B. */
export type AdjustChannel = 'master' | 'red' | 'green' | 'blue';

/**
 * Brightness exactly as PIL's `ImageEnhance.Brightness(image).enhance(factor)`: every channel value
 * becomes `trunc(factor * value)` computed in float32, clamped to 0..255. 0 is black, 1 is unchanged.
 */
export interface BrightnessStep {
	op: 'brightness';
	/** 0..4; required. */
	factor: number;
}

/**
 * Contrast exactly as PIL's `ImageEnhance.Contrast`: values move away from (factor > 1) or towards
 * (factor < 1) the image's mean luma, `mean + factor * (value - mean)` in float32, truncated.
 * The mean is that of the image as it is when the step runs (after the previous steps).
 * 0 gives a flat grey image, 1 is unchanged.
 */
export interface ContrastStep {
	op: 'contrast';
	/** 0..4; required. */
	factor: number;
}

/**
 * Saturation exactly as PIL's `ImageEnhance.Color`: each channel moves away from the pixel's own
 * luma, `L + factor * (value - L)` in float32, truncated. 0 is greyscale, 1 is unchanged.
 */
export interface SaturationStep {
	op: 'saturation';
	/** 0..4; required. */
	factor: number;
}

/** Exposure in stops: linear-light values are multiplied by `2^stops`, then clipped. 0 is unchanged. */
export interface ExposureStep {
	op: 'exposure';
	/** -5..5; required. */
	stops: number;
}

/** Gamma: `out = in^(1 / value)` on values normalised to 0..1. Above 1 brightens mid-tones. */
export interface GammaStep {
	op: 'gamma';
	/** 0.1..10; required. */
	value: number;
}

/**
 * White balance along blue-yellow: positive warms (more red, less blue), negative cools.
 * Gains in linear light: red `2^(0.4 * p)`, blue `2^(-0.4 * p)` with `p = percent / 100`, all three
 * gains divided by their Rec. 709 luminance so that greys keep their luminance.
 */
export interface TemperatureStep {
	op: 'temperature';
	/** -100..100; required. */
	percent: number;
}

/**
 * White balance along green-magenta: positive adds magenta (less green), negative adds green.
 * Green gain `2^(-0.4 * p)` in linear light with `p = percent / 100`, normalised like temperature.
 */
export interface TintStep {
	op: 'tint';
	/** -100..100; required. */
	percent: number;
}

/**
 * Hue rotation in the YIQ colour space (the chroma plane turns around the luma axis): luma and
 * chroma magnitude are kept, greys stay exactly grey. Positive degrees turn red towards yellow
 * and green, like the hue wheel of HSL.
 */
export interface HueStep {
	op: 'hue';
	/** -360..360; required. */
	degrees: number;
}

/**
 * Levels, as in Photoshop: input `blackPoint` maps to `outputBlack`, input `whitePoint` to
 * `outputWhite`, with `gamma` bending the mid-tones (`v^(1 / gamma)` between the two points).
 */
export interface LevelsStep {
	op: 'levels';
	/** Input level that becomes `outputBlack`, integer 0..254. @default 0 */
	blackPoint?: number;
	/** Input level that becomes `outputWhite`, integer 1..255, above `blackPoint`. @default 255 */
	whitePoint?: number;
	/** Mid-tone gamma 0.1..10; above 1 brightens. @default 1 */
	gamma?: number;
	/** Integer 0..255. @default 0 */
	outputBlack?: number;
	/** Integer 0..255 (may be below `outputBlack` to invert). @default 255 */
	outputWhite?: number;
	/** @default 'master' */
	channel?: AdjustChannel;
}

/**
 * Tone curve through the given `[input, output]` points (0..255, inputs strictly increasing),
 * interpolated with a monotone cubic (Fritsch-Carlson): no overshoot between points. Inputs
 * below the first point take its output, inputs above the last point take the last output.
 */
export interface CurvesStep {
	op: 'curves';
	/** 2 to 32 `[input, output]` pairs; required. */
	points: Array<[number, number]>;
	/** @default 'master' */
	channel?: AdjustChannel;
}

/**
 * Film grain from a seeded generator: the same seed gives the same grain, bit for bit. Grain is
 * strongest in the mid-tones and fades towards black and white.
 */
export interface GrainStep {
	op: 'grain';
	/** 0..100; at 100 the grain's standard deviation is 20 levels in the mid-tones. Required. */
	strength: number;
	/** Grain size in pixels, integer 1..8. @default 1 */
	size?: number;
	/** Integer 0..4294967295. @default 0 */
	seed?: number;
	/** One grain value for all three channels (true) or one per channel (false). @default true */
	monochrome?: boolean;
}

/**
 * Vignette: a radial change of exposure towards the edges, following the frame's shape (an
 * ellipse through the middles of the four edges has radius 1, the corners are at about 1.41).
 * Positive strength darkens the edges (100 = -2 stops), negative lightens them (-100 = +2 stops).
 */
export interface VignetteStep {
	op: 'vignette';
	/** -100..100; required. */
	strength: number;
	/** Where the falloff is centred, 0..1.5. @default 1 */
	radius?: number;
	/** Width of the falloff, 0 (hard edge) .. 1 (from the centre). @default 0.5 */
	softness?: number;
}

/** A `.cube` colour LUT, applied with the LUT module's `applyLut`. */
export interface LutStep {
	op: 'lut';
	/** The `.cube` file as text or bytes, or a parsed {@link CubeLut}; required. */
	cube: string | Buffer | CubeLut;
	/** Mix with the input, 0..1. @default 1 */
	strength?: number;
	/** @default 'tetrahedral' */
	interpolation?: LutInterpolation;
}

/** One step of an adjustment. */
export type AdjustStep =
	| BrightnessStep
	| ContrastStep
	| SaturationStep
	| ExposureStep
	| GammaStep
	| TemperatureStep
	| TintStep
	| HueStep
	| LevelsStep
	| CurvesStep
	| GrainStep
	| VignetteStep
	| LutStep;

/** The `op` names, in the order the documentation lists them. */
export type AdjustOp = AdjustStep['op'];

/** Formats an adjustment can be written as. `'same'` keeps the input's format where it can. */
export type AdjustOutputFormat = 'same' | 'jpeg' | 'png' | 'webp' | 'avif';

/** How a resize fits the requested box (sharp's `fit`). */
export type AdjustResizeFit = 'inside' | 'outside' | 'cover' | 'contain' | 'fill';

/** Resize applied after all steps, just before encoding. */
export interface AdjustResizeOptions {
	/** Target width in pixels, integer 1..65535. At least one of width and height is required. */
	width?: number;
	/** Target height in pixels, integer 1..65535. */
	height?: number;
	/** @default 'inside' (keep the aspect ratio, fit within width x height) */
	fit?: AdjustResizeFit;
	/** Do not enlarge images smaller than the box. @default true */
	withoutEnlargement?: boolean;
}

/** The output file of an adjustment. */
export interface AdjustOutputOptions {
	/**
	 * `'same'` writes JPEG, PNG, WebP and AVIF inputs in their own format, HEIF as AVIF, and
	 * GIF and TIFF as PNG. @default 'same'
	 */
	format?: AdjustOutputFormat;
	/** 1..100 for JPEG, WebP and AVIF (PNG is lossless). @default 90 (AVIF: 60) */
	quality?: number;
	/**
	 * Keep EXIF (without the orientation tag: pixels are already upright), XMP and IPTC, and tag
	 * the file with an sRGB ICC profile. When false, all metadata is stripped and the file is
	 * untagged (viewers assume sRGB). @default false
	 */
	keepMetadata?: boolean;
	/** Resize at the end. @default none */
	resize?: AdjustResizeOptions;
	/** JPEG and AVIF chroma subsampling. @default '4:2:0' */
	chromaSubsampling?: '4:2:0' | '4:4:4';
	/**
	 * JPEG Huffman table optimisation: files ~3-5 % smaller, ~0.4 s slower at 24 MP, so off by
	 * default (sharp's default is on). @default false
	 */
	optimiseCoding?: boolean;
}

/** Options of {@link adjustImage} that are about the input, not the result. */
export interface AdjustInputOptions {
	/** Refuse inputs with more pixels than this. @default 100_000_000 */
	maxPixels?: number;
	/** Names the input in error messages, e.g. `binary property "data"`. @default 'image' */
	label?: string;
}

/** What {@link adjustImage} wrote. */
export interface AdjustResultInfo {
	width: number;
	height: number;
	/** sharp's format name: 'jpeg', 'png', 'webp' or 'avif'. */
	format: string;
	mimeType: string;
	/** Without the dot, e.g. 'jpg'. */
	extension: string;
	/** Size of the file in bytes. */
	bytes: number;
}

/** The result of {@link adjustImage}. */
export interface AdjustResult {
	data: Buffer;
	info: AdjustResultInfo;
}
