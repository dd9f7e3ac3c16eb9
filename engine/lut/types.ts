/**
 * The in-memory shape of colour look-up tables, as read from and written to `.cube` files
 * (Adobe/IRIDAS 1.0 and the DaVinci Resolve variant). Values are normalised floats: 0 is black,
 * 1 is full scale; tables may hold values outside [0, 1], which are clamped on application.
 */

/** Three numbers, one per channel, in R, G, B order. */
export type Rgb = [number, number, number];

/** A per-channel 1D table: a whole 1D `.cube` file, or the shaper of a Resolve `.cube`. */
export interface Lut1D {
	/** Entries per channel (2 or more). */
	size: number;
	/** `size * 3` values, RGB interleaved: entry i of channel c is `data[i * 3 + c]`. */
	data: Float32Array;
	/** Input value that maps to the first entry, per channel. */
	inputMin: Rgb;
	/** Input value that maps to the last entry, per channel. */
	inputMax: Rgb;
}

/** A 3D table of `size`^3 output colours on a regular grid over [domainMin, domainMax]. */
export interface Lut3D {
	/** Grid points per axis (2 or more). */
	size: number;
	/**
	 * `size^3 * 3` values, red varying fastest as in the `.cube` file: the output colour of grid
	 * point (r, g, b) starts at `(r + size * g + size * size * b) * 3`.
	 */
	data: Float32Array;
	/** Input colour that maps to grid point (0, 0, 0). */
	domainMin: Rgb;
	/** Input colour that maps to grid point (size-1, size-1, size-1). */
	domainMax: Rgb;
}

/**
 * The content of a `.cube` file: a 3D table, a 1D table, or (Resolve) a 1D shaper applied
 * before a 3D table.
 */
export interface CubeLut {
	/** The TITLE line, without quotes. */
	title?: string;
	/** The text of the `#` comment lines, without the `#`. */
	comments?: string[];
	/** A 1D-only table, or the shaper applied before `lut3d` when both are present. */
	lut1d?: Lut1D;
	lut3d?: Lut3D;
}
