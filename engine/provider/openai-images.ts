/**
 * OpenAI-compatible image generation (POST {base}/v1/images/generations) as gateways such as
 * APIYI serve Flux and Seedream (FACTS.md "Gateways"): model, prompt, seed, size (Seedream and
 * others) or width/height (Flux, multiples of 16), steps and guidance when given, input images
 * as data URLs for edit models (flux-kontext-*, Seedream). Answers carry b64_json or a URL; URLs
 * are downloaded through the bounded client (http/https only, size cap, timeout, redirects
 * re-checked). One call, no retry: wrap it in callWithPolicy.
 */
import { EngineError, isEngineError } from '../core/errors';
import { invalidParameterError, is } from '../core/validate';
import type { ProviderConfig } from './config';
import { secretsOf } from './config';
import { PROVIDER_NAMES } from './gemini-client';
import { DEFAULT_HTTP_TIMEOUT_MS, describeUrl, downloadFile, httpJson, type HttpLimits } from './http';
import type { OutputImage } from './image-request';
import { imagesOf, promptOf, sniffImageMime, type SeededImageRequest, type SeededImageResult, type SeededTransport } from './seeded-request';

/** Largest result file downloaded from a result URL when none is given: 50 MB. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

/** Body fields this client sets; Extra Body may not repeat them. */
export const OPENAI_IMAGES_FIELDS = ['model', 'prompt', 'n', 'seed', 'size', 'width', 'height', 'steps', 'guidance', 'response_format', 'image'] as const;

export interface OpenAiImagesOptions {
	/** Per-call timeout, generation and downloads each (ms). @default 180000 */
	timeoutMs?: number;
	/** Largest result file accepted from a result URL (bytes). @default 52428800 */
	maxDownloadBytes?: number;
}

/**
 * True for Flux ids (flux-dev, flux-pro, flux-kontext-pro, ...): width/height in multiples of 16,
 * steps and guidance, answers with URLs.
 * @example isFluxModel('flux-kontext-pro') // true
 * @param model - a model id as the gateway names it
 */
export function isFluxModel(model: string): boolean {
	return /^flux[-.]/i.test(model.trim());
}

/** One configured OpenAI-images client. Stateless; create one per execution. */
export class OpenAiImagesClient implements SeededTransport {
	readonly config: ProviderConfig;
	readonly timeoutMs: number;
	readonly maxDownloadBytes: number;
	readonly providerName: string;

	/**
	 * @example const client = new OpenAiImagesClient(parseProviderConfig({ provider: 'apiyi', apiKey }));
	 * @param config - a provider whose `apis` include 'openaiImages' (APIYI, or a gateway that enables it)
	 * @param options - see {@link OpenAiImagesOptions}
	 * @throws {EngineError} 'invalidInput' when the provider does not speak the OpenAI images API or has no key
	 */
	constructor(config: ProviderConfig, options: OpenAiImagesOptions = {}) {
		if (!config.apis.includes('openaiImages') || !config.baseUrl) {
			throw new EngineError(
				'invalidInput',
				'This credential does not offer the OpenAI images API (Flux, Seedream). Use an Image Model API credential with provider APIYI, or a Custom Gateway with "OpenAI Images API" enabled.',
				{ parameter: 'gatewayApis' },
			);
		}
		if (!config.apiKey) throw new EngineError('invalidInput', "The credential's API Key is empty", { parameter: 'apiKey' });
		this.config = config;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
		this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
		this.providerName = PROVIDER_NAMES[config.provider];
	}

	/**
	 * The JSON body for `request`, exactly as sent.
	 * @example client.body({ model: 'flux-dev', parts: [{ text: 'a cube' }], seed: 7, width: 512, height: 512 })
	 * @throws {EngineError} 'invalidInput' for an empty prompt or Extra Body repeating a field the node sets
	 */
	body(request: SeededImageRequest): Record<string, unknown> {
		const prompt = promptOf(request);
		if (!prompt.trim()) throw invalidParameterError('Prompt', 'a non-empty prompt', prompt);
		const flux = isFluxModel(request.model);
		const body: Record<string, unknown> = { ...checkedExtra(request.extraBody) };
		body.model = request.model;
		body.prompt = prompt;
		body.n = 1;
		if (request.seed !== undefined) body.seed = request.seed;
		if (request.width !== undefined && request.height !== undefined) {
			if (flux) {
				body.width = request.width;
				body.height = request.height;
			} else {
				body.size = `${request.width}x${request.height}`;
			}
		}
		if (request.steps !== undefined) body.steps = request.steps;
		if (request.guidance !== undefined) body.guidance = request.guidance;
		// Flux answers with URLs whatever is asked; Seedream and others honour response_format.
		if (!flux) body.response_format = request.responseFormat ?? 'b64_json';
		const images = imagesOf(request).map((image) => `data:${image.mimeType};base64,${image.data.toString('base64')}`);
		if (images.length === 1) body.image = images[0];
		else if (images.length > 1) body.image = images;
		return body;
	}

	/**
	 * Makes ONE generation call and downloads URL results.
	 * @example const result = await client.generate(request, signal);
	 * @param request - model, prompt (text parts), input images (image parts), seed, width/height, steps, guidance
	 * @param signal - the execution's cancel signal
	 * @throws {EngineError} any provider kind (see error-mapping.ts); 'safetyBlock' for a moderated
	 *   request; 'noImage' for an answer without images; download errors from downloadFile()
	 */
	async generate(request: SeededImageRequest, signal?: AbortSignal): Promise<SeededImageResult> {
		const body = this.body(request);
		const limits: HttpLimits = {
			providerName: this.providerName,
			model: request.model,
			timeoutMs: this.timeoutMs,
			signal,
			secrets: secretsOf(this.config),
		};
		const started = performance.now();
		let answer: unknown;
		try {
			answer = await httpJson(
				{
					method: 'POST',
					url: `${this.config.baseUrl}/v1/images/generations`,
					headers: { authorization: `Bearer ${this.config.apiKey}` },
					body: JSON.stringify(body),
				},
				limits,
			);
		} catch (error) {
			throw moderated(error, request.model);
		}
		const data = is.plainObject(answer) && Array.isArray(answer.data) ? answer.data : undefined;
		if (!data) {
			throw new EngineError('invalidResponse', `${this.providerName} answered without a "data" list for model "${request.model}"`, { retryable: false });
		}
		const images: OutputImage[] = [];
		const resultUrls: string[] = [];
		for (const entry of data) {
			if (!is.plainObject(entry)) continue;
			if (is.nonEmptyString(entry.b64_json)) {
				const bytes = Buffer.from(entry.b64_json, 'base64');
				images.push({ data: bytes, mimeType: sniffImageMime(bytes) });
			} else if (is.nonEmptyString(entry.url)) {
				// The gateway's Base URL decides where its result URLs may point (http.ts network policy).
				const file = await downloadFile(entry.url, { ...limits, model: undefined, maxBytes: this.maxDownloadBytes, sourceBaseUrl: this.config.baseUrl });
				resultUrls.push(file.url);
				images.push({ data: file.data, mimeType: sniffImageMime(file.data, file.mimeType) });
			}
		}
		if (images.length === 0) {
			throw new EngineError(
				'noImage',
				`Model "${request.model}" answered without an image (empty data). ${this.providerName} may bill such calls; it is not retried.`,
				{ retryable: false },
			);
		}
		const created = is.plainObject(answer) && is.number(answer.created) ? answer.created : undefined;
		return {
			images,
			text: '',
			modelVersion: request.model,
			latencyMs: Math.round(performance.now() - started),
			details: { endpoint: `${describeUrl(this.config.baseUrl ?? '')}/v1/images/generations`, resultUrls, created },
		};
	}
}

/** A gateway's content-policy rejection (OpenAI's 400 content_policy_violation) is a safety block. */
function moderated(error: unknown, model: string): unknown {
	if (isEngineError(error) && error.kind === 'invalidArgument' && /safety system|content[ _]policy|moderation/i.test(`${error.description ?? ''} ${error.message}`)) {
		return new EngineError(
			'safetyBlock',
			`The gateway's safety system rejected the request for model "${model}". Rephrase the prompt or use another input image; this is not retried.`,
			{ httpStatus: error.httpStatus, description: error.description, cause: error },
		);
	}
	return error;
}

function checkedExtra(extra: Record<string, unknown> | undefined): Record<string, unknown> {
	if (!extra) return {};
	for (const field of OPENAI_IMAGES_FIELDS) {
		if (field in extra) {
			throw new EngineError('invalidInput', `Extra Body (JSON) must not set "${field}"; the node sets it from its own parameters`, {
				parameter: 'Extra Body (JSON)',
			});
		}
	}
	return extra;
}
