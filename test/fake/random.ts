/**
 * Seeded randomness. The fake never calls Math.random: every random choice comes from a
 * {@link Prng}, so a run with the same options and the same request order is reproducible,
 * and "deterministic" providers (Flux seed, SD seed, Comfy seed) hash their inputs into a seed.
 */
import { createHash } from 'node:crypto';

/** mulberry32: tiny, fast, good enough for pictures and jitter. */
export class Prng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** Standard normal (Box-Muller). */
	gaussian(): number {
		const u = 1 - this.next();
		const v = this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}

	/** Unsigned 32-bit integer, e.g. a random SD seed. */
	uint32(): number {
		return Math.floor(this.next() * 4294967296);
	}

	/** Hex id of `chars` characters (response ids, file ids). */
	hex(chars: number): string {
		let out = '';
		while (out.length < chars) out += this.uint32().toString(16).padStart(8, '0');
		return out.slice(0, chars);
	}
}

/** A 32-bit seed derived from any mix of values (same values -> same seed). */
export function hashSeed(...parts: unknown[]): number {
	const digest = createHash('sha256');
	for (const part of parts) {
		digest.update(Buffer.isBuffer(part) ? part : JSON.stringify(part ?? null));
		digest.update('\u0000');
	}
	return digest.digest().readUInt32LE(0);
}
