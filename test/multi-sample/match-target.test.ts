/**
 * Match Target: the correction of a picked variant's remaining tone miss. The plan is checked
 * against the documented formulas; the pixels against independent measurements of photos edited
 * in plain JavaScript (helpers.edited); the strategy and the node against the fake's variance.
 */
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';
import { thumbnail } from '../../engine/analysis/stats';
import { measureToneChange, targetFromQuantities, type ToneChange } from '../../engine/scoring/fidelity';
import { matchTarget, MIN_RESIDUAL_POINTS, planTargetCorrection } from '../../engine/strategies/match-target';
import { runMultiSample, type SampleEdit } from '../../engine/strategies/multi-sample';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import { runWorkflow } from '../harness/run-workflow';
import { startFakeProvider, type FakeProvider } from '../fake';
import { shareUndiciDispatcher } from '../fake/jest-undici';
import { clearProviderEnv } from '../fake/test-images';
import { edited, fakeContext, multiSampleNode, photo, std, targetOf } from './helpers';

clearProviderEnv();
shareUndiciDispatcher();

const change = (c: Partial<ToneChange>): ToneChange => ({ brightness: 0, contrast: 0, saturation: 0, warmth: 0, colourTemperatureKelvin: 0, method: 'fit', ...c });
const darker15 = targetFromQuantities([{ attribute: 'brightness', percent: -15 }]);

describe('planTargetCorrection', () => {
	it('multiplies by (1 + target) / (1 + measured) for the requested attribute', () => {
		const plan = planTargetCorrection(change({ brightness: -12 }), darker15);
		// Brightness is corrected with exposure: 2.4 log2(factor) stops (sRGB's power law).
		const factor = Math.round((0.85 / 0.88) * 1e4) / 1e4;
		expect(plan.steps).toEqual([{ op: 'exposure', stops: Math.round(2.4 * Math.log2(factor) * 1e4) / 1e4 }]);
		expect(plan.corrections[0].factor).toBe(factor);
		expect(plan.corrections).toMatchObject([{ attribute: 'brightness', targetPercent: -15, measuredPercent: -12, clamped: false }]);
	});

	it('cuts a correction beyond Max Correction and says so', () => {
		const plan = planTargetCorrection(change({ brightness: -5 }), darker15, { maxCorrectionPercent: 2 });
		expect(plan.corrections).toMatchObject([{ attribute: 'brightness', factor: 0.98, clamped: true }]);
	});

	it('leaves held attributes within their tolerance and tiny misses alone', () => {
		const plan = planTargetCorrection(change({ brightness: -15 + MIN_RESIDUAL_POINTS / 2, contrast: 0.8, saturation: -0.9, warmth: 0.5 }), darker15);
		expect(plan.steps).toEqual([]);
		const held = planTargetCorrection(change({ brightness: -15, contrast: 4 }), darker15);
		expect(held.corrections.map((c) => [c.attribute, c.factor])).toEqual([['contrast', Math.round((1 / 1.04) * 1e4) / 1e4]]);
	});

	it('corrects warmth with red and blue gains, in whole levels', () => {
		const warmer = targetFromQuantities([{ attribute: 'warmth', percent: 10 }]);
		const plan = planTargetCorrection(change({ warmth: 6 }), warmer);
		const [c] = plan.corrections;
		expect(c.attribute).toBe('warmth');
		// red x 1.1 / 1.06, blue x 0.9 / 0.94, each to the nearest 1/255 step of levels
		expect(Math.abs(c.factor - 1.1 / 1.06)).toBeLessThan(0.005);
		expect(Math.abs(c.blueFactor! - 0.9 / 0.94)).toBeLessThan(0.005);
		expect(plan.steps.map((s) => s.op)).toEqual(['levels', 'levels']);
	});

	it('rejects a bound outside 0..50, naming the parameter', () => {
		expect(() => planTargetCorrection(change({}), darker15, { maxCorrectionPercent: 80 })).toThrow(/Max Correction \(%\)/);
	});
});

describe('matchTarget on photos', () => {
	it.each([
		['brightness', { brightness: 0.88 }, [{ attribute: 'brightness' as const, percent: -15 }]],
		['contrast and saturation', { contrast: 1.06, saturation: 0.9 }, [{ attribute: 'contrast' as const, percent: 10 }, { attribute: 'saturation' as const, percent: -15 }]],
		['warmth', { warmth: 0.04 }, [{ attribute: 'warmth' as const, percent: 8 }]],
	])('brings a %s miss onto the target, measured independently', async (_name, applied, quantities) => {
		const source = await photo('chelsea');
		const variant = await edited(source, applied);
		const sourceThumb = await thumbnail(source);
		const before = measureToneChange(sourceThumb, await thumbnail(variant));
		const target = targetFromQuantities(quantities);
		const missBefore = Math.max(...target.attributes.map((t) => Math.abs(before[t.attribute] - t.percent)));
		expect(missBefore).toBeGreaterThan(2);

		const meter = async (data: Buffer) => measureToneChange(sourceThumb, await thumbnail(data));
		const { image, plan } = await matchTarget({ data: variant, mimeType: 'image/png', width: 1, height: 1 }, before, target, {}, meter);
		expect(plan.steps.length).toBeGreaterThan(0);
		const after = measureToneChange(sourceThumb, await thumbnail(image.data));
		for (const t of target.attributes) expect(Math.abs(after[t.attribute] - t.percent)).toBeLessThan(t.reason === 'requested' ? 0.6 : 1.2);
		expect(image.mimeType).toBe('image/png');
		expect(await sharp(image.data).metadata()).toMatchObject({ width: 451, height: 300 });
	});

	it('is deterministic: the same variant gives the same bytes', async () => {
		const source = await photo('coffee');
		const variant = await edited(source, { brightness: 0.9 });
		const measured = measureToneChange(await thumbnail(source), await thumbnail(variant));
		const a = await matchTarget({ data: variant, mimeType: 'image/png', width: 0, height: 0 }, measured, darker15);
		const b = await matchTarget({ data: variant, mimeType: 'image/png', width: 0, height: 0 }, measured, darker15);
		expect(a.image.data.equals(b.image.data)).toBe(true);
		expect(a.image.data.equals(variant)).toBe(false);
	});
});

describe('Multi-Sample with Match Target', () => {
	let fake: FakeProvider;
	beforeAll(async () => {
		fake = await startFakeProvider({ variance: 0.15, seed: 21, outputMimeType: 'image/jpeg' });
	});
	afterAll(() => fake.close());
	beforeEach(() => fake.reset());

	it('the returned variants land on the target far more tightly than the picked ones alone', async () => {
		const darker: SampleEdit = { kind: 'quantified', spec: { quantities: [{ attribute: 'brightness', percent: -15 }] } };
		const ctx = fakeContext(fake, { maxConcurrent: 1 });
		const target = await targetOf(await photo('chelsea'));
		const picked: number[] = [];
		const matched: number[] = [];
		for (let i = 0; i < 5; i++) {
			const r = await runMultiSample(target, darker, { variants: 3, matchTarget: true }, { model: 'gemini-3-pro-image' }, ctx);
			const best = r.kept[0];
			// Before and after, measured the same way: the delivered image against the source.
			picked.push(best.targetMatch!.before.brightness);
			matched.push(best.targetMatch!.after?.change.brightness ?? best.targetMatch!.before.brightness);
			// The effect the item reports is that of the corrected image.
			expect(best.call!.effect.brightnessPercent).toBeCloseTo(matched[i], 2);
		}
		const miss = (values: number[]) => values.reduce((s, v) => s + Math.abs(v + 15), 0) / values.length;
		expect(miss(picked)).toBeGreaterThan(0.5);
		expect(miss(matched)).toBeLessThan(0.6);
		expect(std(matched) * 3).toBeLessThan(std(picked));
	});

	it('in a workflow: the item reports the corrections and its measured effect is that of the delivered image', async () => {
		const multiSample = multiSampleNode();
		const parameters: INodeParameters = {
			model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image' },
			adjustments: { adjustment: [{ attribute: 'brightness', percent: -15 }] },
			variants: 2,
			contactSheet: false,
			matchTarget: true,
			maxCorrection: 15,
		};
		const result = await runWorkflow(
			{
				nodes: [
					node('Manual Start', `${FIXTURES}.manualStart`),
					node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify([{ files: { data: { path: 'test/fixtures/photos/coffee.png' } } }]) }),
					node('Multi-Sample', multiSample.type, parameters),
					node('Collect', `${FIXTURES}.collect`),
				],
				connections: chain('Manual Start', 'Load Images', 'Multi-Sample', 'Collect'),
			},
			{ credentials: { imageModelApi: { provider: 'apiyi', apiKey: 'test-key', baseUrl: fake.url } }, packageDirs: multiSample.packageDirs },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Multi-Sample');
		const json = item.json as Record<string, any>;
		expect(json.targetMatch.corrected).toBe(true);
		expect(json.targetMatch.corrections).toContainEqual(expect.objectContaining({ attribute: 'brightness', targetPercent: -15 }));
		expect(Math.abs(json.targetMatch.measuredChangeAfter.brightness + 15)).toBeLessThan(0.6);
		// The reported effect is measured on the image the item carries.
		const delivered = await result.binary('Collect', 0, 'data');
		const source = await thumbnail(await photo('coffee'));
		const measured = measureToneChange(source, await thumbnail(delivered, undefined, { width: source.width, height: source.height }));
		expect(Math.abs(measured.brightness - json.targetMatch.measuredChangeAfter.brightness)).toBeLessThan(0.6);
	});
});
