/**
 * Every fault kind on the wire: status, headers and body per route family, and what the real
 * @google/genai SDK makes of the Google ones.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { startFakeProvider, type FakeProvider, type FaultKind } from '.';
import { shareUndiciDispatcher } from './jest-undici';
import { clearProviderEnv } from './test-images';

clearProviderEnv();
shareUndiciDispatcher();

let fake: FakeProvider;

beforeAll(async () => {
	fake = await startFakeProvider({ variance: 0 });
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

const gemini = (timeout?: number): GoogleGenAI =>
	new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: fake.url, timeout } });
const generate = (ai = gemini()) =>
	ai.models.generateContent({ model: 'gemini-3-pro-image', contents: 'a small red cube' });

async function sdkError(call: Promise<unknown>): Promise<{ status: number; error: Record<string, unknown> }> {
	const e = await call.then(
		() => undefined,
		(err: unknown) => err,
	);
	expect(e).toBeInstanceOf(ApiError);
	return {
		status: (e as ApiError).status,
		error: (JSON.parse((e as ApiError).message) as { error: Record<string, unknown> }).error,
	};
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(`${fake.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
	});
const openai = () =>
	post(
		'/v1/images/generations',
		{ model: 'flux-dev', prompt: 'a cube', seed: 1, size: '256x256' },
		{ authorization: 'Bearer test-key' },
	);
const sd = () => post('/sdapi/v1/txt2img', { prompt: 'a cube', seed: 1, width: 64, height: 64, steps: 4 });

describe('Google error faults (SDK view)', () => {
	it('rateLimit: 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo', async () => {
		fake.inject('rateLimit', { retryDelay: '0.3s' });
		const { status, error } = await sdkError(generate());
		expect(status).toBe(429);
		expect(error.status).toBe('RESOURCE_EXHAUSTED');
		expect(error.message).toBe('Resource has been exhausted (e.g. check quota).');
		expect(error.details).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }),
				{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.3s' },
			]),
		);
	});

	it.each<[FaultKind, number, string, RegExp]>([
		['overloaded', 503, 'UNAVAILABLE', /^The model is overloaded\. Please try again later\.$/],
		[
			'serverError',
			500,
			'INTERNAL',
			/^An internal error has occurred\. Please retry or report in https:\/\/developers\.generativeai\.google/,
		],
		['badKey', 400, 'INVALID_ARGUMENT', /^API key not valid\. Please pass a valid API key\.$/],
		['retiredModel', 404, 'NOT_FOUND', /^models\/gemini-3-pro-image is not found for API version v1/],
	])('%s: %d %s', async (kind, code, status, message) => {
		fake.inject(kind);
		const got = await sdkError(generate());
		expect([got.status, got.error.code, got.error.status]).toEqual([code, code, status]);
		expect(got.error.message).toMatch(message);
		// The next call is healthy again: one fault by default.
		await expect(generate()).resolves.toBeDefined();
		expect(fake.requests.map((r) => r.fault)).toEqual([kind, undefined]);
	});

	it('badKey on a Vertex bearer token is 401 UNAUTHENTICATED', async () => {
		fake.inject('badKey', { route: 'vertex' });
		const res = await post(
			'/v1beta1/projects/p/locations/l/publishers/google/models/gemini-3-pro-image:generateContent',
			{
				contents: [{ parts: [{ text: 'x' }] }],
			},
			{ authorization: 'Bearer test-token' },
		);
		expect(res.status).toBe(401);
		expect(((await res.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
	});
});

describe('Google 200-but-no-image faults', () => {
	it('textOnly: STOP with a text part and no image', async () => {
		fake.inject('textOnly');
		const res = await generate();
		const parts = res.candidates![0].content!.parts!;
		expect(res.candidates![0].finishReason).toBe('STOP');
		expect(parts).toEqual([{ text: expect.stringMatching(/^I can't edit this image/) }]);
	});

	it.each([
		['imageSafety', 'IMAGE_SAFETY'],
		['imageOther', 'IMAGE_OTHER'],
		['noImage', 'NO_IMAGE'],
	] as Array<[FaultKind, string]>)('%s: a candidate without content, finishReason %s', async (kind, reason) => {
		fake.inject(kind);
		const res = await generate();
		expect(res.candidates).toEqual([{ finishReason: reason, index: 0 }]);
	});

	it('promptBlocked: no candidates, promptFeedback.blockReason', async () => {
		fake.inject('promptBlocked');
		const res = await generate();
		expect(res.candidates).toBeUndefined();
		expect(res.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
	});
});

describe('transport faults', () => {
	it('truncatedJson: 200 application/json whose body is cut in half', async () => {
		fake.inject('truncatedJson', { route: 'gemini' });
		const res = await post(
			'/v1/models/gemini-3-pro-image:generateContent',
			{ contents: [{ parts: [{ text: 'x' }] }] },
			{ 'x-goog-api-key': 'test-key' },
		);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		const text = await res.text();
		expect(text.startsWith('{"candidates":')).toBe(true);
		expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
		// The SDK fails to parse it (errors come from Node's realm, so match the message, not the class).
		fake.inject('truncatedJson');
		await expect(generate()).rejects.toThrow(/JSON/);
	});

	it('reset: the socket is destroyed without an answer', async () => {
		fake.inject('reset');
		await expect(openai()).rejects.toThrow('fetch failed');
		expect(fake.requests[0].fault).toBe('reset');
	});

	it('hang: no answer until the client gives up; the request is then no longer in flight', async () => {
		fake.inject('hang');
		const started = Date.now();
		await expect(generate(gemini(150))).rejects.toThrow();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		for (let i = 0; i < 50 && fake.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
		expect(fake.stats().inFlight).toBe(0);
	});

	it('hang with hangMs: answers normally that late', async () => {
		fake.inject('hang', { hangMs: 120 });
		const started = Date.now();
		const res = await sd();
		expect(res.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(115);
	});
});

describe('fault selection', () => {
	it('times: N consecutive matching requests', async () => {
		fake.inject('overloaded', { times: 2 });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await sd()).status);
		expect(statuses).toEqual([503, 503, 200]);
	});

	it('by default only image-producing routes get faults (model lists do not)', async () => {
		fake.inject('rateLimit');
		const list = await fetch(`${fake.url}/v1/models`, { headers: { 'x-goog-api-key': 'test-key' } });
		expect(list.status).toBe(200);
		expect((await sd()).status).toBe(429);
	});

	it('route: a family, an exact route or a RegExp', async () => {
		fake.inject('serverError', { route: 'openai' });
		fake.inject('serverError', { route: 'sd.img2img' });
		fake.inject('serverError', { route: /^gemini\.models$/ });
		expect((await sd()).status).toBe(200);
		expect((await openai()).status).toBe(500);
		expect((await fetch(`${fake.url}/v1/models?key=test-key`)).status).toBe(500);
		expect((await post('/sdapi/v1/img2img', { init_images: [] })).status).toBe(500);
	});

	it('setFaultRate: seeded, reproducible, and 0 turns it off', async () => {
		const sequence = async (seed: number): Promise<string> => {
			const f = await startFakeProvider({ seed });
			try {
				f.setFaultRate(0.5, ['overloaded', 'serverError']);
				const out = [];
				for (let i = 0; i < 16; i++) {
					const res = await fetch(`${f.url}/sdapi/v1/txt2img`, {
						method: 'POST',
						body: JSON.stringify({ width: 64, height: 64 }),
					});
					out.push(res.status);
				}
				f.setFaultRate(0, []);
				const after = await fetch(`${f.url}/sdapi/v1/txt2img`, {
					method: 'POST',
					body: JSON.stringify({ width: 64, height: 64 }),
				});
				expect(after.status).toBe(200);
				return out.join(',');
			} finally {
				await f.close();
			}
		};
		const a = await sequence(3);
		expect(a).toBe(await sequence(3));
		const statuses = a.split(',');
		expect(statuses.filter((s) => s !== '200').length).toBeGreaterThan(2);
		expect(statuses.filter((s) => s === '200').length).toBeGreaterThan(2);
		expect(new Set(statuses)).toEqual(new Set(['200', '500', '503']));
	});

	it('rejects nonsense options', () => {
		expect(() => fake.inject('hang', { times: 0 })).toThrow('Expected a positive integer for times');
		expect(() => fake.setFaultRate(1.5, ['hang'])).toThrow('Expected a rate in [0, 1]');
	});
});

describe('fault shapes on the other routes', () => {
	it('OpenAI-style: 429 with Retry-After, OpenAI error envelope', async () => {
		fake.inject('rateLimit', { retryAfterSeconds: 2 });
		const res = await openai();
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('2');
		expect(await res.json()).toEqual({
			error: expect.objectContaining({ code: 'rate_limit_exceeded', message: expect.any(String) }),
		});
	});

	it.each([
		['badKey', 401, 'invalid_api_key'],
		['retiredModel', 404, 'model_not_found'],
		['imageSafety', 400, 'content_policy_violation'],
	] as Array<[FaultKind, number, string]>)('OpenAI-style %s: %d %s', async (kind, status, code) => {
		fake.inject(kind);
		const res = await openai();
		expect(res.status).toBe(status);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
	});

	it('OpenAI-style noImage: 200 with empty data', async () => {
		fake.inject('noImage');
		const res = await openai();
		expect(res.status).toBe(200);
		expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
	});

	it('SD WebUI: 429 with Retry-After; imageSafety blacks the image out; noImage returns none', async () => {
		fake.inject('rateLimit', { retryAfterSeconds: 3 });
		const limited = await sd();
		expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);

		fake.inject('imageSafety');
		const black = (await (await sd()).json()) as { images: string[] };
		const { default: sharp } = await import('sharp');
		const stats = await sharp(Buffer.from(black.images[0], 'base64')).stats();
		expect(stats.channels.slice(0, 3).map((c) => c.max)).toEqual([0, 0, 0]);

		fake.inject('noImage');
		expect(((await (await sd()).json()) as { images: string[] }).images).toEqual([]);

		fake.inject('serverError');
		const failed = await sd();
		expect(failed.status).toBe(500);
		expect(await failed.json()).toEqual(
			expect.objectContaining({ error: 'OutOfMemoryError', errors: expect.stringMatching(/CUDA out of memory/) }),
		);
	});

	it('ComfyUI: serverError is aiohttp text; retiredModel is a validation error naming ckpt_name', async () => {
		const graph = {
			'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
			'9': { class_type: 'SaveImage', inputs: { images: ['8', 0] } },
		};
		fake.inject('serverError');
		const failed = await post('/prompt', { prompt: graph });
		expect([failed.status, await failed.text()]).toEqual([
			500,
			'500 Internal Server Error\n\nServer got itself in trouble',
		]);
		fake.inject('retiredModel');
		const retired = await post('/prompt', { prompt: graph });
		const body = (await retired.json()) as {
			error: { type: string };
			node_errors: Record<string, { errors: Array<{ type: string; details: string }> }>;
		};
		expect(retired.status).toBe(400);
		expect(body.error.type).toBe('prompt_outputs_failed_validation');
		expect(body.node_errors['4'].errors[0]).toMatchObject({
			type: 'value_not_in_list',
			details: expect.stringMatching(/^ckpt_name: /),
		});
	});
});
