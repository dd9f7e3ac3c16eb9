/**
 * Runs a node's per-item work concurrently through the shared limiter, keeping item order,
 * pairedItem, and n8n's continueOnFail contract: every input item ends as output item(s) or
 * an error item; without continueOnFail the first failing item (by index) stops the node.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { Limiter } from '../../engine/core/limiter';
import { toNodeError, errorItemJson } from './errors';

export interface RunItemsOptions {
	/** Items processed at once. @default 4 */
	concurrency?: number;
	/** Secrets to scrub from error messages. */
	secrets?: readonly string[];
}

/**
 * @param work - produces the output items of one input item; pairedItem is filled in if absent
 */
export async function runItems(
	ctx: IExecuteFunctions,
	options: RunItemsOptions,
	work: (itemIndex: number, signal: AbortSignal) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const limiter = new Limiter({ maxConcurrent: options.concurrency ?? 4 });
	const stop = new AbortController();
	const external = ctx.getExecutionCancelSignal?.();
	external?.addEventListener('abort', () => stop.abort(), { once: true });
	const continueOnFail = ctx.continueOnFail();

	const results = await Promise.allSettled(
		items.map((_, itemIndex) =>
			limiter.run(async () => {
				const produced = await work(itemIndex, stop.signal);
				return produced.map((item) => ({ ...item, pairedItem: item.pairedItem ?? { item: itemIndex } }));
			}, stop.signal).catch((error: unknown) => {
				// Without continueOnFail the node fails: do not start items that are still waiting.
				if (!continueOnFail) stop.abort();
				throw error;
			}),
		),
	);

	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < results.length; itemIndex++) {
		const result = results[itemIndex];
		if (result.status === 'fulfilled') {
			out.push(...result.value);
			continue;
		}
		if (continueOnFail) {
			out.push({ json: errorItemJson(result.reason, itemIndex, options.secrets), pairedItem: { item: itemIndex } });
			continue;
		}
		throw toNodeError(ctx.getNode(), firstRealError(results) ?? result.reason, firstRealIndex(results, itemIndex), options.secrets);
	}
	return out;
}

/** The first failure that is not a cancellation caused by another item's failure. */
function firstRealError(results: PromiseSettledResult<unknown>[]): unknown {
	const index = firstRealIndex(results, -1);
	return index >= 0 ? (results[index] as PromiseRejectedResult).reason : undefined;
}

function firstRealIndex(results: PromiseSettledResult<unknown>[], fallback: number): number {
	const index = results.findIndex(
		(r) => r.status === 'rejected' && (r.reason as { kind?: string })?.kind !== 'cancelled',
	);
	return index >= 0 ? index : fallback;
}

/**
 * The result of a failure that concerns every item (the credential, the execution's options,
 * the pre-run estimate): with continueOnFail one error item per input item, so no item passes
 * through unedited as if it had been processed; otherwise the node fails, naming item 0.
 *
 * @example
 * let setup;
 * try { setup = await setupEdit(this); } catch (error) { return [failEveryItem(this, error)]; }
 */
export function failEveryItem(ctx: IExecuteFunctions, error: unknown, secrets: readonly string[] = []): INodeExecutionData[] {
	if (!ctx.continueOnFail()) throw toNodeError(ctx.getNode(), error, 0, secrets);
	return ctx.getInputData().map((_, itemIndex) => ({ json: errorItemJson(error, itemIndex, secrets), pairedItem: { item: itemIndex } }));
}
