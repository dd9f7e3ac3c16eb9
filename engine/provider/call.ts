/**
 * One image call the way every node makes it: each attempt waits for the shared limiter,
 * failures go through the shared retry policy, and the result carries the attempt count.
 */
import type { Limiter } from '../core/limiter';
import { withRetry, type RetryEvent, type RetryPolicy } from '../core/retry';
import type { ImageRequest, ImageResult } from './image-request';

/** Anything that makes one image call (Gemini client, OpenAI-images client, ...). */
export interface ImageTransport<Req = ImageRequest, Res = Omit<ImageResult, 'attempts'>> {
	generate(request: Req, signal?: AbortSignal): Promise<Res>;
}

export interface CallOptions {
	limiter: Limiter;
	retry: RetryPolicy;
	signal?: AbortSignal;
	onRetry?: (event: RetryEvent) => void;
}

/**
 * Makes `request` with limits and retries.
 * @example const result = await callWithPolicy(client, request, { limiter, retry: DEFAULT_RETRY_POLICY });
 * @throws {EngineError} the last attempt's error when retries are exhausted or not allowed
 */
export async function callWithPolicy<Req = ImageRequest, Res = Omit<ImageResult, 'attempts'>>(
	transport: ImageTransport<Req, Res>,
	request: Req,
	options: CallOptions,
): Promise<Res & { attempts: number }> {
	let attempts = 0;
	const result = await withRetry(
		(attempt) => {
			attempts = attempt;
			return options.limiter.run(() => transport.generate(request, options.signal), options.signal);
		},
		options.retry,
		{ signal: options.signal, onRetry: options.onRetry },
	);
	return { ...result, attempts };
}
