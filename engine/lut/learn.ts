/**
 * Learning a colour transform from an approved before/after pair: a 3D LUT that maps the
 * original's colours to the approved image's colours, and a verdict on whether the edit was a
 * global tone/colour change (replayable on any image with {@link applyLut}, at no cost) or a
 * change of content (which a LUT cannot replay: use an AI strategy).
 *
 * Steps:
 * 1. Both images are box-averaged onto the same small working grid (at most `maxSamples` cells):
 *    averaging removes JPEG noise, makes a pixel or two of misalignment small, and works for an
 *    approved image of another size with the same aspect ratio.
 * 2. A whole-cell shift between the grids (up to 3 cells) is found by luma correlation and undone.
 * 3. Cells at edges (large colour spread inside the box or to a neighbouring cell) get less weight:
 *    there a residual misalignment pairs a colour with the wrong one.
 * 4. The LUT is fitted with {@link fitLut3d} (a regularised 3D LUT over a tone-curve + colour
 *    matrix fallback, robust to outliers).
 * 5. The LUT is applied to the working-grid original and compared with the working-grid approved
 *    image in CIEDE2000 for the report and the verdict.
 */
import { EngineError } from '../core/errors';
import { integerInRange, invalidParameterError, is, numberInRange } from '../core/validate';
import { inspectImage, openImage, type OpenImageOptions } from '../image/input';
import { deltaE2000Values, summariseDifferences } from '../color/delta-e';
import { rgbBufferToLab } from '../color/convert';
import { applyLut } from './apply';
import { boxDownsample, gridSize, type GridImage, type RawImage } from './downsample';
import { estimateShift, shiftGrid } from './align';
import { fitLut3d } from './learn-fit';
import type { CubeLut } from './types';

export type { RawImage } from './downsample';

/**
 * Mean ΔE2000 (working grid, after the learned LUT) below which a pair counts as replicable.
 * Measured on the test photos: an exact LUT edit 0.04-0.2; the same edit JPEG'd at q85 and
 * shifted by 2 px 1.1-1.2; a painted-over area of 7-12 % of the picture 5; swapped halves 11+.
 */
export const REPLICABLE_MAX_MEAN_DELTA_E = 3;
/**
 * Share of working-grid pixels with ΔE2000 > 10 below which a pair counts as replicable.
 * Measured: exact edit 0 %; JPEG q85 + 2 px shift 0.2-0.5 %; painted area 13-16 %; swapped
 * halves 35 %+; one half warmer and the other cooler well above 2 %.
 */
export const REPLICABLE_MAX_SHARE_OVER_10 = 0.02;
/** Largest difference in aspect ratio (relative) between original and approved. */
export const MAX_ASPECT_DIFFERENCE = 0.02;

/** Default working-grid cells (about 362 x 362). */
export const DEFAULT_MAX_SAMPLES = 131_072;
/** Default pixel budget of {@link learnLutFromFiles}'s decode. */
export const DEFAULT_DECODE_PIXELS = 1_000_000;

export interface LearnLutOptions {
	/** Grid points per axis of the learned 3D LUT, 2..65. @default 33 */
	size?: number;
	/**
	 * Strength of the smoothing between neighbouring grid points, relative to the pull of one
	 * average sample, 0.01..100. Higher values give smoother LUTs that follow sparse colours less
	 * closely. @default 1
	 */
	smoothness?: number;
	/** Working-grid cells (samples) the pair is averaged down to, 1024..4194304. @default 131072 */
	maxSamples?: number;
}

export interface LearnLutReport {
	/** Mean CIEDE2000 between the learned LUT applied to the original and the approved image. */
	meanDeltaE: number;
	/** 95th percentile of that ΔE2000. */
	p95DeltaE: number;
	/** Share (0..1) of working-grid pixels with ΔE2000 above 10. */
	shareOver10: number;
	/** Share (0..1) of the LUT's grid cells holding at least 3 samples (the test photos cover 3-7 %). */
	coverage: number;
	/** 'replicable' when mean ΔE2000 < 3 and fewer than 2 % of pixels differ by more than 10. */
	verdict: 'replicable' | 'content-changed';
	/** The verdict in words, with the numbers. */
	verdictText: string;
}

export interface LearnLutResult {
	lut: CubeLut;
	report: LearnLutReport;
}

/**
 * Learns a 3D LUT that turns `original` into `approved`, and reports how well it explains the pair.
 *
 * The comparison for the report is made on the working grid (the box-averaged images), and each
 * pixel is compared with the best-matching of the approved pixels at most two grid cells away, so
 * a shift of a pixel or two and JPEG noise do not count as differences; moved, added or removed
 * content larger than a few cells does.
 *
 * @example
 * const { lut, report } = learnLut(
 *   { data: beforeRaw, width: 4000, height: 3000, channels: 3 },
 *   { data: afterRaw, width: 4000, height: 3000, channels: 3 },
 * );
 * if (report.verdict === 'replicable') fs.writeFileSync('look.cube', formatCube(lut));
 * @param original - the image before the edit, 8-bit RGB(A) (alpha ignored)
 * @param approved - the image after the edit; another size is fine if the aspect ratio is within 2 %
 * @param options - LUT size (default 33), smoothness (default 1), maxSamples (default 131072)
 * @returns the LUT (title "Learned look") and the report
 * @throws {EngineError} kind 'invalidInput' for malformed images, aspect ratios more than 2 % apart,
 * or bad options
 */
export function learnLut(original: RawImage, approved: RawImage, options: LearnLutOptions = {}): LearnLutResult {
	checkImage(original, 'original');
	checkImage(approved, 'approved');
	if (!is.plainObject(options)) throw invalidParameterError('options', 'an object', options);
	const size = integerInRange('size', options.size ?? 33, 2, 65);
	const smoothness = numberInRange('smoothness', options.smoothness ?? 1, 0.01, 100);
	const maxSamples = integerInRange('maxSamples', options.maxSamples ?? DEFAULT_MAX_SAMPLES, 1024, 4_194_304);
	checkAspect(original.width, original.height, approved.width, approved.height);

	const grid = gridSize(
		original.width,
		original.height,
		maxSamples,
		Math.min(original.width, approved.width),
		Math.min(original.height, approved.height),
	);
	const before = boxDownsample(original, grid.width, grid.height);
	const unshifted = boxDownsample(approved, grid.width, grid.height);
	const shift = estimateShift(before, unshifted, MAX_SHIFT);
	const after = shiftGrid(unshifted, shift.dx, shift.dy);
	// Cells whose partner ran off the approved grid (repeated edge cells) take no part.
	const valid = {
		x0: Math.max(0, -shift.dx),
		x1: grid.width - Math.max(0, shift.dx),
		y0: Math.max(0, -shift.dy),
		y1: grid.height - Math.max(0, shift.dy),
	};

	const samples = makeSamples(before, after, valid);
	const fit = fitLut3d(samples, { size, smoothness });
	const lut: CubeLut = {
		title: 'Learned look',
		lut3d: { size, data: fit.data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] },
	};
	const difference = compareOnGrid(before, after, lut, valid);
	const replicable =
		difference.meanDeltaE < REPLICABLE_MAX_MEAN_DELTA_E && difference.shareOver10 < REPLICABLE_MAX_SHARE_OVER_10;
	const numbers = `mean ΔE2000 ${difference.meanDeltaE.toFixed(2)}, ${(difference.shareOver10 * 100).toFixed(1)} % of pixels above 10`;
	return {
		lut,
		report: {
			...difference,
			coverage: fit.coverage,
			verdict: replicable ? 'replicable' : 'content-changed',
			verdictText: replicable
				? `global tone/colour edit: replicable exactly (${numbers})`
				: `content changed: use an AI strategy (${numbers})`,
		},
	};
}

export interface LearnLutFromFilesOptions extends LearnLutOptions {
	/** Both images are decoded at most this many pixels (same size for both). @default 1000000 */
	decodePixels?: number;
	/** Refuse inputs with more pixels than this, see {@link inspectImage}. @default 100000000 */
	maxPixels?: number;
}

/**
 * Decodes an original/approved pair of image files at reduced size (at most ~1 MP, both to the
 * same dimensions, auto-oriented, sRGB, box-like 'linear' resampling kernel) and runs
 * {@link learnLut} on them.
 *
 * @example
 * const { lut, report } = await learnLutFromFiles(fs.readFileSync('before.jpg'), fs.readFileSync('after.jpg'));
 * @param originalBytes - the file before the edit (JPEG, PNG, WebP, AVIF, HEIF, TIFF, GIF)
 * @param approvedBytes - the file after the edit
 * @param options - {@link LearnLutOptions} plus decodePixels (default 1000000) and maxPixels (default 100 MP)
 * @returns the LUT and the report, as {@link learnLut}
 * @throws {EngineError} kind 'invalidInput' for unreadable or oversized files, aspect ratios more
 * than 2 % apart, or bad options
 */
export async function learnLutFromFiles(
	originalBytes: Buffer,
	approvedBytes: Buffer,
	options: LearnLutFromFilesOptions = {},
): Promise<LearnLutResult> {
	if (!is.plainObject(options as unknown)) throw invalidParameterError('options', 'an object', options);
	const decodePixels = integerInRange('decodePixels', options.decodePixels ?? DEFAULT_DECODE_PIXELS, 4096, 100_000_000);
	const limits: OpenImageOptions = options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels };
	const originalInfo = await inspectImage(originalBytes, { ...limits, label: 'original image' });
	const approvedInfo = await inspectImage(approvedBytes, { ...limits, label: 'approved image' });
	checkAspect(originalInfo.width, originalInfo.height, approvedInfo.width, approvedInfo.height);
	const target = gridSize(originalInfo.width, originalInfo.height, decodePixels);
	const [original, approved] = await Promise.all([
		decodeAt(originalBytes, target.width, target.height, { ...limits, label: 'original image' }),
		decodeAt(approvedBytes, target.width, target.height, { ...limits, label: 'approved image' }),
	]);
	return learnLut(original, approved, {
		size: options.size,
		smoothness: options.smoothness,
		maxSamples: options.maxSamples,
	});
}

async function decodeAt(bytes: Buffer, width: number, height: number, options: OpenImageOptions): Promise<RawImage> {
	try {
		const { data, info } = await openImage(bytes, options)
			.toColourspace('srgb')
			.removeAlpha()
			.resize(width, height, { fit: 'fill', kernel: 'linear' })
			.raw({ depth: 'uchar' })
			.toBuffer({ resolveWithObject: true });
		return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4 };
	} catch (error) {
		const text = error instanceof Error ? error.message : String(error);
		throw new EngineError('invalidInput', `The ${options.label ?? 'image'} could not be decoded; the file is probably truncated or corrupt`, {
			description: text.split('\n')[0].slice(0, 200),
			cause: error,
		});
	}
}

function checkImage(image: RawImage, name: string): void {
	if (!is.plainObject(image)) throw invalidParameterError(name, 'an object { data, width, height, channels }', image);
	const { data, width, height, channels } = image;
	if (!Buffer.isBuffer(data)) throw invalidParameterError(`${name}.data`, 'a Buffer of 8-bit pixels', data);
	integerInRange(`${name}.width`, width, 1, 1_000_000);
	integerInRange(`${name}.height`, height, 1, 1_000_000);
	if (channels !== 3 && channels !== 4) throw invalidParameterError(`${name}.channels`, '3 or 4', channels);
	if (data.length !== width * height * channels) {
		throw invalidParameterError(
			`${name}.data`,
			`${width * height * channels} bytes (${width} x ${height} x ${channels})`,
			`${data.length} bytes`,
		);
	}
}

function checkAspect(width: number, height: number, otherWidth: number, otherHeight: number): void {
	const ratio = width / height / (otherWidth / otherHeight);
	if (Math.abs(ratio - 1) > MAX_ASPECT_DIFFERENCE) {
		throw new EngineError(
			'invalidInput',
			`The approved image (${otherWidth}x${otherHeight}) does not have the shape of the original (${width}x${height})`,
			{
				parameter: 'approved',
				description:
					'A LUT can only be learned from the same picture before and after a colour edit. Their aspect ratios differ by ' +
					`${(Math.abs(ratio - 1) * 100).toFixed(1)} % (at most ${MAX_ASPECT_DIFFERENCE * 100} % allowed): the approved image was cropped, padded or re-framed.`,
			},
		);
	}
}

/** The part of the working grid where both images have content after the shift is undone. */
interface Region {
	x0: number;
	x1: number;
	y0: number;
	y1: number;
}

/** Largest whole-cell shift between original and approved that is detected and undone. */
const MAX_SHIFT = 3;

/**
 * Edge sensitivity: a cell whose colour spread inside its box plus largest difference to a
 * neighbouring cell (levels², summed over R, G, B) equals this gets half weight. Tuned on the
 * test photos between 3 * 8² (loses too much data on clean pairs) and 3 * 32² (lets misaligned
 * edges through).
 */
const SPREAD_HALF_WEIGHT = 3 * 16 * 16;

function makeSamples(before: GridImage, after: GridImage, valid: Region) {
	const { width, height } = before;
	const count = width * height;
	const input = new Float32Array(count * 3);
	const target = new Float32Array(count * 3);
	const weight = new Float32Array(count);
	const a = before.mean;
	const b = after.mean;
	for (let i = 0; i < count * 3; i++) {
		input[i] = a[i] / 255;
		target[i] = b[i] / 255;
	}
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			// Largest colour change to the four neighbouring cells: where a residual shift of up to
			// a cell would pair this colour with another one.
			let contrast = 0;
			for (let n = 0; n < 4; n++) {
				const j =
					n === 0 ? (x + 1 < width ? i + 1 : i)
					: n === 1 ? (x > 0 ? i - 1 : i)
					: n === 2 ? (y + 1 < height ? i + width : i)
					: y > 0 ? i - width : i;
				const dr = a[i * 3] - a[j * 3];
				const dg = a[i * 3 + 1] - a[j * 3 + 1];
				const db = a[i * 3 + 2] - a[j * 3 + 2];
				const distance = dr * dr + dg * dg + db * db;
				if (distance > contrast) contrast = distance;
			}
			const spread = before.spread[i] + after.spread[i] + contrast;
			const inside = x >= valid.x0 && x < valid.x1 && y >= valid.y0 && y < valid.y1;
			weight[i] = inside ? 1 / (1 + spread / SPREAD_HALF_WEIGHT) : 0;
		}
	}
	return { count, input, target, weight };
}

function toBytes(values: Float32Array): Buffer {
	const out = Buffer.allocUnsafe(values.length);
	for (let i = 0; i < values.length; i++) out[i] = (values[i] + 0.5) | 0;
	return out;
}

/** How far (in working-grid cells) the report looks for the matching approved pixel. */
const MATCH_RADIUS = 2;

/**
 * ΔE2000 between the LUT applied to `before` and `after`, each pixel matched with the approved
 * pixel within {@link MATCH_RADIUS} cells that is closest in CIELAB (ΔE76; the pixel in the same
 * place when it is within ΔE76 1), then measured in ΔE2000.
 */
function compareOnGrid(before: GridImage, after: GridImage, lut: CubeLut, valid: Region) {
	const { width } = before;
	const predicted = applyLut(toBytes(before.mean), 3, lut);
	const labP = rgbBufferToLab(predicted, 3);
	const labA = rgbBufferToLab(toBytes(after.mean), 3);
	const differences = new Float64Array((valid.x1 - valid.x0) * (valid.y1 - valid.y0));
	for (let y = valid.y0, k = 0; y < valid.y1; y++) {
		for (let x = valid.x0; x < valid.x1; x++, k++) {
			const i = (y * width + x) * 3;
			const L = labP[i];
			const A = labP[i + 1];
			const B = labP[i + 2];
			let best = i;
			let dL = labA[i] - L;
			let da = labA[i + 1] - A;
			let db = labA[i + 2] - B;
			let bestDistance = dL * dL + da * da + db * db;
			// Search the neighbourhood only when the pixel in the same place is not already a match.
			if (bestDistance > 1) {
				for (let dy = -MATCH_RADIUS; dy <= MATCH_RADIUS; dy++) {
					const yy = y + dy;
					if (yy < valid.y0 || yy >= valid.y1) continue;
					for (let dx = -MATCH_RADIUS; dx <= MATCH_RADIUS; dx++) {
						const xx = x + dx;
						if (xx < valid.x0 || xx >= valid.x1) continue;
						const j = (yy * width + xx) * 3;
						dL = labA[j] - L;
						da = labA[j + 1] - A;
						db = labA[j + 2] - B;
						const distance = dL * dL + da * da + db * db;
						if (distance < bestDistance) {
							bestDistance = distance;
							best = j;
						}
					}
				}
			}
			differences[k] = deltaE2000Values(L, A, B, labA[best], labA[best + 1], labA[best + 2]);
		}
	}
	return summariseDifferences(differences);
}
