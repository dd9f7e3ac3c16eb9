/**
 * Shared pieces of the fuzz tests: a seeded PRNG (the fake's mulberry32) and a runner that names the seed
 * and the case on failure, so any failing input can be replayed.
 *
 * Seed: FUZZ_SEED=<uint32> replays a run; FUZZ_SEED=random draws a fresh one (printed on
 * failure). Without it, a fixed default keeps CI reproducible.
 * Cases: FUZZ_CASES=<n> overrides the number of cases of each fuzz loop.
 */
import { EngineError } from '../../engine/core/errors';
import { Prng as FakePrng } from '../fake/random';

export const DEFAULT_FUZZ_SEED = 0x5eed_c0de;

/** The seed of this run (see the file comment). */
export function fuzzSeed(): number {
	const raw = process.env.FUZZ_SEED;
	if (raw === undefined || raw === '') return DEFAULT_FUZZ_SEED;
	if (raw === 'random') return (Date.now() ^ (process.pid << 16)) >>> 0;
	const seed = Number(raw);
	if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", got ${raw}`);
	return seed >>> 0;
}

/** `fallback` cases, or FUZZ_CASES when set. */
export function fuzzCases(fallback: number): number {
	const raw = Number(process.env.FUZZ_CASES);
	return Number.isInteger(raw) && raw > 0 ? raw : fallback;
}

/** The fake's mulberry32 generator, with the draws the fuzz inputs need. */
export class Prng extends FakePrng {
	/** Integer in [min, max]. */
	range(min: number, max: number): number {
		return min + this.int(max - min + 1);
	}

	bool(p = 0.5): boolean {
		return this.next() < p;
	}

	pick<T>(list: readonly T[]): T {
		return list[this.int(list.length)];
	}

	/** A derived generator, so one case's draws do not shift the next case's. */
	fork(): Prng {
		return new Prng(this.uint32());
	}
}

/**
 * Runs `count` cases, each with its own generator forked from the run's seed (see
 * {@link fuzzSeed}) mixed with `stream` (one per fuzz loop, so loops draw different inputs); a
 * failure is rethrown with the run's seed, the case number and a preview of the input, so it can
 * be replayed with FUZZ_SEED=<seed> (same case numbers).
 */
export function runFuzz<T>(
	label: string,
	stream: number,
	count: number,
	make: (rng: Prng, index: number) => T,
	check: (input: T, index: number) => void,
	preview: (input: T) => string = (input) => JSON.stringify(input),
): void {
	const seed = fuzzSeed();
	const root = new Prng((seed ^ stream) >>> 0);
	for (let i = 0; i < count; i++) {
		const rng = root.fork();
		const input = make(rng, i);
		try {
			check(input, i);
		} catch (error) {
			let shown: string;
			try {
				shown = preview(input);
			} catch {
				shown = '(unprintable input)';
			}
			const message = error instanceof Error ? error.message : String(error);
			const wrapped = new Error(
				`${label}: case ${i} failed (replay with FUZZ_SEED=${seed}).\nInput (first 600 chars): ${shown.slice(0, 600)}\n${message}`,
			);
			wrapped.stack = `${wrapped.message}\n${error instanceof Error ? (error.stack ?? '') : ''}`;
			throw wrapped;
		}
	}
}

/**
 * Calls `fn`; returns its value, or the EngineError it threw. Anything else thrown (TypeError,
 * RangeError, a plain Error) is a failure of the code under test and is rethrown, named.
 */
export function valueOrEngineError<T>(fn: () => T): { value: T } | { error: EngineError } {
	try {
		return { value: fn() };
	} catch (error) {
		if (error instanceof EngineError) return { error };
		const name = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
		throw new Error(`threw something other than an EngineError: ${name}`);
	}
}

/**
 * A message a user can read: non-empty, one paragraph, no leaked JS internals, no control
 * characters anywhere, not even in the input it repeats (describeValue escapes them).
 */
export function expectClearMessage(error: EngineError): void {
	const problems: string[] = [];
	if (error.message.trim().length < 10) problems.push('too short');
	if (error.message.length > 600) problems.push(`too long (${error.message.length} chars)`);
	// What the message quotes back ("... but received NaN", "received \"undefined\"") is the input.
	const ownWords = error.message.replace(/ but received [\s\S]*$/, '').replace(/"[\s\S]*"/, '""');
	if (/\[object |undefined|\bNaN\b|\bat Object\.|TypeError|RangeError/.test(ownWords)) problems.push('leaks JS internals');
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/.test(error.message)) problems.push('has control characters');
	if (error.description !== undefined && error.description.length > 1000) problems.push('description too long');
	if (problems.length > 0) {
		throw new Error(`unclear EngineError message (${problems.join(', ')}): ${JSON.stringify(error.message.slice(0, 300))}`);
	}
}
