/**
 * Multi-Sample scoring on real photos edited with known operations: SSIM against a brute-force
 * reference and its closed form, the fidelity measures against the edits that produced them,
 * ΔE2000 closeness, and the documented weights and their validation.
 */
import sharp from 'sharp';
import { statsOf, thumbnail, type Thumbnail } from '../../engine/analysis/stats';
import { EngineError } from '../../engine/core/errors';
import { alignedDistance, closenessFromDeltaE, colourSignature, signatureDistance } from '../../engine/scoring/closeness';
import { fidelityScore, measureToneChange, targetFromPair, targetFromQuantities, toneChange } from '../../engine/scoring/fidelity';
import { combineScores, createScorer, DEFAULT_SCORE_WEIGHTS, resolveScoreWeights } from '../../engine/scoring/score';
import { lumaOf, ssim, structureKept, type GreyImage } from '../../engine/scoring/ssim';
import { edited, photo } from './helpers';

let astronaut: Buffer;
let source: Thumbnail;
beforeAll(async () => {
	astronaut = await photo('astronaut');
	source = await thumbnail(astronaut);
});

/** SSIM straight from the paper's definition: an 11x11 Gaussian window summed at every valid position. */
function referenceSsim(a: GreyImage, b: GreyImage): number {
	const w: number[] = [];
	for (let i = -5; i <= 5; i++) w.push(Math.exp(-(i * i) / (2 * 1.5 * 1.5)));
	const sum = w.reduce((s, v) => s + v, 0);
	const g = w.map((v) => v / sum);
	const C1 = (0.01 * 255) ** 2;
	const C2 = (0.03 * 255) ** 2;
	let total = 0;
	let count = 0;
	for (let y = 5; y < a.height - 5; y++) {
		for (let x = 5; x < a.width - 5; x++) {
			let mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
			for (let dy = -5; dy <= 5; dy++) {
				for (let dx = -5; dx <= 5; dx++) {
					const k = g[dy + 5] * g[dx + 5];
					const p = (y + dy) * a.width + x + dx;
					mx += k * a.data[p];
					my += k * b.data[p];
					xx += k * a.data[p] * a.data[p];
					yy += k * b.data[p] * b.data[p];
					xy += k * a.data[p] * b.data[p];
				}
			}
			const vx = xx - mx * mx;
			const vy = yy - my * my;
			const cov = xy - mx * my;
			total += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
			count++;
		}
	}
	return total / count;
}

const grey = (width: number, height: number, f: (x: number, y: number) => number): GreyImage => {
	const data = new Float32Array(width * height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
	return { data, width, height };
};

describe('SSIM', () => {
	it('matches a brute-force implementation of the definition', () => {
		const a = grey(48, 40, (x, y) => 128 + 60 * Math.sin(x / 3) * Math.cos(y / 5));
		const b = grey(48, 40, (x, y) => 120 + 50 * Math.sin(x / 3 + 0.4) * Math.cos(y / 5) + ((x * 7 + y * 13) % 11));
		expect(ssim(a, b, { downsample: 1 })).toBeCloseTo(referenceSsim(a, b), 5);
	});

	it('has the closed form (2ab + C1) / (a² + b² + C1) for two flat images', () => {
		const C1 = (0.01 * 255) ** 2;
		const value = ssim(grey(20, 20, () => 100), grey(20, 20, () => 50), { downsample: 1 });
		expect(value).toBeCloseTo((2 * 100 * 50 + C1) / (100 ** 2 + 50 ** 2 + C1), 6);
	});

	it('is 1 for identical images and falls with noise', async () => {
		const luma = lumaOf(source);
		expect(ssim(luma, luma)).toBeCloseTo(1, 6);
		// Deterministic pseudo-noise in [-amount, amount].
		const noisy = (amount: number) =>
			grey(luma.width, luma.height, (x, y) => luma.data[y * luma.width + x] + amount * (((x * 7919 + y * 104729) % 201) / 100 - 1));
		expect(ssim(luma, noisy(10))).toBeLessThan(ssim(luma, noisy(3)));
		expect(ssim(luma, noisy(3))).toBeLessThan(1);
	});

	it('structureKept ignores a global tone change but sees lost detail and changed content', async () => {
		const darker = await thumbnail(await edited(astronaut, { brightness: 0.8 }));
		const blurred = await thumbnail(await sharp(astronaut).blur(3).png().toBuffer());
		const patch = await sharp({ create: { width: 160, height: 160, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toBuffer();
		const changed = await thumbnail(await sharp(astronaut).composite([{ input: patch, left: 300, top: 60 }]).png().toBuffer());
		expect(ssim(lumaOf(source), lumaOf(darker))).toBeLessThan(0.98);
		expect(structureKept(source, darker)).toBeGreaterThan(0.99);
		expect(structureKept(source, blurred)).toBeLessThan(0.9);
		expect(structureKept(source, changed)).toBeLessThan(0.95);
	});

	it('names the mismatch when sizes differ', () => {
		expect(() => ssim(grey(20, 20, () => 1), grey(21, 20, () => 1))).toThrow('Expected an image of 20x20 like a for b but received "21x20"');
		expect(() => ssim(grey(8, 8, () => 1), grey(8, 8, () => 1))).toThrow(EngineError);
	});
});

describe('effect fidelity', () => {
	it('measures each attribute independently of the others (PIL-style edits, three photos)', async () => {
		const cases = [
			{ edit: { brightness: 0.85 }, expected: { brightness: -15, contrast: 0, saturation: 0, warmth: 0 } },
			{ edit: { contrast: 1.2 }, expected: { brightness: 0, contrast: 20, saturation: 0, warmth: 0 } },
			{ edit: { saturation: 0.7 }, expected: { brightness: 0, contrast: 0, saturation: -30, warmth: 0 } },
			{ edit: { warmth: 0.1 }, expected: { brightness: 0, contrast: 0, saturation: 0, warmth: 10 } },
			{ edit: { brightness: 0.9, contrast: 1.1, saturation: 1.2, warmth: -0.05 }, expected: { brightness: -10, contrast: 10, saturation: 20, warmth: -5 } },
		];
		for (const name of ['astronaut', 'coffee', 'chelsea'] as const) {
			const png = await photo(name);
			const before = await thumbnail(png);
			for (const { edit, expected } of cases) {
				const after = await thumbnail(await edited(png, edit));
				const change = measureToneChange(before, after);
				expect(change.method).toBe('fit');
				// Within 2 points: 8-bit rounding, and the coffee photo's large highlights, where the
				// thumbnail's resampling mixes clipped and unclipped pixels.
				for (const key of ['contrast', 'saturation', 'warmth'] as const) {
					expect([name, edit, key, Math.abs(change[key] - expected[key]) < 2]).toEqual([name, edit, key, true]);
				}
				// Brightness is the mean luma ratio (clipping included: +20 % contrast makes the
				// astronaut photo 3 % brighter), without the luma a warm cast adds.
				const luma = toneChange(statsOf(before), statsOf(after)).brightness;
				const reference = 'warmth' in edit ? expected.brightness : luma;
				expect([name, edit, Math.abs(change.brightness - reference) < ('warmth' in edit ? 2 : 0.1)]).toEqual([name, edit, true]);
			}
		}
	});

	it('falls back to statistics for images that are not aligned', async () => {
		const darker = await thumbnail(await edited(astronaut, { brightness: 0.85 }));
		const cropped = { data: darker.data.subarray(0, darker.width * 3 * 500), width: darker.width, height: 500 };
		const change = measureToneChange(source, cropped);
		expect(change.method).toBe('stats');
		expect(change.brightness).toBeCloseTo(toneChange(statsOf(source), statsOf(cropped)).brightness, 6);
		expect(change.brightness).toBeLessThan(-13);
	});

	it('holds unasked attributes at 0 unless an unmeasurable effect moves them', () => {
		expect(targetFromQuantities([{ attribute: 'brightness', percent: -15 }])).toEqual({
			attributes: [
				{ attribute: 'brightness', percent: -15, reason: 'requested' },
				{ attribute: 'contrast', percent: 0, reason: 'keepUnchanged' },
				{ attribute: 'saturation', percent: 0, reason: 'keepUnchanged' },
				{ attribute: 'warmth', percent: 0, reason: 'keepUnchanged' },
			],
			notScored: [],
		});
		const vignette = targetFromQuantities([{ attribute: 'vignette', percent: 30 }, { attribute: 'exposure', percent: 10 }]);
		expect(vignette.attributes.map((a) => a.attribute)).toEqual(['saturation', 'warmth']);
		expect(vignette.notScored).toEqual(['vignette', 'exposure']);
		expect(targetFromQuantities([{ attribute: 'tint', percent: 5 }, { attribute: 'warmth', percent: 10 }]).notScored).toEqual(['tint', 'warmth']);
		expect(targetFromQuantities([{ attribute: 'exposure', percent: 10 }]).attributes[0]).toEqual({ attribute: 'brightness', percent: 10, reason: 'requested' });
	});

	it('scores 1 / (1 + E / 5) with E the Euclidean miss in percentage points', () => {
		const target = targetFromQuantities([{ attribute: 'brightness', percent: -15 }]);
		// Brightness 3 points off; contrast, held at 0, 5 points off of which 1 is tolerated.
		const change = { brightness: -12, contrast: 5, saturation: 0.8, warmth: -0.5, colourTemperatureKelvin: 0, method: 'fit' as const };
		const score = fidelityScore(change, target);
		expect(score?.errorPoints).toBe(5);
		expect(score?.score).toBeCloseTo(0.5, 10);
		expect(score?.attributes).toEqual([
			{ attribute: 'brightness', targetPercent: -15, measuredPercent: -12, errorPoints: 3, reason: 'requested' },
			{ attribute: 'contrast', targetPercent: 0, measuredPercent: 5, errorPoints: 4, reason: 'keepUnchanged' },
			{ attribute: 'saturation', targetPercent: 0, measuredPercent: 0.8, errorPoints: 0, reason: 'keepUnchanged' },
			{ attribute: 'warmth', targetPercent: 0, measuredPercent: -0.5, errorPoints: 0, reason: 'keepUnchanged' },
		]);
		expect(fidelityScore(change, { attributes: [], notScored: ['grain'] })).toBeNull();
	});

	it('takes the approved pair\'s change as the target', async () => {
		const pair = targetFromPair(source, await thumbnail(await edited(astronaut, { brightness: 0.85, warmth: 0.05 })));
		expect(pair.attributes.map((a) => a.reason)).toEqual(['approvedPair', 'approvedPair', 'approvedPair', 'approvedPair']);
		expect(pair.attributes[0].percent).toBeCloseTo(-15, 0);
		expect(pair.attributes[3].percent).toBeCloseTo(5, 0);
	});
});

describe('closeness (ΔE2000)', () => {
	it('is 0 for the same colours and grows with the colour change', async () => {
		const sig = colourSignature(source);
		const slightly = colourSignature(await thumbnail(await edited(astronaut, { brightness: 0.95 })));
		const clearly = colourSignature(await thumbnail(await edited(astronaut, { brightness: 0.7, warmth: 0.1 })));
		expect(signatureDistance(sig, sig)).toBe(0);
		expect(signatureDistance(sig, slightly)).toBeGreaterThan(0.5);
		expect(signatureDistance(sig, clearly)).toBeGreaterThan(3 * signatureDistance(sig, slightly));
	});

	it('compares colour distributions, not content: the same look on another photo stays close', async () => {
		const coffee = await photo('coffee');
		const look = { brightness: 0.85, warmth: 0.06 } as const;
		const approved = colourSignature(await thumbnail(await edited(astronaut, look)));
		const sameLook = colourSignature(await thumbnail(await edited(coffee, look)));
		const otherLook = colourSignature(await thumbnail(await edited(coffee, { brightness: 1.15, warmth: -0.06 })));
		expect(signatureDistance(sameLook, approved)).toBeLessThan(signatureDistance(otherLook, approved));
	});

	it('aligned mode is the mean per-pixel ΔE2000 and maps 10 to 0.5', async () => {
		const other = await thumbnail(await edited(astronaut, { brightness: 0.9 }));
		expect(alignedDistance(source, source)).toBe(0);
		expect(alignedDistance(source, other)).toBeGreaterThan(1);
		expect(() => alignedDistance(source, { ...other, width: other.width - 1 })).toThrow(EngineError);
		expect(closenessFromDeltaE(0)).toBe(1);
		expect(closenessFromDeltaE(10)).toBe(0.5);
		expect(closenessFromDeltaE(2)).toBeCloseTo(0.8333, 4);
	});
});

describe('combined score and weights', () => {
	it('documents its defaults and validates user weights', () => {
		expect(DEFAULT_SCORE_WEIGHTS).toEqual({ fidelity: 0.5, structure: 0.3, closeness: 0.2 });
		expect(resolveScoreWeights({ closeness: 0 })).toEqual({ fidelity: 0.5, structure: 0.3, closeness: 0 });
		expect(() => resolveScoreWeights({ fidelity: -1 })).toThrow('Expected a number between 0 and 100 for Fidelity Weight but received -1');
		expect(() => resolveScoreWeights({ fidelity: 0, structure: 0, closeness: 0 })).toThrow('Expected at least one weight above 0 for Score Weights');
	});

	it('re-normalises over the available sub-scores', () => {
		const { combined, weights } = combineScores({ fidelity: 0.9, structure: 1, closeness: null }, DEFAULT_SCORE_WEIGHTS);
		expect(combined).toBeCloseTo(0.625 * 0.9 + 0.375 * 1, 12);
		expect(weights.fidelity).toBeCloseTo(0.625, 12);
		expect(weights.structure).toBeCloseTo(0.375, 12);
		expect(weights.closeness).toBe(0);
	});

	it('refuses, before any call, weights that leave nothing to rank by', () => {
		expect(() => createScorer({ source, weights: { fidelity: 0, structure: 0, closeness: 1 } })).toThrow(
			'Expected a weight above 0 for structure for Score Weights but received "0"',
		);
	});

	it('ranks the variant nearest the target first, with every sub-score in the result', async () => {
		const approvedPng = await edited(astronaut, { brightness: 0.85 });
		const scorer = createScorer({
			source,
			target: targetFromQuantities([{ attribute: 'brightness', percent: -15 }]),
			approved: await thumbnail(approvedPng),
		});
		const scores = await Promise.all(
			[0.8, 0.85, 0.9].map(async (b) => scorer.score(await thumbnail(await edited(astronaut, { brightness: b })))),
		);
		const best = scores.reduce((a, b) => (b.combined > a.combined ? b : a));
		expect(best).toBe(scores[1]);
		expect(best).toMatchObject({ closeness: 1, closenessDeltaE: 0, closenessMethod: 'histogram', weights: DEFAULT_SCORE_WEIGHTS });
		expect(best.fidelity).toBeGreaterThan(scores[0].fidelity as number);
		for (const s of scores) expect(s.structure).toBeGreaterThan(0.99);
	});

	it('calibrates out what resampling alone reads as, so a perfect edit at another resolution scores ~1', async () => {
		const coffee = await photo('coffee');
		const sourceThumb = await thumbnail(coffee);
		const target = targetFromQuantities([{ attribute: 'brightness', percent: -15 }]);
		// What a provider would return: the exact edit, upscaled to 1024 px.
		const variantPng = await sharp(await edited(coffee, { brightness: 0.85 })).resize(1024, 683, { fit: 'fill' }).png().toBuffer();
		const variant = await thumbnail(variantPng);
		const plain = await createScorer({ source: sourceThumb, target }).score(variant);
		const calibrated = await createScorer({ source: sourceThumb, sourceImage: coffee, target }).score(variant, undefined, { width: 1024, height: 683 });
		expect(calibrated.structure).toBeGreaterThan(plain.structure as number);
		expect(calibrated.structure).toBeGreaterThan(0.995);
		const off = (c: typeof plain.change) => Math.hypot(c.contrast, c.saturation, c.warmth);
		expect(off(calibrated.change)).toBeLessThan(off(plain.change));
		expect(calibrated.fidelityDetail!.errorPoints).toBeLessThan(0.3);
	});

	it('resamples a variant of slightly different size to the source before SSIM', async () => {
		const scorer = createScorer({ source });
		const resized = await sharp(astronaut).resize(500, 497, { fit: 'fill' }).png().toBuffer();
		const score = await scorer.score(await thumbnail(resized));
		expect(score.structure).toBeGreaterThan(0.9);
		expect(score.fidelity).toBeNull();
		expect(score.combined).toBe(score.structure);
	});
});
