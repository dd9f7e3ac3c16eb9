/**
 * Applying a {@link CubeLut} to 8-bit RGB(A) pixels: the optional 1D shaper, then the 3D table
 * with tetrahedral (default) or trilinear interpolation, then an optional mix with the input.
 *
 * Input levels are only 0..255 per channel, so everything that depends on one channel alone
 * (shaper, domain scaling, grid cell and position inside it) is computed once per level into
 * small tables; the per-pixel work is three table reads, one tetrahedron (4 grid points) or cube
 * (8 grid points) and the rounding. No allocation per pixel, same bytes on every run. (A cache of
 * the previous pixel's result was tried: the unpredictable branch made it ~20 % slower on photos.)
 */
import { integerInRange, invalidParameterError, is, numberInRange, oneOf } from '../core/validate';
import { checkCubeLut, MAX_LUT3D_SIZE } from './check';
import type { CubeLut, Lut1D, Lut3D } from './types';

/** Interpolation inside a 3D grid cell. */
export type LutInterpolation = 'tetrahedral' | 'trilinear';

export const LUT_INTERPOLATIONS: readonly LutInterpolation[] = ['tetrahedral', 'trilinear'];

export interface ApplyLutOptions {
	/**
	 * 'tetrahedral' splits each grid cell into 6 tetrahedra along the grey diagonal (keeps greys
	 * neutral, the choice of Resolve and ffmpeg's default); 'trilinear' blends the 8 corners.
	 * @default 'tetrahedral'
	 */
	interpolation?: LutInterpolation;
	/** Mix with the input: 0 leaves the pixels as they are, 1 is the full LUT. @default 1 */
	strength?: number;
	/**
	 * Write the result here instead of a new buffer: a buffer of the same length, or `raw` itself
	 * to work in place. Saves allocating (and page-faulting) a second image. @default a new buffer
	 */
	output?: Buffer;
}

/**
 * Applies a LUT to interleaved 8-bit pixels. Alpha (4th channel) is copied unchanged; input values
 * outside a table's domain are clamped to it; output values are clamped to 0..255 and rounded to
 * the nearest level. An identity LUT of any size returns the input bytes exactly.
 *
 * @example
 * const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
 * const graded = applyLut(data, info.channels as 3 | 4, parseCube(cubeText), { strength: 0.8 });
 * await sharp(graded, { raw: info }).jpeg().toFile('graded.jpg');
 * @param raw - pixels, `channels` bytes each (R, G, B[, A])
 * @param channels - 3 (RGB) or 4 (RGBA)
 * @param lut - the tables, e.g. from {@link parseCube} or {@link learnLut}
 * @param options - interpolation (default 'tetrahedral') and strength (default 1), see {@link ApplyLutOptions}
 * @returns a new buffer of the same length and layout, or `options.output` when given
 * @throws {EngineError} kind 'invalidInput' for a buffer that is not whole pixels, bad channels,
 * a malformed LUT or bad options
 */
export function applyLut(raw: Buffer, channels: 3 | 4, lut: CubeLut, options: ApplyLutOptions = {}): Buffer {
	if (!(raw instanceof Uint8Array)) throw invalidParameterError('raw', 'a Buffer of 8-bit pixels', raw);
	if (channels !== 3 && channels !== 4) throw invalidParameterError('channels', '3 or 4', channels);
	if (raw.length % channels !== 0) {
		throw invalidParameterError('raw', `a whole number of ${channels}-byte pixels`, `${raw.length} bytes`);
	}
	if (!is.plainObject(options)) throw invalidParameterError('options', 'an object', options);
	const output = options.output;
	if (output !== undefined && (!Buffer.isBuffer(output) || output.length !== raw.length)) {
		throw invalidParameterError('output', `a Buffer of ${raw.length} bytes`, output);
	}
	const out = output ?? Buffer.allocUnsafe(raw.length);
	prepareLut(lut, options)(raw, out, channels);
	return out;
}

/** A LUT ready to apply: `(raw, out, channels)` maps every pixel of raw into out (may be raw itself). */
export type PreparedLut = (raw: Uint8Array, out: Uint8Array, channels: 3 | 4) => void;

/**
 * Checks a LUT and its options once and builds its lookup tables, for applying it to many
 * buffers or parts of one (e.g. strip by strip, in place). Same result as {@link applyLut}.
 *
 * @example const apply = prepareLut(parseCube(text), { strength: 0.5 }); apply(strip, strip, 3);
 * @throws {EngineError} kind 'invalidInput' for a malformed LUT or bad options
 */
export function prepareLut(lut: CubeLut, options: Pick<ApplyLutOptions, 'interpolation' | 'strength'> = {}): PreparedLut {
	checkCubeLut(lut, 'lut');
	const interpolation = oneOf('interpolation', options.interpolation ?? 'tetrahedral', LUT_INTERPOLATIONS);
	const strength = numberInRange('strength', options.strength ?? 1, 0, 1);
	if (!lut.lut3d) {
		const levels = shaperLevels(lut.lut1d as Lut1D, strength);
		return (raw, out, channels) => applyLevelTables(raw, out, channels, levels);
	}
	const lut3d = lut.lut3d;
	const tables = cellTables(lut3d, lut.lut1d);
	return interpolation === 'tetrahedral'
		? (raw, out, channels) => applyTetrahedral(raw, out, channels, lut3d, tables, strength)
		: (raw, out, channels) => applyTrilinear(raw, out, channels, lut3d, tables, strength);
}

/**
 * Builds the identity 3D LUT: every grid point maps to itself, so applying it changes nothing.
 * The starting point for LUTs computed from a formula.
 *
 * @example
 * const lut = identityLut3d(33);
 * applyLut(pixels, 3, lut).equals(pixels); // true
 * @param size - grid points per axis, 2..256; 33 is the common choice
 * @returns `{ lut3d: { size, data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] } }`
 * @throws {EngineError} kind 'invalidInput' for a size outside 2..256
 */
export function identityLut3d(size: number): CubeLut {
	const n = integerInRange('size', size, 2, MAX_LUT3D_SIZE);
	const data = new Float32Array(n * n * n * 3);
	const scale = 1 / (n - 1);
	let i = 0;
	for (let b = 0; b < n; b++) {
		for (let g = 0; g < n; g++) {
			for (let r = 0; r < n; r++) {
				data[i++] = r * scale;
				data[i++] = g * scale;
				data[i++] = b * scale;
			}
		}
	}
	return { lut3d: { size: n, data, domainMin: [0, 0, 0], domainMax: [1, 1, 1] } };
}

/** Per input level (0..255) and channel: offset of the cell's first grid value, and position in the cell. */
interface CellTables {
	offset: [Int32Array, Int32Array, Int32Array];
	fraction: [Float64Array, Float64Array, Float64Array];
}

/** The shaper's output for an input level, as a float. */
function shaperValue(shaper: Lut1D, channel: number, level: number): number {
	const min = shaper.inputMin[channel];
	const max = shaper.inputMax[channel];
	let t = (level / 255 - min) / (max - min);
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	const last = shaper.size - 1;
	const position = t * last;
	let index = Math.floor(position);
	if (index >= last) index = last - 1;
	const f = position - index;
	const a = shaper.data[index * 3 + channel];
	const b = shaper.data[(index + 1) * 3 + channel];
	return a + (b - a) * f;
}

function cellTables(lut3d: Lut3D, shaper: Lut1D | undefined): CellTables {
	const n = lut3d.size;
	const last = n - 1;
	const strides = [3, 3 * n, 3 * n * n];
	const offset: CellTables['offset'] = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];
	const fraction: CellTables['fraction'] = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
	for (let c = 0; c < 3; c++) {
		const min = lut3d.domainMin[c];
		const span = lut3d.domainMax[c] - min;
		for (let level = 0; level < 256; level++) {
			const x = shaper ? shaperValue(shaper, c, level) : level / 255;
			let u = (x - min) / span;
			u = u < 0 ? 0 : u > 1 ? 1 : u;
			const position = u * last;
			let index = Math.floor(position);
			if (index >= last) index = last - 1;
			offset[c][level] = index * strides[c];
			fraction[c][level] = position - index;
		}
	}
	return { offset, fraction };
}

/** 1D-only LUT: the whole transform is one 256-entry table per channel. */
function shaperLevels(shaper: Lut1D, strength: number): Uint8Array[] {
	const tables: Uint8Array[] = [];
	for (let c = 0; c < 3; c++) {
		const table = new Uint8Array(256);
		for (let level = 0; level < 256; level++) {
			table[level] = toByte(level, shaperValue(shaper, c, level) * 255, strength);
		}
		tables.push(table);
	}
	return tables;
}

function applyLevelTables(raw: Uint8Array, out: Uint8Array, channels: number, tables: Uint8Array[]): void {
	const [tr, tg, tb] = tables;
	const length = raw.length;
	for (let p = 0; p < length; p += channels) {
		out[p] = tr[raw[p]];
		out[p + 1] = tg[raw[p + 1]];
		out[p + 2] = tb[raw[p + 2]];
		if (channels === 4) out[p + 3] = raw[p + 3];
	}
}

/** Mixes with the input level, clamps to 0..255 and rounds half up. */
function toByte(input: number, value: number, strength: number): number {
	const v = strength === 1 ? value : input + (value - input) * strength;
	return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}

/**
 * For each ordering code `(r>g) | (g>b)<<1 | (r>b)<<2` of the positions inside a cell: the offset
 * of the grid point one step along the largest axis (`first`), and one more step along the middle
 * axis (`second`). Codes 3 and 4 cannot occur; ties give tetrahedra with a zero weight, so any
 * choice among tied axes gives the same value.
 */
/** For each ordering code: the channel (0 R, 1 G, 2 B) with the largest and with the smallest position. */
const LARGEST_AXIS = Uint8Array.of(2, 2, 1, 0, 0, 0, 1, 0);
const SMALLEST_AXIS = Uint8Array.of(0, 1, 0, 2, 2, 1, 2, 2);

function tetrahedronSteps(n: number): { first: Int32Array; second: Int32Array } {
	const sR = 3;
	const sG = 3 * n;
	const sB = 3 * n * n;
	// code:                    0 b>g>=r   1 b>=r>g   2 g>b>r    3 -      4 -      5 r>b>=g   6 g>=r>b   7 r>g>b
	const first = Int32Array.of(sB, sB, sG, sR, sR, sR, sG, sR);
	const second = Int32Array.of(sB + sG, sB + sR, sG + sB, sR + sG, sR + sG, sR + sB, sG + sR, sR + sG);
	return { first, second };
}

function applyTetrahedral(
	raw: Uint8Array,
	out: Uint8Array,
	channels: number,
	lut3d: Lut3D,
	tables: CellTables,
	strength: number,
): void {
	const data = lut3d.data;
	const n = lut3d.size;
	const sR = 3;
	const sG = 3 * n;
	const sB = 3 * n * n;
	const sAll = sR + sG + sB;
	const { first, second } = tetrahedronSteps(n);
	const position = new Float64Array(3);
	const largest = LARGEST_AXIS;
	const smallest = SMALLEST_AXIS;
	const [offR, offG, offB] = tables.offset;
	const [fracR, fracG, fracB] = tables.fraction;
	const mix = strength !== 1;
	const length = raw.length;
	for (let p = 0; p < length; p += channels) {
		const r = raw[p];
		const g = raw[p + 1];
		const b = raw[p + 2];
		const base = offR[r] + offG[g] + offB[b];
		const fr = fracR[r];
		const fg = fracG[g];
		const fb = fracB[b];
		// Branch-free choice of the tetrahedron: the ordering code of the three positions gives
		// the largest (hi) and smallest (lo) by index, and the first and second grid steps along
		// the axes of hi and of the middle one. (Choosing with if/else or ?: mispredicts on photos
		// and was about 30 % slower; Math.max/min are calls in jest's sandbox.)
		const order = +(fr > fg) | (+(fg > fb) << 1) | (+(fr > fb) << 2);
		position[0] = fr;
		position[1] = fg;
		position[2] = fb;
		const hi = position[largest[order]];
		const lo = position[smallest[order]];
		const mid = fr + fg + fb - hi - lo;
		const w0 = 1 - hi;
		const w1 = hi - mid;
		const w2 = mid - lo;
		const w3 = lo;
		const o1 = first[order];
		const o2 = second[order];
		const i1 = base + o1;
		const i2 = base + o2;
		const i3 = base + sAll;
		let vr = (w0 * data[base] + w1 * data[i1] + w2 * data[i2] + w3 * data[i3]) * 255;
		let vg = (w0 * data[base + 1] + w1 * data[i1 + 1] + w2 * data[i2 + 1] + w3 * data[i3 + 1]) * 255;
		let vb = (w0 * data[base + 2] + w1 * data[i1 + 2] + w2 * data[i2 + 2] + w3 * data[i3 + 2]) * 255;
		if (mix) {
			vr = r + (vr - r) * strength;
			vg = g + (vg - g) * strength;
			vb = b + (vb - b) * strength;
		}
		out[p] = vr <= 0 ? 0 : vr >= 255 ? 255 : (vr + 0.5) | 0;
		out[p + 1] = vg <= 0 ? 0 : vg >= 255 ? 255 : (vg + 0.5) | 0;
		out[p + 2] = vb <= 0 ? 0 : vb >= 255 ? 255 : (vb + 0.5) | 0;
		if (channels === 4) out[p + 3] = raw[p + 3];
	}
}

function applyTrilinear(
	raw: Uint8Array,
	out: Uint8Array,
	channels: number,
	lut3d: Lut3D,
	tables: CellTables,
	strength: number,
): void {
	const data = lut3d.data;
	const n = lut3d.size;
	const sR = 3;
	const sG = 3 * n;
	const sB = 3 * n * n;
	const [offR, offG, offB] = tables.offset;
	const [fracR, fracG, fracB] = tables.fraction;
	const mix = strength !== 1;
	const length = raw.length;
	const result = new Float64Array(3);
	for (let p = 0; p < length; p += channels) {
		const r = raw[p];
		const g = raw[p + 1];
		const b = raw[p + 2];
		const base = offR[r] + offG[g] + offB[b];
		const fr = fracR[r];
		const fg = fracG[g];
		const fb = fracB[b];
		for (let c = 0; c < 3; c++) {
			const i = base + c;
			const c000 = data[i];
			const c100 = data[i + sR];
			const c010 = data[i + sG];
			const c110 = data[i + sR + sG];
			const c001 = data[i + sB];
			const c101 = data[i + sR + sB];
			const c011 = data[i + sG + sB];
			const c111 = data[i + sR + sG + sB];
			const c00 = c000 + (c100 - c000) * fr;
			const c10 = c010 + (c110 - c010) * fr;
			const c01 = c001 + (c101 - c001) * fr;
			const c11 = c011 + (c111 - c011) * fr;
			const c0 = c00 + (c10 - c00) * fg;
			const c1 = c01 + (c11 - c01) * fg;
			result[c] = (c0 + (c1 - c0) * fb) * 255;
		}
		let vr = result[0];
		let vg = result[1];
		let vb = result[2];
		if (mix) {
			vr = r + (vr - r) * strength;
			vg = g + (vg - g) * strength;
			vb = b + (vb - b) * strength;
		}
		out[p] = vr <= 0 ? 0 : vr >= 255 ? 255 : (vr + 0.5) | 0;
		out[p + 1] = vg <= 0 ? 0 : vg >= 255 ? 255 : (vg + 0.5) | 0;
		out[p + 2] = vb <= 0 ? 0 : vb >= 255 ? 255 : (vb + 0.5) | 0;
		if (channels === 4) out[p + 3] = raw[p + 3];
	}
}
