/**
 * The Gemini transport through the real @google/genai SDK against the wire-faithful fake:
 * URLs and auth per provider mode, every fault mapped to its error, retries and the limiter.
 */
import { OAuth2Client } from 'google-auth-library';
import { startFakeProvider, type FakeProvider, type FaultKind } from '../fake';
import { solidImage } from '../fake/test-images';
import { parseProviderConfig, type RawProviderCredential } from '../../engine/provider/config';
import { GeminiImageClient } from '../../engine/provider/gemini-client';
import { callWithPolicy } from '../../engine/provider/call';
import { Limiter } from '../../engine/core/limiter';
import { resolveRetryPolicy } from '../../engine/core/retry';
import type { EngineError, ErrorKind } from '../../engine/core/errors';
import type { ImageRequest } from '../../engine/provider/image-request';

let fake: FakeProvider;
let image: Buffer;
beforeAll(async () => {
	fake = await startFakeProvider({ variance: 0 });
	image = await solidImage(64, 48, [120, 110, 100]);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const client = (raw: Partial<RawProviderCredential>, timeoutMs = 5000, authClient?: unknown) =>
	new GeminiImageClient(parseProviderConfig({ provider: 'gateway', apiKey: 'test-key', baseUrl: fake.url, ...raw }), { timeoutMs, authClient });

const request = (extra: Partial<ImageRequest> = {}): ImageRequest => ({
	model: 'gemini-3-pro-image',
	parts: [{ text: 'brightness at 85 % of the original' }, { image: { data: image, mimeType: 'image/png' } }],
	...extra,
});

async function failure(promise: Promise<unknown>): Promise<EngineError> {
	try {
		await promise;
	} catch (error) {
		return error as EngineError;
	}
	throw new Error('expected a failure');
}

describe('provider modes hit the right URL with the right auth', () => {
	it('AI Studio / gateway: /v1/models/M:generateContent with x-goog-api-key (SDK default version)', async () => {
		const result = await client({ provider: 'aiStudio' }).generate(request());
		const [req] = fake.requests;
		expect(req.method).toBe('POST');
		expect(req.path).toBe('/v1/models/gemini-3-pro-image:generateContent');
		expect(req.headers['x-goog-api-key']).toBe('test-key');
		expect(result.images).toHaveLength(1);
		expect(result.finishReason).toBe('STOP');
		expect(result.usage?.imageOutputTokens).toBe(1120);
		expect(result.modelVersion).toBeTruthy();
	});

	it('API version v1beta and Bearer for gateways that want it', async () => {
		await client({ apiVersion: 'v1beta', authHeader: 'bearer' }).generate(request());
		const [req] = fake.requests;
		expect(req.path).toBe('/v1beta/models/gemini-3-pro-image:generateContent');
		expect(req.headers.authorization).toBe('Bearer test-key');
	});

	it('sends parts in order, imageConfig, seed and temperature in generationConfig', async () => {
		await client({}).generate(request({ imageSize: '2K', aspectRatio: '4:3', seed: 42, temperature: 0.4 }));
		const body = fake.requests[0].body as {
			contents: Array<{ parts: Array<Record<string, unknown>> }>;
			generationConfig: Record<string, unknown>;
		};
		expect(body.contents[0].parts.map((p) => Object.keys(p)[0])).toEqual(['text', 'inlineData']);
		expect(body.generationConfig).toMatchObject({
			responseModalities: ['TEXT', 'IMAGE'],
			seed: 42,
			temperature: 0.4,
			imageConfig: { aspectRatio: '4:3', imageSize: '2K' },
		});
	});

	it('Vertex with a service account: projects/P/locations/L path and a Bearer token', async () => {
		const auth = new OAuth2Client();
		auth.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
		const sa = JSON.stringify({ type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key: 'unused-in-this-test', project_id: 'proj-7' });
		await client({ provider: 'vertex', serviceAccountJson: sa, location: 'us-central1', apiKey: undefined }, 5000, auth).generate(request());
		const [req] = fake.requests;
		expect(req.path).toBe('/v1beta1/projects/proj-7/locations/us-central1/publishers/google/models/gemini-3-pro-image:generateContent');
		expect(req.headers.authorization).toBe('Bearer test-token');
		expect(req.headers['x-goog-api-key']).toBeUndefined();
	});

	it('Vertex express mode: publishers path with x-goog-api-key', async () => {
		await client({ provider: 'vertex', vertexAuth: 'express' }).generate(request());
		const [req] = fake.requests;
		expect(req.path).toBe('/v1beta1/publishers/google/models/gemini-3-pro-image:generateContent');
		expect(req.headers['x-goog-api-key']).toBe('test-key');
	});

	it('lists image models for the credential test', async () => {
		const ids = await client({ provider: 'aiStudio' }).listModels(true);
		expect(ids).toEqual(expect.arrayContaining(['gemini-3-pro-image', 'gemini-3.1-flash-image']));
		expect(ids).not.toContain('gemini-2.5-flash');
	});
});

describe('each fault maps to the right error', () => {
	const cases: Array<[FaultKind, ErrorKind, RegExp]> = [
		['rateLimit', 'rateLimit', /Rate limit or quota exceeded for model "gemini-3-pro-image" \(HTTP 429\)\. The provider asks to wait 0\.3 s/],
		['overloaded', 'overloaded', /The model is overloaded/],
		['serverError', 'server', /internal error \(HTTP 500\)/],
		['reset', 'network', /Could not reach the gateway/],
		['truncatedJson', 'invalidResponse', /could not be read/],
		['textOnly', 'noImage', /returned no image \(finish reason STOP\)\. The model said:/],
		['imageSafety', 'safetyBlock', /safety filter \(IMAGE_SAFETY\)/],
		['imageOther', 'noImage', /finish reason IMAGE_OTHER/],
		['noImage', 'noImage', /finish reason NO_IMAGE/],
		['promptBlocked', 'safetyBlock', /prompt or input image was blocked .* \(PROHIBITED_CONTENT\)/],
		['badKey', 'auth', /rejected the credentials \(HTTP 400\)/],
	];
	it.each(cases)('%s -> %s', async (fault, kind, message) => {
		fake.inject(fault, { retryDelay: '0.3s' });
		const error = await failure(client({}).generate(request()));
		expect(error.kind).toBe(kind);
		expect(error.message).toMatch(message);
		if (kind === 'rateLimit') expect(error.retryAfterMs).toBe(300);
		expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain('test-key');
	});

	it('hang -> timeout after the per-call timeout', async () => {
		fake.inject('hang');
		const started = Date.now();
		const error = await failure(client({}, 300).generate(request()));
		expect(error.kind).toBe('timeout');
		expect(error.message).toContain('did not answer after 0.3 s');
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('retired model -> modelRetired naming the replacement', async () => {
		const error = await failure(client({}).generate(request({ model: 'imagen-4.0-generate-001' })));
		expect(error.kind).toBe('modelRetired');
		expect(error.message).toBe(
			'Model "imagen-4.0-generate-001" was shut down on 2026-08-17. Use gemini-3-pro-image or gemini-3.1-flash-image (or Flux/Seedream via the Seeded Generate node for exact seeds) instead.',
		);
	});

	it('unknown model -> modelNotFound; candidateCount-style 400 -> invalidArgument', async () => {
		expect((await failure(client({}).generate(request({ model: 'gemini-9-image' })))).kind).toBe('modelNotFound');
		const error = await failure(client({}).generate(request({ model: 'gemini-2.5-flash-image', imageSize: '4K' })));
		expect(error.kind).toBe('invalidArgument');
		expect(error.httpStatus).toBe(400);
	});
});

describe('retries and limits', () => {
	it('retries honour RetryInfo and stop at the bound', async () => {
		fake.inject('rateLimit', { times: 2, retryDelay: '0.4s' });
		const limiter = new Limiter({ maxConcurrent: 2 });
		const retry = resolveRetryPolicy({ maxAttempts: 4, baseDelayMs: 10, jitter: false });
		const result = await callWithPolicy(client({}), request(), { limiter, retry });
		expect(result.attempts).toBe(3);
		const times = fake.requests.map((r) => r.at);
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(390);
		expect(times[2] - times[1]).toBeGreaterThanOrEqual(390);

		fake.reset();
		fake.inject('overloaded', { times: 10 });
		const error = await failure(callWithPolicy(client({}), request(), { limiter, retry: resolveRetryPolicy({ maxAttempts: 3, baseDelayMs: 10 }) }));
		expect(error.kind).toBe('overloaded');
		expect(fake.requests).toHaveLength(3);
	});

	it('never retries a safety block', async () => {
		fake.inject('imageSafety', { times: 5 });
		const error = await failure(
			callWithPolicy(client({}), request(), { limiter: new Limiter(), retry: resolveRetryPolicy({ maxAttempts: 5, baseDelayMs: 1 }) }),
		);
		expect(error.kind).toBe('safetyBlock');
		expect(fake.requests).toHaveLength(1);
	});

	it('the limiter never lets more than maxConcurrent calls reach the provider', async () => {
		fake.setLatency(40);
		const limiter = new Limiter({ maxConcurrent: 3 });
		const retry = resolveRetryPolicy({ maxAttempts: 1 });
		const c = client({});
		await Promise.all(Array.from({ length: 12 }, () => callWithPolicy(c, request(), { limiter, retry })));
		expect(fake.stats().calls).toBe(12);
		expect(fake.stats().maxInFlight).toBe(3);
		fake.setLatency(0);
	});
});
