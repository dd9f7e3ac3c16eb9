import {
	D65_WHITE,
	labBufferToRgb,
	labToSrgb8,
	labToXyz,
	linearRgbToXyz,
	linearToSrgb,
	linearToSrgb8,
	rgbBufferToLab,
	rgbBufferToLinear,
	srgb8ToLab,
	srgb8ToLinear,
	srgbToLinear,
	xyzToLab,
	xyzToLinearRgb,
} from '../../engine/color/convert';

/**
 * sRGB primaries and white in CIELAB (D65), as published by Bruce Lindbloom's calculator
 * (brucelindbloom.com, sRGB, D65, no adaptation) and EasyRGB.
 */
const PRIMARIES: Array<[[number, number, number], [number, number, number]]> = [
	[[255, 0, 0], [53.2408, 80.0925, 67.2032]],
	[[0, 255, 0], [87.7347, -86.1827, 83.1793]],
	[[0, 0, 255], [32.297, 79.1875, -107.8602]],
	[[255, 255, 255], [100, 0, 0]],
	[[0, 0, 0], [0, 0, 0]],
];

/**
 * The 24 ColorChecker patches: CIELAB (D65) and the 8-bit sRGB values Bruce Lindbloom's
 * spreadsheet gives for them (as used by the colorLab library's test suite).
 */
const COLORCHECKER: Array<[number, number, number, number, number, number]> = [
	[36.657, 8.25, 12.27, 106, 81, 67],
	[64.202, 9.433, 14.71, 182, 149, 130],
	[50.845, 1.004, -19.45, 103, 122, 154],
	[43.637, -12.265, 20.263, 95, 108, 69],
	[55.237, 10.727, -24.123, 129, 128, 174],
	[72.42, -22.337, 3.82, 133, 189, 170],
	[57.421, 22.476, 49.944, 194, 121, 48],
	[40.818, 15.837, -39.953, 79, 91, 162],
	[46.848, 35.976, 9.351, 170, 85, 97],
	[30.276, 18.962, -21.537, 84, 62, 105],
	[72.107, -22.442, 53.614, 167, 186, 73],
	[69.671, 8.791, 59.073, 213, 162, 57],
	[30.394, 25.037, -48.957, 54, 62, 149],
	[56.556, -29.605, 32.966, 101, 148, 76],
	[36.163, 43.93, 18.429, 152, 48, 58],
	[80.527, -4.273, 70.711, 228, 199, 55],
	[47.092, 41.538, -18.749, 164, 83, 144],
	[52.676, -13.319, -22.048, 63, 134, 163],
	[95.095, -0.589, 2.575, 242, 241, 236],
	[80.578, -0.226, 0.541, 200, 200, 199],
	[65.761, -0.586, 0.43, 159, 160, 159],
	[50.884, 0.149, 0.71, 122, 121, 120],
	[35.724, -0.023, 0.023, 84, 84, 84],
	[22.16, -0.017, 0.017, 53, 53, 53],
];

describe('sRGB transfer curve', () => {
	it('follows IEC 61966-2-1: linear segment below 0.04045, power 2.4 above, continuous at the joint', () => {
		expect(srgbToLinear(0)).toBe(0);
		expect(srgbToLinear(1)).toBeCloseTo(1, 15);
		expect(srgbToLinear(0.04)).toBeCloseTo(0.04 / 12.92, 15);
		expect(srgbToLinear(0.5)).toBeCloseTo(((0.5 + 0.055) / 1.055) ** 2.4, 15);
		expect(srgbToLinear(0.04045 + 1e-9) - srgbToLinear(0.04045)).toBeLessThan(1e-7);
		// Half-level 128 is about 21.6 % linear light (widely tabulated).
		expect(srgb8ToLinear(128)).toBeCloseTo(0.2158605, 6);
	});

	it('round-trips every 8-bit level through linear light', () => {
		for (let v = 0; v < 256; v++) {
			expect(linearToSrgb8(srgb8ToLinear(v))).toBe(v);
			expect(linearToSrgb(srgbToLinear(v / 255))).toBeCloseTo(v / 255, 12);
		}
	});

	it('clamps out-of-range linear values to 0..255', () => {
		expect(linearToSrgb8(-0.5)).toBe(0);
		expect(linearToSrgb8(2)).toBe(255);
	});
});

describe('XYZ and CIELAB', () => {
	it('maps linear white to the D65 white point and back', () => {
		const xyz = linearRgbToXyz([1, 1, 1]);
		expect(xyz[0]).toBeCloseTo(D65_WHITE[0], 6);
		expect(xyz[1]).toBeCloseTo(1, 6);
		expect(xyz[2]).toBeCloseTo(D65_WHITE[2], 6);
		const rgb = xyzToLinearRgb(xyz);
		rgb.forEach((v) => expect(v).toBeCloseTo(1, 12));
	});

	it('gives the published CIELAB values of the sRGB primaries', () => {
		for (const [rgb, lab] of PRIMARIES) {
			const got = srgb8ToLab(rgb);
			for (let c = 0; c < 3; c++) expect(Math.abs(got[c] - lab[c])).toBeLessThan(0.0005);
		}
	});

	it("gives Lindbloom's 8-bit sRGB values for the 24 ColorChecker patches", () => {
		for (const [L, a, b, R, G, B] of COLORCHECKER) {
			expect(labToSrgb8([L, a, b])).toEqual([R, G, B]);
		}
	});

	it('round-trips XYZ <-> Lab, including the linear segment near black', () => {
		for (const xyz of [
			[0.2, 0.3, 0.4],
			[0.001, 0.002, 0.0005],
			[0.95047, 1, 1.08883],
		]) {
			const back = labToXyz(xyzToLab(xyz));
			for (let c = 0; c < 3; c++) expect(back[c]).toBeCloseTo(xyz[c], 12);
		}
	});

	it('round-trips 8-bit sRGB through Lab on a 16-level grid of all channel combinations', () => {
		for (let r = 0; r < 256; r += 17) {
			for (let g = 0; g < 256; g += 17) {
				for (let b = 0; b < 256; b += 17) {
					expect(labToSrgb8(srgb8ToLab([r, g, b]))).toEqual([r, g, b]);
				}
			}
		}
	});
});

describe('buffer conversions', () => {
	const pixels = Buffer.from([255, 0, 0, 9, 0, 255, 0, 9, 12, 200, 77, 9, 128, 128, 128, 9]);

	it('rgbBufferToLab agrees with the scalar conversion and skips alpha', () => {
		const lab = rgbBufferToLab(pixels, 4);
		expect(lab).toHaveLength(12);
		for (let p = 0; p < 4; p++) {
			const expected = srgb8ToLab([pixels[p * 4], pixels[p * 4 + 1], pixels[p * 4 + 2]]);
			for (let c = 0; c < 3; c++) expect(lab[p * 3 + c]).toBeCloseTo(expected[c], 4);
		}
	});

	it('rgbBufferToLab with sampleStep converts pixels 0, n, 2n, ...', () => {
		const lab = rgbBufferToLab(pixels, 4, { sampleStep: 3 });
		expect(lab).toHaveLength(6);
		expect(lab[3]).toBeCloseTo(srgb8ToLab([128, 128, 128])[0], 4);
	});

	it('labBufferToRgb inverts rgbBufferToLab', () => {
		const rgb = Buffer.from([255, 0, 0, 0, 255, 0, 12, 200, 77, 128, 128, 128]);
		expect(labBufferToRgb(rgbBufferToLab(rgb, 3))).toEqual(rgb);
	});

	it('rgbBufferToLinear uses the sRGB curve per channel', () => {
		const linear = rgbBufferToLinear(Buffer.from([0, 128, 255]), 3);
		expect(Array.from(linear)).toEqual([0, Math.fround(srgbToLinear(128 / 255)), 1]);
	});

	it('refuses buffers that are not whole pixels', () => {
		expect(() => rgbBufferToLab(Buffer.alloc(5), 3)).toThrow(
			'Expected a whole number of 3-byte pixels for raw but received "5 bytes"',
		);
		expect(() => labBufferToRgb(new Float32Array(4))).toThrow('L*, a*, b* triples');
	});
});
