/**
 * Builds the engine's EditContext for one node execution from the node's "Options": one
 * limiter, one retry policy and one client shared by all items of the execution.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { Limiter } from '../../engine/core/limiter';
import { resolveRetryPolicy } from '../../engine/core/retry';
import { parsePriceOverrides } from '../../engine/cost/prices';
import { integerInRange, numberInRange, numeric } from '../../engine/core/validate';
import type { EditContext, EditOptions } from '../../engine/strategies/edit-call';
import type { ImageSize } from '../../engine/provider/models';
import { geminiClient, loadProvider, type ProviderSession } from './provider';

export interface NodeEditSetup {
	session: ProviderSession;
	ctx: EditContext;
	maxPixels: number;
}

/** The execution-wide Options (throughput, retries, timeout, pixel limit), checked. */
export interface ExecutionOptions {
	maxConcurrent: number;
	requestsPerMinute: number;
	maxRetries: number;
	timeoutMs: number;
	maxPixels: number;
}

/**
 * Reads and checks the execution-wide Options with the names the user sees. A NaN timeout or
 * pixel limit would otherwise switch the protection off silently.
 * @throws {EngineError} invalidInput "Expected an integer between 1 and 1000 for Max Concurrent Requests but received 0"
 */
export function executionOptions(options: IDataObject): ExecutionOptions {
	return {
		maxConcurrent: integerInRange('Max Concurrent Requests', numeric(options.maxConcurrent ?? 4), 1, 1000),
		requestsPerMinute: integerInRange('Max Requests per Minute', numeric(options.requestsPerMinute ?? 0), 0, 1_000_000),
		maxRetries: integerInRange('Max Retries', numeric(options.maxRetries ?? 3), 0, 10),
		timeoutMs: numberInRange('Timeout (Seconds)', numeric(options.timeoutSeconds ?? 180), 0.1, 3600) * 1000,
		maxPixels: numberInRange('Max Input Megapixels', numeric(options.maxInputMegapixels ?? 100), 0.01, 1000) * 1_000_000,
	};
}

const DEFAULT_EXECUTION_OPTIONS = executionOptions({});

/**
 * The execution-wide Options of item 0, or the defaults when they are invalid: the invalid value
 * is then reported on each item by {@link editOptionsFor} (an error thrown here would make n8n
 * pass every input item through unedited under "Continue On Fail").
 */
export function executionOptionsOrDefaults(options: IDataObject): ExecutionOptions {
	try {
		return executionOptions(options);
	} catch {
		return DEFAULT_EXECUTION_OPTIONS;
	}
}

/** Reads Options shared by the AI nodes (item 0: execution-wide settings). */
export async function setupEdit(fn: IExecuteFunctions): Promise<NodeEditSetup> {
	const options = fn.getNodeParameter('options', 0, {}) as IDataObject;
	const session = await loadProvider(fn);
	const execution = executionOptionsOrDefaults(options);
	const ctx: EditContext = {
		provider: session.config.provider,
		transport: geminiClient(session, execution.timeoutMs),
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
	return { session, ctx, maxPixels: execution.maxPixels };
}

/** -1, empty or absent: the option is not set. */
const unset = (value: unknown): boolean => value === undefined || value === null || value === '' || value === -1 || value === '-1';

/**
 * The per-item image options (they may use expressions). Also checks the item's execution-wide
 * Options, so a bad value becomes this item's error.
 * @throws {EngineError} invalidInput naming the option, with the value as given
 */
export function editOptionsFor(fn: IExecuteFunctions, itemIndex: number): EditOptions {
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	executionOptions(options);
	const model = fn.getNodeParameter('model', itemIndex, '', { extractValue: true }) as string;
	return {
		model,
		imageSize: (options.imageSize || undefined) as ImageSize | undefined,
		aspectRatio: (options.aspectRatio as string | undefined) ?? 'match',
		seed: unset(options.seed) ? undefined : integerInRange('Seed', numeric(options.seed), 0, 2_147_483_647),
		temperature: unset(options.temperature) ? undefined : numberInRange('Temperature', numeric(options.temperature), 0, 2),
		restoreInputSize: Boolean(options.restoreInputSize),
	};
}
