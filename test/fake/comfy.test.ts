/** The ComfyUI routes: queue a graph, poll its history, fetch the image; uploads and validation. */
import { startFakeProvider, type FakeProvider } from '.';
import { clearProviderEnv, measure, solidImage } from './test-images';

clearProviderEnv();

let fake: FakeProvider;

beforeAll(async () => {
	fake = await startFakeProvider({ comfyJobMs: 50 });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.reset();
	fake.setComfyJobMs(50);
});

/** The default text-to-image workflow of ComfyUI, API format. */
function txt2img(seed: number, text: string, width = 128, height = 96): Record<string, unknown> {
	return {
		'3': {
			class_type: 'KSampler',
			inputs: {
				seed,
				steps: 20,
				cfg: 8,
				sampler_name: 'euler',
				scheduler: 'normal',
				denoise: 1,
				model: ['4', 0],
				positive: ['6', 0],
				negative: ['7', 0],
				latent_image: ['5', 0],
			},
		},
		'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
		'5': { class_type: 'EmptyLatentImage', inputs: { width, height, batch_size: 1 } },
		'6': { class_type: 'CLIPTextEncode', inputs: { text, clip: ['4', 1] } },
		'7': { class_type: 'CLIPTextEncode', inputs: { text: 'watermark', clip: ['4', 1] } },
		'8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
		'9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
	};
}

const post = (path: string, body: unknown) =>
	fetch(`${fake.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});

interface History {
	outputs: Record<string, { images: Array<{ filename: string; subfolder: string; type: string }> }>;
	status: { status_str: string; completed: boolean; messages: Array<[string, unknown]> };
	prompt: unknown[];
}

async function queue(graph: unknown): Promise<string> {
	const res = await post('/prompt', { prompt: graph, client_id: 'test-client' });
	expect(res.status).toBe(200);
	const body = (await res.json()) as { prompt_id: string; number: number; node_errors: object };
	expect(body.node_errors).toEqual({});
	return body.prompt_id;
}

async function history(id: string): Promise<Record<string, History>> {
	return (await (await fetch(`${fake.url}/history/${id}`)).json()) as Record<string, History>;
}

/** Poll like a client would, at most ~2 s. */
async function waitDone(id: string): Promise<History> {
	for (let i = 0; i < 100; i++) {
		const h = await history(id);
		if (h[id]) return h[id];
		await new Promise((r) => setTimeout(r, 20));
	}
	throw new Error(`job ${id} did not finish`);
}

async function firstImage(h: History): Promise<Buffer> {
	const image = Object.values(h.outputs)[0].images[0];
	const query = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type });
	const res = await fetch(`${fake.url}/view?${query.toString()}`);
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

describe('queue, history, view', () => {
	it('shows {} until the job is done, then its outputs', async () => {
		fake.setComfyJobMs(300); // long enough that the first poll surely comes before the end
		const id = await queue(txt2img(7, 'a castle'));
		expect(await history(id)).toEqual({});
		const done = await waitDone(id);
		expect(done.status).toMatchObject({ status_str: 'success', completed: true });
		expect(done.outputs['9'].images).toEqual([
			{ filename: expect.stringMatching(/^ComfyUI_\d{5}_\.png$/), subfolder: '', type: 'output' },
		]);
		expect(done.prompt[1]).toBe(id);
		expect(await measure(await firstImage(done))).toMatchObject({ width: 128, height: 96, format: 'png' });
		expect(fake.requests.map((r) => r.route)).toEqual(
			expect.arrayContaining(['comfy.prompt', 'comfy.history', 'comfy.view']),
		);
	});

	it('is deterministic by KSampler seed and prompt text', async () => {
		const render = async (seed: number, text: string) =>
			await firstImage(await waitDone(await queue(txt2img(seed, text))));
		const a = await render(7, 'a castle');
		expect(a.equals(await render(7, 'a castle'))).toBe(true);
		expect(a.equals(await render(8, 'a castle'))).toBe(false);
		expect(a.equals(await render(7, 'a tower'))).toBe(false);
	});

	it('can make a job never finish', async () => {
		fake.setComfyJobMs(Infinity);
		const id = await queue(txt2img(1, 'x'));
		await new Promise((r) => setTimeout(r, 150));
		expect(await history(id)).toEqual({});
	});

	it('404s an unknown file', async () => {
		expect((await fetch(`${fake.url}/view?filename=nope.png&type=output`)).status).toBe(404);
	});
});

describe('validation', () => {
	it('refuses a graph without an output node', async () => {
		const graph = txt2img(1, 'x');
		delete graph['9'];
		const res = await post('/prompt', { prompt: graph });
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({
			error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} },
			node_errors: {},
		});
	});

	it('refuses unknown node types and a missing prompt', async () => {
		const unknown = await post('/prompt', {
			prompt: { ...txt2img(1, 'x'), '10': { class_type: 'MagicNode', inputs: {} } },
		});
		expect(unknown.status).toBe(400);
		expect(((await unknown.json()) as { error: { type: string; message: string } }).error).toMatchObject({
			type: 'invalid_prompt',
			message: 'Cannot execute because node MagicNode does not exist.',
		});
		const none = await post('/prompt', { client_id: 'x' });
		expect(none.status).toBe(400);
		expect(((await none.json()) as { error: { type: string } }).error.type).toBe('no_prompt');
	});
});

describe('img2img with an uploaded image', () => {
	it('uploads via multipart and loads it in LoadImage; denoise 0 keeps it', async () => {
		const form = new FormData();
		const png = await solidImage(64, 48, [250, 120, 0]);
		form.append('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'input.png');
		form.append('overwrite', 'true');
		const up = await fetch(`${fake.url}/upload/image`, { method: 'POST', body: form });
		expect(await up.json()).toEqual({ name: 'input.png', subfolder: '', type: 'input' });

		const graph = {
			'1': { class_type: 'LoadImage', inputs: { image: 'input.png' } },
			'2': { class_type: 'VAEEncode', inputs: { pixels: ['1', 0], vae: ['4', 2] } },
			'3': { class_type: 'KSampler', inputs: { seed: 5, denoise: 0, latent_image: ['2', 0] } },
			'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
			'6': { class_type: 'CLIPTextEncode', inputs: { text: 'same', clip: ['4', 1] } },
			'8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
			'9': { class_type: 'SaveImage', inputs: { images: ['8', 0] } },
		};
		const out = await measure(await firstImage(await waitDone(await queue(graph))));
		expect([out.width, out.height]).toEqual([64, 48]);
		expect(out.mean[0]).toBeCloseTo(250, 0);
		expect(out.mean[1]).toBeCloseTo(120, 0);

		const missing = await post('/prompt', {
			prompt: { ...graph, '1': { class_type: 'LoadImage', inputs: { image: 'other.png' } } },
		});
		expect(missing.status).toBe(400);
		expect(((await missing.json()) as { node_errors: Record<string, unknown> }).node_errors['1']).toBeDefined();
	});
});

describe('content faults', () => {
	it('imageSafety: the job ends in error; noImage: success without images', async () => {
		fake.inject('imageSafety');
		const failed = await waitDone(await queue(txt2img(1, 'x')));
		expect(failed.status.status_str).toBe('error');
		expect(failed.status.messages.map((m) => m[0])).toContain('execution_error');
		expect(failed.outputs).toEqual({});

		fake.inject('noImage');
		const empty = await waitDone(await queue(txt2img(1, 'x')));
		expect(empty.status.status_str).toBe('success');
		expect(empty.outputs).toEqual({});
	});
});
