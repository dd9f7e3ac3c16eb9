/**
 * The fake's Gemini API routes, driven by the real @google/genai SDK (AI Studio mode) and by fetch
 * where the SDK cannot send what we check (no key, ?key=, Bearer).
 */
import { ApiError, GoogleGenAI, type GenerateContentResponse, type Part } from '@google/genai';
import { startFakeProvider, type FakeProvider } from '.';
import { shareUndiciDispatcher } from './jest-undici';
import { clearProviderEnv, measure, solidImage } from './test-images';

clearProviderEnv();
shareUndiciDispatcher();

let fake: FakeProvider;
let grey: Buffer;

beforeAll(async () => {
	fake = await startFakeProvider({ variance: 0 });
	grey = await solidImage(64, 48, [200, 200, 200]);
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.reset();
	fake.setVariance(0);
});

const client = (apiVersion?: string): GoogleGenAI =>
	new GoogleGenAI({ apiKey: 'test-key', apiVersion, httpOptions: { baseUrl: fake.url } });

const imagePart = (png: Buffer, mimeType = 'image/png'): Part => ({
	inlineData: { mimeType, data: png.toString('base64') },
});

/** The final image of a response: an inlineData part that is not a thought. */
function finalImage(res: GenerateContentResponse): Buffer {
	const parts = res.candidates?.[0]?.content?.parts ?? [];
	const images = parts.filter((p) => p.inlineData && !p.thought);
	expect(images).toHaveLength(1);
	return Buffer.from(images[0].inlineData!.data!, 'base64');
}

/** The JSON body an ApiError carries in its message. */
async function apiError(call: Promise<unknown>): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
	const error = await call.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(ApiError);
	const e = error as ApiError;
	return { status: e.status, body: JSON.parse(e.message) as { error: Record<string, unknown> } };
}

describe('generateContent (AI Studio mode)', () => {
	it('calls /v1/models/<m>:generateContent with x-goog-api-key and edits the image as the prompt says', async () => {
		const res = await client().models.generateContent({
			model: 'gemini-3-pro-image',
			contents: [{ role: 'user', parts: [{ text: 'Keep everything, brightness at 85 %' }, imagePart(grey)] }],
			config: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { imageSize: '1K' } },
		});
		const [req] = fake.requests;
		expect(req.method).toBe('POST');
		expect(req.path).toBe('/v1/models/gemini-3-pro-image:generateContent');
		expect(req.route).toBe('gemini.generateContent');
		expect(req.headers['x-goog-api-key']).toBe('test-key');
		expect(req.applied).toEqual({ brightness: 0.85, contrast: 1, saturation: 1, warmth: 0 });

		// Thinking first (text and a draft image, both thought: true), then the image with a signature, then text.
		const parts = res.candidates![0].content!.parts!;
		expect(parts.map((p) => [Boolean(p.text), Boolean(p.inlineData), Boolean(p.thought)])).toEqual([
			[true, false, true],
			[false, true, true],
			[false, true, false],
			[true, false, false],
		]);
		expect(parts[2].thoughtSignature).toEqual(expect.any(String));
		expect(res.candidates![0].finishReason).toBe('STOP');
		expect(res.modelVersion).toBe('gemini-3-pro-image');
		expect(res.usageMetadata?.candidatesTokensDetails).toEqual([{ modality: 'IMAGE', tokenCount: 1120 }]);

		const out = await measure(finalImage(res));
		expect([out.width, out.height, out.format]).toEqual([1024, 768, 'png']);
		for (const channel of out.mean) expect(channel).toBeCloseTo(170, 0);
	});

	it('uses /v1beta/ when the client asks for apiVersion v1beta', async () => {
		await client('v1beta').models.generateContent({
			model: 'gemini-3.1-flash-image',
			contents: [{ text: 'a red fox' }],
		});
		expect(fake.requests[0].path).toBe('/v1beta/models/gemini-3.1-flash-image:generateContent');
	});

	it('follows the LAST input image', async () => {
		const red = await solidImage(32, 32, [220, 30, 30]);
		const blue = await solidImage(40, 20, [30, 30, 220]);
		const res = await client().models.generateContent({
			model: 'gemini-3-pro-image',
			contents: [{ role: 'user', parts: [imagePart(red), imagePart(blue), { text: 'make it nicer' }] }],
		});
		const out = await measure(finalImage(res));
		expect([out.width, out.height]).toEqual([1024, 512]);
		expect(out.mean[2]).toBeGreaterThan(200);
		expect(out.mean[0]).toBeLessThan(50);
	});

	it('honours aspectRatio and imageSize, and generates a picture when there is no input', async () => {
		const wide = await client().models.generateContent({
			model: 'gemini-3-pro-image',
			contents: [{ parts: [imagePart(grey), { text: 'same picture' }] }],
			config: { imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
		});
		expect(await measure(finalImage(wide))).toMatchObject({ width: 2048, height: 1152 });

		const fromText = await client().models.generateContent({ model: 'gemini-3-pro-image', contents: 'a lighthouse' });
		expect(await measure(finalImage(fromText))).toMatchObject({ width: 1024, height: 1024 });
	});

	it('reports 2000 output tokens at 4K', async () => {
		const res = await client().models.generateContent({
			model: 'gemini-3-pro-image',
			contents: [{ parts: [imagePart(grey), { text: 'upscale' }] }],
			config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '21:9', imageSize: '4K' } },
		});
		expect(res.usageMetadata?.candidatesTokensDetails).toEqual([{ modality: 'IMAGE', tokenCount: 2000 }]);
		// IMAGE only: no closing text part.
		expect(res.candidates![0].content!.parts!.filter((p) => p.text && !p.thought)).toHaveLength(0);
		expect(await measure(finalImage(res))).toMatchObject({ width: 4096, height: 1755 });
	});

	it('answers JPEG when the prompt asks for it', async () => {
		const res = await client().models.generateContent({
			model: 'gemini-2.5-flash-image',
			contents: [{ parts: [imagePart(grey), { text: 'return it as a JPEG' }] }],
		});
		const part = res.candidates![0].content!.parts!.find((p) => p.inlineData && !p.thought)!;
		expect(part.inlineData!.mimeType).toBe('image/jpeg');
		expect((await measure(finalImage(res))).format).toBe('jpeg');
		// gemini-2.5-flash-image does not think.
		expect(res.candidates![0].content!.parts!.some((p) => p.thought)).toBe(false);
		expect(res.usageMetadata?.thoughtsTokenCount).toBeUndefined();
	});

	it('varies the applied strength with the variance and ignores the seed', async () => {
		fake.setVariance(0.2);
		const ask = () =>
			client().models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ parts: [imagePart(grey), { text: 'darker by 20%' }] }],
				config: { seed: 7 },
			});
		const a = finalImage(await ask());
		const b = finalImage(await ask());
		const [ra, rb] = fake.requests.map((r) => r.applied!.brightness);
		expect(ra).not.toBe(rb);
		expect(Math.abs(ra - 0.8)).toBeLessThan(0.2);
		expect(a.equals(b)).toBe(false);
	});

	it('gives identical bytes for identical requests when the variance is 0', async () => {
		const ask = async () =>
			finalImage(
				await client().models.generateContent({
					model: 'gemini-3-pro-image',
					contents: [{ parts: [imagePart(grey), { text: 'warmer by 10%' }] }],
				}),
			);
		expect((await ask()).equals(await ask())).toBe(true);
		expect(fake.requests[0].applied).toEqual({ brightness: 1, contrast: 1, saturation: 1, warmth: 0.1 });
	});
});

describe('generateContent validation', () => {
	const ask = (model: string, config: Record<string, unknown> = {}, apiKey = 'test-key') =>
		new GoogleGenAI({ apiKey, httpOptions: { baseUrl: fake.url } }).models.generateContent({
			model,
			contents: [{ parts: [{ text: 'a cat' }] }],
			config,
		});

	it('rejects candidateCount > 1', async () => {
		const { status, body } = await apiError(ask('gemini-3-pro-image', { candidateCount: 2 }));
		expect(status).toBe(400);
		expect(body.error).toEqual({
			code: 400,
			status: 'INVALID_ARGUMENT',
			message: 'Multiple candidates is not enabled for models/gemini-3-pro-image',
		});
	});

	it.each([
		['gemini-3-pro-image', { imageConfig: { aspectRatio: '7:3' } }],
		['gemini-3-pro-image', { imageConfig: { aspectRatio: '1:8' } }],
		['gemini-3-pro-image', { imageConfig: { imageSize: '8K' } }],
		['gemini-3-pro-image', { imageConfig: { imageSize: '2k' } }],
		['gemini-2.5-flash-image', { imageConfig: { imageSize: '2K' } }],
		['gemini-2.5-flash', { responseModalities: ['IMAGE'] }],
	])('rejects %s with %j as 400 INVALID_ARGUMENT', async (model, config) => {
		const { status, body } = await apiError(ask(model, config));
		expect(status).toBe(400);
		expect(body.error.status).toBe('INVALID_ARGUMENT');
	});

	it('accepts the extreme ratios on gemini-3.1-flash-image', async () => {
		await expect(ask('gemini-3.1-flash-image', { imageConfig: { aspectRatio: '1:8' } })).resolves.toBeDefined();
	});

	it('answers 404 NOT_FOUND for unknown and retired models', async () => {
		const unknown = await apiError(ask('gemini-9-ultra-image'));
		expect(unknown.status).toBe(404);
		expect(unknown.body.error.status).toBe('NOT_FOUND');
		const retired = await apiError(ask('gemini-3-pro-image-preview'));
		expect(retired.body.error.message).toBe(
			'models/gemini-3-pro-image-preview is not found for API version v1, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.',
		);
	});

	it('answers 400 API_KEY_INVALID for a bad key', async () => {
		const { status, body } = await apiError(ask('gemini-3-pro-image', {}, 'wrong-key'));
		expect(status).toBe(400);
		expect(body.error.message).toBe('API key not valid. Please pass a valid API key.');
		expect(body.error.details).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					'@type': 'type.googleapis.com/google.rpc.ErrorInfo',
					reason: 'API_KEY_INVALID',
					domain: 'googleapis.com',
				}),
			]),
		);
	});

	it('rejects an undecodable image and an unsupported MIME type', async () => {
		const bad = await apiError(
			client().models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ parts: [{ inlineData: { mimeType: 'image/png', data: 'bm90IGFuIGltYWdl' } }] }],
			}),
		);
		expect(bad.body.error.message).toMatch(/^Unable to process input image/);
		const gif = await apiError(
			client().models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ parts: [imagePart(grey, 'image/gif')] }],
			}),
		);
		expect(gif.body.error.message).toBe('Unsupported MIME type: image/gif');
	});

	it('accepts the key as ?key= and as a Bearer token (gateways), and refuses a missing key with 403', async () => {
		const body = JSON.stringify({ contents: [{ parts: [{ text: 'a dog' }] }] });
		const path = `${fake.url}/v1beta/models/gemini-3-pro-image:generateContent`;
		const viaQuery = await fetch(`${path}?key=test-key`, { method: 'POST', body });
		const viaBearer = await fetch(path, { method: 'POST', body, headers: { authorization: 'Bearer test-key' } });
		const none = await fetch(path, { method: 'POST', body });
		expect([viaQuery.status, viaBearer.status, none.status]).toEqual([200, 200, 403]);
		expect(none.headers.get('content-type')).toMatch(/^application\/json/);
		expect(((await none.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
	});
});

describe('model list and Imagen on the Gemini API', () => {
	it('pages GET /v1/models as ai.models.list() asks', async () => {
		const pager = await client().models.list({ config: { pageSize: 4 } });
		const names: string[] = [];
		for await (const model of pager) names.push(model.name!);
		expect(names).toEqual([
			'models/gemini-3-pro-image',
			'models/gemini-3.1-flash-image',
			'models/gemini-2.5-flash-image',
			'models/gemini-2.5-flash',
			'models/gemini-2.5-pro',
			'models/gemini-embedding-001',
		]);
		expect(fake.requests.map((r) => [r.path, r.query.pageSize, Boolean(r.query.pageToken)])).toEqual([
			['/v1/models', '4', false],
			['/v1/models', '4', true],
		]);
	});

	it('returns one model with ai.models.get()', async () => {
		const model = await client().models.get({ model: 'gemini-3-pro-image' });
		expect(model.name).toBe('models/gemini-3-pro-image');
		expect(model.displayName).toBe('Nano Banana Pro');
		expect(model.supportedActions).toContain('generateContent');
	});

	it('answers 404 for Imagen :predict (retired 2026-08-17)', async () => {
		// @google/genai 3.x only offers generateImages on Vertex; gateways and older clients POST :predict.
		const res = await fetch(`${fake.url}/v1beta/models/imagen-4.0-generate-001:predict`, {
			method: 'POST',
			headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' },
			body: JSON.stringify({ instances: [{ prompt: 'a cat' }], parameters: { sampleCount: 1 } }),
		});
		expect(res.status).toBe(404);
		const body = (await res.json()) as { error: { status: string; message: string } };
		expect(body.error.status).toBe('NOT_FOUND');
		expect(body.error.message).toMatch(
			/^models\/imagen-4\.0-generate-001 is not found for API version v1beta, or is not supported for predict\./,
		);
		expect(fake.requests[0].route).toBe('gemini.predict');
	});
});
