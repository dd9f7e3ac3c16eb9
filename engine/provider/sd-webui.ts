/**
 * Stable Diffusion WebUI (AUTOMATIC1111 / Forge started with --api, FACTS.md): POST
 * /sdapi/v1/txt2img, or /img2img when the request carries an input image. Sends prompt,
 * negative_prompt, seed, subseed, steps, cfg_scale, sampler_name, width, height and
 * denoising_strength; reads the seed the server actually used from `info`. One call, no retry:
 * wrap it in callWithPolicy.
 */
import { EngineError, isEngineError } from '../core/errors';
import { invalidParameterError, is } from '../core/validate';
import { DEFAULT_HTTP_TIMEOUT_MS, httpJson, type HttpLimits } from './http';
import type { OutputImage } from './image-request';
import { imagesOf, promptOf, sniffImageMime, type SeededImageRequest, type SeededImageResult, type SeededTransport } from './seeded-request';
import { SELF_HOSTED_NAMES, selfHostedHeaders, selfHostedSecrets, type SelfHostedConfig } from './self-hosted';

/** Body fields this client sets; Extra Body may not repeat them. */
export const SD_WEBUI_FIELDS = [
	'prompt',
	'negative_prompt',
	'seed',
	'subseed',
	'subseed_strength',
	'steps',
	'cfg_scale',
	'sampler_name',
	'width',
	'height',
	'batch_size',
	'n_iter',
	'init_images',
	'denoising_strength',
	'send_images',
] as const;

export interface SdWebuiOptions {
	/** Per-call timeout (ms); large images on small GPUs take minutes. @default 180000 */
	timeoutMs?: number;
	/** Largest answer accepted (bytes); images come base64 in the JSON. @default 67108864 */
	maxResponseBytes?: number;
}

/** What `info` (a JSON string in the answer) says about the generation. */
export interface SdInfo {
	seed?: number;
	allSeeds?: number[];
	subseed?: number;
	modelName?: string;
	modelHash?: string;
	sampler?: string;
	width?: number;
	height?: number;
	version?: string;
}

/** One configured SD WebUI client. Stateless; create one per execution. */
export class SdWebuiClient implements SeededTransport {
	readonly config: SelfHostedConfig;
	readonly timeoutMs: number;
	readonly maxResponseBytes?: number;

	/**
	 * @example const client = new SdWebuiClient(parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: 'http://127.0.0.1:7860' }));
	 * @param config - a self-hosted server of kind 'sdWebui'
	 * @param options - see {@link SdWebuiOptions}
	 * @throws {EngineError} 'invalidInput' when the credential is for another kind of server
	 */
	constructor(config: SelfHostedConfig, options: SdWebuiOptions = {}) {
		if (config.kind !== 'sdWebui') {
			throw new EngineError('invalidInput', `The Self-Hosted Image API credential is for ${SELF_HOSTED_NAMES[config.kind]}, not Stable Diffusion WebUI; pick the matching backend or credential`, {
				parameter: 'kind',
			});
		}
		this.config = config;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
		this.maxResponseBytes = options.maxResponseBytes;
	}

	/**
	 * The endpoint and JSON body for `request`, exactly as sent: img2img when it has an input image.
	 * @example client.body({ model: '', parts: [{ text: 'a lighthouse' }], seed: 7, steps: 20 })
	 * @throws {EngineError} 'invalidInput' for an empty prompt or Extra Body repeating a field the node sets
	 */
	body(request: SeededImageRequest): { path: '/sdapi/v1/txt2img' | '/sdapi/v1/img2img'; body: Record<string, unknown> } {
		const prompt = promptOf(request);
		if (!prompt.trim()) throw invalidParameterError('Prompt', 'a non-empty prompt', prompt);
		const extra = request.extraBody ?? {};
		for (const field of SD_WEBUI_FIELDS) {
			if (field in extra) {
				throw new EngineError('invalidInput', `Extra Body (JSON) must not set "${field}"; the node sets it from its own parameters`, {
					parameter: 'Extra Body (JSON)',
				});
			}
		}
		const body: Record<string, unknown> = { ...extra, prompt, negative_prompt: request.negativePrompt ?? '' };
		body.seed = request.seed ?? -1;
		if (request.subseed !== undefined) body.subseed = request.subseed;
		if (request.subseedStrength !== undefined) body.subseed_strength = request.subseedStrength;
		if (request.steps !== undefined) body.steps = request.steps;
		if (request.cfgScale !== undefined) body.cfg_scale = request.cfgScale;
		if (request.sampler) body.sampler_name = request.sampler;
		if (request.width !== undefined) body.width = request.width;
		if (request.height !== undefined) body.height = request.height;
		body.batch_size = 1;
		body.n_iter = 1;
		body.send_images = true;
		if (request.checkpoint) {
			const overrides = is.plainObject(extra.override_settings) ? extra.override_settings : {};
			body.override_settings = { ...overrides, sd_model_checkpoint: request.checkpoint };
		}
		const images = imagesOf(request);
		if (images.length === 0) return { path: '/sdapi/v1/txt2img', body };
		// img2img follows the last image, like the other backends.
		body.init_images = [images[images.length - 1].data.toString('base64')];
		if (request.denoisingStrength !== undefined) body.denoising_strength = request.denoisingStrength;
		return { path: '/sdapi/v1/img2img', body };
	}

	/**
	 * Makes ONE txt2img / img2img call.
	 * @example const result = await client.generate(request, signal); result.seedUsed
	 * @param request - prompt (text parts), input image (image parts, img2img), seed and the SD settings
	 * @param signal - the execution's cancel signal
	 * @throws {EngineError} 'invalidArgument' for 422 validation errors and 404s (sampler or init
	 *   image not found); 'server' for out-of-memory (not retried) and other 500s; 'noImage' for an
	 *   answer without images; 'auth' for wrong basic-auth credentials
	 */
	async generate(request: SeededImageRequest, signal?: AbortSignal): Promise<SeededImageResult> {
		const { path, body } = this.body(request);
		const limits: HttpLimits = {
			providerName: SELF_HOSTED_NAMES.sdWebui,
			timeoutMs: this.timeoutMs,
			maxBytes: this.maxResponseBytes,
			signal,
			secrets: selfHostedSecrets(this.config),
		};
		const started = performance.now();
		let answer: unknown;
		try {
			answer = await httpJson(
				{ method: 'POST', url: `${this.config.baseUrl}${path}`, headers: selfHostedHeaders(this.config), body: JSON.stringify(body) },
				limits,
				sdErrorBody,
			);
		} catch (error) {
			throw outOfMemory(error);
		}
		if (!is.plainObject(answer) || !Array.isArray(answer.images)) {
			throw new EngineError('invalidResponse', 'Stable Diffusion WebUI answered without an "images" list', { retryable: false });
		}
		const info = parseSdInfo(answer.info);
		// Extensions (ControlNet and others) may append extra images; the generated ones come first.
		const count = info.allSeeds?.length ?? answer.images.length;
		const images: OutputImage[] = answer.images
			.slice(0, Math.max(1, count))
			.filter(is.nonEmptyString)
			.map((b64) => {
				const data = Buffer.from(b64.replace(/^data:image\/[\w.+-]+;base64,/, ''), 'base64');
				return { data, mimeType: sniffImageMime(data) };
			});
		if (images.length === 0) {
			throw new EngineError('noImage', 'Stable Diffusion WebUI answered without an image (a script or extension may have dropped it)', { retryable: false });
		}
		return {
			images,
			text: '',
			modelVersion: info.modelName,
			latencyMs: Math.round(performance.now() - started),
			seedUsed: info.seed,
			subseedUsed: info.subseed,
			details: {
				endpoint: path,
				checkpoint: info.modelName ?? null,
				checkpointHash: info.modelHash ?? null,
				sampler: info.sampler ?? null,
				width: info.width ?? null,
				height: info.height ?? null,
				webuiVersion: info.version ?? null,
			},
		};
	}
}

/**
 * Reads the `info` field of a txt2img/img2img answer (a JSON string, or an object on some forks).
 * @example parseSdInfo('{"seed": 42, "all_seeds": [42]}').seed // 42
 * @param info - the raw field; anything unreadable gives {}
 */
export function parseSdInfo(info: unknown): SdInfo {
	let parsed: unknown = info;
	if (typeof info === 'string') {
		try {
			parsed = JSON.parse(info);
		} catch {
			return {};
		}
	}
	if (!is.plainObject(parsed)) return {};
	const int = (v: unknown) => (is.integer(v) ? v : undefined);
	const str = (v: unknown) => (is.nonEmptyString(v) ? v : undefined);
	return {
		seed: int(parsed.seed),
		allSeeds: Array.isArray(parsed.all_seeds) ? parsed.all_seeds.filter(is.integer) : undefined,
		subseed: int(parsed.subseed),
		modelName: str(parsed.sd_model_name),
		modelHash: str(parsed.sd_model_hash),
		sampler: str(parsed.sampler_name),
		width: int(parsed.width),
		height: int(parsed.height),
		version: str(parsed.version),
	};
}

/**
 * A1111's error bodies in the shapes the shared mapper reads: 422 {detail: [...]} and 404
 * {detail: "..."} pass as they are; a generation failure {error: "OutOfMemoryError", errors:
 * "CUDA out of memory ..."} becomes "OutOfMemoryError: CUDA out of memory ...".
 */
function sdErrorBody(body: unknown): unknown {
	if (!is.plainObject(body)) return body;
	if (is.string(body.error) && (is.nonEmptyString(body.errors) || is.nonEmptyString(body.error))) {
		const parts = [body.error, is.nonEmptyString(body.errors) ? body.errors : '', is.nonEmptyString(body.detail) ? body.detail : ''];
		return parts.filter(Boolean).join(': ');
	}
	return body;
}

/** A CUDA out-of-memory 500 will fail again the same way: say what to change, do not retry. */
function outOfMemory(error: unknown): unknown {
	if (isEngineError(error) && error.kind === 'server' && /out ?of ?memory/i.test(`${error.description ?? ''} ${error.message}`)) {
		return new EngineError('server', 'Stable Diffusion WebUI ran out of GPU memory. Lower Width/Height or Steps, or start the WebUI with --medvram; this is not retried.', {
			httpStatus: error.httpStatus,
			description: error.description,
			retryable: false,
			cause: error,
		});
	}
	return error;
}
