/**
 * Strategy 4, Seeded Generate: generation on backends whose seed really works (Flux and
 * Seedream through a gateway, Stable Diffusion WebUI, ComfyUI), plus Gemini (best-effort seed)
 * and Imagen (retired, kept for accounts that still reach it), with an honest label of what the
 * seed guarantees on each, seeds derived per item so a rerun of a batch reproduces every image,
 * and an optional measured check: generate twice with the same seed and compare decoded pixels.
 */
import { createHash, randomInt } from 'node:crypto';
import { EngineError } from '../core/errors';
import type { Limiter } from '../core/limiter';
import type { RetryEvent, RetryPolicy } from '../core/retry';
import { integerInRange, invalidParameterError, is, numberInRange, oneOf } from '../core/validate';
import { costOf, findPrice, type Cost, type PriceTable } from '../cost/prices';
import { mimeForFormat } from '../image/formats';
import { decodeRgb, inspectImage } from '../image/input';
import { callWithPolicy } from '../provider/call';
import type { ProviderKind } from '../provider/config';
import type { GeminiImageClient } from '../provider/gemini-client';
import type { TokenUsage } from '../provider/image-request';
import { supportedAspectRatios, supportedImageSizes } from '../provider/models';
import { isFluxModel } from '../provider/openai-images';
import { imagesOf, promptOf, type SeededImageRequest, type SeededImageResult, type SeededTransport } from '../provider/seeded-request';

export const SEEDED_BACKENDS = ['openaiImages', 'sdWebui', 'comfyui', 'gemini', 'imagen'] as const;
/** Where the image is generated. */
export type SeededBackend = (typeof SEEDED_BACKENDS)[number];

/** Human names used in messages and outputs. */
export const BACKEND_NAMES: Readonly<Record<SeededBackend, string>> = {
	openaiImages: 'OpenAI-compatible image gateway',
	sdWebui: 'Stable Diffusion WebUI',
	comfyui: 'ComfyUI',
	gemini: 'Gemini',
	imagen: 'Vertex AI Imagen',
};

export const SEED_MODES = ['fixed', 'perItem', 'expression', 'random'] as const;
/**
 * How an item's seed is chosen: 'fixed' (the same seed for every item), 'perItem' (derived from
 * a base seed and the item index, see {@link deriveItemSeed}), 'expression' (whatever an n8n
 * expression gives, e.g. {{ $json.seed }}), 'random' (drawn per item and reported, to find a
 * seed worth fixing).
 */
export type SeedMode = (typeof SEED_MODES)[number];

/** Largest seed accepted: 2^31 - 1, which every backend takes (Gemini and Imagen use int32). */
export const MAX_SEED = 2_147_483_647;

/** What the seed guarantees. */
export type SeedHonesty = 'exact' | 'best-effort' | 'unsupported';

/** Imagen aspect ratios and sizes (Vertex :predict). */
export const IMAGEN_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'] as const;
export const IMAGEN_IMAGE_SIZES = ['1K', '2K'] as const;

/**
 * Derives item `itemIndex`'s seed from `baseSeed`, so every item of a batch gets its own seed
 * and a rerun of the same batch gets the same ones. The formula (murmur3's 32-bit finaliser
 * over base + golden-ratio step x (index + 1), kept to 31 bits):
 *
 *     h = (baseSeed + 0x9E3779B9 * (itemIndex + 1)) mod 2^32
 *     h = ((h XOR (h >>> 16)) * 0x85EBCA6B) mod 2^32
 *     h = ((h XOR (h >>> 13)) * 0xC2B2AE35) mod 2^32
 *     seed = (h XOR (h >>> 16)) mod 2^31
 *
 * Unlike base + index, neighbouring base seeds do not share seeds between batches.
 *
 * @example deriveItemSeed(42, 0) // always the same number for base 42, item 0
 * @param baseSeed - integer 0..2147483647
 * @param itemIndex - the item's index in the node's input, from 0
 * @throws {EngineError} invalidInput for a base seed or index out of range
 */
export function deriveItemSeed(baseSeed: number, itemIndex: number): number {
	integerInRange('Seed', baseSeed, 0, MAX_SEED);
	integerInRange('item index', itemIndex, 0, Number.MAX_SAFE_INTEGER);
	let h = (baseSeed + Math.imul(0x9e3779b9, (itemIndex + 1) >>> 0)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) & 0x7fffffff;
}

/**
 * The seed of one item.
 *
 * @example resolveSeed('perItem', 42, 3) // deriveItemSeed(42, 3)
 * @example resolveSeed('expression', '1234', 0) // 1234
 * @param mode - see {@link SeedMode}
 * @param value - the seed ('fixed'), the base seed ('perItem'), the expression's result
 *   ('expression', a number or a numeric string); ignored for 'random'
 * @param itemIndex - the item's index, for 'perItem'
 * @param random - source of random seeds @default crypto.randomInt(0, 2^31)
 * @throws {EngineError} invalidInput "Expected an integer between 0 and 2147483647 for Seed ..."
 */
export function resolveSeed(mode: SeedMode, value: unknown, itemIndex: number, random: () => number = () => randomInt(0, MAX_SEED + 1)): number {
	switch (oneOf('Seed Mode', mode, SEED_MODES)) {
		case 'fixed':
			return integerInRange('Seed', value, 0, MAX_SEED);
		case 'perItem':
			return deriveItemSeed(integerInRange('Seed', value, 0, MAX_SEED), itemIndex);
		case 'expression': {
			const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
			return integerInRange('Seed (From Expression)', number, 0, MAX_SEED);
		}
		case 'random':
			return integerInRange('random seed', random(), 0, MAX_SEED);
	}
}

/**
 * What the seed guarantees on a backend and model, and why.
 *
 * | backend | seed |
 * | --- | --- |
 * | openaiImages, flux-* / seedream-* | exact, if the gateway passes the seed through (Verify Reproducibility tells) |
 * | openaiImages, gpt-image-* / dall-e-* | unsupported (OpenAI's own image models take no seed) |
 * | openaiImages, other models | best-effort (unknown whether the gateway passes it on) |
 * | sdWebui | exact |
 * | comfyui | exact |
 * | gemini | best-effort |
 * | imagen | exact only with addWatermark false (always sent) |
 *
 * @example seedHonesty('gemini', 'gemini-3-pro-image').honoured // 'best-effort'
 * @param backend - one of {@link SEEDED_BACKENDS}
 * @param model - the model id (only the gateway's label depends on it)
 */
export function seedHonesty(backend: SeededBackend, model: string): { honoured: SeedHonesty; note: string } {
	switch (backend) {
		case 'openaiImages':
			if (/^(flux|seedream)[-.]/i.test(model.trim())) {
				return {
					honoured: 'exact',
					note: 'Flux and Seedream are deterministic for a given seed, if the gateway passes the seed through to the model; turn on Verify Reproducibility to measure it.',
				};
			}
			if (/^(gpt-image|dall-e)/i.test(model.trim())) {
				return { honoured: 'unsupported', note: "OpenAI's own image models take no seed; the same seed will not give the same image." };
			}
			return {
				honoured: 'best-effort',
				note: 'Unknown model: the gateway may or may not pass the seed on; turn on Verify Reproducibility to measure it.',
			};
		case 'sdWebui':
			return {
				honoured: 'exact',
				note: 'The same seed, settings and checkpoint give the same image on the same server; another GPU, driver or attention optimisation (xformers) may change a few pixels.',
			};
		case 'comfyui':
			return {
				honoured: 'exact',
				note: 'The seed is set on the sampler node(s); nodes with their own randomness or "control after generate" in the saved graph may break it. ComfyUI answers an identical rerun from its cache.',
			};
		case 'gemini':
			return { honoured: 'best-effort', note: 'Gemini image models accept generationConfig.seed but do not guarantee the same image for the same seed.' };
		case 'imagen':
			return { honoured: 'exact', note: 'Imagen is deterministic for a seed only with addWatermark false, which this node always sends.' };
	}
}

/** Pixel difference between two images. */
export interface PixelComparison {
	/** True when both decode to the same size. */
	sameSize: boolean;
	/** True when the files are byte for byte the same. */
	identicalBytes: boolean;
	/** Largest difference of any channel of any pixel (0-255); null when the sizes differ. */
	maxAbsDiff: number | null;
	/** Mean difference over all channels of all pixels (0-255); null when the sizes differ. */
	meanAbsDiff: number | null;
	/** Share of pixels (0-1) with any channel different; null when the sizes differ. */
	differingPixelShare: number | null;
	first: { width: number; height: number };
	second: { width: number; height: number };
}

/**
 * Decodes two images to 8-bit sRGB and compares their pixels.
 *
 * @example const diff = await comparePixels(a, b); diff.maxAbsDiff === 0
 * @param a - first image file
 * @param b - second image file
 * @throws {EngineError} invalidInput when either cannot be decoded
 */
export async function comparePixels(a: Buffer, b: Buffer): Promise<PixelComparison> {
	const [x, y] = await Promise.all([decodeRgb(a, { label: 'first image' }), decodeRgb(b, { label: 'second image' })]);
	const first = { width: x.width, height: x.height };
	const second = { width: y.width, height: y.height };
	const identicalBytes = a.equals(b);
	if (x.width !== y.width || x.height !== y.height) {
		return { sameSize: false, identicalBytes, maxAbsDiff: null, meanAbsDiff: null, differingPixelShare: null, first, second };
	}
	let max = 0;
	let sum = 0;
	let differing = 0;
	const channels = x.channels;
	for (let i = 0; i < x.data.length; i += channels) {
		let pixelDiffers = false;
		for (let c = 0; c < channels; c++) {
			const d = Math.abs(x.data[i + c] - y.data[i + c]);
			if (d > 0) {
				pixelDiffers = true;
				sum += d;
				if (d > max) max = d;
			}
		}
		if (pixelDiffers) differing++;
	}
	const pixels = x.width * x.height;
	return {
		sameSize: true,
		identicalBytes,
		maxAbsDiff: max,
		meanAbsDiff: round(sum / x.data.length, 4),
		differingPixelShare: round(differing / pixels, 6),
		first,
		second,
	};
}

/** Where and how calls are made; one per node execution. */
export interface SeededContext {
	backend: SeededBackend;
	/** The Image Model API provider (prices); undefined for self-hosted servers. */
	provider?: ProviderKind;
	transport: SeededTransport;
	limiter: Limiter;
	retry: RetryPolicy;
	prices?: PriceTable;
	signal?: AbortSignal;
	onRetry?: (event: RetryEvent) => void;
}

export interface SeededGenerateOptions {
	/** How the seed was chosen, reported in the output. */
	seedMode: SeedMode;
	/** Generate a second time with the same seed and compare pixels. @default false */
	verifyReproducibility?: boolean;
	/** Largest per-channel difference still counted as reproducible (0-255). @default 0 */
	tolerance?: number;
}

/** One generated image, checked. */
export interface GeneratedImage {
	data: Buffer;
	mimeType: string;
	width: number;
	height: number;
}

/** The measured reproducibility check. */
export interface Reproducibility {
	/** True when every image pair differs by at most `tolerance` on every channel. */
	reproducible: boolean;
	tolerance: number;
	/** Images each call returned. */
	imageCounts: [number, number];
	/** Worst pair: largest max difference. */
	maxAbsDiff: number | null;
	meanAbsDiff: number | null;
	differingPixelShare: number | null;
	identicalBytes: boolean;
	sameSize: boolean;
	/** Per image pair. */
	pairs: PixelComparison[];
	/** The second call's latency, cost and attempts. */
	secondCall: { latencyMs: number; attempts: number; cost: Cost; seedUsed: number | null };
}

export interface SeededGenerateResult {
	backend: SeededBackend;
	model: string;
	seed: { value: number; mode: SeedMode; honoured: SeedHonesty; note: string; reported: number | null };
	/** What was sent, without image bytes: enough to replay the call. */
	parameters: Record<string, unknown>;
	images: GeneratedImage[];
	usage?: TokenUsage;
	/** The generation's cost; with verification, both calls. */
	cost: Cost;
	latencyMs: number;
	attempts: number;
	details: Record<string, unknown>;
	warnings: string[];
	reproducibility: Reproducibility | null;
}

/**
 * Checks a request before any money or GPU time is spent on it.
 *
 * @example validateSeededRequest('openaiImages', { model: 'flux-dev', parts: [{ text: 'x' }], seed: 1, width: 1000, height: 1024 })
 * // throws: Expected a multiple of 16 for flux-dev for Width but received 1000
 * @param backend - one of {@link SEEDED_BACKENDS}
 * @param request - the request as it will be sent
 * @throws {EngineError} invalidInput naming the parameter
 */
export function validateSeededRequest(backend: SeededBackend, request: SeededImageRequest): void {
	oneOf('Backend', backend, SEEDED_BACKENDS);
	if (request.seed !== undefined) integerInRange('Seed', request.seed, 0, MAX_SEED);
	const prompt = promptOf(request);
	if (backend !== 'comfyui' && !prompt.trim()) throw invalidParameterError('Prompt', 'a non-empty prompt', prompt);
	if (backend === 'openaiImages' || backend === 'gemini' || backend === 'imagen') {
		if (!is.nonEmptyString(request.model)) throw invalidParameterError('Model', 'a model id', request.model);
	}
	if (backend === 'openaiImages' || backend === 'sdWebui') {
		const flux = backend === 'openaiImages' && isFluxModel(request.model);
		for (const [name, value] of [['Width', request.width], ['Height', request.height]] as const) {
			if (value === undefined) continue;
			integerInRange(name, value, 64, 8192);
			if (flux && value % 16 !== 0) throw invalidParameterError(name, `a multiple of 16 for ${request.model}`, value);
		}
		if (request.steps !== undefined) integerInRange('Steps', request.steps, 1, 150);
	}
	if (backend === 'openaiImages') {
		if (request.guidance !== undefined) numberInRange('Guidance', request.guidance, 0, 100);
		if (request.responseFormat !== undefined) oneOf('Response Format', request.responseFormat, ['url', 'b64_json'] as const);
	}
	if (backend === 'sdWebui') {
		if (request.cfgScale !== undefined) numberInRange('CFG Scale', request.cfgScale, 0, 100);
		if (request.subseed !== undefined) integerInRange('Variation Seed', request.subseed, -1, 4_294_967_295);
		if (request.subseedStrength !== undefined) numberInRange('Variation Strength', request.subseedStrength, 0, 1);
		if (request.denoisingStrength !== undefined) numberInRange('Denoising Strength', request.denoisingStrength, 0, 1);
	}
	if (backend === 'gemini') {
		if (request.imageSize !== undefined && !supportedImageSizes(request.model).includes(request.imageSize)) {
			throw invalidParameterError('Image Size', `one of ${supportedImageSizes(request.model).join(', ')} for ${request.model}`, request.imageSize);
		}
		if (request.aspectRatio !== undefined && !supportedAspectRatios(request.model).includes(request.aspectRatio)) {
			throw invalidParameterError('Aspect Ratio', `one of ${supportedAspectRatios(request.model).join(', ')}`, request.aspectRatio);
		}
	}
	if (backend === 'imagen') {
		if (imagesOf(request).length) throw invalidParameterError('Input Images', 'none (Imagen generateImages takes a prompt only)', `${imagesOf(request).length} image(s)`);
		if (request.aspectRatio !== undefined) oneOf('Aspect Ratio', request.aspectRatio, IMAGEN_ASPECT_RATIOS);
		if (request.imageSize !== undefined) oneOf('Image Size', request.imageSize, IMAGEN_IMAGE_SIZES);
	}
	if (backend === 'comfyui' && !request.comfy) throw invalidParameterError('Workflow (API Format JSON)', 'a ComfyUI workflow in API format', undefined);
}

/**
 * The Imagen call of a Gemini client as a {@link SeededTransport}.
 * @example const transport = imagenTransport(new GeminiImageClient(vertexConfig));
 * @param client - a client built from a Vertex AI credential (others fail on the first call)
 */
export function imagenTransport(client: GeminiImageClient): SeededTransport {
	return { generate: (request, signal) => client.generateImages(request, signal) };
}

/**
 * Makes one seeded generation (and, with `verifyReproducibility`, a second one with the same
 * seed and parameters, compared pixel by pixel).
 *
 * @example
 * const result = await runSeededGenerate(
 *   { model: 'flux-kontext-pro', parts: [{ text: 'a red fox' }], seed: resolveSeed('perItem', 42, i), width: 1024, height: 1024 },
 *   { seedMode: 'perItem', verifyReproducibility: true },
 *   { backend: 'openaiImages', provider: 'apiyi', transport, limiter, retry },
 * );
 * @param request - the call; `seed` is the item's resolved seed
 * @param options - see {@link SeededGenerateOptions}
 * @param ctx - see {@link SeededContext}
 * @throws {EngineError} invalidInput before any call; any provider kind; 'invalidResponse' when a
 *   returned file is not an image
 */
export async function runSeededGenerate(
	request: SeededImageRequest,
	options: SeededGenerateOptions,
	ctx: SeededContext,
): Promise<SeededGenerateResult> {
	validateSeededRequest(ctx.backend, request);
	const mode = oneOf('Seed Mode', options.seedMode, SEED_MODES);
	const tolerance = options.tolerance === undefined ? 0 : integerInRange('Reproducibility Tolerance', options.tolerance, 0, 255);
	if (request.seed === undefined) throw invalidParameterError('Seed', 'a seed (every Seeded Generate call sends one)', undefined);

	const first = await callOnce(request, ctx);
	const images = await checkedImages(first, label(ctx.backend, request.model));
	const warnings: string[] = [];
	const honesty = seedHonesty(ctx.backend, request.model);
	if (first.seedUsed !== undefined && first.seedUsed !== request.seed) {
		warnings.push(`${BACKEND_NAMES[ctx.backend]} reports seed ${first.seedUsed}, not the ${request.seed} sent: the seed was not honoured.`);
	}
	let cost = costFor(ctx, request.model, first);
	let reproducibility: Reproducibility | null = null;
	if (options.verifyReproducibility) {
		const second = await callOnce(request, ctx);
		const secondImages = await checkedImages(second, label(ctx.backend, request.model));
		const secondCost = costFor(ctx, request.model, second);
		reproducibility = await compareRuns(images, secondImages, tolerance, {
			latencyMs: second.latencyMs,
			attempts: second.attempts,
			cost: secondCost,
			seedUsed: second.seedUsed ?? null,
		});
		cost = addCosts(cost, secondCost);
		if (!reproducibility.reproducible && honesty.honoured === 'exact') {
			warnings.push(
				`Two calls with seed ${request.seed} and the same parameters gave different images (max difference ${reproducibility.maxAbsDiff ?? 'n/a: sizes differ'}): the seed is not reproducible on this ${BACKEND_NAMES[ctx.backend]}.`,
			);
		}
	}
	return {
		backend: ctx.backend,
		model: first.modelVersion || request.model,
		seed: { value: request.seed, mode, honoured: honesty.honoured, note: honesty.note, reported: first.seedUsed ?? null },
		parameters: replayParameters(request),
		images,
		usage: first.usage,
		cost,
		latencyMs: first.latencyMs,
		attempts: first.attempts,
		details: first.details ?? {},
		warnings,
		reproducibility,
	};
}

/**
 * The request without image bytes: every parameter that shaped the call, and a SHA-256 per
 * input image, so the call can be replayed and its inputs recognised.
 * @example replayParameters(request).seed
 * @param request - the request as sent
 */
export function replayParameters(request: SeededImageRequest): Record<string, unknown> {
	const out: Record<string, unknown> = { model: request.model, prompt: promptOf(request), seed: request.seed };
	const optional: Array<keyof SeededImageRequest> = [
		'negativePrompt',
		'width',
		'height',
		'steps',
		'guidance',
		'cfgScale',
		'sampler',
		'subseed',
		'subseedStrength',
		'denoisingStrength',
		'checkpoint',
		'responseFormat',
		'aspectRatio',
		'imageSize',
		'temperature',
		'extraBody',
	];
	for (const key of optional) if (request[key] !== undefined && request[key] !== '') out[key] = request[key];
	const inputs = imagesOf(request).map((image) => ({
		mimeType: image.mimeType,
		bytes: image.data.length,
		sha256: createHash('sha256').update(image.data).digest('hex'),
	}));
	if (inputs.length) out.inputImages = inputs;
	if (request.comfy) {
		const { graph, ...ids } = request.comfy;
		out.comfy = { ...ids, nodes: Object.keys(graph).length };
	}
	return out;
}

type CallResult = SeededImageResult & { attempts: number };

async function callOnce(request: SeededImageRequest, ctx: SeededContext): Promise<CallResult> {
	return await callWithPolicy(ctx.transport, request, {
		limiter: ctx.limiter,
		retry: ctx.retry,
		signal: ctx.signal,
		onRetry: ctx.onRetry,
	});
}

async function checkedImages(result: SeededImageResult, source: string): Promise<GeneratedImage[]> {
	const out: GeneratedImage[] = [];
	for (const [index, image] of result.images.entries()) {
		try {
			const info = await inspectImage(image.data, { label: `image ${index + 1} returned by ${source}` });
			out.push({ data: image.data, mimeType: mimeForFormat(info.format), width: info.width, height: info.height });
		} catch (error) {
			throw new EngineError('invalidResponse', `${source} returned data that is not a readable image (image ${index + 1})`, { cause: error, retryable: false });
		}
	}
	return out;
}

async function compareRuns(a: GeneratedImage[], b: GeneratedImage[], tolerance: number, secondCall: Reproducibility['secondCall']): Promise<Reproducibility> {
	const pairs: PixelComparison[] = [];
	for (let i = 0; i < Math.min(a.length, b.length); i++) pairs.push(await comparePixels(a[i].data, b[i].data));
	const sameCount = a.length === b.length;
	const sameSize = sameCount && pairs.every((p) => p.sameSize);
	const worst = pairs.reduce<PixelComparison | undefined>((w, p) => (!w || (p.maxAbsDiff ?? 256) > (w.maxAbsDiff ?? 256) ? p : w), undefined);
	return {
		reproducible: sameSize && pairs.every((p) => (p.maxAbsDiff ?? 256) <= tolerance),
		tolerance,
		imageCounts: [a.length, b.length],
		maxAbsDiff: sameSize ? (worst?.maxAbsDiff ?? null) : null,
		meanAbsDiff: sameSize ? Math.max(...pairs.map((p) => p.meanAbsDiff ?? 0)) : null,
		differingPixelShare: sameSize ? Math.max(...pairs.map((p) => p.differingPixelShare ?? 0)) : null,
		identicalBytes: sameCount && pairs.every((p) => p.identicalBytes),
		sameSize,
		pairs,
		secondCall,
	};
}

function costFor(ctx: SeededContext, model: string, result: CallResult): Cost {
	if (ctx.provider) {
		return costOf({ provider: ctx.provider, model, usage: result.usage, imageCount: result.images.length, succeeded: true }, ctx.prices);
	}
	// Self-hosted: free unless the user priced the model (e.g. GPU time) under Price Overrides.
	const key = model || ctx.backend;
	if (findPrice('gateway', key, ctx.prices)) {
		return costOf({ provider: 'gateway', model: key, imageCount: result.images.length, succeeded: true }, ctx.prices);
	}
	return { usd: 0, basis: `self-hosted ${BACKEND_NAMES[ctx.backend]}: no per-call price (add one under Price Overrides to count GPU time)` };
}

function addCosts(a: Cost, b: Cost): Cost {
	if (a.usd === null || b.usd === null) return { usd: null, basis: `two calls (reproducibility check): ${a.basis}` };
	return { usd: round(a.usd + b.usd, 6), basis: `two calls (reproducibility check): ${a.basis}` };
}

function label(backend: SeededBackend, model: string): string {
	return model ? `${BACKEND_NAMES[backend]} model "${model}"` : BACKEND_NAMES[backend];
}

function round(value: number, digits: number): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
