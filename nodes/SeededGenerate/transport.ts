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
import { numberInRange, numeric } from '../../engine/core/validate';
import { executionOptionsOrDefaults } from '../shared/edit-context';
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
	// Invalid values fall back to the defaults here and are reported on each item (readOptions).
	const execution = executionOptionsOrDefaults(options);
	const timeoutMs = execution.timeoutMs;
	const maxDownloadBytes = maxDownloadBytesOrDefault(options);
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
			maxConcurrent: execution.maxConcurrent,
			requestsPerMinute: execution.requestsPerMinute,
		}),
		retry: resolveRetryPolicy({ maxAttempts: execution.maxRetries + 1 }),
		prices: parsePriceOverrides(options.priceOverrides),
		signal: fn.getExecutionCancelSignal?.(),
		onRetry: ({ attempt, error, delayMs }) =>
			fn.logger.warn(`${fn.getNode().name}: attempt ${attempt} failed (${error.kind}); retrying in ${delayMs} ms`),
	};
	return { ctx, secrets, maxPixels: execution.maxPixels };
}

/**
 * Max Download Size (MB) in bytes, checked.
 * @throws {EngineError} invalidInput "Expected a number between 0.001 and 1000 for Max Download Size (MB) ..."
 */
export function maxDownloadBytes(options: IDataObject): number {
	return numberInRange('Max Download Size (MB)', numeric(options.maxDownloadMegabytes ?? 50), 0.001, 1000) * 1024 * 1024;
}

function maxDownloadBytesOrDefault(options: IDataObject): number {
	try {
		return maxDownloadBytes(options);
	} catch {
		return maxDownloadBytes({});
	}
}
