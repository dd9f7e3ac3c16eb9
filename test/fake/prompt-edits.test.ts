/** The fake's prompt-quantity parser and its variance. */
import { applyVariance, parseEdits } from './prompt-edits';
import { Prng } from './random';

describe('parseEdits', () => {
	it.each([
		['Keep everything, brightness at 85 %', { brightness: 0.85 }],
		['set the brightness to 110%', { brightness: 1.1 }],
		['85% of original brightness', { brightness: 0.85 }],
		['darker by 15 %', { brightness: 0.85 }],
		['brighter by 10%', { brightness: 1.1 }],
		['make it 20 percent darker', { brightness: 0.8 }],
		['reduce the brightness by 15%', { brightness: 0.85 }],
		['contrast +20 %', { contrast: 1.2 }],
		['saturation -30 %', { saturation: 0.7 }],
		['saturation: \u221230%', { saturation: 0.7 }],
		['increase saturation by 12,5%', { saturation: 1.125 }],
		['warmth +10 %', { warmth: 0.1 }],
		['cooler by 5%', { warmth: -0.05 }],
		['warmer', { warmth: 0.1 }],
		['a bit darker, more contrast', { brightness: 0.9, contrast: 1.1 }],
		[
			'brightness at 90 %, contrast -10 %, saturation +5 %, warmer by 3 %',
			{ brightness: 0.9, contrast: 0.9, saturation: 1.05, warmth: 0.03 },
		],
		['replace the sky with a sunset', {}],
	])('%s', (prompt, expected) => {
		const got = parseEdits(prompt);
		expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
		for (const [k, v] of Object.entries(expected)) expect(got[k as keyof typeof got]).toBeCloseTo(v, 10);
	});
});

describe('applyVariance', () => {
	it('is exact with variance 0 and fills in the identity for what was not asked', () => {
		expect(applyVariance({ brightness: 0.85 }, 0, new Prng(1))).toEqual({
			brightness: 0.85,
			contrast: 1,
			saturation: 1,
			warmth: 0,
		});
	});

	it('scales each requested change by 1 + N(0, variance), reproducibly per seed', () => {
		const sample = (seed: number) => {
			const prng = new Prng(seed);
			return Array.from({ length: 4000 }, () => applyVariance({ brightness: 0.8 }, 0.1, prng).brightness);
		};
		const values = sample(1);
		expect(sample(1)).toEqual(values);
		expect(sample(2)).not.toEqual(values);
		const mean = values.reduce((a, b) => a + b, 0) / values.length;
		const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
		// Change -0.2 scaled by N(1, 0.1): mean 0.8, sd 0.02.
		expect(mean).toBeCloseTo(0.8, 2);
		expect(sd).toBeGreaterThan(0.017);
		expect(sd).toBeLessThan(0.023);
	});
});
