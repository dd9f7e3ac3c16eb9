/**
 * Helpers for the fault soak (fault-soak.test.ts): tiny distinct input images, telling which
 * input item a recorded provider request belongs to, and the checks every soak makes on a run
 * (one outcome per input item, error items that name the item and the cause, call bounds,
 * waits after 429 answers, and a time bound computed from the node's settings).
 *
 * Nothing here knows what the node produced: every expectation comes from the settings of the
 * run and from what the fake provider recorded.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import sharp from 'sharp';
import type { FaultKind, RecordedRequest } from '../fake';
import type { ItemSpec } from '../nodes/helpers';

/** Settings of one soak run, as given to the node and to the fake. */
export interface SoakSettings {
	items: number;
	/** Calls per item the node makes when nothing fails (Multi-Sample: variants). */
	variants: number;
	/** The node's "Max Retries". */
	maxRetries: number;
	/** The node's "Max Concurrent Requests" (also the number of items processed at once). */
	concurrency: number;
	/** The node's "Timeout (Seconds)", in ms. */
	timeoutMs: number;
	/** What the fake asks 429 clients to wait (RetryInfo.retryDelay or Retry-After), in ms. */
	serverDelayMs: number;
	/** How long the fake holds a "hang" before answering (far beyond the timeout). */
	hangMs: number;
}

/**
 * The engine's default backoff (engine/core/retry.ts DEFAULT_RETRY_POLICY, which the nodes do not
 * change apart from the attempt count): 1 s doubling per retry, capped at 30 s, jittered down to 50 %.
 * Restated here, not imported, so a changed default shows up as a failing bound instead of a moved one.
 */
export const BACKOFF = { baseMs: 1000, capMs: 30_000 } as const;

/**
 * A generous cost of one attempt that does not hang, on a loaded 2-core machine: request
 * building, the fake's rendering of a 1K answer, decoding, measuring and storing the result.
 */
export const GENEROUS_CALL_MS = 2500;

/**
 * `count` small PNGs that all differ (the item index is written into the first pixels of a flat
 * colour), so the image bytes in a request tell which input item it is for. PNGs this small are
 * sent unchanged, and flat pictures keep the fake's 1K answers small and cheap to decode.
 */
export async function tinyPngs(count: number, width = 24, height = 16): Promise<Buffer[]> {
	const out: Buffer[] = [];
	for (let i = 0; i < count; i++) {
		const data = Buffer.alloc(width * height * 3);
		for (let p = 0; p < data.length; p += 3) {
			data[p] = 150;
			data[p + 1] = 120;
			data[p + 2] = 90;
		}
		// The index itself, in the first two pixels.
		data[0] = i & 0xff;
		data[1] = (i >> 8) & 0xff;
		data[3] = 255 - (i & 0xff);
		out.push(await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer());
	}
	return out;
}

/** Load Images items with each image under `property` (and the index in json.n). */
export function imageItems(images: Buffer[], property = 'data'): ItemSpec[] {
	return images.map((png, n) => ({
		json: { n },
		files: { [property]: { base64: png.toString('base64'), mimeType: 'image/png', fileName: `soak-${n}.png` } },
	}));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The base64 of the LAST inline image of a generateContent body (the image being edited). */
export function lastGeminiImage(body: unknown): string | undefined {
	if (!isObject(body) || !Array.isArray(body.contents)) return undefined;
	let last: string | undefined;
	for (const content of body.contents) {
		const parts = isObject(content) && Array.isArray(content.parts) ? content.parts : [];
		for (const part of parts) {
			if (isObject(part) && isObject(part.inlineData) && typeof part.inlineData.data === 'string') last = part.inlineData.data;
		}
	}
	return last;
}

/** The base64 of the input image of an OpenAI-style images body (`image`, a data URL or a list). */
export function openAiImage(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const image = Array.isArray(body.image) ? body.image[body.image.length - 1] : body.image;
	return typeof image === 'string' ? image.replace(/^data:[^;]+;base64,/, '') : undefined;
}

/** The base64 of the img2img init image of an SD WebUI body. */
export function sdInitImage(body: unknown): string | undefined {
	if (!isObject(body) || !Array.isArray(body.init_images)) return undefined;
	const first: unknown = body.init_images[0];
	return typeof first === 'string' ? first.replace(/^data:[^;]+;base64,/, '') : undefined;
}

/**
 * Groups the recorded generation requests by the input item they carry. Every request must
 * carry exactly one of the items' images: anything else would be a request built from the
 * wrong item or a corrupted one.
 */
export function requestsByItem(
	requests: RecordedRequest[],
	images: Buffer[],
	imageOf: (body: unknown) => string | undefined,
): { byItem: RecordedRequest[][]; unknown: RecordedRequest[] } {
	const index = new Map(images.map((png, i) => [png.toString('base64'), i]));
	const byItem: RecordedRequest[][] = images.map(() => []);
	const unknown: RecordedRequest[] = [];
	for (const request of requests) {
		const key = imageOf(request.body);
		const item = key === undefined ? undefined : index.get(key);
		if (item === undefined) unknown.push(request);
		else byItem[item].push(request);
	}
	for (const group of byItem) group.sort((a, b) => a.at - b.at);
	return { byItem, unknown };
}

/** How a route answers each fault, from the client's point of view. */
export interface FaultExpectation {
	/** The error kind the node must report when this fault is the item's last answer; 'ok' = the answer still has an image. */
	kind: string;
	/** Whether the node may try again after it. */
	retried: boolean;
}

/** Gemini generateContent (Google AI Studio, APIYI Gemini-native, gateways): README "Errors, retries and costs". */
export const GEMINI_FAULTS: Readonly<Record<FaultKind, FaultExpectation>> = {
	rateLimit: { kind: 'rateLimit', retried: true },
	overloaded: { kind: 'overloaded', retried: true },
	serverError: { kind: 'server', retried: true },
	hang: { kind: 'timeout', retried: true },
	reset: { kind: 'network', retried: true },
	truncatedJson: { kind: 'invalidResponse', retried: true },
	textOnly: { kind: 'noImage', retried: false },
	imageSafety: { kind: 'safetyBlock', retried: false },
	noImage: { kind: 'noImage', retried: false },
	imageOther: { kind: 'noImage', retried: false },
	promptBlocked: { kind: 'safetyBlock', retried: false },
	badKey: { kind: 'auth', retried: false },
	// The fake's 404 for a model that is not on the product's retired list.
	retiredModel: { kind: 'modelNotFound', retried: false },
};

/** OpenAI-style /v1/images/generations (Flux, Seedream through APIYI). */
export const OPENAI_FAULTS: Readonly<Record<FaultKind, FaultExpectation>> = {
	...GEMINI_FAULTS,
	// 200 with `data: []`
	textOnly: { kind: 'noImage', retried: false },
	noImage: { kind: 'noImage', retried: false },
	imageOther: { kind: 'noImage', retried: false },
	// 400 content_policy_violation
	imageSafety: { kind: 'safetyBlock', retried: false },
	promptBlocked: { kind: 'safetyBlock', retried: false },
	badKey: { kind: 'auth', retried: false },
};

/** Stable Diffusion WebUI img2img. */
export const SD_FAULTS: Readonly<Record<FaultKind, FaultExpectation>> = {
	...GEMINI_FAULTS,
	// 500 OutOfMemoryError: README "SD WebUI running out of GPU memory is reported, not retried".
	serverError: { kind: 'server', retried: false },
	textOnly: { kind: 'noImage', retried: false },
	noImage: { kind: 'noImage', retried: false },
	imageOther: { kind: 'noImage', retried: false },
	// A safety-checker extension blacks the image out: still an image, so a normal result.
	imageSafety: { kind: 'ok', retried: false },
	promptBlocked: { kind: 'ok', retried: false },
	badKey: { kind: 'auth', retried: false },
	// 404 {detail: 'Model not found'} without a checkpoint named in the request: a plain 404.
	retiredModel: { kind: 'invalidArgument', retried: false },
};

/** Words a user must find in the message of each error kind. */
export const CAUSE_WORDS: Readonly<Record<string, RegExp>> = {
	rateLimit: /rate limit|quota/i,
	overloaded: /overloaded/i,
	server: /internal error|out of (GPU )?memory|server error/i,
	timeout: /did not answer|timed out/i,
	network: /could not reach|connection/i,
	invalidResponse: /could not be read|incomplete|not JSON/i,
	noImage: /no image|without an image/i,
	safetyBlock: /safety/i,
	auth: /rejected the credentials|api key/i,
	modelNotFound: /not found/i,
	invalidArgument: /rejected|not found/i,
};

/** pairedItem of an output item as a single index (the nodes pair each output with one input). */
export function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	if (typeof paired === 'number') return paired;
	if (paired && !Array.isArray(paired)) return paired.item;
	return -1;
}

/** Output items grouped by the input item they pair with. */
export function outputsByItem(out: INodeExecutionData[], items: number): { byItem: INodeExecutionData[][]; stray: INodeExecutionData[] } {
	const byItem: INodeExecutionData[][] = Array.from({ length: items }, () => []);
	const stray: INodeExecutionData[] = [];
	for (const item of out) {
		const i = pairedIndex(item);
		if (Number.isInteger(i) && i >= 0 && i < items) byItem[i].push(item);
		else stray.push(item);
	}
	return { byItem, stray };
}

export const isErrorItem = (item: INodeExecutionData): boolean => typeof item.json.errorKind === 'string';

/**
 * How long before its arrival at the fake an attempt's timeout clock may have started: the
 * client starts it when it starts the call (building the request, opening a connection, and on
 * this loaded machine a busy event loop), and the fake only records the arrival.
 */
export const EARLY_START_MS = 1500;

/** The least time between the arrival of an attempt the client gave up on (timeout) and of its next attempt. */
export function afterTimeoutGap(settings: SoakSettings): number {
	// The timeout, then at least half the first backoff, counted from up to EARLY_START_MS before the arrival.
	return settings.timeoutMs + BACKOFF.baseMs / 2 - EARLY_START_MS;
}

/** The least time the client must have let pass after a retryable `request` before its next attempt. */
export function minimumGap(request: RecordedRequest, settings: SoakSettings): number {
	// The wait starts when the 429 reaches the client, after its arrival: the full delay applies.
	if (request.fault === 'rateLimit') return settings.serverDelayMs;
	if (request.fault === 'hang') return afterTimeoutGap(settings);
	return 0;
}

/**
 * Whether `next` may be the next attempt after `request` of the same chain: after a retryable
 * failure, once its wait is over ({@link minimumGap}); after any other answer only when the
 * client can have given up on it first, about a timeout later ({@link afterTimeoutGap}): the
 * fake serves its answers from the same event loop as n8n, so on an overloaded machine even a
 * normal answer can come too late.
 * `toleranceMs` absorbs the millisecond clock.
 */
export function mayFollow(
	request: RecordedRequest,
	next: RecordedRequest,
	settings: SoakSettings,
	faults: Readonly<Record<FaultKind, FaultExpectation>>,
	toleranceMs = 5,
): 'retry' | 'late' | false {
	const gap = next.at - request.at;
	if (gap < 0) return false;
	if (request.fault && faults[request.fault].retried && gap + toleranceMs >= minimumGap(request, settings)) return 'retry';
	if (gap + toleranceMs >= afterTimeoutGap(settings)) return 'late';
	return false;
}

/**
 * For an item whose `chains` variants run at the same time (Multi-Sample): can its requests be
 * split into at most `chains` sequences of attempts, each attempt allowed by {@link mayFollow}
 * after the previous one of its sequence? The least number of such sequences is a minimum path
 * cover of that "may follow" graph: requests - maximum matching. A retry that ignored the
 * server's delay, or one after a final answer, leaves a request nothing can precede, and the
 * cover grows past `chains`.
 */
export function leastChains(group: RecordedRequest[], settings: SoakSettings, faults: Readonly<Record<FaultKind, FaultExpectation>>): number {
	const n = group.length;
	const follows: number[][] = group.map((p) => group.flatMap((r, k) => (r !== p && mayFollow(p, r, settings, faults) ? [k] : [])));
	const matchOf = new Array<number>(n).fill(-1);
	const augment = (p: number, seen: boolean[]): boolean => {
		for (const r of follows[p]) {
			if (seen[r]) continue;
			seen[r] = true;
			if (matchOf[r] < 0 || augment(matchOf[r], seen)) {
				matchOf[r] = p;
				return true;
			}
		}
		return false;
	};
	let matching = 0;
	for (let p = 0; p < n; p++) if (augment(p, new Array<boolean>(n).fill(false))) matching++;
	return n - matching;
}

/**
 * A generous upper bound on the run's duration, from the settings and what each item went
 * through: an item's work is at most, per attempt, the timeout when it hung and
 * {@link GENEROUS_CALL_MS} otherwise, plus, per retry, the longest backoff or the server's delay.
 * Items run `concurrency` at a time (a waiting item holds its slot), so greedy scheduling ends
 * within total / concurrency + the longest item. `fixedMs` covers loading and writing items.
 */
export function durationBound(byItem: RecordedRequest[][], settings: SoakSettings, chainsPerItem: number, fixedMs = 15_000): { boundMs: number; longestItemMs: number } {
	let total = 0;
	let longest = 0;
	for (const group of byItem) {
		let work = 0;
		for (const request of group) work += request.fault === 'hang' ? settings.timeoutMs + GENEROUS_CALL_MS : GENEROUS_CALL_MS;
		// Retries: at most (attempts - chains) of them, each waiting at most its backoff or the server's delay.
		const retries = Math.max(0, group.length - chainsPerItem);
		for (let k = 1; k <= retries; k++) {
			const backoff = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** (Math.min(k, settings.maxRetries) - 1));
			work += Math.max(backoff, settings.serverDelayMs);
		}
		// The item's chains run side by side: its duration is at most its work, at least a chain's share.
		total += work;
		longest = Math.max(longest, work);
	}
	return { boundMs: total / settings.concurrency + longest + fixedMs, longestItemMs: longest };
}

/** Counts of recorded faults by kind (undefined = a normal answer). */
export function faultCounts(requests: RecordedRequest[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of requests) {
		const key = r.fault ?? 'none';
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}
