/**
 * Which request gets which fault: a queue of injected faults (consumed in order by the
 * requests they match) and an optional random rate drawn from the fake's seeded PRNG.
 * What a fault looks like on the wire is decided by each route module.
 */
import type { ActiveFault } from './http';
import type { Prng } from './random';
import type { FaultKind, FaultRateOptions, InjectOptions } from './types';

/** Routes that produce images; faults without an explicit route only hit these. */
export const GENERATION_ROUTES: ReadonlySet<string> = new Set([
	'gemini.generateContent',
	'gemini.predict',
	'vertex.generateContent',
	'vertex.predict',
	'openai.images',
	'sd.txt2img',
	'sd.img2img',
	'comfy.prompt',
]);

/** Faults that replace the whole answer with an error; the others change a successful answer. */
export const ERROR_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>([
	'rateLimit',
	'overloaded',
	'serverError',
	'badKey',
	'retiredModel',
]);

function matches(route: string, selector: string | RegExp | undefined): boolean {
	if (selector === undefined) return GENERATION_ROUTES.has(route);
	if (typeof selector === 'string') return route === selector || route.startsWith(`${selector}.`);
	selector.lastIndex = 0;
	return selector.test(route);
}

interface Queued {
	kind: FaultKind;
	remaining: number;
	opts: InjectOptions;
}

function resolve(kind: FaultKind, opts: InjectOptions | FaultRateOptions): ActiveFault {
	return {
		kind,
		retryDelay: opts.retryDelay ?? '1s',
		retryAfterSeconds: opts.retryAfterSeconds ?? 1,
		hangMs: opts.hangMs,
	};
}

export class FaultBook {
	private queue: Queued[] = [];
	private rate = 0;
	private rateKinds: FaultKind[] = [];
	private rateOpts: FaultRateOptions = {};

	constructor(private readonly prng: Prng) {}

	inject(kind: FaultKind, opts: InjectOptions = {}): void {
		const times = opts.times ?? 1;
		if (!Number.isInteger(times) || times < 1) {
			throw new Error(`Expected a positive integer for times but received ${String(opts.times)}`);
		}
		this.queue.push({ kind, remaining: times, opts });
	}

	setRate(rate: number, kinds: FaultKind[], opts: FaultRateOptions = {}): void {
		if (!(rate >= 0 && rate <= 1)) throw new Error(`Expected a rate in [0, 1] but received ${rate}`);
		if (rate > 0 && kinds.length === 0) throw new Error('Expected at least one fault kind for a rate above 0');
		this.rate = rate;
		this.rateKinds = [...kinds];
		this.rateOpts = { ...opts };
	}

	/** The fault for a request to `route`, if any: queued faults first, then the random rate. */
	take(route: string): ActiveFault | undefined {
		const i = this.queue.findIndex((q) => matches(route, q.opts.route));
		if (i >= 0) {
			const q = this.queue[i];
			q.remaining -= 1;
			if (q.remaining === 0) this.queue.splice(i, 1);
			return resolve(q.kind, q.opts);
		}
		if (this.rate > 0 && matches(route, this.rateOpts.route) && this.prng.next() < this.rate) {
			return resolve(this.rateKinds[this.prng.int(this.rateKinds.length)], this.rateOpts);
		}
		return undefined;
	}

	clear(): void {
		this.queue = [];
		this.rate = 0;
		this.rateKinds = [];
		this.rateOpts = {};
	}
}
