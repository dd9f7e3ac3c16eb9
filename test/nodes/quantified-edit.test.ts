/**
 * Quantified Edit as a user runs it: real workflows through n8n-core's WorkflowExecute,
 * the real @google/genai SDK, and the fake provider on 127.0.0.1.
 */
import { startFakeProvider, type FakeProvider, type FaultKind } from '../fake';
import { runWorkflow } from '../harness/run-workflow';
import { dims, expectNoSecret, photoItems, PHOTOS, SECRET_KEY, workflowFor } from './helpers';

let fake: FakeProvider;
beforeAll(async () => {
	fake = await startFakeProvider({ apiKeys: [SECRET_KEY], variance: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const credentials = () => ({ imageModelApi: { provider: 'gateway', apiKey: SECRET_KEY, baseUrl: fake.url, apiVersion: 'v1beta' } });
const params = (extra: Record<string, unknown> = {}) => ({
	binaryPropertyName: 'data',
	instruction: 'un poco más oscura',
	model: { __rl: true, mode: 'list', value: 'gemini-3-pro-image' },
	options: { maxRetries: 0, ...((extra.options as object) ?? {}) },
	...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'options')),
});
type GenBody = { contents: Array<{ parts: Array<Record<string, unknown>> }>; generationConfig: Record<string, unknown> };
const bodies = () => fake.requests.filter((r) => r.route.endsWith('generateContent')).map((r) => r.body as GenBody);

describe.each(['filesystem', 'database'] as const)('Quantified Edit in %s binary mode', (mode) => {
	it('edits every item, keeps order and pairing, and reports prompt, tokens, cost and measured effect', async () => {
		const result = await runWorkflow(workflowFor('quantifiedEdit', params(), photoItems()), { binaryDataMode: mode, credentials: credentials() });
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out).toHaveLength(3);
		for (let i = 0; i < 3; i++) {
			expect(out[i].pairedItem).toEqual({ item: i });
			const json = out[i].json as Record<string, any>;
			expect(json.prompt).toContain('Brightness: reduce to approximately 90 % of the original');
			expect(json.instructionInterpreted).toEqual([{ text: 'un poco más oscura', attribute: 'brightness', percent: -10, rule: 'degree word "un poco" = 10 %' }]);
			expect(json.model).toBe('gemini-3-pro-image');
			expect(json.finishReason).toBe('STOP');
			expect(json.tokens.imageOutputTokens).toBe(1120);
			expect(json.cost.usd).toBeNull(); // a custom gateway has no built-in price
			expect(json.seed).toEqual({ value: null, honoured: 'not sent' });
			// The fake applied "90 % brightness" exactly (variance 0): the measurement must see ~-10 %.
			expect(json.effect.brightnessPercent).toBeGreaterThan(-13);
			expect(json.effect.brightnessPercent).toBeLessThan(-7);
			expect(json.requestedVsMeasured[0]).toMatchObject({ attribute: 'brightness', requestedPercent: -10 });
			const png = await result.binary('Under Test', i, 'data');
			expect((await dims(png)).format).toBe('png');
			expect(out[i].binary?.data.fileName).toMatch(/-edited\.png$/);
			expect(out[i].binary?.data.mimeType).toBe('image/png');
		}
		// The image each call edited is the item's own, in item order of the prompts.
		expect(fake.stats().calls).toBe(3);
		expectNoSecret(result.run);
	});
});

describe('options reach the request body', () => {
	it('aspect ratio "match input" picks the closest supported ratio; image size, seed and temperature are sent', async () => {
		const result = await runWorkflow(
			workflowFor('quantifiedEdit', params({ options: { imageSize: '2K', seed: 7, temperature: 0.3 } }), photoItems([PHOTOS[0]])),
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		const [body] = bodies();
		// coffee.png is 600x400 = 3:2
		expect(body.generationConfig).toMatchObject({ seed: 7, temperature: 0.3, imageConfig: { aspectRatio: '3:2', imageSize: '2K' } });
		expect(body.contents[0].parts.map((p) => Object.keys(p)[0])).toEqual(['text', 'inlineData']);
		const json = result.output('Under Test')[0].json as Record<string, any>;
		expect(json.seed).toEqual({ value: 7, honoured: 'best-effort' });
		expect(json.output.width).toBe(2048);
	});

	it('"Model Decides" sends no aspect ratio; restore input size gives the input\'s exact size', async () => {
		const result = await runWorkflow(
			workflowFor('quantifiedEdit', params({ options: { aspectRatio: 'auto', restoreInputSize: true } }), photoItems([PHOTOS[2]])),
			{ credentials: credentials() },
		);
		expect(result.error).toBeUndefined();
		expect(bodies()[0].generationConfig.imageConfig).toBeUndefined();
		const png = await result.binary('Under Test', 0, 'data');
		expect(await dims(png)).toMatchObject({ width: 451, height: 300 });
	});

	it('structured adjustments and guards shape the prompt', async () => {
		const result = await runWorkflow(
			workflowFor(
				'quantifiedEdit',
				params({ instruction: '', adjustments: { adjustment: [{ attribute: 'brightness', percent: -15 }, { attribute: 'grain', percent: 20 }] }, keep: ['text'] }),
				photoItems([PHOTOS[0]]),
			),
			{ credentials: credentials() },
		);
		const prompt = (result.output('Under Test')[0].json as { prompt: string }).prompt;
		expect(prompt).toContain('approximately 85 % of the original');
		expect(prompt).toContain('Film grain: add a moderate film grain at 20 % strength');
		expect(prompt).toContain('Do NOT change any text, logos and lettering.');
		expect((bodies()[0].contents[0].parts[0] as { text: string }).text).toBe(prompt);
	});
});

describe('failures', () => {
	it('continueOnFail: a safety block becomes an error item for that item only; the others are edited', async () => {
		fake.setLatency(30);
		fake.inject('imageSafety', { times: 1 });
		const result = await runWorkflow(
			workflowFor('quantifiedEdit', params({ options: { maxConcurrent: 1, maxRetries: 0 } }), photoItems(), { onError: 'continueRegularOutput' }),
			{ credentials: credentials() },
		);
		fake.setLatency(0);
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out).toHaveLength(3);
		expect(out[0].json).toMatchObject({ errorKind: 'safetyBlock', itemIndex: 0 });
		expect(String(out[0].json.error)).toMatch(/^Item 0: The generated image was blocked by the provider's safety filter \(IMAGE_SAFETY\)/);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[1].binary?.data).toBeDefined();
		expect(out[2].binary?.data).toBeDefined();
	});

	const FAULTS: Array<[FaultKind, string, number | undefined]> = [
		['rateLimit', 'rateLimit', 429],
		['overloaded', 'overloaded', 503],
		['serverError', 'server', 500],
		['reset', 'network', undefined],
		['truncatedJson', 'invalidResponse', undefined],
		['textOnly', 'noImage', undefined],
		['imageSafety', 'safetyBlock', undefined],
		['noImage', 'noImage', undefined],
		['imageOther', 'noImage', undefined],
		['promptBlocked', 'safetyBlock', undefined],
		['badKey', 'auth', 400],
	];
	it.each(FAULTS)('%s becomes an error item of kind %s (retries off)', async (fault, kind, status) => {
		fake.inject(fault, { retryDelay: '0.1s' });
		const result = await runWorkflow(workflowFor('quantifiedEdit', params(), photoItems([PHOTOS[0]]), { onError: 'continueRegularOutput' }), {
			credentials: credentials(),
		});
		const [item] = result.output('Under Test');
		expect(item.json.errorKind).toBe(kind);
		expect(item.json.httpStatus).toBe(status);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(String(item.json.error)).toMatch(/^Item 0: /);
		expectNoSecret(item);
	});

	it('without continueOnFail the node fails naming the item and the cause', async () => {
		fake.inject('badKey', { times: 5 });
		const result = await runWorkflow(workflowFor('quantifiedEdit', params(), photoItems([PHOTOS[0]])), { credentials: credentials() });
		const error = result.nodeError('Under Test') as unknown as { message: string; context?: { itemIndex?: number } };
		expect(error.message).toBe('Item 0: the gateway rejected the credentials (HTTP 400). Check the API key or service account in the credential.');
		expectNoSecret(result.run);
	});

	it('retries 429/503 with RetryInfo and still produces every item', async () => {
		fake.inject('rateLimit', { times: 2, retryDelay: '0.2s' });
		fake.inject('overloaded', { times: 1 });
		const result = await runWorkflow(workflowFor('quantifiedEdit', params({ options: { maxRetries: 3 } }), photoItems()), { credentials: credentials() });
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out.every((item) => item.binary?.data)).toBe(true);
		expect(out.reduce((sum, item) => sum + Number(item.json.attempts), 0)).toBe(6);
		expect(fake.stats().calls).toBe(6);
	});

	it('a retired model gets a message naming the replacement, before any call', async () => {
		const result = await runWorkflow(
			workflowFor('quantifiedEdit', params({ model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image-preview' } }), photoItems([PHOTOS[0]])),
			{ credentials: credentials() },
		);
		expect((result.nodeError('Under Test') as unknown as Error).message).toBe(
			'Item 0: Model "gemini-3-pro-image-preview" was shut down on 2026-06-25. Use gemini-3-pro-image instead.',
		);
		expect(fake.stats().calls).toBe(0);
	});

	it('bad inputs give clear per-item errors and cost nothing: text labelled PNG, empty file, missing property', async () => {
		const items = [
			{ files: { data: { base64: Buffer.from('hello, I am text').toString('base64'), mimeType: 'image/png', fileName: 'fake.png' } } },
			{ files: { data: { base64: '', mimeType: 'image/png', fileName: 'empty.png' } } },
			{ files: { photo: { path: PHOTOS[0], mimeType: 'image/png' } } },
			...photoItems([PHOTOS[1]]),
		];
		const result = await runWorkflow(workflowFor('quantifiedEdit', params(), items, { onError: 'continueRegularOutput' }), { credentials: credentials() });
		const out = result.output('Under Test');
		expect(out.map((o) => o.json.errorKind ?? 'ok')).toEqual(['invalidInput', 'invalidInput', 'invalidInput', 'ok']);
		expect(out[0].json.error).toBe('Item 0: The image in binary property "data" (parameter "Input Binary Field") is not an image sharp can read');
		expect(String(out[1].json.error)).toMatch(/^Item 1: .*(empty|0 bytes)/);
		expect(out[2].json.error).toBe('Item 2: No binary property "data" on this item (parameter "Input Binary Field")');
		expect(out[2].json.errorDescription).toBe('The item has these binary properties: photo.');
		expect(fake.stats().calls).toBe(1);
	});

	it('items run concurrently up to Max Concurrent Requests, and never beyond', async () => {
		fake.setLatency(150);
		const items = photoItems([PHOTOS[0], PHOTOS[1], PHOTOS[2], PHOTOS[0], PHOTOS[1], PHOTOS[2]]);
		const result = await runWorkflow(workflowFor('quantifiedEdit', params({ options: { maxConcurrent: 3 } }), items), { credentials: credentials() });
		fake.setLatency(0);
		expect(result.error).toBeUndefined();
		expect(result.output('Under Test')).toHaveLength(6);
		expect(fake.stats().maxInFlight).toBe(3);
	});
});
