/**
 * Gemini-style image generation and editing through @google/genai, for every provider mode:
 * Google AI Studio, APIYI and other Gemini-native gateways (custom base URL and API version),
 * and Vertex AI (service account or express-mode API key). The only place that builds a
 * GoogleGenAI client.
 */
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

/** One configured Gemini client. Stateless apart from the SDK instance; create one per execution. */
export class GeminiImageClient {
	readonly config: ProviderConfig;
	readonly timeoutMs: number;
	private readonly ai: GoogleGenAI;

	constructor(config: ProviderConfig, options: GeminiClientOptions = {}) {
		if (!config.apis.includes('gemini')) {
			throw new EngineError('invalidInput', `This credential's gateway does not speak the Gemini API; enable "Gemini API" under Gateway APIs`, {
				parameter: 'gatewayApis',
			});
		}
		this.config = config;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.ai = createGenAI(config, this.timeoutMs, options.authClient);
	}

	/**
	 * Makes ONE generateContent call (no retry; wrap in withRetry and a Limiter).
	 * @throws {EngineError} of any provider kind, see error-mapping.ts and gemini-response.ts
	 */
	async generate(request: ImageRequest, signal?: AbortSignal): Promise<Omit<ImageResult, 'attempts'>> {
		const ctx = this.errorContext(request.model, signal);
		const started = performance.now();
		let response;
		try {
			response = await this.ai.models.generateContent({
				model: request.model,
				contents: [{ role: 'user', parts: toParts(request) }],
				config: toConfig(request, signal),
			});
		} catch (error) {
			throw mapProviderError(error, ctx);
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
		let response;
		try {
			response = await this.ai.models.generateImages({
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
			});
		} catch (error) {
			throw mapProviderError(error, ctx);
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

function createGenAI(config: ProviderConfig, timeoutMs: number, authClient: unknown): GoogleGenAI {
	const headers: Record<string, string> = {};
	if (config.authHeader === 'bearer' && config.apiKey) headers.Authorization = `Bearer ${config.apiKey}`;
	const httpOptions = {
		baseUrl: config.baseUrl,
		apiVersion: config.apiVersion,
		timeout: timeoutMs,
		headers,
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
