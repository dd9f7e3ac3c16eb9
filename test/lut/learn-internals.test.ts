import { estimateShift, shiftGrid } from '../../engine/lut/align';
import { applyLut } from '../../engine/lut/apply';
import { boxDownsample, gridSize } from '../../engine/lut/downsample';
import { fitLut3d } from '../../engine/lut/learn-fit';
import { filmLookLut, loadPhoto, seededRandom, shiftImage } from './helpers';

describe('boxDownsample', () => {
	it('averages exact boxes and reports the colour variance inside each', () => {
		// 4 x 2 image -> 2 x 1 grid: boxes of 2 x 2 pixels.
		const data = Buffer.from([
			0, 0, 0, 10, 20, 30, 100, 100, 100, 100, 100, 100,
			20, 40, 60, 30, 60, 90, 100, 100, 100, 100, 100, 100,
		]);
		const grid = boxDownsample({ data, width: 4, height: 2, channels: 3 }, 2, 1);
		expect(Array.from(grid.mean)).toEqual([15, 30, 45, 100, 100, 100]);
		// Variance per channel of {0, 10, 20, 30} * k: 125 * k^2 for k = 1, 2, 3.
		expect(grid.spread[0]).toBeCloseTo(125 * (1 + 4 + 9), 6);
		expect(grid.spread[1]).toBe(0);
	});

	it('reads RGBA and uneven boxes (5 pixels into 2 cells: 3 + 2)', () => {
		const data = Buffer.from([10, 0, 0, 255, 20, 0, 0, 0, 30, 0, 0, 9, 40, 0, 0, 9, 50, 0, 0, 9]);
		const grid = boxDownsample({ data, width: 5, height: 1, channels: 4 }, 2, 1);
		// Box edges at floor(i * 5 / 2): pixels 0-2 and 3-4.
		expect(grid.mean[0]).toBe(20);
		expect(grid.mean[3]).toBe(45);
	});

	it('estimates large boxes from a sub-grid of at least 4 x 4 pixels, close to the full average', async () => {
		const photo = await loadPhoto('coffee');
		const grid = boxDownsample(photo, 20, 15); // 30 x 26.7 pixel boxes: every 7th / 6th pixel is read
		let totalError = 0;
		let flatWorst = 0;
		for (let gy = 0; gy < 15; gy++) {
			for (let gx = 0; gx < 20; gx++) {
				const x0 = Math.floor((gx * 600) / 20);
				const x1 = Math.floor(((gx + 1) * 600) / 20);
				const y0 = Math.floor((gy * 400) / 15);
				const y1 = Math.floor(((gy + 1) * 400) / 15);
				let sum = 0;
				let sumSq = 0;
				const n = (x1 - x0) * (y1 - y0);
				for (let y = y0; y < y1; y++) {
					for (let x = x0; x < x1; x++) {
						const v = photo.data[(y * 600 + x) * 3 + 1];
						sum += v;
						sumSq += v * v;
					}
				}
				const error = Math.abs(sum / n - grid.mean[(gy * 20 + gx) * 3 + 1]);
				totalError += error;
				const deviation = Math.sqrt(sumSq / n - (sum / n) ** 2);
				if (deviation < 8) flatWorst = Math.max(flatWorst, error);
			}
		}
		// On this textured photo the estimate is within a few levels on average, and in flat boxes
		// (where the fit puts its weight) at worst. Edge boxes can be further off and get little
		// weight; and since original and approved are read at the same pixels, a pair stays consistent.
		expect(totalError / 300).toBeLessThan(4);
		expect(flatWorst).toBeLessThan(4);
	});

	it('refuses a grid larger than the image', () => {
		expect(() => boxDownsample({ data: Buffer.alloc(12), width: 2, height: 2, channels: 3 }, 3, 1)).toThrow(
			'Expected an integer between 1 and 2 for width but received 3',
		);
	});
});

describe('gridSize', () => {
	it('keeps the aspect ratio, the cell budget and the size limits', () => {
		const { width, height } = gridSize(6000, 4000, 131072);
		expect(width * height).toBeLessThanOrEqual(131072);
		expect(width * height).toBeGreaterThan(131072 * 0.97);
		expect(Math.abs(width / height - 1.5)).toBeLessThan(0.01);
		expect(gridSize(300, 200, 131072)).toEqual({ width: 300, height: 200 });
		// A smaller approved image (300 x 200) limits the grid: no cell may be empty.
		expect(gridSize(6000, 4000, 131072, 300, 200)).toEqual({ width: 300, height: 200 });
	});
});

describe('estimateShift', () => {
	it('finds a known shift between a photo and its graded, moved copy, and undoes it', async () => {
		const photo = await loadPhoto('astronaut');
		const graded = { ...photo, data: applyLut(photo.data, 3, filmLookLut(17)) };
		const before = boxDownsample(photo, 256, 256);
		for (const [dx, dy] of [[0, 0], [2, -1], [-3, 3]]) {
			// Moving the 512 px picture by 2 * (dx, dy) pixels moves the 256-cell grid by (dx, dy).
			const after = boxDownsample(shiftImage(graded, 2 * dx, 2 * dy), 256, 256);
			const shift = estimateShift(before, after, 3);
			expect([shift.dx, shift.dy]).toEqual([dx, dy]);
			expect(shift.correlation).toBeGreaterThan(0.9);
			const aligned = shiftGrid(after, shift.dx, shift.dy);
			const centre = (128 * 256 + 128) * 3;
			const direct = boxDownsample(graded, 256, 256);
			expect(aligned.mean[centre]).toBeCloseTo(direct.mean[centre], 3);
		}
	});

	it('finds the shift of an inverted copy too (absolute correlation)', async () => {
		const photo = await loadPhoto('chelsea');
		const inverted = { ...photo, data: Buffer.from(photo.data.map((v) => 255 - v)) };
		const shift = estimateShift(boxDownsample(photo, 225, 150), boxDownsample(shiftImage(inverted, 2, 0), 225, 150), 3);
		expect([shift.dx, shift.dy]).toEqual([1, 0]);
	});
});

describe('fitLut3d', () => {
	function randomSamples(count: number, transform: (r: number, g: number, b: number) => number[]) {
		const random = seededRandom(99);
		const input = new Float32Array(count * 3);
		const target = new Float32Array(count * 3);
		for (let i = 0; i < count; i++) {
			const [r, g, b] = [random(), random(), random()];
			input.set([r, g, b], i * 3);
			target.set(transform(r, g, b), i * 3);
		}
		return { count, input, target, weight: new Float32Array(count).fill(1) };
	}

	/** Evaluates the fitted grid at a colour with the same tetrahedral interpolation applyLut uses. */
	function evaluate(data: Float32Array, size: number, r: number, g: number, b: number): number[] {
		const raw = Buffer.from([Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)]);
		const out = applyLut(raw, 3, { lut3d: { size, data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] } });
		return [out[0] / 255, out[1] / 255, out[2] / 255];
	}

	it('recovers a colour matrix exactly from samples that fill the cube', () => {
		const matrix = (r: number, g: number, b: number) => [0.8 * r + 0.1 * g + 0.05, 0.2 * r + 0.7 * g + 0.1 * b, 0.9 * b + 0.02];
		const { data, coverage } = fitLut3d(randomSamples(60000, matrix), { size: 17, smoothness: 1 });
		expect(coverage).toBeGreaterThan(0.9);
		for (const [r, g, b] of [[0.1, 0.5, 0.9], [0.7, 0.2, 0.3], [1, 1, 1], [0, 0, 0]]) {
			const got = evaluate(data, 17, r, g, b);
			const want = matrix(Math.round(r * 255) / 255, Math.round(g * 255) / 255, Math.round(b * 255) / 255);
			for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - want[c])).toBeLessThanOrEqual(1 / 255);
		}
	});

	it('fits a non-linear look from samples covering only part of the cube, and stays smooth outside', () => {
		// Samples only from dark-to-mid colours; the look is a gamma curve per channel.
		const look = (r: number, g: number, b: number) => [r ** 0.6, g ** 0.7, b ** 0.8];
		const samples = randomSamples(40000, (r, g, b) => look(r * 0.6, g * 0.6, b * 0.6));
		for (let i = 0; i < samples.input.length; i++) samples.input[i] *= 0.6;
		const { data, coverage } = fitLut3d(samples, { size: 33, smoothness: 1 });
		expect(coverage).toBeLessThan(0.3);
		const inside = evaluate(data, 33, 0.3, 0.4, 0.5);
		const want = look(77 / 255, 102 / 255, 128 / 255);
		for (let c = 0; c < 3; c++) expect(Math.abs(inside[c] - want[c])).toBeLessThan(2 / 255);
		// Outside the data: no overshoot, and brighter inputs stay brighter (the fallback's curve).
		const outside = evaluate(data, 33, 0.9, 0.9, 0.9);
		for (let c = 0; c < 3; c++) {
			expect(outside[c]).toBeGreaterThan(inside[c]);
			expect(outside[c]).toBeLessThanOrEqual(1);
		}
	});
});
