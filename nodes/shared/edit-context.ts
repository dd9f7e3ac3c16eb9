/**
 * Builds the engine's EditContext for one node execution from the node's "Options": one
 * limiter, one retry policy and one client shared by all items of the execution.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { Limiter } from '../../engine/core/limiter';
import { resolveRetryPolicy } from '../../engine/core/retry';
import { parsePriceOverrides } from '../../engine/cost/prices';
import type { EditContext, EditOptions } from '../../engine/strategies/edit-call';
import type { ImageSize } from '../../engine/provider/models';
import { geminiClient, loadProvider, type ProviderSession } from './provider';

export interface NodeEditSetup {
	session: ProviderSession;
	ctx: EditContext;
	maxPixels: number;
}

/** Reads Options shared by the AI nodes (item 0: execution-wide settings). */
export async function setupEdit(fn: IExecuteFunctions): Promise<NodeEditSetup> {
	const options = fn.getNodeParameter('options', 0, {}) as IDataObject;
	const session = await loadProvider(fn);
	const timeoutMs = Number(options.timeoutSeconds ?? 180) * 1000;
	const ctx: EditContext = {
		provider: session.config.provider,
		transport: geminiClient(session, timeoutMs),
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
	return { session, ctx, maxPixels: Number(options.maxInputMegapixels ?? 100) * 1_000_000 };
}

/** The per-item image options (they may use expressions). */
export function editOptionsFor(fn: IExecuteFunctions, itemIndex: number): EditOptions {
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const model = fn.getNodeParameter('model', itemIndex, '', { extractValue: true }) as string;
	const seed = Number(options.seed ?? -1);
	const temperature = Number(options.temperature ?? -1);
	return {
		model,
		imageSize: (options.imageSize || undefined) as ImageSize | undefined,
		aspectRatio: (options.aspectRatio as string | undefined) ?? 'match',
		seed: seed >= 0 ? seed : undefined,
		temperature: temperature >= 0 ? temperature : undefined,
		restoreInputSize: Boolean(options.restoreInputSize),
	};
}
