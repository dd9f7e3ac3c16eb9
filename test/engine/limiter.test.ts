import { Limiter } from '../../engine/core/limiter';
import { EngineError } from '../../engine/core/errors';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Limiter', () => {
	afterEach(() => jest.useRealTimers());

	it('never runs more than maxConcurrent tasks at once and runs all of them', async () => {
		const limiter = new Limiter({ maxConcurrent: 3 });
		let running = 0;
		let peak = 0;
		const done: number[] = [];
		await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				limiter.run(async () => {
					running++;
					peak = Math.max(peak, running);
					await tick(5 + (i % 4) * 3);
					running--;
					done.push(i);
				}),
			),
		);
		expect(peak).toBe(3);
		expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
		expect(limiter.stats()).toMatchObject({ peakConcurrent: 3, started: 20, running: 0, waiting: 0 });
	});

	it('starts waiting tasks in arrival order', async () => {
		const limiter = new Limiter({ maxConcurrent: 1 });
		const order: number[] = [];
		await Promise.all([0, 1, 2, 3].map((i) => limiter.run(async () => void order.push(i))));
		expect(order).toEqual([0, 1, 2, 3]);
	});

	it('keeps the slot free after a task fails', async () => {
		const limiter = new Limiter({ maxConcurrent: 1 });
		await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(limiter.run(async () => 7)).resolves.toBe(7);
	});

	it('admits at most requestsPerMinute starts in any 60 s window', async () => {
		jest.useFakeTimers({ now: 1_000_000 });
		const limiter = new Limiter({ maxConcurrent: 10, requestsPerMinute: 5 });
		const starts: number[] = [];
		const all = Promise.all(Array.from({ length: 12 }, () => limiter.run(async () => void starts.push(Date.now()))));
		await jest.advanceTimersByTimeAsync(0);
		expect(starts).toHaveLength(5);
		await jest.advanceTimersByTimeAsync(59_999);
		expect(starts).toHaveLength(5);
		await jest.advanceTimersByTimeAsync(1);
		expect(starts).toHaveLength(10);
		await jest.advanceTimersByTimeAsync(60_000);
		await all;
		expect(starts).toHaveLength(12);
		// Sliding window: no 60 s span ever holds more than 5 starts.
		for (const s of starts) expect(starts.filter((t) => t >= s && t < s + 60_000).length).toBeLessThanOrEqual(5);
	});

	it('rejects waiting tasks with a cancellation when the signal aborts, and never starts them', async () => {
		const limiter = new Limiter({ maxConcurrent: 1 });
		const controller = new AbortController();
		let release!: () => void;
		const first = limiter.run(() => new Promise<void>((r) => (release = r)), controller.signal);
		let secondStarted = false;
		const second = limiter.run(async () => void (secondStarted = true), controller.signal);
		controller.abort();
		await expect(second).rejects.toMatchObject({ kind: 'cancelled' });
		release();
		await first;
		expect(secondStarted).toBe(false);
	});

	it('validates its options with the standard message', () => {
		expect(() => new Limiter({ maxConcurrent: 0 })).toThrow(new EngineError('invalidInput', 'Expected an integer between 1 and 1000 for maxConcurrent but received 0'));
		expect(() => new Limiter({ requestsPerMinute: -1 })).toThrow(/requestsPerMinute/);
	});
});
