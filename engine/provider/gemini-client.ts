/**
 * Gemini-style image generation and editing through @google/genai, for every provider mode:
 * Google AI Studio, APIYI and other Gemini-native gateways (custom base URL and API version),
 * and Vertex AI (service account or express-mode API key). The only place that builds a
 * GoogleGenAI client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { GoogleGenAI, type GenerateContentConfig, type Part } from '@google/genai';
import { EngineError } from '../core/errors';
import type { ProviderConfig } from './config';
import { secretsOf } from './config';
import { mapProviderError, type ErrorContext } from './error-mapping';
import { parseImageResponse } from './gemini-response';
import type { ImageRequest, ImageResult } from './image-request';
import { isImageModelId } from './models';
import { promptOf, type SeededImageRequest, type SeededImageResult } from './seeded-request';

/** Human names used in messages. */
export const PROVIDER_NAMES: Readonly<Record<ProviderConfig['provider'], string>> = {
	aiStudio: 'Google AI Studio',
	apiyi: 'APIYI',
	gateway: 'the gateway',
	vertex: 'Vertex AI',
};

export interface GeminiClientOptions {
	/** Per-attempt timeout (ms). @default 180000 */
	timeoutMs?: number;
	/**
	 * A ready google-auth-library client for Vertex (replaces the service-account exchange).
	 * For tests and for callers that manage tokens themselves.
	 */
	authClient?: unknown;
}

export const DEFAULT_TIMEOUT_MS = 180_000;

/**
 * What one SDK call saw on the wire that the SDK's ApiError does not keep: the Retry-After
 * header of a failed answer (a gateway's 429 or 503 may carry it instead of a RetryInfo body).
 */
interface CallTrace {
	retryAfter?: string | null;
}

/** One configured Gemini client. Stateless apart from the SDK instance; create one per execution. */
export class GeminiImageClient {
	readonly config: ProviderConfig;
	readonly timeoutMs: number;
	private readonly ai: GoogleGenAI;
	/** Each call's {@link CallTrace}, reached from the fetch the SDK makes inside that call. */
	private readonly traces = new AsyncLocalStorage<CallTrace>();

	constructor(config: ProviderConfig, options: GeminiClientOptions = {}) {
		if (!config.apis.includes('gemini')) {
			throw new EngineError('invalidInput', `This credential's gateway does not speak the Gemini API; enable "Gemini API" under Gateway APIs`, {
				parameter: 'gatewayApis',
			});
		}
		this.config = config;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.ai = createGenAI(config, this.timeoutMs, options.authClient, tracingFetch(this.traces));
	}

	/**
	 * Makes ONE generateContent call (no retry; wrap in withRetry and a Limiter).
	 * @throws {EngineError} of any provider kind, see error-mapping.ts and gemini-response.ts
	 */
	async generate(request: ImageRequest, signal?: AbortSignal): Promise<Omit<ImageResult, 'attempts'>> {
		const ctx = this.errorContext(request.model, signal);
		const started = performance.now();
		const trace: CallTrace = {};
		let response;
		try {
			response = await this.traces.run(trace, () =>
				this.ai.models.generateContent({
					model: request.model,
					contents: [{ role: 'user', parts: toParts(request) }],
					config: toConfig(request, signal),
				}),
			);
		} catch (error) {
			throw mapProviderError(error, { ...ctx, retryAfterHeader: trace.retryAfter });
		}
		const latencyMs = Math.round(performance.now() - started);
		return { ...parseImageResponse(response, request.model), latencyMs };
	}

	/**
	 * Makes ONE Imagen generateImages call (Vertex AI :predict, no retry) with the seed and
	 * addWatermark false: an Imagen seed is deterministic only without the watermark. Imagen was
	 * retired on 2026-08-17; the 404 a retired model gets becomes 'modelRetired' naming the
	 * replacements (error-mapping.ts).
	 *
	 * @example const result = await client.generateImages({ model: 'imagen-4.0-generate-001', parts: [{ text: 'a fox' }], seed: 7 });
	 * @param request - model, prompt (text parts), seed, negativePrompt, aspectRatio, imageSize (1K/2K)
	 * @param signal - the execution's cancel signal
	 * @throws {EngineError} 'invalidInput' when the credential is not Vertex AI (the SDK serves
	 *   generateImages on Vertex only); 'safetyBlock' when every image was filtered; 'noImage';
	 *   provider kinds as {@link generate}
	 */
	async generateImages(request: SeededImageRequest, signal?: AbortSignal): Promise<SeededImageResult> {
		if (this.config.provider !== 'vertex') {
			throw new EngineError('invalidInput', 'Imagen is only reachable through Vertex AI here; use an Image Model API credential with provider "Google Vertex AI"', {
				parameter: 'provider',
			});
		}
		const ctx = this.errorContext(request.model, signal);
		const started = performance.now();
		const trace: CallTrace = {};
		let response;
		try {
			response = await this.traces.run(trace, () =>
				this.ai.models.generateImages({
					model: request.model,
					prompt: promptOf(request),
					config: {
						numberOfImages: 1,
						seed: request.seed,
						addWatermark: false,
						aspectRatio: request.aspectRatio,
						imageSize: request.imageSize,
						negativePrompt: request.negativePrompt || undefined,
						includeRaiReason: true,
						abortSignal: signal,
					},
				}),
			);
		} catch (error) {
			throw mapProviderError(error, { ...ctx, retryAfterHeader: trace.retryAfter });
		}
		const generated = response.generatedImages ?? [];
		const images = generated
			.filter((g) => g.image?.imageBytes)
			.map((g) => ({ data: Buffer.from(g.image?.imageBytes ?? '', 'base64'), mimeType: g.image?.mimeType ?? 'image/png' }));
		if (images.length === 0) {
			const filtered = generated.find((g) => g.raiFilteredReason)?.raiFilteredReason;
			if (filtered) {
				throw new EngineError('safetyBlock', `Imagen filtered the generated image out (${filtered.slice(0, 200)}); this is not retried.`, { reason: 'RAI_FILTERED' });
			}
			throw new EngineError('noImage', `Model "${request.model}" returned no image and no reason.`, { retryable: false });
		}
		return { images, text: '', modelVersion: request.model, latencyMs: Math.round(performance.now() - started), seedUsed: request.seed };
	}

	/**
	 * Lists model ids the credential can use (the credential test and the model picker).
	 * @param imageOnly - keep only ids that look like image models
	 */
	async listModels(imageOnly = true, signal?: AbortSignal): Promise<string[]> {
		const ctx = this.errorContext(undefined, signal);
		const ids: string[] = [];
		try {
			const pager = await this.ai.models.list({ config: { pageSize: 100, abortSignal: signal } });
			for await (const model of pager) {
				const id = (model.name ?? '').replace(/^(models\/|publishers\/google\/models\/)/, '');
				if (id && (!imageOnly || isImageModelId(id))) ids.push(id);
				if (ids.length >= 1000) break;
			}
		} catch (error) {
			throw mapProviderError(error, ctx);
		}
		return ids;
	}

	errorContext(model: string | undefined, signal?: AbortSignal): ErrorContext {
		return {
			providerName: PROVIDER_NAMES[this.config.provider],
			model,
			secrets: secretsOf(this.config),
			timeoutMs: this.timeoutMs,
			signal,
		};
	}
}

/**
 * The fetch the SDK would use (Node's, through Undici's global dispatcher with Undici's own
 * 300 s header/body timeouts off, as the SDK does: the per-call timeout is the SDK's abort
 * timer, and Timeout may be up to 20 minutes), noting the Retry-After header of a failed answer
 * in the calling generate()'s trace, since the SDK turns the answer into an ApiError without
 * its headers.
 */
function tracingFetch(traces: AsyncLocalStorage<CallTrace>): typeof fetch {
	return async (input, init) => {
		const withDispatcher = init && 'dispatcher' in init ? init : { ...init, dispatcher: UNTIMED_DISPATCHER };
		const response = await fetch(input, withDispatcher as RequestInit);
		if (!response.ok) {
			const trace = traces.getStore();
			if (trace) trace.retryAfter = response.headers.get('retry-after');
		}
		return response;
	};
}

interface UndiciDispatcher {
	dispatch(options: Record<string, unknown>, handler: unknown): boolean;
}
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** Node's global Undici dispatcher, without its default headersTimeout/bodyTimeout (300 s each). */
const UNTIMED_DISPATCHER: UndiciDispatcher = {
	dispatch(options, handler) {
		const globals = globalThis as unknown as Record<symbol, UndiciDispatcher | undefined>;
		// Node creates its global dispatcher lazily; building Headers does it.
		if (!globals[GLOBAL_DISPATCHER]) new Headers();
		const global = globals[GLOBAL_DISPATCHER];
		if (!global || typeof global.dispatch !== 'function') throw new Error('Undici globalDispatcher is not available.');
		return global.dispatch({ ...options, headersTimeout: 0, bodyTimeout: 0 }, handler);
	},
};

function createGenAI(config: ProviderConfig, timeoutMs: number, authClient: unknown, fetchFn: typeof fetch): GoogleGenAI {
	const headers: Record<string, string> = {};
	if (config.authHeader === 'bearer' && config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`;
	const httpOptions = {
		baseUrl: config.baseUrl,
		apiVersion: config.apiVersion,
		timeout: timeoutMs,
		headers,
		fetch: fetchFn,
	};
	if (config.provider !== 'vertex') {
		return new GoogleGenAI({ apiKey: config.apiKey, httpOptions });
	}
	const vertex = config.vertex;
	if (vertex?.auth === 'express') {
		return new GoogleGenAI({ vertexai: true, apiKey: config.apiKey, httpOptions });
	}
	const googleAuthOptions: Record<string, unknown> = {
		scopes: ['https://www.googleapis.com/auth/cloud-platform'],
	};
	if (authClient) googleAuthOptions.authClient = authClient;
	else googleAuthOptions.credentials = vertex?.serviceAccount;
	return new GoogleGenAI({
		vertexai: true,
		project: vertex?.project,
		location: vertex?.location,
		googleAuthOptions,
		httpOptions,
	});
}

function toParts(request: ImageRequest): Part[] {
	return request.parts.map((part) =>
		'text' in part
			? { text: part.text }
			: { inlineData: { mimeType: part.image.mimeType, data: part.image.data.toString('base64') } },
	);
}

function toConfig(request: ImageRequest, signal?: AbortSignal): GenerateContentConfig {
	const config: GenerateContentConfig = {
		responseModalities: request.includeText === false ? ['IMAGE'] : ['TEXT', 'IMAGE'],
		abortSignal: signal,
	};
	const imageConfig: { aspectRatio?: string; imageSize?: string } = {};
	if (request.aspectRatio) imageConfig.aspectRatio = request.aspectRatio;
	if (request.imageSize) imageConfig.imageSize = request.imageSize;
	if (Object.keys(imageConfig).length > 0) config.imageConfig = imageConfig;
	if (request.seed !== undefined) config.seed = request.seed;
	if (request.temperature !== undefined) config.temperature = request.temperature;
	return config;
}
