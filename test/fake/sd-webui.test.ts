/** The Stable Diffusion WebUI routes (/sdapi/v1/...), including optional basic auth. */
import { startFakeProvider, type FakeProvider } from '.';
import { clearProviderEnv, measure, solidImage } from './test-images';

clearProviderEnv();

let fake: FakeProvider;

beforeAll(async () => {
	fake = await startFakeProvider();
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

interface SdResponse {
	images: string[];
	parameters: Record<string, unknown>;
	info: string;
}

const call = (path: string, body: unknown, headers: Record<string, string> = {}, url = fake.url) =>
	fetch(`${url}/sdapi/v1/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});

async function ok(path: string, body: unknown): Promise<SdResponse & { parsed: Record<string, unknown> }> {
	const res = await call(path, body);
	expect(res.status).toBe(200);
	const json = (await res.json()) as SdResponse;
	return { ...json, parsed: JSON.parse(json.info) as Record<string, unknown> };
}

const base = {
	prompt: 'a red barn',
	negative_prompt: 'blurry',
	steps: 12,
	cfg_scale: 6.5,
	sampler_name: 'Euler a',
	width: 128,
	height: 96,
};

describe('txt2img', () => {
	it('is deterministic by seed and reports it in info', async () => {
		const a = await ok('txt2img', { ...base, seed: 1234, batch_size: 2 });
		const b = await ok('txt2img', { ...base, seed: 1234, batch_size: 2 });
		const c = await ok('txt2img', { ...base, seed: 1235, batch_size: 2 });
		expect(a.images).toHaveLength(2);
		// Compare as booleans: a failing diff of base64 images is unreadable.
		expect(a.images.join() === b.images.join()).toBe(true);
		expect(c.images[0] === a.images[0]).toBe(false);
		// Seeds of a batch count up, so image 2 of seed 1234 is image 1 of seed 1235.
		expect(c.images[0] === a.images[1]).toBe(true);
		expect(a.parsed).toMatchObject({
			seed: 1234,
			all_seeds: [1234, 1235],
			width: 128,
			height: 96,
			sampler_name: 'Euler a',
			steps: 12,
		});
		expect(a.parameters).toMatchObject({ ...base, seed: 1234, batch_size: 2 });
		expect(await measure(Buffer.from(a.images[0], 'base64'))).toMatchObject({ width: 128, height: 96, format: 'png' });
	});

	it('seed -1 draws a random seed', async () => {
		const a = await ok('txt2img', { ...base, seed: -1 });
		const b = await ok('txt2img', { ...base, seed: -1 });
		expect(a.parsed.seed).not.toBe(-1);
		expect(a.parsed.seed).not.toBe(b.parsed.seed);
		expect(a.images[0] === b.images[0]).toBe(false);
	});

	it('varies with the subseed only when subseed_strength is set', async () => {
		const first = async (extra: Record<string, unknown>) =>
			(await ok('txt2img', { ...base, seed: 5, ...extra })).images[0];
		expect((await first({ subseed: 1 })) === (await first({ subseed: 2 }))).toBe(true);
		const varied = await first({ subseed: 1, subseed_strength: 0.3 });
		expect(varied === (await first({ subseed: 2, subseed_strength: 0.3 }))).toBe(false);
		expect(varied === (await first({ subseed: 1, subseed_strength: 0.3 }))).toBe(true);
	});

	it('rounds sizes down to multiples of 8 (latent space)', async () => {
		const r = await ok('txt2img', { ...base, seed: 1, width: 131, height: 99 });
		expect(await measure(Buffer.from(r.images[0], 'base64'))).toMatchObject({ width: 128, height: 96 });
	});

	it('answers validation errors with 422 {detail:[{loc,msg,type}]}', async () => {
		const res = await call('txt2img', { ...base, width: 'wide', cfg_scale: 'high' });
		expect(res.status).toBe(422);
		expect(await res.json()).toEqual({
			detail: [
				{ loc: ['body', 'width'], msg: 'value is not a valid integer', type: 'type_error.integer' },
				{ loc: ['body', 'cfg_scale'], msg: 'value is not a valid float', type: 'type_error.float' },
			],
		});
		const notJson = await call('txt2img', '{nope');
		expect(notJson.status).toBe(422);
	});

	it('answers an unknown sampler with 404', async () => {
		const res = await call('txt2img', { ...base, sampler_name: 'Warp Drive' });
		expect([res.status, await res.json()]).toEqual([404, { detail: 'Sampler not found' }]);
	});
});

describe('img2img', () => {
	it('needs an init image', async () => {
		const res = await call('img2img', { prompt: 'x' });
		expect([res.status, await res.json()]).toEqual([404, { detail: 'Init image not found' }]);
	});

	it('keeps the init image at denoising 0, and replaces more of it as denoising grows', async () => {
		const green = (await solidImage(50, 50, [30, 200, 30])).toString('base64');
		const at = async (denoising_strength: number) => {
			const r = await ok('img2img', { ...base, seed: 3, init_images: [green], denoising_strength });
			return { r, mean: (await measure(Buffer.from(r.images[0], 'base64'))).mean };
		};
		const kept = await at(0);
		expect(kept.mean[1]).toBeCloseTo(200, 0);
		expect(kept.r.parameters.init_images).toBeNull();
		expect(kept.r.parsed.denoising_strength).toBe(0);
		const changed = await at(0.9);
		expect(Math.abs(changed.mean[1] - 200)).toBeGreaterThan(5);
		expect((await at(0.9)).r.images[0] === changed.r.images[0]).toBe(true);
	});
});

describe('lists and auth', () => {
	it('lists models and samplers', async () => {
		const models = (await (await fetch(`${fake.url}/sdapi/v1/sd-models`)).json()) as Array<{
			title: string;
			model_name: string;
		}>;
		expect(models.map((m) => m.model_name)).toContain('v1-5-pruned-emaonly');
		const samplers = (await (await fetch(`${fake.url}/sdapi/v1/samplers`)).json()) as Array<{
			name: string;
			aliases: string[];
		}>;
		expect(samplers.map((s) => s.name)).toEqual(expect.arrayContaining(['Euler a', 'DPM++ 2M']));
		expect(fake.requests.map((r) => r.route)).toEqual(['sd.models', 'sd.samplers']);
	});

	it('requires basic auth when configured', async () => {
		const guarded = await startFakeProvider({ basicAuth: { user: 'sd', password: 'secret' } });
		try {
			const none = await call('txt2img', base, {}, guarded.url);
			expect([none.status, none.headers.get('www-authenticate')]).toEqual([401, 'Basic']);
			const wrong = await call(
				'txt2img',
				base,
				{ authorization: `Basic ${Buffer.from('sd:nope').toString('base64')}` },
				guarded.url,
			);
			expect(wrong.status).toBe(401);
			const right = await call(
				'txt2img',
				base,
				{ authorization: `Basic ${Buffer.from('sd:secret').toString('base64')}` },
				guarded.url,
			);
			expect(right.status).toBe(200);
			// Google routes do not take basic auth.
			const google = await fetch(`${guarded.url}/v1/models?key=test-key`);
			expect(google.status).toBe(200);
		} finally {
			await guarded.close();
		}
	});
});
