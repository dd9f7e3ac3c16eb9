/**
 * The one error model of the engine. Every provider failure, bad parameter and bad image
 * becomes an {@link EngineError} with a `kind`; the n8n layer maps kinds to NodeApiError /
 * NodeOperationError, the retry policy reads `retryable` and `retryAfterMs`.
 */

/** What went wrong, in terms a user can act on. */
export type ErrorKind =
	/** 429 / RESOURCE_EXHAUSTED: slow down; `retryAfterMs` holds the server's RetryInfo / Retry-After. */
	| 'rateLimit'
	/** 503 / UNAVAILABLE: the model is overloaded, try again later. */
	| 'overloaded'
	/** 500, 502, 504: the provider failed. */
	| 'server'
	/** No answer within the per-call timeout. */
	| 'timeout'
	/** Connection refused, reset, DNS failure. */
	| 'network'
	/** The answer could not be read (truncated JSON, wrong content type). */
	| 'invalidResponse'
	/** Bad or missing key, no permission. */
	| 'auth'
	/** The model id does not exist for this provider. */
	| 'modelNotFound'
	/** The model existed but was shut down; the message names the replacement. */
	| 'modelRetired'
	/** The provider rejected the request (400 INVALID_ARGUMENT, 422). */
	| 'invalidArgument'
	/** The prompt or the generated image was blocked by safety filters. */
	| 'safetyBlock'
	/** The model answered without an image (text-only refusal, NO_IMAGE, IMAGE_OTHER). */
	| 'noImage'
	/** A parameter or an input image is not acceptable (caught before any call). */
	| 'invalidInput'
	/** The execution's money or call budget is used up. */
	| 'budgetExceeded'
	/** The execution was cancelled. */
	| 'cancelled';

/** Kinds that may succeed when the same call is made again. */
const RETRYABLE: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
	'rateLimit',
	'overloaded',
	'server',
	'timeout',
	'network',
	'invalidResponse',
]);

export interface EngineErrorOptions {
	/** HTTP status the provider answered with, if any. */
	httpStatus?: number;
	/** Minimum wait before a retry, from RetryInfo.retryDelay or Retry-After (ms). */
	retryAfterMs?: number;
	/** The parameter at fault, for `invalidInput` / `invalidArgument`. */
	parameter?: string;
	/** Longer explanation or the provider's own words (never contains secrets). */
	description?: string;
	/** Provider-specific reason (blockReason, finishReason, ErrorInfo reason). */
	reason?: string;
	/** Override the retryable default of the kind. */
	retryable?: boolean;
	cause?: unknown;
}

export class EngineError extends Error {
	readonly kind: ErrorKind;
	readonly retryable: boolean;
	readonly httpStatus?: number;
	readonly retryAfterMs?: number;
	readonly parameter?: string;
	readonly description?: string;
	readonly reason?: string;

	constructor(kind: ErrorKind, message: string, options: EngineErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'EngineError';
		this.kind = kind;
		this.retryable = options.retryable ?? RETRYABLE.has(kind);
		this.httpStatus = options.httpStatus;
		this.retryAfterMs = options.retryAfterMs;
		this.parameter = options.parameter;
		this.description = options.description;
		this.reason = options.reason;
	}
}

export function isEngineError(error: unknown): error is EngineError {
	return error instanceof EngineError;
}

/** True for kinds that the retry policy may try again. */
export function isRetryableKind(kind: ErrorKind): boolean {
	return RETRYABLE.has(kind);
}
