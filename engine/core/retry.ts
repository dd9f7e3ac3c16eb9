/**
 * The one retry policy: exponential backoff with jitter, at least the server's RetryInfo /
 * Retry-After delay, bounded attempts and total time, and only for retryable errors.
 * Every AI call in every node goes through {@link withRetry}.
 */
import { EngineError, isEngineError } from './errors';
import { integerInRange, numberInRange } from './validate';

export interface RetryPolicy {
	/** Attempts in total, the first call included (1 = never retry). @default 4 */
	maxAttempts: number;
	/** Backoff before the first retry (ms); doubles each retry. @default 1000 */
	baseDelayMs: number;
	/** Cap on one backoff (ms), not on a server-requested delay. @default 30000 */
	maxDelayMs: number;
	/** Give up when the next wait would end later than this after the first attempt (ms). @default 300000 */
	maxTotalMs: number;
	/** Randomise each backoff in [50 %, 100 %] so parallel callers do not retry in lockstep. @default true */
	jitter: boolean;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	maxAttempts: 4,
	baseDelayMs: 1000,
	maxDelayMs: 30_000,
	maxTotalMs: 300_000,
	jitter: true,
});

/** What {@link withRetry} reports before it waits. */
export interface RetryEvent {
	/** The attempt that failed, counting from 1. */
	attempt: number;
	error: EngineError;
	/** How long it will wait before the next attempt (ms). */
	delayMs: number;
}

export interface RetryHooks {
	/** Called before each wait; for logs and metrics. */
	onRetry?: (event: RetryEvent) => void;
	/** Aborts waiting and further attempts (n8n execution cancelled). */
	signal?: AbortSignal;
	/** Injectable clock and randomness; tests and benchmarks only. */
	now?: () => number;
	random?: () => number;
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Validates a partial policy and fills in defaults.
 * @example resolveRetryPolicy({ maxAttempts: 2 })
 * @throws {EngineError} invalidInput for out-of-range values
 */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
	const p = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(partial) };
	return {
		maxAttempts: integerInRange('maxAttempts', p.maxAttempts, 1, 20),
		baseDelayMs: numberInRange('baseDelayMs', p.baseDelayMs, 0, 600_000),
		maxDelayMs: numberInRange('maxDelayMs', p.maxDelayMs, 0, 3_600_000),
		maxTotalMs: numberInRange('maxTotalMs', p.maxTotalMs, 0, 24 * 3_600_000),
		jitter: Boolean(p.jitter),
	};
}

/**
 * The wait before retry number `retry` (1 = first retry): exponential backoff, jittered,
 * never shorter than what the server asked for.
 */
export function retryDelay(policy: RetryPolicy, retry: number, error: EngineError, random: () => number): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
	const backoff = policy.jitter ? exponential * (0.5 + 0.5 * random()) : exponential;
	return Math.ceil(Math.max(backoff, error.retryAfterMs ?? 0));
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, or the policy's bounds are hit.
 * Errors that are not EngineErrors are never retried.
 *
 * @example const result = await withRetry(() => client.generate(request), policy, { onRetry: log });
 * @param fn - one attempt; receives the attempt number (from 1)
 * @param policy - see {@link RetryPolicy}
 * @throws the last attempt's error; EngineError 'cancelled' when the signal aborts a wait
 */
export async function withRetry<T>(
	fn: (attempt: number) => Promise<T>,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	hooks: RetryHooks = {},
): Promise<T> {
	const now = hooks.now ?? Date.now;
	const random = hooks.random ?? Math.random;
	const sleep = hooks.sleep ?? abortableSleep;
	const started = now();
	for (let attempt = 1; ; attempt++) {
		throwIfAborted(hooks.signal);
		try {
			return await fn(attempt);
		} catch (error) {
			if (!isEngineError(error) || !error.retryable || attempt >= policy.maxAttempts) throw error;
			const delayMs = retryDelay(policy, attempt, error, random);
			if (now() + delayMs - started > policy.maxTotalMs) throw error;
			hooks.onRetry?.({ attempt, error, delayMs });
			await sleep(delayMs, hooks.signal);
		}
	}
}

/** setTimeout as a promise that rejects with EngineError 'cancelled' when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(cancelledError());
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(cancelledError());
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export function throwIfAborted(signal?: AbortSignal): void {
	if (signal?.aborted) throw cancelledError();
}

function cancelledError(): EngineError {
	return new EngineError('cancelled', 'The execution was cancelled');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
