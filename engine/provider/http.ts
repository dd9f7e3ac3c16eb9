/**
 * The one bounded HTTP client for transports that do not go through an SDK (OpenAI-style
 * gateways, Stable Diffusion WebUI, ComfyUI) and for downloading result files: a per-call
 * timeout through an AbortSignal, a cap on the response size, http/https only, redirects
 * followed by hand and re-checked at every hop (scheme, count, no https -> http downgrade,
 * credentials dropped when the origin changes), Retry-After handed to the error mapper, and
 * no secret or signed query string in any message.
 */
import { EngineError } from '../core/errors';
import { redactSecrets } from '../core/redact';
import { mapHttpError, mapProviderError, type ErrorContext } from './error-mapping';

/** Per-call timeout when none is given (ms). */
export const DEFAULT_HTTP_TIMEOUT_MS = 180_000;
/** Largest response body accepted when none is given: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Redirects followed (GET only) when none is given. */
export const DEFAULT_MAX_REDIRECTS = 3;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One request. Bodies are JSON text or multipart form data. */
export interface HttpCall {
	method: 'GET' | 'POST';
	url: string;
	headers?: Record<string, string>;
	body?: string | FormData;
}

/** Bounds and context of one call. */
export interface HttpLimits {
	/** Human name of the server, for messages, e.g. 'Stable Diffusion WebUI'. */
	providerName: string;
	/** Model id, so a 404 can say "model not found" (leave unset when a 404 means something else). */
	model?: string;
	/** Whole call, headers and body, in ms. @default 180000 */
	timeoutMs?: number;
	/** Largest response body accepted, in bytes. @default 67108864 (64 MiB) */
	maxBytes?: number;
	/** Redirects followed; only GET requests follow redirects. @default 3 */
	maxRedirects?: number;
	/** The caller's cancel signal (n8n execution cancelled). */
	signal?: AbortSignal;
	/** Secrets (keys, passwords) scrubbed from every message. */
	secrets?: readonly string[];
}

/** A complete answer (body read within the limits). */
export interface HttpResponse {
	status: number;
	headers: Headers;
	body: Buffer;
	/** The URL that answered, after redirects. */
	url: string;
}

/**
 * Makes one request within the limits and returns the final answer, whatever its status.
 *
 * @example const res = await httpRequest({ method: 'GET', url }, { providerName: 'ComfyUI', timeoutMs: 10_000 });
 * @param call - method, URL, headers and body
 * @param limits - see {@link HttpLimits}; every bound has a default
 * @throws {EngineError} 'timeout' (or 'cancelled' when `limits.signal` aborted), 'network', and
 *   'invalidResponse' for a body over `maxBytes`, a redirect to another scheme, an https -> http
 *   downgrade, too many redirects, or a redirect answered to a POST
 */
export async function httpRequest(call: HttpCall, limits: HttpLimits): Promise<HttpResponse> {
	const timeoutMs = limits.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
	const maxBytes = limits.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
	const maxRedirects = limits.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
	const timeout = AbortSignal.timeout(timeoutMs);
	const signal = limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout;
	const ctx = errorContext(limits, timeoutMs);
	let url = checkHttpUrl(call.url, `${limits.providerName} URL`);
	let headers = { ...(call.headers ?? {}) };
	try {
		for (let hop = 0; ; hop++) {
			const response = await fetch(url, { method: call.method, headers, body: call.body, redirect: 'manual', signal });
			const location = response.headers.get('location');
			if (REDIRECT_STATUSES.has(response.status) && location) {
				await response.body?.cancel().catch(() => undefined);
				const next = nextHop(url, location, call.method, hop, maxRedirects, limits.providerName);
				// Never hand credentials to another origin.
				if (next.origin !== url.origin) headers = withoutCredentials(headers);
				url = next;
				continue;
			}
			const body = await readLimited(response, maxBytes, url, limits.providerName);
			return { status: response.status, headers: response.headers, body, url: url.toString() };
		}
	} catch (error) {
		throw mapProviderError(error, ctx);
	}
}

/**
 * Makes a request that must answer 2xx with JSON, and returns the parsed body.
 * Other statuses go through the shared error mapper with the Retry-After header.
 *
 * @example const body = await httpJson({ method: 'POST', url, headers, body: JSON.stringify(payload) }, limits);
 * @param call - the request; a JSON body gets `content-type: application/json` unless set
 * @param limits - see {@link HttpLimits}
 * @param errorBody - rewrites a provider's own error body (parsed JSON or text) into one the
 *   shared mapper reads (Google, OpenAI or {detail} shape, or plain text) @default identity
 * @throws {EngineError} what {@link httpRequest} throws; a mapped provider error for non-2xx
 *   answers; 'invalidResponse' when a 2xx body is not JSON
 */
export async function httpJson(call: HttpCall, limits: HttpLimits, errorBody: (body: unknown) => unknown = (body) => body): Promise<unknown> {
	const headers: Record<string, string> = { accept: 'application/json', ...(call.headers ?? {}) };
	if (typeof call.body === 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
		headers['content-type'] = 'application/json';
	}
	const response = await httpRequest({ ...call, headers }, limits);
	const text = response.body.toString('utf8');
	if (response.status < 200 || response.status >= 300) {
		throw mapHttpError(response.status, errorBody(parseJsonOrText(text)), {
			...errorContext(limits, limits.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS),
			retryAfterHeader: response.headers.get('retry-after'),
		});
	}
	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new EngineError('invalidResponse', `${limits.providerName} sent an answer that could not be read (incomplete or not JSON).`, {
			cause: error,
			httpStatus: response.status,
			description: redactSecrets(text.slice(0, 200), limits.secrets ?? []),
		});
	}
}

/** A downloaded file. */
export interface DownloadedFile {
	data: Buffer;
	/** The server's content type, without parameters; 'application/octet-stream' when absent. */
	mimeType: string;
	/** Where it finally came from (after redirects), without query string. */
	url: string;
}

/**
 * Downloads a result file (an image URL handed out by a gateway, a ComfyUI /view file) within
 * the limits. Only http and https URLs are fetched, at every redirect.
 *
 * @example const file = await downloadFile(result.url, { providerName: 'APIYI', maxBytes: 50e6, timeoutMs: 60_000 });
 * @param url - absolute http(s) URL
 * @param limits - see {@link HttpLimits}; `headers` are sent to the first origin only
 * @param headers - e.g. basic auth for a self-hosted server @default {}
 * @throws {EngineError} 'invalidResponse' for a URL that is not http(s), a redirect to another
 *   scheme, a file over the size limit, or an error status (403/404/410: the link expired or is
 *   wrong, not retried); 'timeout' / 'network' as {@link httpRequest}
 */
export async function downloadFile(url: string, limits: HttpLimits, headers: Record<string, string> = {}): Promise<DownloadedFile> {
	const response = await httpRequest({ method: 'GET', url, headers }, limits);
	if (response.status < 200 || response.status >= 300) {
		const expired = response.status === 403 || response.status === 404 || response.status === 410;
		throw new EngineError(
			'invalidResponse',
			`Downloading the result from ${describeUrl(response.url)} failed with HTTP ${response.status}${expired ? ' (the link is wrong or has expired; gateway result links are valid for minutes only)' : ''}.`,
			{ httpStatus: response.status, retryable: response.status >= 500 || response.status === 429 },
		);
	}
	const mimeType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
	return { data: response.body, mimeType, url: describeUrl(response.url) };
}

/**
 * Parses and checks a URL: absolute, http or https, no user name or password in it.
 *
 * @example checkHttpUrl('https://cdn.example.com/a.png', 'result URL')
 * @param value - the URL text
 * @param name - what it is, for the error message
 * @throws {EngineError} 'invalidResponse' naming `name` and the scheme (never the full URL's query)
 */
export function checkHttpUrl(value: string, name: string): URL {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new EngineError('invalidResponse', `Expected an absolute http or https URL for ${name} but received ${JSON.stringify(value.slice(0, 60))}`, {
			retryable: false,
		});
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new EngineError('invalidResponse', `Expected an http or https URL for ${name} but received a ${url.protocol} URL; it is not fetched`, {
			retryable: false,
		});
	}
	if (url.username || url.password) {
		throw new EngineError('invalidResponse', `Expected a URL without a user name or password for ${name}`, { retryable: false });
	}
	return url;
}

/**
 * A URL as shown in messages and outputs: origin and path, without query string or fragment
 * (signed result URLs carry tokens there).
 * @example describeUrl('https://cdn.x.com/a.png?sig=abc') // 'https://cdn.x.com/a.png'
 * @param url - any URL; an unparsable one gives '(invalid URL)' (never throws)
 */
export function describeUrl(url: string | URL): string {
	try {
		const u = typeof url === 'string' ? new URL(url) : url;
		return `${u.origin}${u.pathname}`;
	} catch {
		return '(invalid URL)';
	}
}

/**
 * The Authorization header value for HTTP basic auth.
 * @example basicAuthorization('me', 'secret') // 'Basic bWU6c2VjcmV0'
 * @param user - user name (UTF-8)
 * @param password - password (UTF-8); may be empty
 */
export function basicAuthorization(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function nextHop(current: URL, location: string, method: string, hop: number, maxRedirects: number, providerName: string): URL {
	let next: URL;
	try {
		next = new URL(location, current);
	} catch {
		throw new EngineError('invalidResponse', `${providerName} redirected to an invalid URL`, { retryable: false });
	}
	if (method !== 'GET') {
		throw new EngineError('invalidResponse', `${providerName} answered a ${method} with a redirect to ${describeUrl(next)}; redirects are only followed for downloads. Check the Base URL.`, {
			retryable: false,
		});
	}
	if (hop >= maxRedirects) {
		throw new EngineError('invalidResponse', `${providerName} redirected more than ${maxRedirects} times (last to ${describeUrl(next)})`, { retryable: false });
	}
	if (next.protocol !== 'http:' && next.protocol !== 'https:') {
		throw new EngineError('invalidResponse', `${providerName} redirected ${describeUrl(current)} to a ${next.protocol} URL; only http and https are followed`, {
			retryable: false,
		});
	}
	if (current.protocol === 'https:' && next.protocol === 'http:') {
		throw new EngineError('invalidResponse', `${providerName} redirected from https to plain http (${describeUrl(next)}); not followed`, { retryable: false });
	}
	if (next.username || next.password) {
		throw new EngineError('invalidResponse', `${providerName} redirected to a URL with a user name or password; not followed`, { retryable: false });
	}
	return next;
}

async function readLimited(response: Response, maxBytes: number, url: URL, providerName: string): Promise<Buffer> {
	const tooLarge = (size: string) =>
		new EngineError('invalidResponse', `${providerName}: the answer from ${describeUrl(url)} is ${size}, over the limit of ${formatBytes(maxBytes)}`, {
			retryable: false,
			description: 'Raise the download size limit if such large files are expected.',
		});
	const declared = Number(response.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) {
		await response.body?.cancel().catch(() => undefined);
		throw tooLarge(formatBytes(declared));
	}
	if (!response.body) return Buffer.alloc(0);
	const reader = response.body.getReader();
	const chunks: Buffer[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > maxBytes) {
			await reader.cancel().catch(() => undefined);
			throw tooLarge(`more than ${formatBytes(maxBytes)}`);
		}
		chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
	}
	return Buffer.concat(chunks, size);
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers).filter(([name]) => !/^(authorization|cookie|x-api-key|x-goog-api-key|proxy-authorization)$/i.test(name)),
	);
}

function errorContext(limits: HttpLimits, timeoutMs: number): ErrorContext {
	return { providerName: limits.providerName, model: limits.model, secrets: limits.secrets, timeoutMs, signal: limits.signal };
}

function parseJsonOrText(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes} bytes`;
}
