/**
 * The fake's Vertex AI routes, driven by the real @google/genai SDK: service-account mode
 * (OAuth2Client with a fixed access token), express mode (API key), model lists and Imagen :predict.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { startFakeProvider, type FakeProvider } from '.';
import { shareUndiciDispatcher } from './jest-undici';
import { clearProviderEnv, measure, solidImage } from './test-images';

clearProviderEnv();
shareUndiciDispatcher();

let fake: FakeProvider;

beforeAll(async () => {
	fake = await startFakeProvider({ variance: 0 });
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

function serviceAccount(url: string, token = 'test-token'): GoogleGenAI {
	const authClient = new OAuth2Client();
	authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3600e3 });
	return new GoogleGenAI({
		vertexai: true,
		project: 'my-project',
		location: 'us-central1',
		googleAuthOptions: { authClient },
		httpOptions: { baseUrl: url },
	});
}

const express = (url: string, apiKey = 'test-key'): GoogleGenAI =>
	new GoogleGenAI({ vertexai: true, apiKey, httpOptions: { baseUrl: url } });

async function apiError(call: Promise<unknown>): Promise<{ status: number; error: Record<string, unknown> }> {
	const e = await call.then(
		() => undefined,
		(err: unknown) => err,
	);
	expect(e).toBeInstanceOf(ApiError);
	const body = JSON.parse((e as ApiError).message) as { error: Record<string, unknown> };
	return { status: (e as ApiError).status, error: body.error };
}

describe('Vertex generateContent', () => {
	it('service account: Bearer token and projects/../locations/.. path', async () => {
		const png = await solidImage(30, 40, [100, 150, 200]);
		const res = await serviceAccount(fake.url).models.generateContent({
			model: 'gemini-3-pro-image',
			contents: [
				{
					role: 'user',
					parts: [{ inlineData: { mimeType: 'image/png', data: png.toString('base64') } }, { text: 'contrast +20 %' }],
				},
			],
		});
		const [req] = fake.requests;
		expect(req.path).toBe(
			'/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-3-pro-image:generateContent',
		);
		expect(req.route).toBe('vertex.generateContent');
		expect(req.headers.authorization).toBe('Bearer test-token');
		expect(req.headers['x-goog-api-key']).toBeUndefined();
		expect(req.applied?.contrast).toBe(1.2);
		expect(res.createTime).toEqual(expect.any(String));
		const image = res.candidates![0].content!.parts!.find((p) => p.inlineData && !p.thought)!;
		expect(await measure(Buffer.from(image.inlineData!.data!, 'base64'))).toMatchObject({ width: 768, height: 1024 });
	});

	it('service account: an unknown token gets 401 UNAUTHENTICATED', async () => {
		const { status, error } = await apiError(
			serviceAccount(fake.url, 'stale-token').models.generateContent({ model: 'gemini-3-pro-image', contents: 'x' }),
		);
		expect(status).toBe(401);
		expect(error.status).toBe('UNAUTHENTICATED');
	});

	it('express mode: x-goog-api-key and publishers/google/models/.. without project', async () => {
		await express(fake.url).models.generateContent({ model: 'gemini-3.1-flash-image', contents: 'a tree' });
		const [req] = fake.requests;
		expect(req.path).toBe('/v1beta1/publishers/google/models/gemini-3.1-flash-image:generateContent');
		expect(req.headers['x-goog-api-key']).toBe('test-key');
		expect(req.headers.authorization).toBeUndefined();
		const bad = await apiError(
			express(fake.url, 'nope').models.generateContent({ model: 'gemini-3-pro-image', contents: 'x' }),
		);
		expect([bad.status, bad.error.status]).toEqual([400, 'INVALID_ARGUMENT']);
	});

	it('names the publisher model in its 404', async () => {
		const { status, error } = await apiError(
			serviceAccount(fake.url).models.generateContent({ model: 'gemini-3-pro-image-preview', contents: 'x' }),
		);
		expect(status).toBe(404);
		expect(error.message).toMatch(
			/^Publisher Model `projects\/my-project\/locations\/us-central1\/publishers\/google\/models\/gemini-3-pro-image-preview` was not found/,
		);
	});
});

describe('Vertex model list', () => {
	it.each([
		['service account', () => serviceAccount(fake.url)],
		['express', () => express(fake.url)],
	])('%s: ai.models.list() calls GET /v1beta1/publishers/google/models', async (_name, make) => {
		const names: string[] = [];
		for await (const m of await make().models.list()) names.push(m.name!);
		expect(names).toContain('publishers/google/models/gemini-3-pro-image');
		expect(names.some((n) => n.includes('imagen'))).toBe(false);
		expect(fake.requests.map((r) => [r.method, r.path, r.route])).toEqual([
			['GET', '/v1beta1/publishers/google/models', 'vertex.models'],
		]);
	});

	it('also answers the projects/../locations/.. form', async () => {
		const res = await fetch(`${fake.url}/v1beta1/projects/p/locations/global/publishers/google/models?pageSize=2`, {
			headers: { authorization: 'Bearer test-token' },
		});
		const body = (await res.json()) as { publisherModels: Array<{ name: string }>; nextPageToken?: string };
		expect(body.publisherModels.map((m) => m.name)).toEqual([
			'publishers/google/models/gemini-3-pro-image',
			'publishers/google/models/gemini-3.1-flash-image',
		]);
		expect(body.nextPageToken).toEqual(expect.any(String));
	});
});

describe('Imagen :predict', () => {
	beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined)); // generateImages is deprecated
	afterAll(() => jest.restoreAllMocks());

	it('is retired by default: 404 NOT_FOUND', async () => {
		const { status, error } = await apiError(
			serviceAccount(fake.url).models.generateImages({ model: 'imagen-4.0-generate-001', prompt: 'a cat' }),
		);
		expect(status).toBe(404);
		expect(error.status).toBe('NOT_FOUND');
		expect(fake.requests[0].path).toBe(
			'/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict',
		);
	});

	it('un-retired: a seed with addWatermark false is deterministic; with the watermark it is refused', async () => {
		const open = await startFakeProvider({ retiredModels: {} });
		try {
			const ai = serviceAccount(open.url);
			const generate = (seed: number, addWatermark?: boolean) =>
				ai.models.generateImages({
					model: 'imagen-4.0-generate-001',
					prompt: 'a lighthouse at dusk',
					config: { numberOfImages: 1, seed, addWatermark, aspectRatio: '16:9' },
				});
			const bytes = async (seed: number) =>
				Buffer.from((await generate(seed, false)).generatedImages![0].image!.imageBytes!, 'base64');
			const a = await bytes(42);
			expect(a.equals(await bytes(42))).toBe(true);
			expect(a.equals(await bytes(43))).toBe(false);
			expect(await measure(a)).toMatchObject({ width: 1408, height: 768, format: 'png' });
			expect(open.requests[0].body).toMatchObject({
				instances: [{ prompt: 'a lighthouse at dusk' }],
				parameters: { sampleCount: 1, seed: 42, addWatermark: false, aspectRatio: '16:9' },
			});

			const refused = await apiError(generate(42));
			expect([refused.status, refused.error.message]).toEqual([
				400,
				'Seed is not supported when watermark is enabled.',
			]);
		} finally {
			await open.close();
		}
	});
});
