/**
 * Seeded Generate, backend "OpenAI-compatible gateway" (Flux, Seedream via APIYI), in real n8n
 * workflows against the fake provider: request shape, seed placement, per-item seeds that a
 * rerun reproduces byte for byte, measured reproducibility, URL download limits, error mapping.
 */
import { startFakeProvider, type FakeProvider } from '../fake';
import { clearProviderEnv } from '../fake/test-images';
import { deriveItemSeed } from '../../engine/strategies/seeded-generate';
import { gradientPng, outputJson, runSeeded, type ErrorJson, type LoadItem } from './workflow';

clearProviderEnv();

const KEY = 'dummy-gateway-key-7f3a9c2e11';
let fake: FakeProvider;
let credentials: { imageModelApi: Record<string, unknown> };
let input: Buffer;

beforeAll(async () => {
	fake = await startFakeProvider({ apiKeys: [KEY] });
	credentials = { imageModelApi: { provider: 'apiyi', apiKey: KEY, baseUrl: fake.url } };
	input = await gradientPng();
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

const twoItems: LoadItem[] = [{ json: { n: 0 } }, { json: { n: 1 } }];
const flux = (extra: Record<string, unknown> = {}) => ({
	backend: 'openaiImages',
	gatewayModel: 'flux-dev',
	prompt: 'a glass cube on a wooden table',
	width: 256,
	height: 192,
	seedMode: 'perItem',
	seed: 1234,
	...extra,
});
const generationRequests = () => fake.requests.filter((r) => r.route === 'openai.images');

describe('Flux text-to-image with a seed per item', () => {
	it('sends model, prompt, seed and width/height; downloads the URL result; labels the seed exact', async () => {
		const result = await runSeeded(flux({ options: { gatewaySteps: 20, gatewayGuidance: 3.5 } }), twoItems, credentials);
		expect(result.error).toBeUndefined();

		const requests = generationRequests();
		expect(requests).toHaveLength(2);
		const bodies = requests.map((r) => r.body as Record<string, unknown>).sort((a, b) => Number(a.seed) - Number(b.seed));
		for (const body of bodies) {
			expect(body).toEqual({
				model: 'flux-dev',
				prompt: 'a glass cube on a wooden table',
				n: 1,
				seed: expect.any(Number),
				width: 256,
				height: 192,
				steps: 20,
				guidance: 3.5,
			});
		}
		expect(requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
		expect(fake.requests.filter((r) => r.route === 'files.get')).toHaveLength(2);

		const json = outputJson(result);
		expect(json.map((j) => j.seed)).toEqual([deriveItemSeed(1234, 0), deriveItemSeed(1234, 1)]);
		expect(new Set(bodies.map((b) => b.seed))).toEqual(new Set(json.map((j) => j.seed)));
		expect(json[0]).toMatchObject({
			backend: 'openaiImages',
			model: 'flux-dev',
			seedMode: 'perItem',
			seedHonoured: 'exact',
			parameters: { model: 'flux-dev', prompt: 'a glass cube on a wooden table', width: 256, height: 192, steps: 20, guidance: 3.5 },
			images: [{ binaryProperty: 'data', width: 256, height: 192, mimeType: 'image/png' }],
			reproducibility: { checked: false },
			attempts: 1,
		});
		expect(json[0].seedNote).toMatch(/gateway passes the seed through/);
		expect(result.output('Seeded Generate').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// The key never reaches the output.
		expect(JSON.stringify(result.output('Collect'))).not.toContain(KEY);
	});

	it('a rerun of the same batch gives byte-identical images; another base seed does not', async () => {
		const images = async (seed: number) => {
			const result = await runSeeded(flux({ seed }), twoItems, credentials);
			expect(result.error).toBeUndefined();
			return await Promise.all([0, 1].map((i) => result.binary('Collect', i, 'data')));
		};
		const [a0, a1] = await images(1234);
		const [b0, b1] = await images(1234);
		const [c0] = await images(1235);
		expect(a0.equals(b0)).toBe(true);
		expect(a1.equals(b1)).toBe(true);
		expect(a0.equals(a1)).toBe(false);
		expect(a0.equals(c0)).toBe(false);
	});

	it('random seeds are drawn per item, sent, and reported for replay', async () => {
		const result = await runSeeded(flux({ seedMode: 'random' }), twoItems, credentials);
		const json = outputJson(result);
		const sent = generationRequests().map((r) => (r.body as { seed: number }).seed);
		expect(new Set(sent)).toEqual(new Set(json.map((j) => j.seed)));
		expect(json[0].seed).not.toBe(json[1].seed);
		expect(json.map((j) => j.seedMode)).toEqual(['random', 'random']);
	});

	it('verify reproducibility: two calls, identical pixels, cost of both', async () => {
		const result = await runSeeded(
			flux({ gatewayModel: 'flux-kontext-pro', seedMode: 'fixed', seed: 77, verifyReproducibility: true }),
			[{ json: {} }],
			credentials,
		);
		expect(result.error).toBeUndefined();
		expect(generationRequests()).toHaveLength(2);
		expect(generationRequests().map((r) => (r.body as { seed: number }).seed)).toEqual([77, 77]);
		const [json] = outputJson(result);
		expect(json.reproducibility).toMatchObject({
			checked: true,
			reproducible: true,
			maxAbsDiff: 0,
			meanAbsDiff: 0,
			differingPixelShare: 0,
			identicalBytes: true,
		});
		// APIYI's published flux-kontext-pro price, once per call.
		expect(json.cost).toMatchObject({ usd: 0.07 });
	});
});

describe('edit models and Seedream', () => {
	it.each(['filesystem', 'database'] as const)('flux-kontext-pro gets the item\'s image as a data URL; same seed and image give the same bytes (%s binary data)', async (mode) => {
		const items: LoadItem[] = [{ files: { data: { base64: input.toString('base64'), mimeType: 'image/png', fileName: 'room.png' } } }];
		const params = flux({ gatewayModel: 'flux-kontext-pro', prompt: 'brightness at 90 %', seedMode: 'fixed', seed: 5, inputBinaryFields: 'data' });
		const first = await runSeeded(params, items, credentials, {}, mode);
		expect(first.error).toBeUndefined();
		const body = generationRequests()[0].body as Record<string, unknown>;
		expect(body.image).toBe(`data:image/png;base64,${input.toString('base64')}`);
		expect(body.seed).toBe(5);
		const [json] = outputJson(first);
		expect(json.parameters).toMatchObject({ inputImages: [{ mimeType: 'image/png', bytes: input.length }] });
		// The output is named after the input and the seed; the input binary passes through.
		const out = first.output('Collect')[0];
		expect(out.binary?.data.fileName).toBe('room-seed5.png');

		const again = await runSeeded(params, items, credentials, {}, mode);
		expect((await again.binary('Collect', 0)).equals(await first.binary('Collect', 0))).toBe(true);
	});

	it('Seedream: size as WxH and response_format b64_json, no download', async () => {
		const result = await runSeeded(flux({ gatewayModel: 'seedream-4-0', width: 320, height: 240, seedMode: 'fixed', seed: 9 }), [{ json: {} }], credentials);
		expect(result.error).toBeUndefined();
		expect(generationRequests()[0].body).toEqual({
			model: 'seedream-4-0',
			prompt: 'a glass cube on a wooden table',
			n: 1,
			seed: 9,
			size: '320x240',
			response_format: 'b64_json',
		});
		expect(fake.requests.some((r) => r.route === 'files.get')).toBe(false);
		expect(outputJson(result)[0].images).toEqual([{ binaryProperty: 'data', width: 320, height: 240, mimeType: 'image/png', bytes: expect.any(Number) }]);
	});

	it('Extra Body fields are sent, but may not override the seed', async () => {
		const ok = await runSeeded(flux({ options: { extraBody: '{"output_format": "png"}' } }), [{ json: {} }], credentials);
		expect(ok.error).toBeUndefined();
		expect(generationRequests()[0].body).toMatchObject({ output_format: 'png', seed: deriveItemSeed(1234, 0) });

		fake.reset();
		const refused = await runSeeded(flux({ options: { extraBody: '{"seed": 1}' } }), [{ json: {} }], credentials);
		expect(refused.nodeError('Seeded Generate')?.message).toBe('Item 0: Extra Body (JSON) must not set "seed"; the node sets it from its own parameters');
		expect(generationRequests()).toHaveLength(0);
	});
});

describe('result URL downloads are bounded', () => {
	const oneItem: LoadItem[] = [{ json: {} }];
	const run = (options: Record<string, unknown>) =>
		runSeeded(flux({ seedMode: 'fixed', options: { maxRetries: 0, ...options } }), oneItem, credentials, { onError: 'continueRegularOutput' });

	it('refuses a file over the size limit, declared or streamed', async () => {
		for (const declareLength of [true, false]) {
			fake.reset();
			fake.setFileBehaviour({ sizeBytes: 3 * 1024 * 1024, declareLength });
			const [json] = outputJson(await run({ maxDownloadMegabytes: 1 })) as unknown as ErrorJson[];
			expect(json.errorKind).toBe('invalidResponse');
			expect(json.error).toMatch(/^Item 0: .*over the limit of 1 MB$/);
		}
	});

	it('does not follow a redirect to another scheme', async () => {
		fake.setFileBehaviour({ redirect: 'ftp://example.com/x.png' });
		const [json] = outputJson(await run({})) as unknown as ErrorJson[];
		expect(json.errorKind).toBe('invalidResponse');
		expect(json.error).toMatch(/redirected .* to a ftp: URL; only http and https are followed/);
		expect(fake.requests.filter((r) => r.route === 'files.get')).toHaveLength(1);
	});

	it('says when a result link has expired (403), without the query string', async () => {
		fake.setFileBehaviour({ status: 403 });
		const [json] = outputJson(await run({})) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'invalidResponse', httpStatus: 403 });
		expect(json.error).toMatch(new RegExp(`^Item 0: Downloading the result from ${fake.url}/files/[0-9a-f]+\\.png failed with HTTP 403 \\(the link is wrong or has expired`));
	});
});

describe('errors name the item, the parameter and the cause', () => {
	const run = (params: Record<string, unknown>) =>
		runSeeded(flux({ seedMode: 'fixed', options: { maxRetries: 0 }, ...params }), [{ json: {} }], credentials, { onError: 'continueRegularOutput' });

	it('Flux sizes that are not multiples of 16 are refused before any call', async () => {
		const [json] = outputJson(await run({ width: 1000 })) as unknown as ErrorJson[];
		expect(json).toMatchObject({
			error: 'Item 0: Expected a multiple of 16 for flux-dev for Width but received 1000',
			errorKind: 'invalidInput',
			errorParameter: 'Width',
		});
		expect(fake.requests).toHaveLength(0);
	});

	it('an unknown model is a 404 modelNotFound; a retired Imagen id names the replacements', async () => {
		const [unknown] = outputJson(await run({ gatewayModel: 'sdxl-turbo' })) as unknown as ErrorJson[];
		expect(unknown).toMatchObject({ errorKind: 'modelNotFound', httpStatus: 404 });
		expect(unknown.error).toMatch(/^Item 0: Model "sdxl-turbo" was not found at APIYI \(HTTP 404\)/);

		const [retired] = outputJson(await run({ gatewayModel: 'imagen-4.0-generate-001' })) as unknown as ErrorJson[];
		expect(retired.errorKind).toBe('modelRetired');
		expect(retired.error).toMatch(/was shut down on 2026-08-17\. Use gemini-3-pro-image or gemini-3\.1-flash-image \(or Flux\/Seedream/);
	});

	it('a moderated request is a safety block, not retried', async () => {
		fake.inject('imageSafety');
		const [json] = outputJson(await run({ options: { maxRetries: 3 } })) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'safetyBlock', httpStatus: 400 });
		expect(generationRequests()).toHaveLength(1);
	});

	it('a wrong key is an auth error that never shows the key', async () => {
		const result = await runSeeded(flux({ seedMode: 'fixed' }), [{ json: {} }], { imageModelApi: { provider: 'apiyi', apiKey: 'dummy-wrong-key-0000', baseUrl: fake.url } }, { onError: 'continueRegularOutput' });
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'auth', httpStatus: 401 });
		expect(JSON.stringify(result.output('Collect'))).not.toContain('dummy-wrong-key');
	});

	it('a bad seed expression names the item and the parameter', async () => {
		const items: LoadItem[] = [{ json: { seed: 11 } }, { json: { seed: 'eleven' } }];
		const result = await runSeeded(flux({ seedMode: 'expression', seedExpression: '={{ $json.seed }}' }), items, credentials, {
			onError: 'continueRegularOutput',
		});
		const json = outputJson(result);
		expect(json[0].seed).toBe(11);
		expect(json[1]).toMatchObject({
			error: 'Item 1: Expected an integer between 0 and 2147483647 for Seed (From Expression) but received "eleven"',
			errorKind: 'invalidInput',
		});
	});
});
