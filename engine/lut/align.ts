/**
 * Finding and undoing a small whole-cell shift between the two working grids of a before/after
 * pair (an edit tool or an AI model that moved the picture by a pixel or two). The match is the
 * normalised cross-correlation of luma, whose size is unchanged by any tone curve that keeps
 * lights light (and, taken as an absolute value, by an inversion), so the colour edit itself does
 * not mislead it.
 */
import type { GridImage } from './downsample';

/** A whole-cell displacement: the approved cell (x + dx, y + dy) shows what original cell (x, y) shows. */
export interface GridShift {
	dx: number;
	dy: number;
	/** Absolute normalised cross-correlation of luma at that shift, 0..1. */
	correlation: number;
}

/**
 * Tries every shift up to `radius` cells in x and y and returns the best-correlated one; the zero
 * shift is kept unless another is clearly better (by 0.005), so an aligned pair never moves.
 *
 * @example const { dx, dy } = estimateShift(before, after, 3);
 * @param before - the original's working grid
 * @param after - the approved image's working grid (same size)
 * @param radius - largest shift tried in each direction, in cells; default 3
 * @returns the shift and its correlation; zero shift for grids too small to compare
 * @throws nothing (the grids must have the same size)
 */
export function estimateShift(before: GridImage, after: GridImage, radius = 3): GridShift {
	const { width, height } = before;
	if (width <= 4 * radius || height <= 4 * radius) return { dx: 0, dy: 0, correlation: 0 };
	const a = luma(before);
	const b = luma(after);
	// Compare the interior of the original (a border of `radius` left out) with shifted windows of
	// the approved image; every other row and column is enough to find the peak.
	let sumA = 0;
	let sumA2 = 0;
	let count = 0;
	for (let y = radius; y < height - radius; y += 2) {
		for (let x = radius; x < width - radius; x += 2) {
			const v = a[y * width + x];
			sumA += v;
			sumA2 += v * v;
			count++;
		}
	}
	const varianceA = sumA2 - (sumA * sumA) / count;
	const score = (dx: number, dy: number): number => {
		let sumB = 0;
		let sumB2 = 0;
		let sumAB = 0;
		for (let y = radius; y < height - radius; y += 2) {
			const rowA = y * width;
			const rowB = (y + dy) * width + dx;
			for (let x = radius; x < width - radius; x += 2) {
				const u = a[rowA + x];
				const v = b[rowB + x];
				sumB += v;
				sumB2 += v * v;
				sumAB += u * v;
			}
		}
		const varianceB = sumB2 - (sumB * sumB) / count;
		const covariance = sumAB - (sumA * sumB) / count;
		const denominator = Math.sqrt(varianceA * varianceB);
		return denominator > 0 ? Math.abs(covariance) / denominator : 0;
	};
	const zero = score(0, 0);
	let best: GridShift = { dx: 0, dy: 0, correlation: zero };
	for (let dy = -radius; dy <= radius; dy++) {
		for (let dx = -radius; dx <= radius; dx++) {
			if (dx === 0 && dy === 0) continue;
			const correlation = score(dx, dy);
			if (correlation > best.correlation && correlation > zero + 0.005) best = { dx, dy, correlation };
		}
	}
	return best;
}

/**
 * Moves a working grid so that cell (x, y) holds what was at (x + dx, y + dy), repeating the edge
 * cells where the shift runs off the grid.
 *
 * @example const aligned = shiftGrid(after, shift.dx, shift.dy);
 * @param grid - the grid to move
 * @param dx - shift in x, in cells
 * @param dy - shift in y, in cells
 * @returns a new grid (or `grid` itself for a zero shift)
 * @throws nothing
 */
export function shiftGrid(grid: GridImage, dx: number, dy: number): GridImage {
	if (dx === 0 && dy === 0) return grid;
	const { width, height } = grid;
	const mean = new Float32Array(grid.mean.length);
	const spread = new Float32Array(grid.spread.length);
	for (let y = 0; y < height; y++) {
		const sy = Math.min(height - 1, Math.max(0, y + dy));
		for (let x = 0; x < width; x++) {
			const sx = Math.min(width - 1, Math.max(0, x + dx));
			const from = sy * width + sx;
			const to = y * width + x;
			mean[to * 3] = grid.mean[from * 3];
			mean[to * 3 + 1] = grid.mean[from * 3 + 1];
			mean[to * 3 + 2] = grid.mean[from * 3 + 2];
			spread[to] = grid.spread[from];
		}
	}
	return { width, height, mean, spread };
}

function luma(grid: GridImage): Float32Array {
	const out = new Float32Array(grid.width * grid.height);
	const m = grid.mean;
	for (let i = 0; i < out.length; i++) out[i] = 0.25 * m[i * 3] + 0.5 * m[i * 3 + 1] + 0.25 * m[i * 3 + 2];
	return out;
}
