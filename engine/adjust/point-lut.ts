/**
 * Per-channel 256-entry look-up tables: every step that maps a channel value to a new value on
 * its own (brightness, contrast, exposure, gamma, temperature, tint, levels, curves) is one table
 * per channel. Consecutive such steps compose into one table per channel, which is exactly the
 * same as running them one after the other on 8-bit buffers (each step maps 0..255 to 0..255),
 * and the composed tables are applied in a single pass over the pixels.
 */

// Held in a module constant: a fast lookup in loops, also in jest's vm sandbox.
const { floor } = Math;

/** One 256-entry table per colour channel; alpha is never mapped. */
export interface ChannelLuts {
	r: Uint8Array;
	g: Uint8Array;
	b: Uint8Array;
}

/**
 * A table that maps every level to itself.
 *
 * @example identityTable()[200]; // 200
 * @returns a new 256-entry table
 */
export function identityTable(): Uint8Array {
	const t = new Uint8Array(256);
	for (let i = 0; i < 256; i++) t[i] = i;
	return t;
}

/**
 * Rounds half up and clamps to 0..255 (NaN becomes 0).
 *
 * @example clampLevel(254.5); // 255
 * @param v - a real level
 * @returns an integer level
 */
export function clampLevel(v: number): number {
	if (!(v > 0)) return 0;
	if (v >= 255) return 255;
	return floor(v + 0.5);
}

/**
 * The same table for the three channels.
 *
 * @example uniformLuts(identityTable());
 * @param table - a 256-entry table (shared, not copied)
 */
export function uniformLuts(table: Uint8Array): ChannelLuts {
	return { r: table, g: table, b: table };
}

/**
 * Composes two steps: the result maps `v` to `second(first(v))` for each channel.
 *
 * @example composeLuts(null, luts) === luts; // no earlier step
 * @param first - the earlier step, or null for none
 * @param second - the later step
 * @returns new tables (or `second` itself when `first` is null)
 */
export function composeLuts(first: ChannelLuts | null, second: ChannelLuts): ChannelLuts {
	if (first === null) return second;
	return {
		r: composeTable(first.r, second.r),
		g: composeTable(first.g, second.g),
		b: composeTable(first.b, second.b),
	};
}

function composeTable(first: Uint8Array, second: Uint8Array): Uint8Array {
	const t = new Uint8Array(256);
	for (let i = 0; i < 256; i++) t[i] = second[first[i]];
	return t;
}

/**
 * The identity tables, shared: for passes given no pending tables. Never modified.
 *
 * @example const luts = pre ?? IDENTITY_LUTS;
 */
export const IDENTITY_LUTS: Readonly<ChannelLuts> = uniformLuts(identityTable());

/**
 * True when the tables change nothing (so their pass can be skipped).
 *
 * @example isIdentityLuts(uniformLuts(identityTable())); // true
 * @param luts - the tables
 */
export function isIdentityLuts(luts: ChannelLuts): boolean {
	for (let i = 0; i < 256; i++) {
		if (luts.r[i] !== i || luts.g[i] !== i || luts.b[i] !== i) return false;
	}
	return true;
}
