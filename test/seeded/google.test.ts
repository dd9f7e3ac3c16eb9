/**
 * Seeded Generate, backends Gemini (best-effort seed) and Vertex AI Imagen (retired
 * 2026-08-17), in real n8n workflows through the real @google/genai SDK against the fake.
 */
import { startFakeProvider, type FakeProvider } from '../fake';
import { shareUndiciDispatcher } from '../fake/jest-undici';
import { clearProviderEnv } from '../fake/test-images';
import { gradientPng, outputJson, runSeeded, type ErrorJson, type LoadItem } from './workflow';

clearProviderEnv();
shareUndiciDispatcher();

let fake: FakeProvider;
let input: Buffer;
beforeAll(async () => {
	fake = await startFakeProvider();
	input = await gradientPng(64, 48);
	// @google/genai warns once that generateImages is deprecated.
	jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterAll(async () => {
	jest.restoreAllMocks();
	await fake.close();
});
beforeEach(() => fake.reset());

const aiStudio = () => ({ imageModelApi: { provider: 'aiStudio', apiKey: 'test-key', baseUrl: fake.url } });
const vertexExpress = (url: string) => ({ imageModelApi: { provider: 'vertex', vertexAuth: 'express', apiKey: 'test-key', baseUrl: url } });

describe('Gemini: the seed is sent, and labelled best-effort', () => {
	const gemini = (extra: Record<string, unknown> = {}) => ({
		backend: 'gemini',
		model: { __rl: true, mode: 'id', value: 'gemini-3.1-flash-image' },
		prompt: 'brightness at 90 % of the original',
		seedMode: 'fixed',
		seed: 4242,
		...extra,
	});

	it('sends generationConfig.seed with the same request Quantified Edit makes; the image last', async () => {
		const items: LoadItem[] = [{ files: { data: { base64: input.toString('base64'), mimeType: 'image/png' } } }];
		const result = await runSeeded(gemini({ inputBinaryFields: 'data', geminiAspectRatio: '4:3' }), items, aiStudio());
		expect(result.error).toBeUndefined();
		const [request] = fake.requests.filter((r) => r.route === 'gemini.generateContent');
		expect(request.path).toBe('/v1/models/gemini-3.1-flash-image:generateContent');
		const body = request.body as { contents: Array<{ parts: Array<Record<string, unknown>> }>; generationConfig: Record<string, unknown> };
		expect(body.contents[0].parts).toEqual([{ text: 'brightness at 90 % of the original' }, { inlineData: { mimeType: 'image/png', data: input.toString('base64') } }]);
		expect(body.generationConfig).toMatchObject({ seed: 4242, imageConfig: { aspectRatio: '4:3' } });
		const [json] = outputJson(result);
		expect(json).toMatchObject({ backend: 'gemini', seed: 4242, seedHonoured: 'best-effort', model: 'gemini-3.1-flash-image' });
		expect(json.seedNote).toMatch(/do not guarantee the same image/);
		expect((json.cost as { usd: number }).usd).toBeGreaterThan(0);
	});

	it('verification measures what the seed is worth: two different images', async () => {
		const result = await runSeeded(gemini({ verifyReproducibility: true, geminiAspectRatio: '1:1' }), [{ json: {} }], aiStudio());
		expect(result.error).toBeUndefined();
		const seeds = fake.requests.filter((r) => r.route === 'gemini.generateContent').map((r) => (r.body as { generationConfig: { seed: number } }).generationConfig.seed);
		expect(seeds).toEqual([4242, 4242]);
		const [json] = outputJson(result);
		const check = json.reproducibility as { reproducible: boolean; maxAbsDiff: number; differingPixelShare: number };
		expect(check.reproducible).toBe(false);
		expect(check.maxAbsDiff).toBeGreaterThan(0);
		expect(check.differingPixelShare).toBeGreaterThan(0);
	});
});

describe('Vertex AI Imagen', () => {
	const imagen = (extra: Record<string, unknown> = {}) => ({
		backend: 'imagen',
		imagenModel: 'imagen-4.0-generate-001',
		prompt: 'a lighthouse at dusk',
		negativePrompt: 'people',
		imagenAspectRatio: '16:9',
		seedMode: 'fixed',
		seed: 99,
		options: { maxRetries: 0 },
		...extra,
	});

	it('a retired model\'s 404 names the replacement models', async () => {
		const result = await runSeeded(imagen(), [{ json: {} }], vertexExpress(fake.url), { onError: 'continueRegularOutput' });
		expect(fake.requests[0].path).toBe('/v1beta1/publishers/google/models/imagen-4.0-generate-001:predict');
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'modelRetired', httpStatus: 404 });
		expect(json.error).toBe(
			'Item 0: Model "imagen-4.0-generate-001" was shut down on 2026-08-17. Use gemini-3-pro-image or gemini-3.1-flash-image (or Flux/Seedream via the Seeded Generate node for exact seeds) instead.',
		);
	});

	it('where Imagen still answers: seed with addWatermark false, identical bytes for the same seed', async () => {
		const open = await startFakeProvider({ retiredModels: {} });
		try {
			const first = await runSeeded(imagen(), [{ json: {} }], vertexExpress(open.url));
			expect(first.error).toBeUndefined();
			expect(open.requests[0].body).toEqual({
				instances: [{ prompt: 'a lighthouse at dusk' }],
				parameters: { sampleCount: 1, seed: 99, addWatermark: false, aspectRatio: '16:9', sampleImageSize: '1K', negativePrompt: 'people', includeRaiReason: true },
			});
			const [json] = outputJson(first);
			expect(json).toMatchObject({ backend: 'imagen', seed: 99, seedHonoured: 'exact', images: [{ width: 1408, height: 768 }] });
			expect(json.seedNote).toMatch(/addWatermark false/);
			const second = await runSeeded(imagen(), [{ json: {} }], vertexExpress(open.url));
			const other = await runSeeded(imagen({ seed: 100 }), [{ json: {} }], vertexExpress(open.url));
			const [a, b, c] = await Promise.all([first.binary('Collect', 0), second.binary('Collect', 0), other.binary('Collect', 0)]);
			expect(a.equals(b)).toBe(true);
			expect(a.equals(c)).toBe(false);

			// Every image filtered out by Responsible AI: a safety block with Imagen's reason, not retried.
			open.reset();
			open.inject('imageSafety');
			const filtered = await runSeeded(imagen({ options: { maxRetries: 2 } }), [{ json: {} }], vertexExpress(open.url), { onError: 'continueRegularOutput' });
			const [blocked] = outputJson(filtered) as unknown as ErrorJson[];
			expect(blocked.errorKind).toBe('safetyBlock');
			expect(blocked.error).toMatch(/^Item 0: Imagen filtered the generated image out \(Unable to show generated images/);
			expect(open.requests).toHaveLength(1);
		} finally {
			await open.close();
		}
	});

	it('a non-Vertex credential is refused before any call', async () => {
		const result = await runSeeded(imagen(), [{ json: {} }], aiStudio(), { onError: 'continueRegularOutput' });
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json.error).toBe('Item 0: Imagen is only reachable through Vertex AI here; use an Image Model API credential with provider "Google Vertex AI"');
		expect(fake.requests).toHaveLength(0);
	});
});
