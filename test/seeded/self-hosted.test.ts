/**
 * Seeded Generate, backends Stable Diffusion WebUI and ComfyUI (credential "Self-Hosted Image
 * API"), in real n8n workflows against the fake servers: request shapes, where the seed goes,
 * the seed the server reports, identical bytes for the same seed, polling timeout, 422/404 and
 * workflow validation errors, basic auth.
 */
import sharp from 'sharp';
import { startFakeProvider, type FakeProvider } from '../fake';
import { gradientPng, outputJson, runSeeded, type ErrorJson, type LoadItem } from './workflow';

const USER = 'painter';
const PASSWORD = 'dummy-pa55-w0rd';
let fake: FakeProvider;
let input: Buffer;
const sd = () => ({ selfHostedImageApi: { kind: 'sdWebui', baseUrl: fake.url, user: USER, password: PASSWORD } });
const comfy = () => ({ selfHostedImageApi: { kind: 'comfyui', baseUrl: `${fake.url}/`, user: USER, password: PASSWORD } });
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

beforeAll(async () => {
	fake = await startFakeProvider({ basicAuth: { user: USER, password: PASSWORD }, comfyJobMs: 30 });
	input = await gradientPng(96, 64);
});
afterAll(async () => await fake.close());
beforeEach(() => fake.reset());

const requestsTo = (route: string) => fake.requests.filter((r) => r.route === route);
const imageItem: LoadItem[] = [{ files: { photo: { base64: '', mimeType: 'image/png', fileName: 'photo.png' } } }];
const withInput = (): LoadItem[] => [{ files: { photo: { ...imageItem[0].files!.photo, base64: input.toString('base64') } } }];

describe('Stable Diffusion WebUI', () => {
	const txt2img = (extra: Record<string, unknown> = {}) => ({
		backend: 'sdWebui',
		prompt: 'a lighthouse at dusk',
		negativePrompt: 'blurry',
		width: 256,
		height: 192,
		sdSteps: 12,
		cfgScale: 6.5,
		sampler: 'DPM++ 2M',
		seedMode: 'fixed',
		seed: 31337,
		...extra,
	});

	it('txt2img: every setting in its field, basic auth, the seed the server reports', async () => {
		const result = await runSeeded(txt2img({ options: { subseed: 5, subseedStrength: 0.25 } }), [{ json: {} }], sd());
		expect(result.error).toBeUndefined();
		const [request] = requestsTo('sd.txt2img');
		expect(request.headers.authorization).toBe(basic);
		expect(request.body).toEqual({
			prompt: 'a lighthouse at dusk',
			negative_prompt: 'blurry',
			seed: 31337,
			subseed: 5,
			subseed_strength: 0.25,
			steps: 12,
			cfg_scale: 6.5,
			sampler_name: 'DPM++ 2M',
			width: 256,
			height: 192,
			batch_size: 1,
			n_iter: 1,
			send_images: true,
		});
		const [json] = outputJson(result);
		expect(json).toMatchObject({
			backend: 'sdWebui',
			seed: 31337,
			seedReported: 31337,
			seedHonoured: 'exact',
			model: 'v1-5-pruned-emaonly',
			images: [{ width: 256, height: 192, mimeType: 'image/png' }],
			cost: { usd: 0 },
			details: { endpoint: '/sdapi/v1/txt2img', checkpoint: 'v1-5-pruned-emaonly', sampler: 'DPM++ 2M' },
			warnings: [],
		});
		expect(JSON.stringify(result.output('Collect'))).not.toContain(PASSWORD);
	});

	it('the same seed gives identical pixels (verified), another seed does not', async () => {
		const verified = await runSeeded(txt2img({ verifyReproducibility: true }), [{ json: {} }], sd());
		expect(outputJson(verified)[0].reproducibility).toMatchObject({ checked: true, reproducible: true, maxAbsDiff: 0, identicalBytes: true });
		expect(requestsTo('sd.txt2img')).toHaveLength(2);

		const other = await runSeeded(txt2img({ seed: 31338 }), [{ json: {} }], sd());
		expect((await other.binary('Collect', 0)).equals(await verified.binary('Collect', 0))).toBe(false);
	});

	it('img2img: the item\'s image as init image, with the denoising strength', async () => {
		const result = await runSeeded(txt2img({ sdInputBinaryField: 'photo', denoisingStrength: 0.4 }), withInput(), sd());
		expect(result.error).toBeUndefined();
		expect(requestsTo('sd.txt2img')).toHaveLength(0);
		const [request] = requestsTo('sd.img2img');
		expect(request.body).toMatchObject({ init_images: [input.toString('base64')], denoising_strength: 0.4, seed: 31337 });
		const [json] = outputJson(result);
		expect(json.details).toMatchObject({ endpoint: '/sdapi/v1/img2img' });
		expect(result.output('Collect')[0].binary?.data.fileName).toBe('photo-seed31337.png');
	});

	it('422 (validation) and 404 (unknown sampler) become invalidArgument with the server\'s words', async () => {
		const run = (extra: Record<string, unknown>) =>
			runSeeded(txt2img({ options: { maxRetries: 0 }, ...extra }), [{ json: {} }], sd(), { onError: 'continueRegularOutput' });
		const [invalid] = outputJson(await run({ options: { extraBody: '{"seed_resize_from_h": "tall"}' } })) as unknown as ErrorJson[];
		expect(invalid).toMatchObject({ errorKind: 'invalidArgument', httpStatus: 422 });
		expect(invalid.error).toBe(
			'Item 0: Stable Diffusion WebUI rejected the request (HTTP 422). The provider said: body.seed_resize_from_h: value is not a valid integer',
		);
		const [sampler] = outputJson(await run({ sampler: 'Warp Drive' })) as unknown as ErrorJson[];
		expect(sampler).toMatchObject({ errorKind: 'invalidArgument', httpStatus: 404 });
		expect(sampler.error).toBe('Item 0: Stable Diffusion WebUI answered HTTP 404 (not found). The provider said: Sampler not found');
	});

	it('out of GPU memory is said plainly and not retried', async () => {
		fake.inject('serverError');
		const result = await runSeeded(txt2img({ options: { maxRetries: 2 } }), [{ json: {} }], sd(), { onError: 'continueRegularOutput' });
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'server', httpStatus: 500 });
		expect(json.error).toMatch(/ran out of GPU memory/);
		expect(requestsTo('sd.txt2img')).toHaveLength(1);
	});

	it('a wrong password is an auth error that does not show the password', async () => {
		const result = await runSeeded(txt2img(), [{ json: {} }], { selfHostedImageApi: { kind: 'sdWebui', baseUrl: fake.url, user: USER, password: 'not-the-password' } }, {
			onError: 'continueRegularOutput',
		});
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'auth', httpStatus: 401 });
		expect(JSON.stringify(result.output('Collect'))).not.toContain('not-the-password');
	});

	it('a ComfyUI credential on the SD backend is refused with a clear message', async () => {
		const result = await runSeeded(txt2img(), [{ json: {} }], comfy());
		expect(result.nodeError('Seeded Generate')?.message).toBe(
			'Item 0: The Self-Hosted Image API credential is for ComfyUI, not Stable Diffusion WebUI; pick the matching backend or credential',
		);
		expect(fake.requests).toHaveLength(0);
	});
});

/** ComfyUI's default txt2img graph, as "Save (API Format)" writes it. */
const GRAPH = {
	'3': {
		class_type: 'KSampler',
		inputs: { seed: 8566257, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
	},
	'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
	'5': { class_type: 'EmptyLatentImage', inputs: { width: 256, height: 192, batch_size: 1 } },
	'6': { class_type: 'CLIPTextEncode', inputs: { text: 'beautiful scenery', clip: ['4', 1] } },
	'7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['4', 1] } },
	'8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
	'9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
};

/** An img2img graph: LoadImage -> VAEEncode -> KSampler. */
const IMG2IMG = {
	...GRAPH,
	'3': { ...GRAPH['3'], inputs: { ...GRAPH['3'].inputs, denoise: 0.6, latent_image: ['11', 0] } },
	'10': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
	'11': { class_type: 'VAEEncode', inputs: { pixels: ['10', 0], vae: ['4', 2] } },
} as Record<string, unknown>;
delete IMG2IMG['5'];

describe('ComfyUI', () => {
	const workflow = (extra: Record<string, unknown> = {}) => ({
		backend: 'comfyui',
		workflowJson: JSON.stringify(GRAPH),
		prompt: 'a red fox in snow',
		negativePrompt: 'blurry',
		seedMode: 'perItem',
		seed: 7,
		options: { pollIntervalMs: 20 },
		...extra,
	});

	it('sets the seed on the sampler and the prompts on the nodes wired to it, polls, downloads', async () => {
		const result = await runSeeded(workflow(), [{ json: {} }], comfy());
		expect(result.error).toBeUndefined();
		const [queued] = requestsTo('comfy.prompt');
		expect(queued.headers.authorization).toBe(basic);
		const sent = (queued.body as { prompt: typeof GRAPH }).prompt;
		const [json] = outputJson(result);
		expect(sent['3'].inputs.seed).toBe(json.seed);
		expect(sent['6'].inputs.text).toBe('a red fox in snow');
		expect(sent['7'].inputs.text).toBe('blurry');
		// Everything else exactly as the user saved it.
		expect({ ...sent, '3': GRAPH['3'], '6': GRAPH['6'], '7': GRAPH['7'] }).toEqual(GRAPH);
		expect(requestsTo('comfy.history').length).toBeGreaterThanOrEqual(1);
		expect(requestsTo('comfy.view')).toHaveLength(1);
		expect(json).toMatchObject({
			backend: 'comfyui',
			seedHonoured: 'exact',
			seedReported: json.seed,
			images: [{ width: 256, height: 192, mimeType: 'image/png' }],
			details: { seedNodeIds: ['3'], promptNodeId: '6', negativePromptNodeId: '7', promptId: expect.any(String) },
		});
		const meta = await sharp(await result.binary('Collect', 0)).metadata();
		expect([meta.width, meta.height]).toEqual([256, 192]);
	});

	it('the same seed gives identical bytes on a rerun; the next item\'s seed does not', async () => {
		const items: LoadItem[] = [{ json: {} }, { json: {} }];
		const first = await runSeeded(workflow(), items, comfy());
		const second = await runSeeded(workflow(), items, comfy());
		const [a0, a1, b0, b1] = await Promise.all([first.binary('Collect', 0), first.binary('Collect', 1), second.binary('Collect', 0), second.binary('Collect', 1)]);
		expect(a0.equals(b0)).toBe(true);
		expect(a1.equals(b1)).toBe(true);
		expect(a0.equals(a1)).toBe(false);
	});

	it('img2img: uploads the item\'s image and sets it on the LoadImage node', async () => {
		const result = await runSeeded(workflow({ workflowJson: JSON.stringify(IMG2IMG), comfyInputBinaryField: 'photo' }), withInput(), comfy());
		expect(result.error).toBeUndefined();
		expect(requestsTo('comfy.upload')).toHaveLength(1);
		const sent = (requestsTo('comfy.prompt')[0].body as { prompt: Record<string, { inputs: Record<string, unknown> }> }).prompt;
		const [json] = outputJson(result);
		expect(sent['10'].inputs.image).toBe((json.details as { imageName: string }).imageName);
		expect(sent['10'].inputs.image).toMatch(/^n8n-seeded-[0-9a-f]{16}\.png$/);
		expect(json.details).toMatchObject({ imageNodeId: '10' });
	});

	it('a job that never finishes times out once, and is not queued again', async () => {
		fake.setComfyJobMs(Infinity);
		const started = Date.now();
		const result = await runSeeded(workflow({ options: { pollIntervalMs: 50, jobTimeoutSeconds: 1, maxRetries: 2 } }), [{ json: {} }], comfy(), {
			onError: 'continueRegularOutput',
		});
		fake.setComfyJobMs(30);
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json.errorKind).toBe('timeout');
		expect(json.error).toMatch(/^Item 0: ComfyUI did not finish prompt [0-9a-f-]+ within 1 s\./);
		expect(requestsTo('comfy.prompt')).toHaveLength(1);
		expect(requestsTo('comfy.history').length).toBeGreaterThanOrEqual(2);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('ComfyUI\'s validation errors name the node; a workflow failure is not retried', async () => {
		const broken = { ...GRAPH, '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'missing.safetensors' } } };
		const run = (extra: Record<string, unknown>) => runSeeded(workflow(extra), [{ json: {} }], comfy(), { onError: 'continueRegularOutput' });
		const [invalid] = outputJson(await run({ workflowJson: JSON.stringify(broken) })) as unknown as ErrorJson[];
		expect(invalid).toMatchObject({ errorKind: 'invalidArgument', httpStatus: 400 });
		expect(invalid.error).toMatch(/Prompt outputs failed validation; node 4 \(CheckpointLoaderSimple\): Value not in list: ckpt_name: 'missing\.safetensors' not in/);

		fake.reset();
		fake.inject('imageSafety');
		const [failed] = outputJson(await run({ options: { pollIntervalMs: 20, maxRetries: 2 } })) as unknown as ErrorJson[];
		expect(failed.errorKind).toBe('server');
		expect(failed.error).toMatch(/ComfyUI failed running prompt .* in node "3" \(KSampler\): Generation was blocked/);
		expect(requestsTo('comfy.prompt')).toHaveLength(1);
	});

	it('a dropped connection while waiting is reported, not retried: the workflow is queued once', async () => {
		fake.inject('reset', { route: 'comfy.history' });
		const result = await runSeeded(workflow({ options: { pollIntervalMs: 20, maxRetries: 2 } }), [{ json: {} }], comfy(), { onError: 'continueRegularOutput' });
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json.errorKind).toBe('network');
		expect(json.error).toMatch(/not retried, so the workflow is not queued twice\)$/);
		expect(requestsTo('comfy.prompt')).toHaveLength(1);
	});

	it('a seed node that does not exist is refused before anything is queued', async () => {
		const result = await runSeeded(workflow({ seedNodeIds: '12' }), [{ json: {} }], comfy(), { onError: 'continueRegularOutput' });
		const [json] = outputJson(result) as unknown as ErrorJson[];
		expect(json).toMatchObject({ errorKind: 'invalidInput', errorParameter: 'Seed Node IDs' });
		expect(json.error).toMatch(/^Item 0: The ComfyUI workflow has no node "12" \(parameter "Seed Node IDs"\)\. Nodes: 3 \(KSampler\), 4 \(CheckpointLoaderSimple\)/);
		expect(fake.requests).toHaveLength(0);
	});
});
