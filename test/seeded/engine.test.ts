/**
 * The engine parts of Seeded Generate on their own: per-item seeds (the documented formula),
 * seed modes, the seed honesty table, pixel comparison, ComfyUI workflow preparation, and the
 * bounded HTTP client (timeout, cancel, redirects, size, Retry-After, secrets).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { startFakeProvider, type FakeProvider } from '../fake';
import type { EngineError } from '../../engine/core/errors';
import { downloadFile, httpJson, httpRequest } from '../../engine/provider/http';
import { prepareComfyWorkflow } from '../../engine/provider/comfyui';
import { OpenAiImagesClient } from '../../engine/provider/openai-images';
import { parseProviderConfig } from '../../engine/provider/config';
import { parseSelfHostedConfig } from '../../engine/provider/self-hosted';
import { comparePixels, deriveItemSeed, MAX_SEED, resolveSeed, seedHonesty } from '../../engine/strategies/seeded-generate';

async function failure(promise: Promise<unknown>): Promise<EngineError> {
	try {
		await promise;
	} catch (error) {
		return error as EngineError;
	}
	throw new Error('expected a failure');
}

describe('seeds', () => {
	/** The README's formula, written out with BigInt arithmetic. */
	function documented(base: number, index: number): number {
		const M = 2n ** 32n;
		let h = (BigInt(base) + 0x9e3779b9n * BigInt(index + 1)) % M;
		h = ((h ^ (h >> 16n)) * 0x85ebca6bn) % M;
		h = ((h ^ (h >> 13n)) * 0xc2b2ae35n) % M;
		return Number((h ^ (h >> 16n)) % 2n ** 31n);
	}

	it('per-item seeds follow the documented formula', () => {
		for (const base of [0, 1, 42, 123_456_789, MAX_SEED]) {
			for (const index of [0, 1, 2, 99, 100_000]) expect(deriveItemSeed(base, index)).toBe(documented(base, index));
		}
	});

	it('per-item seeds are distinct within a batch and not shared by neighbouring base seeds', () => {
		const batch = Array.from({ length: 1000 }, (_, i) => deriveItemSeed(7, i));
		expect(new Set(batch).size).toBe(1000);
		const neighbour = Array.from({ length: 1000 }, (_, i) => deriveItemSeed(8, i));
		expect(batch.filter((s) => neighbour.includes(s))).toEqual([]);
		expect(batch.every((s) => Number.isInteger(s) && s >= 0 && s <= MAX_SEED)).toBe(true);
	});

	it('resolves every mode; random seeds come from the given source', () => {
		expect(resolveSeed('fixed', 5, 3)).toBe(5);
		expect(resolveSeed('perItem', 5, 3)).toBe(documented(5, 3));
		expect(resolveSeed('expression', ' 77 ', 0)).toBe(77);
		expect(resolveSeed('expression', 78, 0)).toBe(78);
		expect(resolveSeed('random', undefined, 0, () => 1234)).toBe(1234);
	});

	it('refuses bad seeds with the standard message', () => {
		expect(() => resolveSeed('fixed', -1, 0)).toThrow('Expected an integer between 0 and 2147483647 for Seed but received -1');
		expect(() => resolveSeed('fixed', 2 ** 31, 0)).toThrow('for Seed but received 2147483648');
		expect(() => resolveSeed('expression', '1.5', 0)).toThrow('Expected an integer between 0 and 2147483647 for Seed (From Expression) but received "1.5"');
		expect(() => resolveSeed('expression', undefined, 0)).toThrow('for Seed (From Expression) but received undefined');
	});

	it('labels every backend honestly', () => {
		expect(seedHonesty('openaiImages', 'flux-kontext-pro').honoured).toBe('exact');
		expect(seedHonesty('openaiImages', 'seedream-4-0').honoured).toBe('exact');
		expect(seedHonesty('openaiImages', 'gpt-image-1').honoured).toBe('unsupported');
		expect(seedHonesty('openaiImages', 'some-new-model').honoured).toBe('best-effort');
		expect(seedHonesty('sdWebui', '').honoured).toBe('exact');
		expect(seedHonesty('comfyui', '').honoured).toBe('exact');
		expect(seedHonesty('gemini', 'gemini-3-pro-image').honoured).toBe('best-effort');
		expect(seedHonesty('imagen', 'imagen-4.0-generate-001')).toEqual({ honoured: 'exact', note: expect.stringMatching(/addWatermark false/) });
	});
});

describe('comparePixels', () => {
	const raw = (pixels: number[], width: number, height: number) => sharp(Buffer.from(pixels), { raw: { width, height, channels: 3 } }).png().toBuffer();

	it('reports max, mean and the share of differing pixels', async () => {
		const base = Array.from({ length: 4 * 4 * 3 }, (_, i) => (i * 5) % 256);
		const changed = [...base];
		changed[0] += 10; // pixel 0, red
		changed[7] += 3; // pixel 2, green
		changed[8] += 1; // pixel 2, blue
		const diff = await comparePixels(await raw(base, 4, 4), await raw(changed, 4, 4));
		expect(diff).toMatchObject({ sameSize: true, identicalBytes: false, maxAbsDiff: 10, differingPixelShare: 2 / 16 });
		expect(diff.meanAbsDiff).toBeCloseTo(14 / 48, 4);
		const same = await comparePixels(await raw(base, 4, 4), await raw(base, 4, 4));
		expect(same).toMatchObject({ identicalBytes: true, maxAbsDiff: 0, meanAbsDiff: 0, differingPixelShare: 0 });
	});

	it('compares decoded pixels, not files: the same pixels as PNG and lossless WebP are equal', async () => {
		const pixels = Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37) % 256);
		const png = await raw(pixels, 8, 8);
		const webp = await sharp(png).webp({ lossless: true }).toBuffer();
		expect(await comparePixels(png, webp)).toMatchObject({ identicalBytes: false, maxAbsDiff: 0 });
	});

	it('different sizes are not comparable', async () => {
		const diff = await comparePixels(await raw([0, 0, 0, 0, 0, 0], 2, 1), await raw([0, 0, 0, 0, 0, 0], 1, 2));
		expect(diff).toMatchObject({ sameSize: false, maxAbsDiff: null, first: { width: 2, height: 1 }, second: { width: 1, height: 2 } });
	});
});

describe('prepareComfyWorkflow', () => {
	const graph = {
		'10': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 1, positive: ['12', 0], negative: ['13', 0] } },
		'11': { class_type: 'KSampler', inputs: { seed: ['20', 0] } },
		'12': { class_type: 'CLIPTextEncode', inputs: { text: 'old' } },
		'13': { class_type: 'CLIPTextEncode', inputs: { text: 'old negative' } },
		'20': { class_type: 'PrimitiveNode', inputs: { value: 3 } },
	};

	it('finds numeric seed inputs (seed or noise_seed), leaves linked ones, and never changes the original', () => {
		const original = structuredClone(graph);
		const prepared = prepareComfyWorkflow({ graph }, { seed: 555, prompt: 'new', negativePrompt: 'bad' });
		expect(prepared.seedNodeIds).toEqual(['10']);
		expect(prepared.graph['10'].inputs).toEqual({ noise_seed: 555, positive: ['12', 0], negative: ['13', 0] });
		expect(prepared.graph['11'].inputs.seed).toEqual(['20', 0]);
		expect([prepared.graph['12'].inputs.text, prepared.graph['13'].inputs.text]).toEqual(['new', 'bad']);
		expect(graph).toEqual(original);
	});

	it('says what to do with a linked seed, the UI format, or an ambiguous LoadImage', () => {
		expect(() => prepareComfyWorkflow({ graph, seedNodeIds: ['11'] }, { seed: 1 })).toThrow(
			'The seed input of node "11" is connected to node "20"; put that node\'s id in "Seed Node IDs" instead (parameter "Seed Node IDs")',
		);
		expect(() => prepareComfyWorkflow({ graph: { nodes: [], links: [] } as never }, { seed: 1 })).toThrow(/editor \(UI\) format/);
		const twoLoaders = { ...graph, '30': { class_type: 'LoadImage', inputs: { image: 'a.png' } }, '31': { class_type: 'LoadImage', inputs: { image: 'b.png' } } };
		expect(() => prepareComfyWorkflow({ graph: twoLoaders }, { imageName: 'x.png' })).toThrow(
			'The ComfyUI workflow has 2 LoadImage nodes (30, 31); say which one gets the input image in "Image Node ID"',
		);
		expect(prepareComfyWorkflow({ graph: twoLoaders, imageNodeId: '31' }, { imageName: 'x.png' }).graph['31'].inputs.image).toBe('x.png');
	});
});

describe('OpenAI images request body', () => {
	const client = new OpenAiImagesClient(parseProviderConfig({ provider: 'apiyi', apiKey: 'k-123456' }));
	const image = (n: number) => ({ data: Buffer.from([n, n, n]), mimeType: 'image/png' });

	it('sends several input images as a list, in order; one as a string', () => {
		const two = client.body({ model: 'seedream-4-0', parts: [{ text: 'x' }, { image: image(1) }, { image: image(2) }], seed: 1 });
		expect(two.image).toEqual([`data:image/png;base64,${image(1).data.toString('base64')}`, `data:image/png;base64,${image(2).data.toString('base64')}`]);
		const one = client.body({ model: 'flux-kontext-pro', parts: [{ text: 'x' }, { image: image(3) }], seed: 1 });
		expect(one.image).toBe(`data:image/png;base64,${image(3).data.toString('base64')}`);
	});

	it('needs a credential that offers the OpenAI images API', () => {
		expect(() => new OpenAiImagesClient(parseProviderConfig({ provider: 'aiStudio', apiKey: 'k-123456' }))).toThrow(/does not offer the OpenAI images API/);
	});
});

describe('self-hosted credential', () => {
	it('accepts plain http on any host, refuses a password without a user and credentials in the URL', () => {
		expect(parseSelfHostedConfig({ kind: 'comfyui', baseUrl: 'http://192.168.1.20:8188/comfy/' })).toEqual({ kind: 'comfyui', baseUrl: 'http://192.168.1.20:8188/comfy', user: undefined, password: undefined });
		expect(() => parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: 'http://a:b@host:7860' })).toThrow(/must not contain a user name or password/);
		expect(() => parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: 'http://host:7860', password: 'secret-pw' })).toThrow('The credential has a Password but no User; basic auth needs both');
		expect(() => parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: 'ftp://host' })).toThrow('Expected an http or https URL for Base URL but received "ftp://host"');
	});
});

describe('bounded HTTP client', () => {
	let fake: FakeProvider;
	let other: FakeProvider;
	let echo: Server;
	let echoUrl: string;
	beforeAll(async () => {
		[fake, other] = await Promise.all([startFakeProvider(), startFakeProvider()]);
		// A server that repeats the Authorization header in its error, as some gateways do, and moves /moved.
		echo = createServer((req, res) => {
			if (req.url === '/moved') {
				res.writeHead(307, { location: '/elsewhere' });
				res.end();
				return;
			}
			res.writeHead(400, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { message: `Key ${req.headers.authorization ?? ''} is not allowed here` } }));
		});
		await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
		echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await Promise.all([fake.close(), other.close(), new Promise((resolve) => echo.close(resolve))]);
	});
	beforeEach(() => {
		fake.reset();
		other.reset();
	});
	const limits = { providerName: 'Test', timeoutMs: 2000 };

	it('times out within the per-call timeout, and tells a cancel from a timeout', async () => {
		fake.setFileBehaviour({ delayMs: 3000 });
		const started = Date.now();
		const timedOut = await failure(downloadFile(`${fake.url}/files/a.png`, { ...limits, timeoutMs: 200 }));
		expect(timedOut.kind).toBe('timeout');
		expect(timedOut.message).toBe('Test did not answer after 0.2 s. Raise "Timeout" if large images need longer.');
		expect(Date.now() - started).toBeLessThan(1500);

		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		expect((await failure(downloadFile(`${fake.url}/files/a.png`, { ...limits, signal: controller.signal }))).kind).toBe('cancelled');
	});

	it('follows redirects between http(s) URLs up to the limit, and drops credentials on another origin', async () => {
		fake.setFileBehaviour({ url: '/files/start.png', redirect: `${other.url}/files/missing.png` });
		const error = await failure(downloadFile(`${fake.url}/files/start.png`, limits, { authorization: 'Basic c2VjcmV0OnNlY3JldA==' }));
		expect(error.message).toBe(`Downloading the result from ${other.url}/files/missing.png failed with HTTP 404 (the link is wrong or has expired; gateway result links are valid for minutes only).`);
		// Find by path: a request hung by the previous test may still arrive first.
		expect(fake.requests.find((r) => r.path === '/files/start.png')?.headers.authorization).toBe('Basic c2VjcmV0OnNlY3JldA==');
		const redirected = other.requests.find((r) => r.path === '/files/missing.png');
		expect(redirected).toBeDefined();
		expect(redirected?.headers.authorization).toBeUndefined();

		fake.reset();
		fake.setFileBehaviour({ redirect: '/files/loop.png' });
		const loop = await failure(downloadFile(`${fake.url}/files/loop.png`, { ...limits, maxRedirects: 3 }));
		expect(loop.message).toBe(`Test redirected more than 3 times (last to ${fake.url}/files/loop.png)`);
		expect(fake.requests.filter((r) => r.path === '/files/loop.png')).toHaveLength(4);
	});

	it('does not follow a redirect answered to a POST', async () => {
		const error = await failure(httpRequest({ method: 'POST', url: `${echoUrl}/moved`, body: '{}' }, limits));
		expect(error.message).toBe(`Test answered a POST with a redirect to ${echoUrl}/elsewhere; redirects are only followed for downloads. Check the Base URL.`);
	});

	it('passes Retry-After to the error mapper', async () => {
		fake.inject('rateLimit', { retryAfterSeconds: 7 });
		const error = await failure(
			httpJson({ method: 'POST', url: `${fake.url}/v1/images/generations`, headers: { authorization: 'Bearer test-key' }, body: '{}' }, limits),
		);
		expect(error).toMatchObject({ kind: 'rateLimit', retryAfterMs: 7000, httpStatus: 429 });
	});

	it('scrubs secrets the server repeats', async () => {
		const error = await failure(
			httpJson({ method: 'POST', url: echoUrl, headers: { authorization: 'Bearer top-secret-value-1' }, body: '{}' }, { ...limits, secrets: ['top-secret-value-1'] }),
		);
		expect(error.kind).toBe('invalidArgument');
		expect(`${error.message} ${error.description}`).not.toContain('top-secret-value-1');
		expect(error.message).toContain('Key Bearer [redacted] is not allowed here');
	});

	it('refuses non-http URLs outright', async () => {
		const error = await failure(downloadFile('file:///etc/passwd', limits));
		expect(error.message).toBe('Expected an http or https URL for Test URL but received a file: URL; it is not fetched');
	});
});
