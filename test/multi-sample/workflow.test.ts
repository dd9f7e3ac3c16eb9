/**
 * The Multi-Sample node in real n8n executions (n8n-core WorkflowExecute through the harness)
 * against the fake provider: what a user sees on the node's output for each output mode, the
 * reference request, the budget, faults with Continue On Fail, and errors.
 */
import sharp from 'sharp';
import type { INodeParameters } from 'n8n-workflow';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import { runWorkflow, type WorkflowJson } from '../harness/run-workflow';
import { startFakeProvider, type FakeProvider } from '../fake';
import { shareUndiciDispatcher } from '../fake/jest-undici';
import { clearProviderEnv } from '../fake/test-images';
import { multiSampleNode } from './helpers';

clearProviderEnv();
shareUndiciDispatcher();

const multiSample = multiSampleNode();
const COFFEE = 'test/fixtures/photos/coffee.png';
const CHELSEA = 'test/fixtures/photos/chelsea.png';
const darker: INodeParameters = { adjustments: { adjustment: [{ attribute: 'brightness', percent: -15 }] } };

let fake: FakeProvider;
beforeAll(async () => {
	fake = await startFakeProvider({ variance: 0.05, seed: 5 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const credentials = (apiKey = 'test-key') => ({ imageModelApi: { provider: 'apiyi', apiKey, baseUrl: fake.url } });
const generateCalls = () => fake.requests.filter((r) => r.route.endsWith('generateContent'));

function workflow(files: Array<Record<string, { path: string }>>, parameters: INodeParameters, extra: Parameters<typeof node>[3] = {}): WorkflowJson {
	return {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify(files.map((f) => ({ files: f }))) }),
			node('Multi-Sample', multiSample.type, { model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image' }, ...parameters }, extra),
			node('Collect', `${FIXTURES}.collect`),
		],
		connections: chain('Manual Start', 'Load Images', 'Multi-Sample', 'Collect'),
	};
}

const run = (wf: WorkflowJson, options: { binaryDataMode?: 'filesystem' | 'database'; apiKey?: string } = {}) =>
	runWorkflow(wf, { credentials: credentials(options.apiKey), packageDirs: multiSample.packageDirs, binaryDataMode: options.binaryDataMode });

describe('Best Only', () => {
	it.each(['filesystem', 'database'] as const)('returns the best variant of each image, its scores and a contact sheet (%s)', async (mode) => {
		const result = await run(workflow([{ data: { path: COFFEE } }, { data: { path: CHELSEA } }], { ...darker, variants: 3 }), { binaryDataMode: mode });
		expect(result.error).toBeUndefined();
		const out = result.output('Multi-Sample');
		expect(out).toHaveLength(2);
		expect(generateCalls()).toHaveLength(6);
		for (const call of generateCalls()) expect((call.body as { generationConfig: object }).generationConfig).not.toHaveProperty('candidateCount');

		for (const [i, item] of out.entries()) {
			expect(item.pairedItem).toEqual({ item: i });
			const json = item.json as Record<string, any>;
			expect(json).toMatchObject({
				rank: 1,
				score: { combined: expect.any(Number), fidelity: expect.any(Number), structure: expect.any(Number), closeness: null },
				scoring: { weights: { fidelity: 0.625, structure: 0.375, closeness: 0 } },
				cost: { usd: 0.09 },
				itemCostUsd: 0.27,
				calls: { requested: 3, scored: 3, failed: 0 },
				estimate: { calls: { expected: 6, max: 6 }, usdPerCall: 0.09, usd: { expected: 0.54 } },
				budget: { maxCalls: null, maxUsd: null, exhausted: false },
				requestedVsMeasured: [{ attribute: 'brightness', requestedPercent: -15, measuredPercent: expect.any(Number) }],
			});
			expect(json.variants.map((v: { rank: number }) => v.rank)).toEqual([1, 2, 3]);
			expect(json.variants[0].combined).toBe(json.score.combined);
			expect(Math.abs(json.effect.brightnessPercent + 15)).toBeLessThan(2.5);
			expect(Object.keys(item.binary ?? {}).sort()).toEqual(['contactSheet', 'data']);
			expect(item.binary?.data.fileName).toMatch(/-variant-\d\.png$/);
		}
		const edited = await sharp(await result.binary('Multi-Sample', 0, 'data')).metadata();
		expect(edited.width).toBe(1024); // the fake's 1K answer, not the 600 px input
		const sheet = await sharp(await result.binary('Multi-Sample', 1, 'contactSheet')).metadata();
		expect([sheet.format, sheet.width]).toEqual(['jpeg', 8 + 4 * (256 + 8)]); // source + 3 variants
	});
});

describe('Top K and All Variants', () => {
	it('Top K as binaries on one item per image: data, data_2', async () => {
		const result = await run(workflow([{ data: { path: CHELSEA } }], { ...darker, variants: 3, output: 'topK', topK: 2, layout: 'binaries', contactSheet: false }));
		expect(result.error).toBeUndefined();
		const [item, ...rest] = result.output('Multi-Sample');
		expect(rest).toHaveLength(0);
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['data', 'data_2']);
		expect((item.json as { rank: number }).rank).toBe(1);
	});

	it('All Variants as one item per variant, ranked, with the contact sheet on the first', async () => {
		const result = await run(workflow([{ data: { path: CHELSEA } }], { ...darker, variants: 3, output: 'all' }));
		const out = result.output('Multi-Sample');
		expect(out.map((o) => (o.json as { rank: number }).rank)).toEqual([1, 2, 3]);
		expect(new Set(out.map((o) => (o.json as { variantIndex: number }).variantIndex)).size).toBe(3);
		expect(out.map((o) => Object.keys(o.binary ?? {}).sort())).toEqual([['contactSheet', 'data'], ['data'], ['data']]);
		expect(out.every((o) => o.pairedItem && (o.pairedItem as { item: number }).item === 0)).toBe(true);
	});
});

it('Reference Edit request: the approved pair on the first item is the target for every image', async () => {
	const approved = await sharp(COFFEE).linear(0.85, 0).png().toBuffer();
	const wf = workflow([], { requestType: 'reference', variants: 2 });
	wf.nodes[1].parameters.items = JSON.stringify([
		{ files: { data: { path: CHELSEA }, original: { path: COFFEE }, approved: { base64: approved.toString('base64'), mimeType: 'image/png' } } },
		{ files: { data: { path: COFFEE } } },
	]);
	const result = await run(wf);
	expect(result.error).toBeUndefined();
	const out = result.output('Multi-Sample');
	expect(out).toHaveLength(2);
	for (const item of out) {
		const json = item.json as Record<string, any>;
		expect(json.approvedPairEffect.brightnessPercent).toBeCloseTo(-15, 0);
		expect(json.score.closeness).toEqual(expect.any(Number));
		expect(json.scoring.fidelity.attributes[0]).toMatchObject({ attribute: 'brightness', reason: 'approvedPair' });
	}
	expect(generateCalls()).toHaveLength(4);
	expect(generateCalls().every((c) => JSON.stringify(c.body).includes('brightness -15'))).toBe(true);
});

it('a call budget stops new calls and says so on the items it cut short', async () => {
	const files = [{ data: { path: CHELSEA } }, { data: { path: CHELSEA } }, { data: { path: CHELSEA } }];
	const result = await run(workflow(files, { ...darker, variants: 3, budgetType: 'calls', maxCalls: 4, contactSheet: false, options: { maxConcurrent: 1 } }));
	expect(result.error).toBeUndefined();
	expect(generateCalls()).toHaveLength(4);
	const out = result.output('Multi-Sample').map((o) => o.json as Record<string, any>);
	expect(out).toHaveLength(3);
	expect(out[0].calls).toMatchObject({ scored: 3, skipped: 0 });
	expect(out[1].calls).toMatchObject({ scored: 1, skipped: 2 });
	expect(out[1].warnings).toContain("2 variant(s) not requested: the execution's budget is used up");
	expect(out[2]).toMatchObject({
		budgetExceeded: true,
		errorKind: 'budgetExceeded',
		error: "Item 2: The execution's budget (4 calls) is used up; no variant of this image was requested",
		budget: { maxCalls: 4, calls: 4, exhausted: true },
	});
	expect(Object.keys(result.output('Multi-Sample')[2].binary ?? {})).toEqual(['data']); // the input, passed on
});

it('with 20 % faults and Continue On Fail, every input ends as its outputs or an error item', async () => {
	fake.setFaultRate(0.2, ['rateLimit', 'overloaded', 'reset'], { retryDelay: '0.02s' });
	const files = Array.from({ length: 4 }, (_, i) => ({ data: { path: i % 2 ? COFFEE : CHELSEA } }));
	const result = await run(
		workflow(files, { ...darker, variants: 3, contactSheet: false, options: { maxRetries: 3, maxConcurrent: 4 } }, { onError: 'continueRegularOutput' }),
	);
	expect(result.error).toBeUndefined();
	const out = result.output('Multi-Sample');
	expect(new Set(out.map((o) => (o.pairedItem as { item: number }).item))).toEqual(new Set([0, 1, 2, 3]));
	for (const o of out) expect(o.json.rank === 1 || typeof o.json.errorKind === 'string').toBe(true);
	expect(fake.requests.some((r) => r.fault)).toBe(true);
	expect(generateCalls().length).toBeLessThanOrEqual(4 * 3 * (1 + 3));
});

describe('errors', () => {
	it('a bad key gives one error item per input with Continue On Fail, without the key', async () => {
		const result = await run(workflow([{ data: { path: CHELSEA } }, { data: { path: COFFEE } }], { ...darker, variants: 2 }, { onError: 'continueRegularOutput' }), {
			apiKey: 'sk-wrong-secret',
		});
		const out = result.output('Multi-Sample');
		expect(out.map((o) => [o.json.errorKind, o.pairedItem])).toEqual([
			['auth', { item: 0 }],
			['auth', { item: 1 }],
		]);
		expect(JSON.stringify(out)).not.toContain('sk-wrong-secret');
	});

	it('an item-level problem becomes that item\'s error item; the other items still run', async () => {
		const wf = workflow([], { instruction: '={{ $json.instruction }}', variants: 1, contactSheet: false }, { onError: 'continueRegularOutput' });
		wf.nodes[1].parameters.items = JSON.stringify([
			{ json: { instruction: '' }, files: { data: { path: CHELSEA } } },
			{ json: { instruction: 'un poco más oscura' }, files: { data: { path: CHELSEA } } },
		]);
		const out = (await run(wf)).output('Multi-Sample');
		expect(out[0].json).toMatchObject({ errorKind: 'invalidInput', errorParameter: 'Instruction', itemIndex: 0 });
		expect(out[1].json).toMatchObject({ rank: 1, quantities: [{ attribute: 'brightness', percent: -10 }] });
		expect(generateCalls()).toHaveLength(1);
	});

	it('a bad option fails the node before any call, naming the parameter', async () => {
		const result = await run(workflow([{ data: { path: CHELSEA } }], { ...darker, variants: 11 }));
		expect(result.nodeError('Multi-Sample')).toMatchObject({
			message: 'Item 0: Expected an integer between 1 and 10 for Variants per Image but received 11',
		});
		expect(generateCalls()).toHaveLength(0);
	});
});
