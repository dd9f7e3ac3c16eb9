/**
 * Public types of the fake provider server. Other test suites code against these names:
 * change them only together with every caller.
 */

/** Faults a test can inject; each route answers with the shape its real service would produce. */
export type FaultKind =
	| 'rateLimit'
	| 'overloaded'
	| 'serverError'
	| 'hang'
	| 'reset'
	| 'truncatedJson'
	| 'textOnly'
	| 'imageSafety'
	| 'noImage'
	| 'imageOther'
	| 'promptBlocked'
	| 'badKey'
	| 'retiredModel';

export const FAULT_KINDS: readonly FaultKind[] = [
	'rateLimit',
	'overloaded',
	'serverError',
	'hang',
	'reset',
	'truncatedJson',
	'textOnly',
	'imageSafety',
	'noImage',
	'imageOther',
	'promptBlocked',
	'badKey',
	'retiredModel',
];

export interface FakeProviderOptions {
	/** Accepted API keys (Gemini, Vertex express, OpenAI-style gateways). Default ['test-key']. */
	apiKeys?: string[];
	/** Accepted Vertex service-account bearer tokens. Default ['test-token']. */
	bearerTokens?: string[];
	/** Fixed delay before each answer (ms). Default 0. */
	latencyMs?: number;
	/** Relative standard deviation of the applied Gemini edit strength. Default 0.05; 0 = exact. */
	variance?: number;
	/** Seed of the fake's own PRNG (variance, random seeds, fault rate, ids). Default 1. */
	seed?: number;
	/**
	 * Model id -> replacement hint. REPLACES the defaults ({@link DEFAULT_RETIRED_MODELS}); a key
	 * ending in '*' matches by prefix. Pass a map without 'imagen-*' to un-retire Imagen.
	 * The hint is not sent on the wire (Google's 404 does not name a replacement).
	 */
	retiredModels?: Record<string, string>;
	/** Model ids served by generateContent and returned by model lists. See {@link DEFAULT_MODELS}. */
	models?: string[];
	/** When set, SD WebUI and ComfyUI routes require this HTTP basic auth. */
	basicAuth?: { user: string; password: string };
	/** Gemini/Vertex output format when the prompt does not ask for JPEG. Default 'image/png'. */
	outputMimeType?: 'image/png' | 'image/jpeg';
	/** ComfyUI: ms from POST /prompt until /history shows the job done. Default 100; Infinity = never. */
	comfyJobMs?: number;
}

/** The edit the fake applied to a Gemini image after variance (identity: 1, 1, 1, 0). */
export interface AppliedEdit {
	/** Brightness multiplier (0.85 = 85 % of the original). */
	brightness: number;
	/** Contrast multiplier around the mean luma (PIL ImageEnhance.Contrast semantics). */
	contrast: number;
	/** Saturation multiplier around each pixel's luma (PIL ImageEnhance.Color semantics). */
	saturation: number;
	/** Warmth as a signed fraction: red x (1 + w), blue x (1 - w). */
	warmth: number;
}

export interface RecordedRequest {
	method: string;
	/** URL path without the query string. */
	path: string;
	query: Record<string, string>;
	/** Header names in lower case; repeated headers joined with ', '. */
	headers: Record<string, string>;
	/** Parsed JSON body, or undefined when the body is empty or not JSON. */
	body: unknown;
	rawBody: Buffer;
	/** Arrival time (ms since epoch). */
	at: number;
	/** Route name, e.g. 'gemini.generateContent', 'vertex.predict', 'openai.images', 'sd.txt2img'. */
	route: string;
	/** The fault this request received, if any. */
	fault?: FaultKind;
	/** Gemini/Vertex generateContent: the edit applied to the image. */
	applied?: AppliedEdit;
}

export interface InjectOptions {
	/** How many matching requests get the fault. Default 1. */
	times?: number;
	/**
	 * Which requests match: a route name ('gemini.generateContent'), a route family ('gemini',
	 * 'vertex', 'openai', 'sd', 'comfy', 'files') or a RegExp tested against the route name.
	 * Default: the image-producing routes only (see GENERATION_ROUTES), so model lists and
	 * downloads are not hit by accident.
	 */
	route?: string | RegExp;
	/** RetryInfo.retryDelay of Google 429 answers. Default '1s'. */
	retryDelay?: string;
	/** Retry-After header (seconds) of OpenAI/SD/Comfy 429 answers. Default 1. */
	retryAfterSeconds?: number;
	/** 'hang': answer normally after this many ms instead of never. */
	hangMs?: number;
}

export interface FaultRateOptions {
	retryDelay?: string;
	retryAfterSeconds?: number;
	hangMs?: number;
	/** Same matching as InjectOptions.route. */
	route?: string | RegExp;
}

/** How GET /files/<id>.png answers (OpenAI-style result URLs). */
export interface FileBehaviour {
	/** Only for this URL or /files path; default every file. */
	url?: string;
	/** Wait this long before the response headers (ms). */
	delayMs?: number;
	/** Stream this many bytes (a PNG signature then zeros) instead of the file. */
	sizeBytes?: number;
	/** With sizeBytes: send Content-Length (default true) or stream chunked. */
	declareLength?: boolean;
	/** 302 with this Location (e.g. 'ftp://example.com/x.png' or another /files path). */
	redirect?: string;
	/** Answer with this status and a short text body (e.g. 403 for an expired link). */
	status?: number;
}

export interface FakeProviderStats {
	calls: number;
	byRoute: Record<string, number>;
	/** Highest number of requests open at the same time since start or reset(). */
	maxInFlight: number;
	inFlight: number;
}

export interface FakeProvider {
	/** http://127.0.0.1:PORT */
	url: string;
	requests: RecordedRequest[];
	inject(fault: FaultKind, opts?: InjectOptions): void;
	setFaultRate(rate: number, kinds: FaultKind[], opts?: FaultRateOptions): void;
	setLatency(ms: number): void;
	setVariance(v: number): void;
	/** Change how result files download until reset() (undefined: back to normal). */
	setFileBehaviour(behaviour: FileBehaviour | undefined): void;
	/** ComfyUI job duration for later prompts (Infinity = never finishes). */
	setComfyJobMs(ms: number): void;
	/** Clears requests, queued faults, the fault rate, the file behaviour and the stats counters. */
	reset(): void;
	stats(): FakeProviderStats;
	/** Stops listening, destroys open sockets (hanging ones too) and clears all timers. */
	close(): Promise<void>;
}

/** Default model list (image models first, then non-image ones). */
export const DEFAULT_MODELS: readonly string[] = [
	'gemini-3-pro-image',
	'gemini-3.1-flash-image',
	'gemini-2.5-flash-image',
	'gemini-2.5-flash',
	'gemini-2.5-pro',
	'gemini-embedding-001',
];

/** Shut-down ids (state of 2026-11, FACTS.md) -> what to use instead. */
export const DEFAULT_RETIRED_MODELS: Readonly<Record<string, string>> = {
	'imagen-*': 'gemini-3-pro-image',
	'gemini-3-pro-image-preview': 'gemini-3-pro-image',
	'gemini-2.5-flash-image-preview': 'gemini-3.1-flash-image',
	'gemini-2.0-flash-preview-image-generation': 'gemini-3.1-flash-image',
	'gemini-2.0-flash-exp-image-generation': 'gemini-3.1-flash-image',
};
