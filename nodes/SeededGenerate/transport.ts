/**
 * Builds the engine's SeededContext for one node execution: the backend's transport from its
 * credential, one limiter, one retry policy and the price overrides, shared by all items.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { Limiter } from '../../engine/core/limiter';
import { resolveRetryPolicy } from '../../engine/core/retry';
import { parsePriceOverrides } from '../../engine/cost/prices';
import { ComfyUiClient } from '../../engine/provider/comfyui';
import { OpenAiImagesClient } from '../../engine/provider/openai-images';
import { SdWebuiClient } from '../../engine/provider/sd-webui';
import type { SeededTransport } from '../../engine/provider/seeded-request';
import { parseSelfHostedConfig, selfHostedSecrets, type RawSelfHostedCredential } from '../../engine/provider/self-hosted';
import { imagenTransport, type SeededBackend, type SeededContext } from '../../engine/strategies/seeded-generate';
import { geminiClient, loadProvider } from '../shared/provider';

export const SELF_HOSTED_CREDENTIAL = 'selfHostedImageApi';

export interface SeededSetup {
	ctx: SeededContext;
	secrets: string[];
	maxPixels: number;
}

/** Reads execution-wide settings (item 0) and the backend's credential. */
export async function setupSeeded(fn: IExecuteFunctions, backend: SeededBackend): Promise<SeededSetup> {
	const options = fn.getNodeParameter('options', 0, {}) as IDataObject;
	const timeoutMs = Number(options.timeoutSeconds ?? 180) * 1000;
	const maxDownloadBytes = Number(options.maxDownloadMegabytes ?? 50) * 1024 * 1024;
	let transport: SeededTransport;
	let secrets: string[];
	let provider: SeededContext['provider'];
	if (backend === 'sdWebui' || backend === 'comfyui') {
		const config = parseSelfHostedConfig((await fn.getCredentials(SELF_HOSTED_CREDENTIAL)) as RawSelfHostedCredential);
		secrets = selfHostedSecrets(config);
		transport = backend === 'sdWebui' ? new SdWebuiClient(config, { timeoutMs }) : new ComfyUiClient(config, { timeoutMs, maxDownloadBytes });
	} else {
		const session = await loadProvider(fn);
		secrets = session.secrets;
		provider = session.config.provider;
		transport =
			backend === 'openaiImages'
				? new OpenAiImagesClient(session.config, { timeoutMs, maxDownloadBytes })
				: backend === 'imagen'
					? imagenTransport(geminiClient(session, timeoutMs))
					: geminiClient(session, timeoutMs);
	}
	const ctx: SeededContext = {
		backend,
		provider,
		transport,
		limiter: new Limiter({
			maxConcurrent: Number(options.maxConcurrent ?? 4),
			requestsPerMinute: Number(options.requestsPerMinute ?? 0),
		}),
		retry: resolveRetryPolicy({ maxAttempts: Number(options.maxRetries ?? 3) + 1 }),
		prices: parsePriceOverrides(options.priceOverrides),
		signal: fn.getExecutionCancelSignal?.(),
		onRetry: ({ attempt, error, delayMs }) =>
			fn.logger.warn(`${fn.getNode().name}: attempt ${attempt} failed (${error.kind}); retrying in ${delayMs} ms`),
	};
	return { ctx, secrets, maxPixels: Number(options.maxInputMegapixels ?? 100) * 1_000_000 };
}
