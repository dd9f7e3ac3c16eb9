/**
 * The Multi-Sample strategy against the wire-faithful fake (real @google/genai SDK): separate
 * calls per variant through one limiter, scoring and ranking, the kept images per output mode,
 * budgets and the estimate, re-rolls, faults, reference requests and the contact sheet.
 */
import sharp from 'sharp';
import { EngineError } from '../../engine/core/errors';
import { measureImage } from '../../engine/analysis/stats';
import {
	createSession,
	estimateRun,
	runMultiSample,
	SampleBudget,
	type MultiSampleResult,
	type SampleEdit,
} from '../../engine/strategies/multi-sample';
import type { ReferenceImage } from '../../engine/strategies/reference-edit';
import { startFakeProvider, type FakeProvider } from '../fake';
import { shareUndiciDispatcher } from '../fake/jest-undici';
import { clearProviderEnv } from '../fake/test-images';
import { edited, fakeContext, photo, std, targetOf } from './helpers';

clearProviderEnv();
shareUndiciDispatcher();

const MODEL = { model: 'gemini-3-pro-image' };
const darker: SampleEdit = { kind: 'quantified', spec: { quantities: [{ attribute: 'brightness', percent: -15 }] } };

let fake: FakeProvider;
let coffee: Buffer;
let chelsea: Buffer;
beforeAll(async () => {
	fake = await startFakeProvider({ variance: 0.05, seed: 3 });
	coffee = await photo('coffee');
	chelsea = await photo('chelsea');
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const generateCalls = () => fake.requests.filter((r) => r.route.endsWith('generateContent'));

describe('sampling and ranking', () => {
	it('makes N separate calls, scores every variant and keeps only the best image', async () => {
		const result = await runMultiSample(await targetOf(coffee), darker, { variants: 3 }, MODEL, fakeContext(fake));

		const calls = generateCalls();
		expect(calls).toHaveLength(3);
		for (const call of calls) {
			const body = call.body as { generationConfig: Record<string, unknown> };
			expect(body.generationConfig.candidateCount).toBeUndefined();
		}
		expect(result.variants.map((v) => v.status)).toEqual(['scored', 'scored', 'scored']);
		expect(result.variants.map((v) => v.rank)).toEqual([1, 2, 3]);
		const combined = result.variants.map((v) => v.score!.combined);
		expect([...combined].sort((a, b) => b - a)).toEqual(combined);

		// The kept variant is the one whose measured brightness is nearest the -15 % asked for ...
		const misses = result.variants.map((v) => Math.abs(v.score!.change.brightness + 15));
		expect(misses[0]).toBe(Math.min(...misses));
		// ... and that reading matches what the fake really applied to one of the three calls (the
		// fake's 8-bit output truncates: about half a level, 0.4 points darker than applied).
		const applied = calls.map((c) => (c.applied!.brightness - 1) * 100);
		expect(applied.some((a) => Math.abs(a - result.variants[0].score!.change.brightness) < 0.6)).toBe(true);

		expect(result.kept).toEqual([result.variants[0]]);
		expect(result.kept[0].image?.data.length).toBeGreaterThan(1000);
		expect(result.variants.filter((v) => v.image)).toHaveLength(1);
		expect(result.calls).toMatchObject({ requested: 3, scored: 3, failed: 0, skipped: 0, extra: 0 });
		expect(result.costUsd).toBeNull(); // a custom gateway has no price table

	});

	it.each([
		['topK', { output: 'topK' as const, topK: 2 }, 2],
		['all', { output: 'all' as const }, 3],
	])('%s keeps exactly the images it returns', async (_, spec, kept) => {
		const result = await runMultiSample(await targetOf(chelsea), darker, { variants: 3, ...spec }, MODEL, fakeContext(fake));
		expect(result.kept.map((v) => v.rank)).toEqual(Array.from({ length: kept }, (_, i) => i + 1));
		expect(result.variants.filter((v) => v.image)).toHaveLength(kept);
	});

	it('runs every call of every image through the one limiter', async () => {
		fake.setLatency(40);
		const ctx = fakeContext(fake, { maxConcurrent: 2 });
		const session = createSession();
		const target = await targetOf(chelsea);
		await Promise.all([0, 1, 2].map(() => runMultiSample(target, darker, { variants: 3 }, MODEL, ctx, session)));
		expect(generateCalls()).toHaveLength(9);
		expect(fake.stats().maxInFlight).toBe(2);
		expect(ctx.limiter.stats()).toMatchObject({ peakConcurrent: 2, started: 9 });
	});

	it('validates options before any call, naming the parameter', async () => {
		const target = await targetOf(chelsea);
		await expect(runMultiSample(target, darker, { variants: 11 }, MODEL, fakeContext(fake))).rejects.toThrow(
			'Expected an integer between 1 and 10 for Variants per Image but received 11',
		);
		await expect(runMultiSample(target, darker, { variants: 2, output: 'topK', topK: 3 }, MODEL, fakeContext(fake))).rejects.toThrow(
			'Expected an integer between 1 and 2 for Top K but received 3',
		);
		await expect(runMultiSample(target, darker, { reroll: { threshold: 2 } }, MODEL, fakeContext(fake))).rejects.toThrow(
			'Expected a number between 0 and 1 for Score Threshold but received 2',
		);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('budget and estimate', () => {
	it('stops new calls at a call cap and says so', async () => {
		const session = createSession(new SampleBudget({ maxCalls: 4 }));
		const target = await targetOf(chelsea);
		const ctx = fakeContext(fake);
		const first = await runMultiSample(target, darker, { variants: 3 }, MODEL, ctx, session);
		const second = await runMultiSample(target, darker, { variants: 3 }, MODEL, ctx, session);
		const third = await runMultiSample(target, darker, { variants: 3 }, MODEL, ctx, session);

		expect(generateCalls()).toHaveLength(4);
		expect(first.calls).toMatchObject({ scored: 3, skipped: 0 });
		expect(second.calls).toMatchObject({ scored: 1, skipped: 2 });
		expect(second.variants.map((v) => v.skippedReason ?? v.status)).toEqual(['scored', 'budget', 'budget']);
		expect(second.warnings).toContain("2 variant(s) not requested: the execution's budget is used up");
		expect(second.kept).toHaveLength(1);
		expect(third.budgetExceeded).toBe(true);
		expect(third.kept).toHaveLength(0);
		expect(third.budget).toMatchObject({ maxCalls: 4, calls: 4, refusedCalls: 5, exhausted: true });
	});

	it('stops at a money cap by the price table, with the estimate reported before the run', async () => {
		const ctx = fakeContext(fake, { provider: 'apiyi' });
		const estimate = estimateRun({ items: 2, variants: 3, maxExtraCalls: 1, provider: 'apiyi', model: 'gemini-3-pro-image' });
		expect(estimate).toMatchObject({ calls: { expected: 6, max: 8 }, usdPerCall: 0.09, usd: { expected: 0.54, max: 0.72 } });
		const session = createSession(new SampleBudget({ maxUsd: 0.2 }, estimate.usdPerCall), estimate);
		const result = await runMultiSample(await targetOf(chelsea), darker, { variants: 3 }, MODEL, ctx, session);
		expect(generateCalls()).toHaveLength(2);
		expect(result.costUsd).toBeCloseTo(0.18, 6);
		expect(result.budget).toMatchObject({ maxUsd: 0.2, spentUsd: 0.18, refusedCalls: 1, exhausted: true });
		expect(result.estimate).toBe(estimate);
	});

	it('refuses a money cap when no price is known', () => {
		const estimate = estimateRun({ items: 1, variants: 3, provider: 'gateway', model: 'gemini-3-pro-image' });
		expect(estimate.usd).toBeNull();
		expect(() => new SampleBudget({ maxUsd: 1 }, estimate.usdPerCall)).toThrow('for Max Cost (USD)');
	});
});

describe('re-rolls', () => {
	it('re-rolls one call at a time up to the maximum while the threshold is not met', async () => {
		const result = await runMultiSample(await targetOf(chelsea), darker, { variants: 2, reroll: { threshold: 0.9999, maxExtraCalls: 2 } }, MODEL, fakeContext(fake));
		expect(generateCalls()).toHaveLength(4);
		expect(result.reroll).toEqual({ threshold: 0.9999, maxExtraCalls: 2, extraCalls: 2, reached: false });
		expect(result.variants.filter((v) => v.reroll).map((v) => v.index).sort()).toEqual([2, 3]);
	});

	it('makes no extra call when a variant already reaches the threshold', async () => {
		fake.setVariance(0);
		try {
			const result = await runMultiSample(await targetOf(chelsea), darker, { variants: 2, reroll: { threshold: 0.8, maxExtraCalls: 3 } }, MODEL, fakeContext(fake));
			expect(generateCalls()).toHaveLength(2);
			expect(result.reroll).toMatchObject({ extraCalls: 0, reached: true });
		} finally {
			fake.setVariance(0.05);
		}
	});
});

describe('faults', () => {
	it('with 20 % faults every image yields its result and calls stay within items x variants x (1 + retries)', async () => {
		fake.setFaultRate(0.2, ['rateLimit', 'overloaded', 'reset'], { retryDelay: '0.02s' });
		const ctx = fakeContext(fake, { maxConcurrent: 4, maxRetries: 3 });
		const session = createSession();
		const target = await targetOf(chelsea);
		const settled = await Promise.allSettled(Array.from({ length: 5 }, () => runMultiSample(target, darker, { variants: 3 }, MODEL, ctx, session)));
		const faulted = fake.requests.filter((r) => r.fault).length;
		expect(faulted).toBeGreaterThan(0);
		for (const s of settled) {
			// Each image ends with a result (possibly with failed variants listed) or an explicit error.
			if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(EngineError);
			else expect(s.value.kept.length + s.value.calls.failed).toBeGreaterThan(0);
		}
		expect(generateCalls().length).toBeLessThanOrEqual(5 * 3 * (1 + 3));
		const scored = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value.variants.filter((v) => v.status === 'scored') : []));
		expect(scored.some((v) => v.call!.attempts > 1)).toBe(true);
	});

	it('lists a failed variant after the scored ones', async () => {
		fake.inject('imageSafety');
		const result = await runMultiSample(await targetOf(chelsea), darker, { variants: 3 }, MODEL, fakeContext(fake, { maxConcurrent: 1 }));
		expect(result.variants.map((v) => v.status)).toEqual(['scored', 'scored', 'failed']);
		expect(result.variants[2].error).toMatchObject({ kind: 'safetyBlock' });
		expect(result.calls).toMatchObject({ scored: 2, failed: 1 });
	});

	it('fails the image with the provider error when no variant succeeds', async () => {
		fake.inject('imageSafety', { times: 3 });
		await expect(runMultiSample(await targetOf(chelsea), darker, { variants: 3 }, MODEL, fakeContext(fake))).rejects.toMatchObject({
			kind: 'safetyBlock',
		});
	});

	it('re-rolls recover an image whose variants were all refused', async () => {
		fake.inject('imageSafety', { times: 3 });
		const result = await runMultiSample(await targetOf(chelsea), darker, { variants: 3, reroll: { threshold: 0.5, maxExtraCalls: 2 } }, MODEL, fakeContext(fake));
		expect(result.calls).toMatchObject({ scored: 1, failed: 3, extra: 1 });
		expect(result.kept[0].reroll).toBe(true);
	});

	it('does not re-roll after an error every call would repeat', async () => {
		fake.inject('badKey', { times: 3 });
		await expect(runMultiSample(await targetOf(chelsea), darker, { variants: 3, reroll: { threshold: 0.9, maxExtraCalls: 5 } }, MODEL, fakeContext(fake))).rejects.toMatchObject({
			kind: 'auth',
		});
		expect(generateCalls()).toHaveLength(3);
	});
});

describe('reference requests', () => {
	let approved: ReferenceImage;
	let original: ReferenceImage;
	let result: MultiSampleResult;
	beforeAll(async () => {
		const approvedPng = await edited(coffee, { brightness: 0.85 });
		approved = { upload: { data: approvedPng, mimeType: 'image/png' }, stats: await measureImage(approvedPng) };
		original = { upload: { data: coffee, mimeType: 'image/png' }, stats: await measureImage(coffee) };
	});

	it('scores fidelity against the approved pair and closeness to the approved result', async () => {
		result = await runMultiSample(
			await targetOf(chelsea),
			{ kind: 'reference', approved, original },
			{ variants: 3, contactSheet: { title: 'CHELSEA' } },
			MODEL,
			fakeContext(fake),
		);
		expect(generateCalls()[0].body).toMatchObject({ contents: [{ parts: [{ text: expect.stringContaining('brightness -15') }, {}, {}, {}] }] });
		expect(result.target?.attributes[0]).toMatchObject({ attribute: 'brightness', reason: 'approvedPair' });
		expect(result.target?.attributes[0].percent).toBeCloseTo(-15, 0);
		const best = result.kept[0].score!;
		expect(best.fidelity).not.toBeNull();
		expect(best.closeness).not.toBeNull();
		expect(best.closenessMethod).toBe('histogram');
		expect(best.weights).toEqual({ fidelity: 0.5, structure: 0.3, closeness: 0.2 });
	});

	it('builds a contact sheet: source, original, approved and the three variants', async () => {
		const sheet = result.contactSheet!;
		expect(sheet.mimeType).toBe('image/jpeg');
		const meta = await sharp(sheet.data).metadata();
		expect([meta.width, meta.height]).toEqual([sheet.width, sheet.height]);
		expect(sheet.width).toBe(8 + 6 * (256 + 8)); // six tiles in one row
		// The kept (best) variant's caption is on green: tile 4 (after source, original, approved).
		const { data, info } = await sharp(sheet.data).raw().toBuffer({ resolveWithObject: true });
		const x = 8 + 3 * (256 + 8) + 250;
		const y = sheet.height - 12;
		const p = (y * info.width + x) * info.channels;
		expect(data[p + 1] - data[p]).toBeGreaterThan(20);
		expect(result.variants.every((v) => v.tile === undefined)).toBe(true);
	});

	it('without the original, ranks by structure and closeness only', async () => {
		const without = await runMultiSample(await targetOf(chelsea), { kind: 'reference', approved }, { variants: 2 }, MODEL, fakeContext(fake));
		expect(without.target).toBeNull();
		expect(without.kept[0].score).toMatchObject({ fidelity: null, weights: { fidelity: 0, structure: 0.6, closeness: 0.4 } });
	});
});

it('consistency: the best of 5 lands far closer to the requested brightness than single shots', async () => {
	// One call at a time makes the fake's random draws reproducible; JPEG answers keep it fast. Each
	// batch's first call is exactly what a single-shot run would have returned: a paired comparison.
	const own = await startFakeProvider({ variance: 0.05, seed: 11, outputMimeType: 'image/jpeg' });
	try {
		const ctx = fakeContext(own, { maxConcurrent: 1 });
		const target = await targetOf(chelsea);
		const single: number[] = [];
		const best: number[] = [];
		for (let i = 0; i < 6; i++) {
			const r = await runMultiSample(target, darker, { variants: 5 }, MODEL, ctx);
			single.push(r.variants.find((v) => v.index === 0)!.call!.effect.brightnessPercent);
			best.push(r.kept[0].call!.effect.brightnessPercent);
		}
		const miss = (values: number[]) => values.reduce((s, v) => s + Math.abs(v + 15), 0) / values.length;
		expect(miss(single)).toBeGreaterThan(0.3);
		expect(miss(best) * 2).toBeLessThan(miss(single));
		expect(std(best) * 2).toBeLessThan(std(single));
	} finally {
		await own.close();
	}
});
