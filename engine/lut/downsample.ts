/**
 * Box-averaging 8-bit images onto a small working grid, for fitting colour transforms: every
 * source pixel falls in exactly one grid cell, so two images of the same aspect ratio but
 * different sizes land on the same grid, and the spread of colours inside a cell (high at edges,
 * where a small misalignment or a resampling difference changes the colour) comes for free.
 */
import { invalidParameterError } from '../core/validate';

/** Interleaved 8-bit pixels with their dimensions. */
export interface RawImage {
	data: Buffer;
	width: number;
	height: number;
	channels: 3 | 4;
}

/** A box-averaged image: float RGB means and the colour spread of each cell. */
export interface GridImage {
	width: number;
	height: number;
	/** Mean R, G, B of each cell, 0..255 levels, interleaved. */
	mean: Float32Array;
	/** Variance of the pixels in each cell, summed over R, G, B (levels²); 0 for one-pixel cells. */
	spread: Float32Array;
}

/**
 * Averages an image over a `width` x `height` grid of boxes. Box edges are
 * `floor(i * sourceWidth / width)`, so boxes differ in size by at most one pixel. Boxes wider or
 * taller than 8 pixels are sampled every `floor(box / 4)` pixels in that direction.
 *
 * @example const grid = boxDownsample({ data, width: 6000, height: 4000, channels: 3 }, 480, 320);
 * @param image - the source pixels
 * @param width - grid width, 1..image.width
 * @param height - grid height, 1..image.height
 * @returns means and spreads per cell
 * @throws {EngineError} kind 'invalidInput' when the grid is larger than the image
 */
export function boxDownsample(image: RawImage, width: number, height: number): GridImage {
	const { data, channels } = image;
	const sw = image.width;
	const sh = image.height;
	if (!Number.isInteger(width) || width < 1 || width > sw) {
		throw invalidParameterError('width', `an integer between 1 and ${sw}`, width);
	}
	if (!Number.isInteger(height) || height < 1 || height > sh) {
		throw invalidParameterError('height', `an integer between 1 and ${sh}`, height);
	}
	// Large boxes are sampled on a regular sub-grid of at least 4 x 4 pixels per box: the mean
	// and spread are estimated as well, at a fraction of the reads (24 MP -> 131 k cells reads ~1/9).
	const strideX = Math.max(1, Math.floor(sw / width / 4));
	const strideY = Math.max(1, Math.floor(sh / height / 4));
	const columns = Math.ceil(sw / strideX);
	const colOffset = new Int32Array(columns);
	const colBin = new Int32Array(columns);
	const colCount = new Float64Array(width);
	for (let k = 0; k < columns; k++) {
		const x = k * strideX;
		const t = Math.floor((x * width) / sw);
		colOffset[k] = x * channels;
		colBin[k] = t * 3;
		colCount[t]++;
	}
	const mean = new Float32Array(width * height * 3);
	const spread = new Float32Array(width * height);
	const sum = new Float64Array(width * 3);
	// Indexed like `sum` (cell * 3) so the inner loop uses one index.
	const sumSq = new Float64Array(width * 3);
	let rowsInBin = 0;
	let bin = 0;
	for (let y = 0; y < sh; y += strideY) {
		const row = y * sw * channels;
		for (let k = 0; k < columns; k++) {
			const p = row + colOffset[k];
			const t = colBin[k];
			const r = data[p];
			const g = data[p + 1];
			const b = data[p + 2];
			sum[t] += r;
			sum[t + 1] += g;
			sum[t + 2] += b;
			sumSq[t] += r * r + g * g + b * b;
		}
		rowsInBin++;
		const nextBin = y + strideY < sh ? Math.floor(((y + strideY) * height) / sh) : height;
		if (nextBin !== bin) {
			const rowBase = bin * width;
			for (let t = 0; t < width; t++) {
				const n = rowsInBin * colCount[t];
				const mr = sum[t * 3] / n;
				const mg = sum[t * 3 + 1] / n;
				const mb = sum[t * 3 + 2] / n;
				const o = (rowBase + t) * 3;
				mean[o] = mr;
				mean[o + 1] = mg;
				mean[o + 2] = mb;
				const v = sumSq[t * 3] / n - (mr * mr + mg * mg + mb * mb);
				spread[rowBase + t] = v > 0 ? v : 0;
			}
			sum.fill(0);
			sumSq.fill(0);
			rowsInBin = 0;
			bin = nextBin;
		}
	}
	return { width, height, mean, spread };
}

/**
 * The largest grid with the aspect ratio of `width` x `height`, at most `maxCells` cells and no
 * larger than `limitWidth` x `limitHeight` in either direction.
 *
 * @example gridSize(6000, 4000, 131072, 6000, 4000); // { width: 443, height: 295 }
 * @param width - source width
 * @param height - source height
 * @param maxCells - most cells allowed
 * @param limitWidth - largest width allowed; default `width`
 * @param limitHeight - largest height allowed; default `height`
 * @throws nothing (no argument checks: learnLut passes checked sizes)
 */
export function gridSize(
	width: number,
	height: number,
	maxCells: number,
	limitWidth = width,
	limitHeight = height,
): { width: number; height: number } {
	let scale = Math.min(1, Math.sqrt(maxCells / (width * height)), limitWidth / width, limitHeight / height);
	let w = Math.max(1, Math.floor(width * scale));
	let h = Math.max(1, Math.floor(height * scale));
	while (w * h > maxCells && (w > 1 || h > 1)) {
		scale *= 0.99;
		w = Math.max(1, Math.floor(width * scale));
		h = Math.max(1, Math.floor(height * scale));
	}
	return { width: Math.min(w, limitWidth), height: Math.min(h, limitHeight) };
}
