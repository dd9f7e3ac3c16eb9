/**
 * The one bounded HTTP client for transports that do not go through an SDK (OpenAI-style
 * gateways, Stable Diffusion WebUI, ComfyUI) and for downloading result files: a per-call
 * timeout through an AbortSignal, a cap on the response size, http/https only, redirects
 * followed by hand and re-checked at every hop (scheme, count, no https -> http downgrade,
 * credentials dropped when the origin changes), Retry-After handed to the error mapper, and
 * no secret or signed query string in any message.
 *
 * Network policy for DOWNLOADS (result URLs a provider hands out, and every redirect hop):
 * the URL comes from a server's answer, not from the user, so it is not trusted to point
 * anywhere (server-side request forgery: a gateway, or a link it returns, that sends n8n to
 * http://169.254.169.254/ would read the cloud metadata service from inside the user's network).
 * 1. Only http: and https: URLs, without a user name or password (no file:, ftp:, data:, ...).
 * 2. Never an address no image host lives on: link-local 169.254.0.0/16 and fe80::/10 (cloud
 *    metadata endpoints), unspecified 0.0.0.0/8 and ::, multicast, broadcast and reserved
 *    ranges, also when written as an IPv4-mapped or NAT64 IPv6 address.
 * 3. When the server that handed out the URL (`HttpLimits.sourceBaseUrl`) is itself on a
 *    loopback or private address (a local gateway, a self-hosted ComfyUI on the LAN, the test
 *    fake), its result URLs may be loopback/private and plain http, like the server itself.
 * 4. Otherwise (a public gateway such as APIYI) a result URL must be https and its host must
 *    be public: loopback (127.0.0.0/8, ::1, localhost), private (10/8, 172.16/12, 192.168/16,
 *    100.64/10 shared, fc00::/7) and the ranges of rule 2 are refused, for IP literals and for
 *    what a host name resolves to (DNS is asked before the request; a rebinding between that
 *    answer and the connection is not prevented, the connection itself resolves again).
 * 5. The same checks apply to every redirect hop, plus: no https -> http downgrade, at most
 *    `maxRedirects` hops, credentials dropped when the origin changes.
 * Downloads are also bounded in size (declared Content-Length refused up front, an undeclared
 * length cut off at the limit) and in time (one timeout for headers and body together).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
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
	/**
	 * Downloads only: the Base URL of the server that handed out the URL being downloaded. A
	 * public one restricts the download to public https hosts (see the network policy at the
	 * top of this file); a loopback/private one allows its own neighbourhood. When unset, only
	 * the address ranges no image host lives on are refused.
	 */
	sourceBaseUrl?: string;
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
	return await request(call, limits, undefined);
}

/** httpRequest, with the download policy checked before every hop when `policy` is set. */
async function request(call: HttpCall, limits: HttpLimits, policy: DownloadPolicy | undefined): Promise<HttpResponse> {
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
			if (policy) await checkDownloadUrl(url, policy, `${limits.providerName} ${hop === 0 ? 'result URL' : 'redirect'}`);
			const response = await fetch(url, { method: call.method, headers, body: call.body, redirect: 'manual', signal });
			const location = response.headers.get('location');
			if (REDIRECT_STATUSES.has(response.status) && location) {
				await response.body?.cancel().catch(() => undefined);
				const next = checkRedirect(url, location, call.method, hop, maxRedirects, limits.providerName);
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
			// Redact first: cutting first could leave the start of a secret at the cut.
			description: redactSecrets(text, limits.secrets ?? []).slice(0, 200),
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
 * @throws {EngineError} 'invalidResponse' for a URL that is not http(s), a URL or redirect the
 *   network policy refuses (see the top of this file and {@link checkDownloadUrl}), a redirect to
 *   another scheme, a file over the size limit, or an error status (403/404/410: the link expired
 *   or is wrong, not retried); 'timeout' / 'network' as {@link httpRequest}
 */
export async function downloadFile(url: string, limits: HttpLimits, headers: Record<string, string> = {}): Promise<DownloadedFile> {
	const policy: DownloadPolicy = { sourceBaseUrl: limits.sourceBaseUrl };
	const response = await request({ method: 'GET', url, headers }, limits, policy);
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

/**
 * Checks one redirect: where it leads, whether it may be followed, and returns the next URL.
 *
 * @example checkRedirect(new URL('https://cdn.x.com/a'), '/b', 'GET', 0, 3, 'APIYI') // URL https://cdn.x.com/b
 * @param current - the URL that answered with the redirect
 * @param location - its Location header (absolute or relative)
 * @param method - only GET requests follow redirects
 * @param hop - redirects followed so far
 * @param maxRedirects - the limit
 * @param providerName - for messages
 * @throws {EngineError} 'invalidResponse' (not retryable) for an invalid location, a redirect
 *   answered to a POST, too many redirects, a scheme other than http/https, an https -> http
 *   downgrade, or a user name or password in the target
 */
export function checkRedirect(current: URL, location: string, method: string, hop: number, maxRedirects: number, providerName: string): URL {
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

/** What a download may reach; see the network policy at the top of this file. */
export interface DownloadPolicy {
	/** Base URL of the server that handed out the URL (undefined: only rule 2 applies). */
	sourceBaseUrl?: string;
	/**
	 * Resolves a host name to its addresses (rule 4). @default node:dns lookup, all addresses.
	 * Tests pass their own; nothing else should.
	 */
	lookup?: (hostname: string) => Promise<string[]>;
}

/** What kind of address a host is, for the network policy. */
export type AddressClass = 'loopback' | 'private' | 'linkLocal' | 'unspecified' | 'reserved' | 'public';

/**
 * Classifies a host as written in a URL: an IPv4 or IPv6 literal (brackets allowed), or a name.
 * `localhost` and names under `.localhost` are loopback; other names are 'name' (not resolved).
 *
 * @example classifyHost('169.254.169.254') // 'linkLocal'
 * @example classifyHost('[::ffff:10.0.0.1]') // 'private'
 * @example classifyHost('api.apiyi.com') // 'name'
 * @param hostname - URL.hostname
 */
export function classifyHost(hostname: string): AddressClass | 'name' {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
	const version = isIP(host);
	if (version === 4) return classifyIPv4(host.split('.').map(Number));
	if (version === 6) return classifyIPv6(host);
	return 'name';
}

/** True for addresses a server could be reached on only from inside the machine or network. */
export function isLoopbackOrPrivate(kind: AddressClass | 'name'): boolean {
	return kind === 'loopback' || kind === 'private';
}

/**
 * Checks a download URL (a result URL or a redirect target) against the network policy at the
 * top of this file, resolving host names when the policy needs public hosts.
 *
 * @example await checkDownloadUrl(new URL('http://169.254.169.254/latest/meta-data/'), { sourceBaseUrl: 'https://api.apiyi.com' }, 'APIYI result URL')
 * // throws: APIYI result URL points to 169.254.169.254, a link-local address (...); not fetched
 * @param url - the URL about to be fetched
 * @param policy - the source server's Base URL (and, in tests, a resolver)
 * @param name - what the URL is, for the message
 * @throws {EngineError} 'invalidResponse' (not retryable), naming the host and the rule
 */
export async function checkDownloadUrl(url: URL, policy: DownloadPolicy, name: string): Promise<void> {
	const refuse = (why: string) =>
		new EngineError('invalidResponse', `${name} points to ${url.hostname}, ${why}; not fetched`, {
			retryable: false,
			description:
				'Downloads of result URLs are limited to public https hosts when the provider is public, and never go to link-local (cloud metadata), unspecified or reserved addresses.',
		});
	const host = classifyHost(url.hostname);
	const never = (kind: AddressClass | 'name'): string | undefined =>
		kind === 'linkLocal'
			? 'a link-local address (such as a cloud metadata service)'
			: kind === 'unspecified'
				? 'an unspecified address'
				: kind === 'reserved'
					? 'a multicast, broadcast or reserved address'
					: undefined;
	const always = never(host);
	if (always) throw refuse(always);
	if (policy.sourceBaseUrl === undefined) return;
	let source: URL;
	try {
		source = new URL(policy.sourceBaseUrl);
	} catch {
		throw refuse('and the Base URL it came from is not a valid URL');
	}
	if (isLoopbackOrPrivate(classifyHost(source.hostname))) return;
	if (url.protocol !== 'https:') throw refuse('over plain http from a public provider (https is required)');
	if (isLoopbackOrPrivate(host)) throw refuse(`a ${host} address, while the provider (${source.host}) is public`);
	if (host !== 'name') return;
	let addresses: string[];
	try {
		addresses = await (policy.lookup ?? lookupAll)(url.hostname);
	} catch {
		// Let the request itself fail with the usual network error (ENOTFOUND, ...).
		return;
	}
	for (const address of addresses) {
		const kind = classifyHost(address);
		if (kind !== 'public') {
			throw refuse(`which resolves to ${address}, a ${kind === 'linkLocal' ? 'link-local' : kind} address, while the provider (${source.host}) is public`);
		}
	}
}

async function lookupAll(hostname: string): Promise<string[]> {
	const answers = await dnsLookup(hostname.replace(/^\[|\]$/g, ''), { all: true, verbatim: true });
	return answers.map((a) => a.address);
}

function classifyIPv4(o: number[]): AddressClass {
	const [a, b, c] = o;
	if (a === 127) return 'loopback';
	if (a === 0) return 'unspecified';
	if (a === 169 && b === 254) return 'linkLocal';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
	// 192.0.0.0/24 (IETF protocol assignments), 198.18.0.0/15 (benchmarking): never a public host.
	if ((a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19))) return 'private';
	if (a >= 224) return 'reserved'; // multicast 224/4, reserved 240/4, broadcast 255.255.255.255
	return 'public';
}

function classifyIPv6(host: string): AddressClass {
	const words = expandIPv6(host);
	if (!words) return 'reserved';
	const zeroPrefix = (n: number) => words.slice(0, n).every((w) => w === 0);
	if (zeroPrefix(8)) return 'unspecified';
	if (zeroPrefix(7) && words[7] === 1) return 'loopback';
	// IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d and NAT64 64:ff9b::a.b.c.d carry an
	// IPv4 address: classify that one.
	const embedded = (zeroPrefix(5) && (words[5] === 0xffff || words[5] === 0)) || (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0));
	if (embedded) return classifyIPv4([words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff]);
	const first = words[0];
	if ((first & 0xffc0) === 0xfe80) return 'linkLocal';
	if ((first & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7 (AWS metadata: fd00:ec2::254)
	if ((first & 0xff00) === 0xff00) return 'reserved'; // multicast
	if ((first & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
	return 'public';
}

/** The eight 16-bit words of an IPv6 address (with an optional dotted IPv4 tail), or undefined. */
function expandIPv6(host: string): number[] | undefined {
	let text = host.split('%')[0];
	const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
	if (v4) {
		const [a, b, c, d] = v4.slice(1).map(Number);
		text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	const [head, tail] = text.split('::');
	const parse = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
	const left = parse(head);
	const right = parse(tail);
	const words = text.includes('::') ? [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right] : left;
	return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
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
