/**
 * Structural similarity (SSIM, Wang, Bovik, Sheikh and Simoncelli, IEEE TIP 2004) of two grey
 * images, and the "structure kept" sub-score of Multi-Sample: the SSIM of a variant's luma against
 * its source's luma after the variant's global tone is matched to the source's, so that a
 * requested brightness or contrast change is not counted as lost detail (fidelity scores it).
 *
 * Parameters are the paper's: an 11x11 Gaussian window with sigma 1.5, K1 = 0.01, K2 = 0.03,
 * L = 255, mean over the positions where the whole window fits. Like the authors' reference code,
 * images are first box-downsampled by an integer factor, here F = max(1, round(min(width,
 * height) / 128)) (the reference code divides by 256): on the ~512 px analysis thumbnails that
 * compares structure at 128-190 px on the short side, which still sees added, removed or moved
 * content and lost detail at the thumbnail's scale, in under 10 ms.
 */
import { invalidParameterError, is, numberInRange } from '../core/validate';
import type { Thumbnail } from '../analysis/stats';

/** A single-channel image of floating-point values (e.g. luma 0..255). */
export interface GreyImage {
	data: Float32Array;
	width: number;
	height: number;
}

export interface SsimOptions {
	/** Standard deviation of the Gaussian window (px); the window is 11x11. @default 1.5 */
	sigma?: number;
	/** Downsample factor before comparing; 'auto' = max(1, round(min(width, height) / 128)). @default 'auto' */
	downsample?: number | 'auto';
}

const RADIUS = 5;
const K1 = 0.01;
const K2 = 0.03;
const RANGE = 255;
const C1 = (K1 * RANGE) ** 2;
const C2 = (K2 * RANGE) ** 2;

/**
 * Luma of an RGB thumbnail with PIL's weights (L = 0.299 R + 0.587 G + 0.114 B), as floats.
 *
 * @example const grey = lumaOf(await thumbnail(png));
 * @param thumb - 8-bit RGB pixels, 3 bytes each
 * @throws {EngineError} invalidInput when the buffer does not hold width x height RGB pixels
 */
export function lumaOf(thumb: Thumbnail): GreyImage {
	const { data, width, height } = thumb;
	if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
		throw invalidParameterError('thumb', `${width}x${height} RGB pixels (${width * height * 3} bytes)`, data);
	}
	const out = new Float32Array(width * height);
	for (let i = 0, p = 0; p < out.length; i += 3, p++) out[p] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
	return { data: out, width, height };
}

/**
 * Mean SSIM of two grey images of the same size: 1 for identical images, about 0 for
 * unrelated ones (it can be slightly negative).
 *
 * @example ssim(lumaOf(a), lumaOf(b)); // 0.93
 * @param a - reference image, values 0..255
 * @param b - compared image, same width and height
 * @param options - `sigma` (default 1.5), `downsample` (default 'auto')
 * @throws {EngineError} invalidInput for different sizes, images smaller than the 11 px window
 *   (after downsampling) or bad options
 */
export function ssim(a: GreyImage, b: GreyImage, options: SsimOptions = {}): number {
	checkGrey(a, 'a');
	checkGrey(b, 'b');
	if (a.width !== b.width || a.height !== b.height) {
		throw invalidParameterError('b', `an image of ${a.width}x${a.height} like a`, `${b.width}x${b.height}`);
	}
	const sigma = numberInRange('sigma', options.sigma ?? 1.5, 0.1, 10);
	const factor = downsampleFactor(a, options.downsample ?? 'auto');
	return meanSsim(boxDownsample(a, factor), boxDownsample(b, factor), gaussianWindow(sigma), factor);
}

/**
 * The "structure kept" sub-score: SSIM of the variant's luma against the source's, after the
 * variant's luma is given the source's global mean and standard deviation. Global tone changes
 * (what was asked for) are thereby ignored; lost, added or moved detail lowers the score.
 *
 * @example structureKept(sourceThumb, variantThumb); // 0.97
 * @param source - RGB thumbnail of the image that was edited
 * @param variant - RGB thumbnail of the result, same width and height
 * @returns SSIM, at most 1 (clamped below at 0)
 * @throws {EngineError} invalidInput as {@link ssim}
 */
export function structureKept(source: Thumbnail | GreyImage, variant: Thumbnail | GreyImage): number {
	const a = asGrey(source);
	const b = asGrey(variant);
	if (a.width !== b.width || a.height !== b.height) {
		throw invalidParameterError('variant', `a thumbnail of ${a.width}x${a.height} like the source`, `${b.width}x${b.height}`);
	}
	const factor = downsampleFactor(a, 'auto');
	const x = boxDownsample(a, factor);
	// Tone-match after downsampling: the same global map, on a quarter of the pixels.
	return Math.max(0, meanSsim(x, matchTone(boxDownsample(b, factor), x), gaussianWindow(1.5), factor));
}

/** `image` with its global mean and standard deviation set to those of `reference`. */
export function matchTone(image: GreyImage, reference: GreyImage): GreyImage {
	const [mi, si] = meanStd(image.data);
	const [mr, sr] = meanStd(reference.data);
	const gain = si > 1e-6 ? sr / si : 1;
	const out = new Float32Array(image.data.length);
	for (let i = 0; i < out.length; i++) out[i] = (image.data[i] - mi) * gain + mr;
	return { data: out, width: image.width, height: image.height };
}

function downsampleFactor(image: GreyImage, requested: number | 'auto'): number {
	return requested === 'auto'
		? Math.max(1, Math.round(Math.min(image.width, image.height) / 128))
		: Math.round(numberInRange('downsample', requested, 1, 64));
}

function asGrey(image: Thumbnail | GreyImage): GreyImage {
	return image.data instanceof Float32Array ? (image as GreyImage) : lumaOf(image as Thumbnail);
}

function meanStd(data: Float32Array): [number, number] {
	let sum = 0;
	let sum2 = 0;
	for (let i = 0; i < data.length; i++) {
		sum += data[i];
		sum2 += data[i] * data[i];
	}
	const mean = sum / data.length;
	return [mean, Math.sqrt(Math.max(0, sum2 / data.length - mean * mean))];
}

function gaussianWindow(sigma: number): Float64Array {
	const w = new Float64Array(2 * RADIUS + 1);
	let sum = 0;
	for (let i = -RADIUS; i <= RADIUS; i++) {
		w[i + RADIUS] = Math.exp(-(i * i) / (2 * sigma * sigma));
		sum += w[i + RADIUS];
	}
	for (let i = 0; i < w.length; i++) w[i] /= sum;
	return w;
}

/** Mean of F x F blocks (the remainder rows/columns are dropped), as the reference code does. */
function boxDownsample(image: GreyImage, factor: number): GreyImage {
	if (factor === 1) return image;
	const width = Math.floor(image.width / factor);
	const height = Math.floor(image.height / factor);
	const out = new Float32Array(width * height);
	const area = factor * factor;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let sum = 0;
			for (let dy = 0; dy < factor; dy++) {
				const row = (y * factor + dy) * image.width + x * factor;
				for (let dx = 0; dx < factor; dx++) sum += image.data[row + dx];
			}
			out[y * width + x] = sum / area;
		}
	}
	return { data: out, width, height };
}

/**
 * Separable Gaussian filtering of x, y, x², y² and xy over the 'valid' region (rows, then
 * columns), then the mean of the SSIM map.
 */
function meanSsim(a: GreyImage, b: GreyImage, w: Float64Array, factor: number): number {
	const { width, height } = a;
	if (width < w.length || height < w.length) {
		throw invalidParameterError('image', `at least ${w.length * factor} px per side`, `${width * factor}x${height * factor}`);
	}
	const n = width * height;
	const xx = new Float64Array(n);
	const yy = new Float64Array(n);
	const xy = new Float64Array(n);
	const A = a.data;
	const B = b.data;
	for (let i = 0; i < n; i++) {
		xx[i] = A[i] * A[i];
		yy[i] = B[i] * B[i];
		xy[i] = A[i] * B[i];
	}
	const outW = width - w.length + 1;
	const outH = height - w.length + 1;
	const blur = (src: Float32Array | Float64Array) => blurColumns(blurRows(src, width, height, w), outW, height, w);
	const mx = blur(A);
	const my = blur(B);
	const exx = blur(xx);
	const eyy = blur(yy);
	const exy = blur(xy);
	let total = 0;
	const count = outW * outH;
	for (let i = 0; i < count; i++) {
		const ux = mx[i];
		const uy = my[i];
		const vx = exx[i] - ux * ux;
		const vy = eyy[i] - uy * uy;
		const cov = exy[i] - ux * uy;
		total += ((2 * ux * uy + C1) * (2 * cov + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
	}
	return total / count;
}

/** Horizontal 'valid' convolution: (width - taps + 1) x height. */
function blurRows(src: Float32Array | Float64Array, width: number, height: number, w: Float64Array): Float64Array {
	const taps = w.length;
	const outW = width - taps + 1;
	const out = new Float64Array(outW * height);
	for (let row = 0; row < height; row++) {
		const base = row * width;
		const o = row * outW;
		for (let col = 0; col < outW; col++) {
			let sum = 0;
			for (let k = 0; k < taps; k++) sum += w[k] * src[base + col + k];
			out[o + col] = sum;
		}
	}
	return out;
}

/** Vertical 'valid' convolution: width x (height - taps + 1). */
function blurColumns(src: Float64Array, width: number, height: number, w: Float64Array): Float64Array {
	const taps = w.length;
	const outH = height - taps + 1;
	const out = new Float64Array(width * outH);
	for (let k = 0; k < taps; k++) {
		const wk = w[k];
		for (let row = 0; row < outH; row++) {
			const from = (row + k) * width;
			const o = row * width;
			for (let col = 0; col < width; col++) out[o + col] += wk * src[from + col];
		}
	}
	return out;
}

function checkGrey(image: GreyImage, name: string): void {
	if (
		!image ||
		!(image.data instanceof Float32Array) ||
		!is.integer(image.width) ||
		!is.integer(image.height) ||
		image.data.length !== image.width * image.height
	) {
		throw invalidParameterError(name, 'a grey image ({ data: Float32Array, width, height })', image);
	}
}
