import { EngineError } from '../../engine/core/errors';
import { srgb8ToLab } from '../../engine/color/convert';
import { compareImages, deltaE2000, kthSmallest, summariseDifferences } from '../../engine/color/delta-e';
import { seededRandom } from '../lut/helpers';

/**
 * The 34 colour pairs of G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula:
 * implementation notes, supplementary test data, and mathematical observations", Color Research
 * and Application 30(1), 2005, Table 1: L1, a1, b1, L2, a2, b2, ΔE00 (published to 4 decimals).
 */
const SHARMA: Array<[number, number, number, number, number, number, number]> = [
	[50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425],
	[50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615],
	[50.0, 2.8361, -74.02, 50.0, 0.0, -82.7485, 3.4412],
	[50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0],
	[50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0],
	[50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0],
	[50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669],
	[50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669],
	[50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792],
	[50.0, 2.49, -0.001, 50.0, -2.49, 0.001, 7.1792],
	[50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195],
	[50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195],
	[50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045],
	[50.0, -0.001, 2.49, 50.0, 0.001, -2.49, 4.8045],
	[50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461],
	[50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065],
	[50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492],
	[50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977],
	[50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.903],
	[50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535],
	[50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0],
	[50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0],
	[50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0],
	[50.0, 2.5, 0.0, 50.0, 3.2592, 0.335, 1.0],
	[60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
	[63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.263],
	[61.2901, 3.7196, -5.3901, 61.4292, 2.248, -4.962, 1.8731],
	[35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
	[22.7233, 20.0904, -46.694, 23.0331, 14.973, -42.5619, 2.0373],
	[36.4612, 47.858, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
	[90.8027, -2.0831, 1.441, 91.1528, -1.6435, 0.0447, 1.4441],
	[90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
	[6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
	[2.0776, 0.0795, -1.135, 0.9033, -0.0636, -0.5514, 0.9082],
];

describe('deltaE2000', () => {
	it('matches all 34 pairs of Sharma, Wu and Dalal (2005) to the published 4 decimals', () => {
		expect(SHARMA).toHaveLength(34);
		for (const [L1, a1, b1, L2, a2, b2, expected] of SHARMA) {
			const value = deltaE2000([L1, a1, b1], [L2, a2, b2]);
			expect(Math.abs(value - expected)).toBeLessThanOrEqual(0.00005 + 1e-12);
		}
	});

	it('is symmetric (pairs 7 and 8 of the table are one pair in both orders)', () => {
		for (const [L1, a1, b1, L2, a2, b2] of SHARMA) {
			expect(deltaE2000([L1, a1, b1], [L2, a2, b2])).toBeCloseTo(deltaE2000([L2, a2, b2], [L1, a1, b1]), 12);
		}
	});

	it('is 0 for identical colours and grows with a lightness step on the neutral axis', () => {
		expect(deltaE2000([50, 0, 0], [50, 0, 0])).toBe(0);
		// On the neutral axis only the lightness term remains: ΔL / SL with SL = 1 at L = 50.
		expect(deltaE2000([49, 0, 0], [51, 0, 0])).toBeCloseTo(2, 10);
	});

	it('refuses colours that are not three finite numbers, and non-positive weights', () => {
		expect(() => deltaE2000([50, 0], [50, 0, 0])).toThrow('Expected an array of 3 finite numbers (L*, a*, b*) for lab1');
		expect(() => deltaE2000([50, 0, 0], [50, Number.NaN, 0])).toThrow(EngineError);
		expect(() => deltaE2000([50, 0, 0], [50, 0, 0], { kL: 0 })).toThrow('Expected a positive number for kL but received 0');
	});
});

describe('compareImages', () => {
	function randomPixels(count: number, channels: 3 | 4, seed: number): Buffer {
		const random = seededRandom(seed);
		const out = Buffer.alloc(count * channels);
		for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 256);
		return out;
	}

	it('reports zeros for identical images', () => {
		const a = randomPixels(1000, 3, 1);
		expect(compareImages(a, Buffer.from(a), 3)).toEqual({ meanDeltaE: 0, p95DeltaE: 0, shareOver10: 0 });
	});

	it('equals the per-pixel ΔE2000 of the scalar conversions, summarised by hand', () => {
		const a = randomPixels(2000, 4, 7);
		const b = randomPixels(2000, 4, 8);
		const values: number[] = [];
		for (let p = 0; p < 2000; p++) {
			const i = p * 4;
			values.push(deltaE2000(srgb8ToLab([a[i], a[i + 1], a[i + 2]]), srgb8ToLab([b[i], b[i + 1], b[i + 2]])));
		}
		const sorted = [...values].sort((x, y) => x - y);
		const result = compareImages(a, b, 4);
		expect(result.meanDeltaE).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 3);
		// Nearest rank: the 1900th smallest of 2000 values.
		expect(result.p95DeltaE).toBeCloseTo(sorted[1899], 3);
		expect(result.shareOver10).toBe(values.filter((v) => v > 10).length / values.length);
	});

	it('ignores alpha', () => {
		const a = Buffer.from([10, 20, 30, 0, 200, 100, 50, 255]);
		const b = Buffer.from([10, 20, 30, 255, 200, 100, 50, 0]);
		expect(compareImages(a, b, 4).meanDeltaE).toBe(0);
	});

	it('compares every n-th pixel with sampleStep', () => {
		// Pixels 0, 2, 4 are equal, pixels 1, 3 differ strongly: step 2 sees no difference.
		const a = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		const b = Buffer.from([0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0]);
		expect(compareImages(a, b, 3, { sampleStep: 2 }).meanDeltaE).toBe(0);
		expect(compareImages(a, b, 3).shareOver10).toBeCloseTo(0.4, 10);
	});

	it('refuses images of different sizes and bad parameters', () => {
		expect(() => compareImages(Buffer.alloc(6), Buffer.alloc(9), 3)).toThrow(
			'Expected an image of the same size as a (6 bytes) for b but received "9 bytes"',
		);
		expect(() => compareImages(Buffer.alloc(7), Buffer.alloc(7), 3)).toThrow('whole number of 3-byte pixels');
		expect(() => compareImages(Buffer.alloc(6), Buffer.alloc(6), 2 as 3)).toThrow('Expected 3 or 4 for channels');
		expect(() => compareImages(Buffer.alloc(6), Buffer.alloc(6), 3, { sampleStep: 0 })).toThrow(
			'Expected an integer between 1 and 1000000 for sampleStep but received 0',
		);
	});
});

describe('summariseDifferences and kthSmallest', () => {
	it('uses the nearest-rank 95th percentile', () => {
		const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
		const summary = summariseDifferences(values);
		expect(summary.p95DeltaE).toBe(95);
		expect(summary.meanDeltaE).toBe(50.5);
		expect(summary.shareOver10).toBe(0.9);
		expect(summariseDifferences(new Float64Array(0))).toEqual({ meanDeltaE: 0, p95DeltaE: 0, shareOver10: 0 });
	});

	it('selects the same value as a full sort, for random lists with many ties', () => {
		const random = seededRandom(3);
		for (let trial = 0; trial < 200; trial++) {
			const length = 1 + (trial % 37);
			const values = Float64Array.from({ length }, () => Math.floor(random() * 5));
			const sorted = Float64Array.from(values).sort();
			const k = trial % length;
			expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
		}
	});
});
