import { EngineError } from '../../engine/core/errors';
import { resolveRetryPolicy, retryDelay, withRetry, type RetryEvent } from '../../engine/core/retry';

const noJitter = resolveRetryPolicy({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, jitter: false });

/** A fake clock: sleep advances time instantly and records the waits. */
function clock() {
	let now = 0;
	const waits: number[] = [];
	return {
		waits,
		now: () => now,
		sleep: async (ms: number) => {
			waits.push(ms);
			now += ms;
		},
	};
}

describe('withRetry', () => {
	it('retries retryable errors with exponential backoff and returns the first success', async () => {
		const c = clock();
		let calls = 0;
		const result = await withRetry(
			async () => {
				calls++;
				if (calls < 3) throw new EngineError('overloaded', 'busy');
				return 'ok';
			},
			noJitter,
			c,
		);
		expect(result).toBe('ok');
		expect(calls).toBe(3);
		expect(c.waits).toEqual([100, 200]);
	});

	it('waits at least the server-requested delay (RetryInfo / Retry-After)', async () => {
		const c = clock();
		let calls = 0;
		await withRetry(
			async () => {
				if (++calls === 1) throw new EngineError('rateLimit', 'slow down', { retryAfterMs: 4700 });
				return 1;
			},
			noJitter,
			c,
		);
		expect(c.waits).toEqual([4700]);
	});

	it('stops after maxAttempts and throws the last error', async () => {
		const c = clock();
		let calls = 0;
		await expect(
			withRetry(async () => {
				calls++;
				throw new EngineError('server', `fail ${calls}`);
			}, noJitter, c),
		).rejects.toThrow('fail 4');
		expect(calls).toBe(4);
		expect(c.waits).toEqual([100, 200, 400]);
	});

	it('never retries non-retryable kinds or foreign errors', async () => {
		for (const error of [
			new EngineError('safetyBlock', 'blocked'),
			new EngineError('invalidArgument', 'bad'),
			new EngineError('auth', 'key'),
			new EngineError('noImage', 'none'),
			new Error('plain'),
		]) {
			let calls = 0;
			await expect(withRetry(async () => {
				calls++;
				throw error;
			}, noJitter, clock())).rejects.toBe(error);
			expect(calls).toBe(1);
		}
	});

	it('gives up instead of waiting past maxTotalMs', async () => {
		const c = clock();
		let calls = 0;
		const policy = resolveRetryPolicy({ maxAttempts: 10, baseDelayMs: 100, jitter: false, maxTotalMs: 5000 });
		await expect(
			withRetry(async () => {
				calls++;
				throw new EngineError('rateLimit', 'quota', { retryAfterMs: 60_000 });
			}, policy, c),
		).rejects.toThrow('quota');
		expect(calls).toBe(1);
		expect(c.waits).toEqual([]);
	});

	it('reports each retry before waiting', async () => {
		const events: RetryEvent[] = [];
		let calls = 0;
		await withRetry(async () => {
			if (++calls < 3) throw new EngineError('timeout', 't');
			return 0;
		}, noJitter, { ...clock(), onRetry: (e) => events.push(e) });
		expect(events.map((e) => [e.attempt, e.delayMs, e.error.kind])).toEqual([
			[1, 100, 'timeout'],
			[2, 200, 'timeout'],
		]);
	});

	it('jitter keeps each backoff between half and all of the exponential value, capped by maxDelayMs', () => {
		const policy = resolveRetryPolicy({ baseDelayMs: 1000, maxDelayMs: 5000, jitter: true });
		const err = new EngineError('server', 'x');
		expect(retryDelay(policy, 1, err, () => 0)).toBe(500);
		expect(retryDelay(policy, 1, err, () => 0.999999)).toBe(1000);
		expect(retryDelay(policy, 5, err, () => 0.999999)).toBe(5000);
		expect(retryDelay(policy, 5, new EngineError('rateLimit', 'x', { retryAfterMs: 9000 }), () => 0)).toBe(9000);
	});

	it('stops waiting when the execution is cancelled', async () => {
		const controller = new AbortController();
		const policy = resolveRetryPolicy({ baseDelayMs: 10_000, jitter: false });
		const run = withRetry(async () => {
			throw new EngineError('overloaded', 'busy');
		}, policy, { signal: controller.signal });
		setTimeout(() => controller.abort(), 20);
		await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
	});
});
