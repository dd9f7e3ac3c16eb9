/**
 * The one error mapper: turns whatever a provider call threw (the SDK's ApiError, a fetch
 * failure, an abort, a JSON parse error, an OpenAI-style or WebUI error body) into an
 * {@link EngineError} with a message a user can act on.
 */
import { EngineError, isEngineError } from '../core/errors';
import { redactSecrets } from '../core/redact';
import { retiredModel } from './models';

export interface ErrorContext {
	/** Human name of the provider, e.g. 'Google AI Studio'. */
	providerName: string;
	model?: string;
	/** Secrets to scrub from any text we pass on. */
	secrets?: readonly string[];
	/** The per-call timeout in force (ms), for the timeout message. */
	timeoutMs?: number;
	/** The caller's abort signal: an abort it caused is a cancellation, not a timeout. */
	signal?: AbortSignal;
	/** Retry-After header of the failed response, when the transport saw it. */
	retryAfterHeader?: string | null;
}

/** Google's error body, as in FACTS.md. */
interface GoogleErrorBody {
	code?: number;
	message?: string;
	status?: string;
	details?: Array<Record<string, unknown>>;
}

/**
 * Maps an HTTP status and error body to an EngineError.
 * @param status - HTTP status
 * @param body - parsed JSON body (Google, OpenAI or WebUI shape) or text
 */
export function mapHttpError(status: number, body: unknown, ctx: ErrorContext): EngineError {
	const google = googleError(body);
	const providerMessage = clean(google?.message ?? otherMessage(body) ?? '', ctx);
	const suffix = providerMessage ? ` The provider said: ${providerMessage}` : '';
	const model = ctx.model ? ` for model "${ctx.model}"` : '';
	const common = { httpStatus: status, description: providerMessage || undefined };

	const keyInvalid =
		status === 401 ||
		status === 403 ||
		google?.details?.some((d) => d.reason === 'API_KEY_INVALID') ||
		/api key not valid|invalid api key|invalid_api_key|unauthori[sz]ed/i.test(providerMessage);
	if (keyInvalid) {
		return new EngineError(
			'auth',
			`${ctx.providerName} rejected the credentials (HTTP ${status}). Check the API key or service account in the credential.`,
			{ ...common, reason: detailReason(google) },
		);
	}
	if (status === 429) {
		const retryAfterMs = retryInfoDelay(google) ?? retryAfterHeaderMs(ctx.retryAfterHeader);
		const wait = retryAfterMs !== undefined ? ` The provider asks to wait ${formatSeconds(retryAfterMs)}.` : '';
		return new EngineError(
			'rateLimit',
			`Rate limit or quota exceeded${model} (HTTP 429).${wait} Lower "Max Requests per Minute" or "Max Concurrent Requests", or raise your quota.`,
			{ ...common, retryAfterMs, reason: google?.status },
		);
	}
	if (status === 503) {
		return new EngineError('overloaded', `The model is overloaded${model} (HTTP 503). It will be retried; if it persists, try again later or use another model.`, {
			...common,
			retryAfterMs: retryAfterHeaderMs(ctx.retryAfterHeader),
		});
	}
	if (status === 404) {
		const retired = ctx.model ? retiredModel(ctx.model) : undefined;
		if (retired) {
			const since = retired.since ? ` on ${retired.since}` : '';
			return new EngineError('modelRetired', `Model "${ctx.model}" was shut down${since}. Use ${retired.use} instead.`, common);
		}
		if (ctx.model) {
			return new EngineError(
				'modelNotFound',
				`Model "${ctx.model}" was not found at ${ctx.providerName} (HTTP 404). Pick a model from the list, or check the id and the credential's API version.${suffix}`,
				common,
			);
		}
		return new EngineError('invalidArgument', `${ctx.providerName} answered HTTP 404 (not found).${suffix}`, common);
	}
	if (status === 408 || status === 504) {
		return new EngineError('timeout', `${ctx.providerName} timed out (HTTP ${status}).${suffix}`, common);
	}
	if (status >= 500) {
		return new EngineError('server', `${ctx.providerName} had an internal error (HTTP ${status}). It will be retried.${suffix}`, common);
	}
	if (status === 400 || status === 422 || status === 413) {
		return new EngineError('invalidArgument', `${ctx.providerName} rejected the request (HTTP ${status}).${suffix || ' No reason given.'}`, {
			...common,
			reason: google?.status,
		});
	}
	return new EngineError('invalidArgument', `${ctx.providerName} answered HTTP ${status}.${suffix}`, common);
}

/**
 * Maps anything a provider call threw to an EngineError (EngineErrors pass through).
 * @example catch (e) { throw mapProviderError(e, { providerName: 'APIYI', model }) }
 */
export function mapProviderError(error: unknown, ctx: ErrorContext): EngineError {
	if (isEngineError(error)) return error;
	const err = error as { name?: string; status?: unknown; message?: unknown; cause?: unknown; code?: unknown };
	const message = typeof err?.message === 'string' ? err.message : String(error);

	// The SDK's ApiError: message is the JSON error body.
	if (err?.name === 'ApiError' && typeof err.status === 'number') {
		return mapHttpError(err.status, parseJson(message) ?? message, ctx);
	}
	if (err?.name === 'AbortError' || err?.name === 'TimeoutError' || /aborted|timed? ?out/i.test(message)) {
		if (ctx.signal?.aborted) return new EngineError('cancelled', 'The execution was cancelled', { cause: error });
		const after = ctx.timeoutMs ? ` after ${formatSeconds(ctx.timeoutMs)}` : '';
		return new EngineError('timeout', `${ctx.providerName} did not answer${after}. Raise "Timeout" if large images need longer.`, {
			cause: error,
		});
	}
	if (error instanceof SyntaxError || /JSON|Unexpected end|Unterminated/i.test(message)) {
		return new EngineError('invalidResponse', `${ctx.providerName} sent an answer that could not be read (incomplete or not JSON).`, {
			cause: error,
			description: clean(message, ctx),
		});
	}
	const code = networkCode(error);
	if (code || /fetch failed|socket|ECONN|EPIPE|other side closed/i.test(message)) {
		return new EngineError('network', `Could not reach ${ctx.providerName}${code ? ` (${code})` : ''}. Check the Base URL and the network.`, {
			cause: error,
			description: clean(message, ctx),
		});
	}
	return new EngineError('invalidResponse', `Unexpected error from ${ctx.providerName}: ${clean(message, ctx)}`, { cause: error });
}

/** Parses Google's `retryDelay` ("47s", "0.3s", "1.5s") from a RetryInfo detail. */
export function retryInfoDelay(error: GoogleErrorBody | undefined): number | undefined {
	const info = error?.details?.find((d) => String(d['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
	const delay = info?.retryDelay;
	if (typeof delay === 'string') {
		const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
		if (match) return Math.round(Number(match[1]) * 1000);
	}
	if (typeof delay === 'object' && delay !== null) {
		const d = delay as { seconds?: number | string; nanos?: number };
		return Math.round(Number(d.seconds ?? 0) * 1000 + Number(d.nanos ?? 0) / 1e6);
	}
	return undefined;
}

/** Parses a Retry-After header: delta-seconds or an HTTP date. */
export function retryAfterHeaderMs(value: string | null | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function googleError(body: unknown): GoogleErrorBody | undefined {
	if (body && typeof body === 'object' && 'error' in body) {
		const error = (body as { error: unknown }).error;
		if (error && typeof error === 'object') return error as GoogleErrorBody;
	}
	return undefined;
}

/** Messages from OpenAI-style ({error:{message}}), WebUI ({detail}) and ComfyUI bodies, or plain text. */
function otherMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.slice(0, 500);
	if (!body || typeof body !== 'object') return undefined;
	const b = body as { detail?: unknown; message?: unknown; error?: unknown };
	if (typeof b.detail === 'string') return b.detail;
	if (Array.isArray(b.detail)) {
		return b.detail
			.map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).join('.')}: ${d.msg ?? ''}`)
			.join('; ');
	}
	if (typeof b.message === 'string') return b.message;
	return undefined;
}

function detailReason(error: GoogleErrorBody | undefined): string | undefined {
	const reason = error?.details?.find((d) => typeof d.reason === 'string')?.reason;
	return typeof reason === 'string' ? reason : error?.status;
}

function networkCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 4; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
		// Undici sometimes only names the code in the message ("connect ECONNREFUSED 127.0.0.1:9").
		const inMessage = /\b(E(?:CONNREFUSED|CONNRESET|NOTFOUND|TIMEDOUT|HOSTUNREACH|NETUNREACH|PIPE|AI_AGAIN))\b/.exec(String((current as { message?: unknown }).message ?? ''));
		if (inMessage) return inMessage[1];
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function clean(text: string, ctx: ErrorContext): string {
	return redactSecrets(text, ctx.secrets ?? []).trim().slice(0, 1000);
}

function formatSeconds(ms: number): string {
	return ms < 10_000 ? `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s` : `${Math.round(ms / 1000)} s`;
}
