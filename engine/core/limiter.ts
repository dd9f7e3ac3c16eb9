/**
 * The one concurrency limiter: at most `maxConcurrent` tasks in flight and at most
 * `requestsPerMinute` task starts in any sliding 60-second window. Every node creates one per
 * execution (no module state: queue-mode workers must not share it) and runs each provider
 * attempt, or each CPU-heavy item, through it. Waiting callers start in arrival order.
 */
import { EngineError } from './errors';
import { integerInRange } from './validate';

export interface LimiterOptions {
	/** Tasks running at once. @default 4 */
	maxConcurrent?: number;
	/** Task starts per sliding minute; 0 = unlimited. @default 0 */
	requestsPerMinute?: number;
	/** Injectable clock for tests. */
	now?: () => number;
}

interface Waiter {
	start: () => void;
	reject: (error: unknown) => void;
	signal?: AbortSignal;
	onAbort?: () => void;
}

const WINDOW_MS = 60_000;

export class Limiter {
	readonly maxConcurrent: number;
	readonly requestsPerMinute: number;
	private readonly now: () => number;
	private running = 0;
	private readonly queue: Waiter[] = [];
	/** Start times inside the current window, oldest first. */
	private readonly starts: number[] = [];
	private timer: NodeJS.Timeout | undefined;
	private peak = 0;
	private started = 0;

	/**
	 * @example const limiter = new Limiter({ maxConcurrent: 4, requestsPerMinute: 60 });
	 * @throws {EngineError} invalidInput for values out of range
	 */
	constructor(options: LimiterOptions = {}) {
		this.maxConcurrent = integerInRange('maxConcurrent', options.maxConcurrent ?? 4, 1, 1000);
		this.requestsPerMinute = integerInRange('requestsPerMinute', options.requestsPerMinute ?? 0, 0, 1_000_000);
		this.now = options.now ?? Date.now;
	}

	/**
	 * Runs `task` when a slot and the rate allow.
	 * @example const result = await limiter.run(() => callProvider());
	 * @throws {EngineError} 'cancelled' when `signal` aborts while waiting; otherwise what `task` throws
	 */
	run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (signal?.aborted) return reject(new EngineError('cancelled', 'The execution was cancelled'));
			const waiter: Waiter = {
				signal,
				reject,
				start: () => {
					task().then(resolve, reject).finally(() => this.release());
				},
			};
			if (signal) {
				waiter.onAbort = () => {
					const index = this.queue.indexOf(waiter);
					if (index >= 0) {
						this.queue.splice(index, 1);
						reject(new EngineError('cancelled', 'The execution was cancelled'));
					}
				};
				signal.addEventListener('abort', waiter.onAbort, { once: true });
			}
			this.queue.push(waiter);
			this.pump();
		});
	}

	/** Highest number of tasks that ran at once, and how many started. */
	stats(): { peakConcurrent: number; started: number; running: number; waiting: number } {
		return { peakConcurrent: this.peak, started: this.started, running: this.running, waiting: this.queue.length };
	}

	private release(): void {
		this.running--;
		this.pump();
	}

	private pump(): void {
		while (this.queue.length > 0 && this.running < this.maxConcurrent) {
			const wait = this.rateWait();
			if (wait > 0) {
				this.schedule(wait);
				return;
			}
			const waiter = this.queue.shift() as Waiter;
			if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
			this.running++;
			this.started++;
			this.peak = Math.max(this.peak, this.running);
			if (this.requestsPerMinute > 0) this.starts.push(this.now());
			waiter.start();
		}
	}

	/** Milliseconds until the sliding window admits one more start. */
	private rateWait(): number {
		if (this.requestsPerMinute === 0) return 0;
		const now = this.now();
		while (this.starts.length > 0 && now - this.starts[0] >= WINDOW_MS) this.starts.shift();
		if (this.starts.length < this.requestsPerMinute) return 0;
		return this.starts[0] + WINDOW_MS - now;
	}

	private schedule(ms: number): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.pump();
		}, ms);
	}
}
