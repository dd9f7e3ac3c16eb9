/** The OpenAI-style /v1/images/generations route (Flux, Seedream via gateways) and its result files. */
import { startFakeProvider, type FakeProvider } from '.';
import { clearProviderEnv, measure, solidImage } from './test-images';

clearProviderEnv();

let fake: FakeProvider;

beforeAll(async () => {
	fake = await startFakeProvider();
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

interface ImagesResponse {
	created: number;
	data: Array<{ url?: string; b64_json?: string; size?: string }>;
	usage?: Record<string, number>;
}

async function images(body: Record<string, unknown>, key = 'test-key'): Promise<Response> {
	return await fetch(`${fake.url}/v1/images/generations`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
		body: JSON.stringify(body),
	});
}

async function ok(body: Record<string, unknown>): Promise<ImagesResponse> {
	const res = await images(body);
	expect(res.status).toBe(200);
	return (await res.json()) as ImagesResponse;
}

async function download(url: string): Promise<Buffer> {
	const res = await fetch(url);
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toBe('image/png');
	return Buffer.from(await res.arrayBuffer());
}

const dataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

describe('generations', () => {
	it('Flux answers with a URL on this server; the file has the requested size', async () => {
		const body = await ok({
			model: 'flux-dev',
			prompt: 'a glass cube',
			seed: 5,
			width: 512,
			height: 384,
			steps: 20,
			guidance: 3.5,
		});
		expect(body.created).toBeCloseTo(Date.now() / 1000, -1);
		expect(body.data).toHaveLength(1);
		expect(body.data[0].url).toMatch(new RegExp(`^${fake.url}/files/[0-9a-f]+\\.png$`));
		expect(await measure(await download(body.data[0].url!))).toMatchObject({ width: 512, height: 384, format: 'png' });
		expect(fake.requests[0].route).toBe('openai.images');
		expect(fake.requests[1].route).toBe('files.get');
	});

	it('is byte-identical for the same model, prompt, seed and size; different otherwise', async () => {
		const get = async (extra: Record<string, unknown>) => {
			const body = await ok({ model: 'flux-dev', prompt: 'a glass cube', size: '256x256', ...extra });
			return await download(body.data[0].url!);
		};
		const a = await get({ seed: 9 });
		expect(a.equals(await get({ seed: 9 }))).toBe(true);
		expect(a.equals(await get({ seed: 10 }))).toBe(false);
		expect(a.equals(await get({ seed: 9, prompt: 'a glass sphere' }))).toBe(false);
		// No seed: random.
		expect((await get({})).equals(await get({}))).toBe(false);
	});

	it('Flux sizes must be multiples of 16', async () => {
		const res = await images({ model: 'flux-pro', prompt: 'x', width: 1000, height: 1000 });
		expect(res.status).toBe(400);
		const { error } = (await res.json()) as { error: { message: string; type: string; code: string } };
		expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_size' });
		expect(error.message).toMatch(/multiples of 16/);
	});

	it('Flux ignores response_format b64_json; Seedream honours it', async () => {
		const flux = await ok({ model: 'flux-dev', prompt: 'x', size: '256x256', response_format: 'b64_json' });
		expect(Object.keys(flux.data[0])).toEqual(['url']);
		const seedream = await ok({
			model: 'seedream-4-0',
			prompt: 'x',
			size: '256x256',
			response_format: 'b64_json',
			n: 2,
		});
		expect(seedream.data).toHaveLength(2);
		expect(seedream.data[0].size).toBe('256x256');
		expect(seedream.usage?.generated_images).toBe(2);
		expect(await measure(Buffer.from(seedream.data[0].b64_json!, 'base64'))).toMatchObject({ width: 256, height: 256 });
	});

	it('edit models follow the last input image and apply the prompt quantities exactly', async () => {
		const grey = await solidImage(40, 40, [200, 200, 200]);
		const red = await solidImage(40, 40, [200, 40, 40]);
		const body = await ok({
			model: 'flux-kontext-pro',
			prompt: 'brightness at 50 %',
			image: [dataUrl(grey), dataUrl(red)],
			seed: 1,
			size: '256x256',
		});
		const { mean } = await measure(await download(body.data[0].url!));
		// Red at half brightness (100, 20, 20) under a faint seeded overlay.
		expect(mean[0]).toBeGreaterThan(80);
		expect(mean[0]).toBeLessThan(120);
		expect(mean[1]).toBeLessThan(50);
	});

	it('refuses input images on a text-to-image Flux model', async () => {
		const res = await images({ model: 'flux-pro', prompt: 'x', image: dataUrl(await solidImage(8, 8, [0, 0, 0])) });
		expect(res.status).toBe(400);
	});

	it('answers unknown models with 404 model_not_found and bad keys with 401 invalid_api_key', async () => {
		const unknown = await images({ model: 'dall-e-3', prompt: 'x' });
		expect(unknown.status).toBe(404);
		expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
		const bad = await images({ model: 'flux-dev', prompt: 'x' }, 'sk-wrong');
		expect(bad.status).toBe(401);
		expect(await bad.json()).toEqual({
			error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
		});
	});
});

describe('result file behaviours', () => {
	let url: string;
	beforeEach(async () => {
		url = (await ok({ model: 'flux-dev', prompt: 'x', seed: 1, size: '256x256' })).data[0].url!;
	});

	it('redirects to another scheme or path', async () => {
		fake.setFileBehaviour({ redirect: 'ftp://example.com/x.png' });
		const res = await fetch(url, { redirect: 'manual' });
		expect([res.status, res.headers.get('location')]).toEqual([302, 'ftp://example.com/x.png']);
		fake.setFileBehaviour({ url, redirect: '/files/elsewhere.png' });
		const moved = await fetch(url, { redirect: 'manual' });
		expect(moved.headers.get('location')).toBe('/files/elsewhere.png');
		fake.setFileBehaviour(undefined);
		expect((await fetch(url, { redirect: 'manual' })).status).toBe(200);
	});

	it('answers slowly', async () => {
		fake.setFileBehaviour({ delayMs: 150 });
		const started = Date.now();
		await download(url);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('streams a huge body, with or without Content-Length', async () => {
		fake.setFileBehaviour({ sizeBytes: 16 * 1024 * 1024 });
		const res = await fetch(url);
		expect(res.headers.get('content-length')).toBe(String(16 * 1024 * 1024));
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(bytes.length).toBe(16 * 1024 * 1024);
		expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');

		fake.setFileBehaviour({ sizeBytes: 1024 * 1024, declareLength: false });
		const chunked = await fetch(url);
		expect(chunked.headers.get('content-length')).toBeNull();
		expect((await chunked.arrayBuffer()).byteLength).toBe(1024 * 1024);
	});

	it('stops streaming when the client goes away', async () => {
		fake.setFileBehaviour({ sizeBytes: 50 * 1024 * 1024 });
		const controller = new AbortController();
		const res = await fetch(url, { signal: controller.signal });
		// A downloader with a size cap can refuse on the header alone.
		expect(res.headers.get('content-length')).toBe(String(50 * 1024 * 1024));
		const reader = res.body!.getReader();
		await reader.read();
		controller.abort();
		for (let i = 0; i < 50 && fake.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
		expect(fake.stats().inFlight).toBe(0);
	});

	it('fails like an expired link, and 404s unknown files', async () => {
		fake.setFileBehaviour({ status: 403 });
		expect((await fetch(url)).status).toBe(403);
		fake.setFileBehaviour(undefined);
		expect((await fetch(`${fake.url}/files/nope.png`)).status).toBe(404);
	});
});
