/**
 * Stable Diffusion WebUI (A1111/Forge started with --api, FACTS.md): /sdapi/v1/txt2img, /img2img,
 * /sd-models, /samplers. Deterministic by prompt, seed, subseed, size, steps, cfg, sampler and
 * init image. Validation errors use FastAPI + pydantic v1 shapes (A1111 1.x): 422 {detail:[{loc,msg,type}]}.
 */
import { basicAuthOk, json, isRecord, type Ctx, type Reply } from './http';
import { blackPng, dimensions, render, syntheticPicture } from './pictures';
import { hashSeed } from './random';

const SAMPLERS = [
	{ name: 'DPM++ 2M', aliases: ['k_dpmpp_2m'], options: {} },
	{ name: 'DPM++ SDE', aliases: ['k_dpmpp_sde'], options: {} },
	{ name: 'Euler a', aliases: ['k_euler_a', 'k_euler_ancestral'], options: { uses_ensd: 'True' } },
	{ name: 'Euler', aliases: ['k_euler'], options: {} },
	{ name: 'DDIM', aliases: ['ddim'], options: {} },
];

const MODELS = [
	{
		title: 'v1-5-pruned-emaonly.safetensors [6ce0161689]',
		model_name: 'v1-5-pruned-emaonly',
		hash: '6ce0161689',
		sha256: '6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa',
		filename: '/stable-diffusion-webui/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors',
		config: null,
	},
	{
		title: 'sd_xl_base_1.0.safetensors [31e35c80fc]',
		model_name: 'sd_xl_base_1.0',
		hash: '31e35c80fc',
		sha256: '31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b',
		filename: '/stable-diffusion-webui/models/Stable-diffusion/sd_xl_base_1.0.safetensors',
		config: null,
	},
];

/** API defaults of the txt2img/img2img request models (img2img adds denoising_strength 0.75). */
const DEFAULTS: Record<string, unknown> = {
	prompt: '',
	negative_prompt: '',
	styles: null,
	seed: -1,
	subseed: -1,
	subseed_strength: 0,
	seed_resize_from_h: -1,
	seed_resize_from_w: -1,
	sampler_name: null,
	scheduler: null,
	batch_size: 1,
	n_iter: 1,
	steps: 50,
	cfg_scale: 7,
	width: 512,
	height: 512,
	restore_faces: null,
	tiling: null,
	denoising_strength: null,
	override_settings: null,
	sampler_index: 'Euler',
	send_images: true,
	save_images: false,
	alwayson_scripts: {},
};

const INT_FIELDS = [
	'seed',
	'subseed',
	'steps',
	'width',
	'height',
	'batch_size',
	'n_iter',
	'seed_resize_from_h',
	'seed_resize_from_w',
];
const FLOAT_FIELDS = ['cfg_scale', 'denoising_strength', 'subseed_strength'];
const STR_FIELDS = ['prompt', 'negative_prompt', 'sampler_name', 'scheduler'];
const MAX_SIDE = 2048;
const MAX_IMAGES = 8;

interface Issue {
	loc: Array<string | number>;
	msg: string;
	type: string;
}

const detail422 = (issues: Issue[]): Reply => json(422, { detail: issues });

/** A1111's exception handler body for errors raised during generation. */
const runtimeError = (error: string, errors: string): Reply => json(500, { error, detail: '', body: '', errors });

/** Error-type faults; there is no quota in SD, so 429/503 are what a proxy or queue in front would send. */
export function sdFault(ctx: Ctx): Reply | undefined {
	const fault = ctx.fault;
	switch (fault?.kind) {
		case 'rateLimit':
			return json(429, { detail: 'Too Many Requests' }, { 'retry-after': String(fault.retryAfterSeconds) });
		case 'overloaded':
			return json(503, { detail: 'Service Unavailable' });
		case 'serverError':
			return runtimeError('OutOfMemoryError', 'CUDA out of memory. Tried to allocate 2.00 GiB');
		case 'badKey':
			return unauthorized();
		case 'retiredModel':
			// Nearest real case: the requested checkpoint is not installed (approximation).
			return json(404, { detail: 'Model not found' });
		default:
			return undefined;
	}
}

function unauthorized(): Reply {
	return json(401, { detail: 'Incorrect username or password' }, { 'www-authenticate': 'Basic' });
}

/** pydantic v1 coercion: ints accept numbers (truncated) and numeric strings; floats likewise. */
function coerce(body: Record<string, unknown>): { values: Record<string, unknown>; issues: Issue[] } {
	const values: Record<string, unknown> = { ...body };
	const issues: Issue[] = [];
	const numeric = (v: unknown): number | undefined => {
		if (typeof v === 'number' && Number.isFinite(v)) return v;
		if (typeof v === 'boolean') return v ? 1 : 0;
		if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
		return undefined;
	};
	for (const f of INT_FIELDS) {
		if (body[f] === undefined || body[f] === null) continue;
		const n = numeric(body[f]);
		if (n === undefined || (typeof body[f] === 'string' && !Number.isInteger(n))) {
			issues.push({ loc: ['body', f], msg: 'value is not a valid integer', type: 'type_error.integer' });
		} else values[f] = Math.trunc(n);
	}
	for (const f of FLOAT_FIELDS) {
		if (body[f] === undefined || body[f] === null) continue;
		const n = numeric(body[f]);
		if (n === undefined) issues.push({ loc: ['body', f], msg: 'value is not a valid float', type: 'type_error.float' });
		else values[f] = n;
	}
	for (const f of STR_FIELDS) {
		const v = body[f];
		if (v === undefined || v === null) continue;
		if (typeof v === 'number') values[f] = String(v);
		else if (typeof v !== 'string') issues.push({ loc: ['body', f], msg: 'str type expected', type: 'type_error.str' });
	}
	if (body.init_images !== undefined && body.init_images !== null && !Array.isArray(body.init_images)) {
		issues.push({ loc: ['body', 'init_images'], msg: 'value is not a valid list', type: 'type_error.list' });
	}
	return { values, issues };
}

function samplerName(requested: unknown): string | undefined {
	const name = typeof requested === 'string' && requested !== '' ? requested : 'Euler';
	const hit = SAMPLERS.find(
		(s) => s.name.toLowerCase() === name.toLowerCase() || s.aliases.includes(name.toLowerCase()),
	);
	return hit?.name;
}

/** base64 or data URL -> bytes, as A1111's decode_base64_to_image. */
function decodeInit(value: unknown): Buffer | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const b64 = value.startsWith('data:image/') ? value.slice(value.indexOf(',') + 1) : value;
	const bytes = Buffer.from(b64, 'base64');
	return bytes.length ? bytes : undefined;
}

async function generate(ctx: Ctx, img2img: boolean): Promise<Reply> {
	if (!basicAuthOk(ctx)) return unauthorized();
	const body = ctx.record.body;
	if (body === undefined) {
		return detail422([
			{ loc: ['body', 0], msg: 'Expecting value: line 1 column 1 (char 0)', type: 'value_error.jsondecode' },
		]);
	}
	if (!isRecord(body)) return detail422([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
	const { values, issues } = coerce(body);
	if (issues.length) return detail422(issues);
	const p: Record<string, unknown> = {
		...DEFAULTS,
		...(img2img ? { denoising_strength: 0.75, init_images: [], resize_mode: 0 } : {}),
		...values,
	};
	const sampler = samplerName(p.sampler_name ?? p.sampler_index);
	if (!sampler) return json(404, { detail: 'Sampler not found' });

	let init: Buffer | undefined;
	if (img2img) {
		const images = p.init_images as unknown[];
		if (!images || images.length === 0) return json(404, { detail: 'Init image not found' });
		init = decodeInit(images[0]);
		if (!init) return json(500, { detail: 'Invalid encoded image' });
	}
	const requestedW = p.width as number;
	const requestedH = p.height as number;
	const count = (p.batch_size as number) * (p.n_iter as number);
	if (
		requestedW < 64 ||
		requestedH < 64 ||
		requestedW > MAX_SIDE ||
		requestedH > MAX_SIDE ||
		count < 1 ||
		count > MAX_IMAGES
	) {
		return runtimeError(
			'OutOfMemoryError',
			`CUDA out of memory. Tried to allocate ${requestedW}x${requestedH} x${count} (fake limit ${MAX_SIDE} px, ${MAX_IMAGES} images)`,
		);
	}
	// The latent is 1/8 of the image: sizes round down to multiples of 8.
	const width = Math.floor(requestedW / 8) * 8;
	const height = Math.floor(requestedH / 8) * 8;
	const seed = (p.seed as number) === -1 ? ctx.state.prng.uint32() : (p.seed as number);
	const subseed = (p.subseed as number) === -1 ? ctx.state.prng.uint32() : (p.subseed as number);
	const denoise = img2img ? Number(p.denoising_strength ?? 0.75) : 1;

	if (init) {
		try {
			await dimensions(init);
		} catch {
			return json(500, { detail: 'Invalid encoded image' });
		}
	}

	const switched = ctx.fault?.kind;
	const images: string[] = [];
	const allSeeds: number[] = [];
	const allSubseeds: number[] = [];
	for (let i = 0; i < count; i++) {
		allSeeds.push(seed + i);
		allSubseeds.push(subseed + i);
		// imageSafety/promptBlocked: a safety-checker extension blacks the image out;
		// noImage/textOnly/imageOther: nothing comes back.
		if (switched === 'noImage' || switched === 'textOnly' || switched === 'imageOther') continue;
		let picture: Buffer;
		if (switched === 'imageSafety' || switched === 'promptBlocked') {
			picture = await blackPng(width, height);
		} else {
			const pictureSeed = hashSeed(
				// The variation subseed only matters with a subseed_strength, as in A1111.
				'sd',
				p.prompt,
				p.negative_prompt,
				seed + i,
				p.subseed_strength ? subseed + i : null,
				p.subseed_strength,
				width,
				height,
				p.steps,
				p.cfg_scale,
				sampler,
				init ?? null,
				denoise,
			);
			// img2img: the init image with the generated picture blended over it by denoising_strength.
			picture = init
				? await render(init, { width, height, overlay: { seed: pictureSeed, opacity: denoise } })
				: await render(syntheticPicture(pictureSeed, width / height), { width, height });
		}
		images.push(picture.toString('base64'));
	}

	const info = {
		prompt: p.prompt,
		all_prompts: allSeeds.map(() => p.prompt),
		negative_prompt: p.negative_prompt,
		all_negative_prompts: allSeeds.map(() => p.negative_prompt),
		seed,
		all_seeds: allSeeds,
		subseed,
		all_subseeds: allSubseeds,
		subseed_strength: p.subseed_strength,
		width,
		height,
		sampler_name: sampler,
		cfg_scale: p.cfg_scale,
		steps: p.steps,
		batch_size: p.batch_size,
		restore_faces: false,
		face_restoration_model: null,
		sd_model_name: MODELS[0].model_name,
		sd_model_hash: MODELS[0].hash,
		sd_vae_name: null,
		sd_vae_hash: null,
		seed_resize_from_w: p.seed_resize_from_w,
		seed_resize_from_h: p.seed_resize_from_h,
		denoising_strength: img2img ? denoise : p.denoising_strength,
		extra_generation_params: {},
		index_of_first_image: 0,
		infotexts: allSeeds.map(
			(s) =>
				`${String(p.prompt)}\nNegative prompt: ${String(p.negative_prompt)}\nSteps: ${String(p.steps)}, Sampler: ${sampler}, CFG scale: ${String(p.cfg_scale)}, Seed: ${s}, Size: ${width}x${height}, Model hash: ${MODELS[0].hash}, Model: ${MODELS[0].model_name}`,
		),
		styles: [],
		job_timestamp: new Date().toISOString().replace(/\D/g, '').slice(0, 14),
		clip_skip: 1,
		is_using_inpainting_conditioning: false,
		version: 'v1.10.1',
	};
	// img2img echoes init_images as null unless include_init_images is set.
	const parameters = img2img && !p.include_init_images ? { ...p, init_images: null } : p;
	return json(200, { images, parameters, info: JSON.stringify(info) });
}

export const txt2img = (ctx: Ctx): Promise<Reply> => generate(ctx, false);
export const img2img = (ctx: Ctx): Promise<Reply> => generate(ctx, true);

export function sdModels(ctx: Ctx): Reply {
	return basicAuthOk(ctx) ? json(200, MODELS) : unauthorized();
}

export function samplers(ctx: Ctx): Reply {
	return basicAuthOk(ctx) ? json(200, SAMPLERS) : unauthorized();
}
