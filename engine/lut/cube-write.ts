/**
 * Writing `.cube` LUT files that {@link parseCube}, Resolve, ffmpeg and OpenColorIO read:
 * Adobe 1.0 layout for a single table (DOMAIN_MIN/DOMAIN_MAX only when not 0..1), the Resolve
 * layout (LUT_1D_INPUT_RANGE / LUT_3D_INPUT_RANGE) for a shaper followed by a 3D table.
 */
import { integerInRange, invalidParameterError, is } from '../core/validate';
import { checkCubeLut } from './check';
import type { CubeLut, Rgb } from './types';

export interface FormatCubeOptions {
	/** TITLE line; replaces the LUT's own title. Quotes and line breaks are removed. @default lut.title */
	title?: string;
	/** Digits after the decimal point in table rows (1..9). @default 6 */
	decimals?: number;
}

/**
 * Formats a LUT as the text of a `.cube` file. `parseCube(formatCube(lut))` gives back the same
 * tables, to the written precision (6 decimals: within 5e-7 of each value, plus float32 rounding).
 *
 * @example
 * fs.writeFileSync('identity.cube', formatCube(identityLut3d(17), { title: 'Identity' }));
 * // TITLE "Identity"
 * // LUT_3D_SIZE 17
 * // 0.000000 0.000000 0.000000
 * // 0.062500 0.000000 0.000000
 * // ...
 * @param lut - the tables to write; a 1D table with a 3D table is written as a Resolve shaper file
 * @param options - title and precision, see {@link FormatCubeOptions}; default 6 decimals
 * @returns the file text, LF line ends, ending with a line end
 * @throws {EngineError} kind 'invalidInput' for a malformed LUT, bad options, or a shaper whose
 * input range differs between channels (the Resolve format has one range for all three)
 */
export function formatCube(lut: CubeLut, options: FormatCubeOptions = {}): string {
	if (!is.plainObject(options)) throw invalidParameterError('options', 'an object', options);
	checkCubeLut(lut, 'lut');
	const decimals = integerInRange('decimals', options.decimals ?? 6, 1, 9);
	const title = options.title ?? lut.title;
	if (title !== undefined && !is.string(title)) throw invalidParameterError('title', 'a string', title);

	const lines: string[] = [];
	if (title !== undefined) lines.push(`TITLE "${cleanText(title).replace(/"/g, "'")}"`);
	for (const comment of lut.comments ?? []) lines.push(`# ${cleanText(comment)}`);

	const { lut1d, lut3d } = lut;
	if (lut1d && lut3d) {
		lines.push(`LUT_1D_SIZE ${lut1d.size}`);
		lines.push(`LUT_1D_INPUT_RANGE ${scalarRange(lut1d.inputMin, lut1d.inputMax, 'lut.lut1d', decimals)}`);
		lines.push(`LUT_3D_SIZE ${lut3d.size}`);
		lines.push(`LUT_3D_INPUT_RANGE ${scalarRange(lut3d.domainMin, lut3d.domainMax, 'lut.lut3d', decimals)}`);
	} else if (lut3d) {
		lines.push(`LUT_3D_SIZE ${lut3d.size}`);
		pushDomain(lines, lut3d.domainMin, lut3d.domainMax, decimals);
	} else if (lut1d) {
		lines.push(`LUT_1D_SIZE ${lut1d.size}`);
		pushDomain(lines, lut1d.inputMin, lut1d.inputMax, decimals);
	}
	const parts = [lines.join('\n'), '\n'];
	if (lut1d) parts.push(formatRows(lut1d.data, decimals));
	if (lut3d) parts.push(formatRows(lut3d.data, decimals));
	return parts.join('');
}

function cleanText(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		out += code < 32 || code === 127 ? ' ' : text[i];
	}
	return out.trim().slice(0, 1000);
}

function pushDomain(lines: string[], min: Rgb, max: Rgb, decimals: number): void {
	const isDefault = min.every((v) => v === 0) && max.every((v) => v === 1);
	if (isDefault) return;
	lines.push(`DOMAIN_MIN ${min.map((v) => formatNumber(v, decimals)).join(' ')}`);
	lines.push(`DOMAIN_MAX ${max.map((v) => formatNumber(v, decimals)).join(' ')}`);
}

function scalarRange(min: Rgb, max: Rgb, name: string, decimals: number): string {
	if (min[0] !== min[1] || min[0] !== min[2] || max[0] !== max[1] || max[0] !== max[2]) {
		throw invalidParameterError(
			name,
			'the same input range in all three channels (a Resolve shaper file has one range per table)',
			`${min.join(' ')} to ${max.join(' ')}`,
		);
	}
	return `${formatNumber(min[0], decimals)} ${formatNumber(max[0], decimals)}`;
}

/**
 * The table rows as ASCII text, written digit by digit into one buffer: a 129^3 table (6.4 M
 * numbers) takes well under a second this way, against several seconds with toFixed and strings.
 */
function formatRows(data: Float32Array, decimals: number): string {
	// Most values are 0..1; anything that does not fit the fast form takes the slow path per row.
	const rowBytes = 3 * (decimals + 4);
	const out = Buffer.allocUnsafe((data.length / 3) * rowBytes + 64);
	let o = 0;
	const scale = POWERS[decimals];
	let slow: string[] | undefined;
	for (let i = 0; i < data.length; i += 3) {
		const a = Math.round(Math.abs(data[i]) * scale);
		const b = Math.round(Math.abs(data[i + 1]) * scale);
		const c = Math.round(Math.abs(data[i + 2]) * scale);
		if (a < 10 * scale && b < 10 * scale && c < 10 * scale) {
			o = writeFixed(out, o, data[i], a, decimals, scale);
			out[o++] = 32;
			o = writeFixed(out, o, data[i + 1], b, decimals, scale);
			out[o++] = 32;
			o = writeFixed(out, o, data[i + 2], c, decimals, scale);
			out[o++] = 10;
		} else {
			// Rare (values of 10 or more): finish the buffer so far and continue as strings.
			slow ??= [];
			slow.push(out.toString('latin1', 0, o));
			o = 0;
			slow.push(`${formatNumber(data[i], decimals)} ${formatNumber(data[i + 1], decimals)} ${formatNumber(data[i + 2], decimals)}\n`);
		}
	}
	const tail = out.toString('latin1', 0, o);
	return slow ? slow.join('') + tail : tail;
}

/** Writes sign, one integer digit, the point and `decimals` digits of |value| * scale = `scaled`. */
function writeFixed(out: Buffer, at: number, value: number, scaled: number, decimals: number, scale: number): number {
	let o = at;
	if (value < 0 && scaled !== 0) out[o++] = 45;
	const whole = (scaled / scale) | 0;
	out[o++] = 48 + whole;
	out[o++] = 46;
	let fraction = scaled - whole * scale;
	for (let d = o + decimals - 1; d >= o; d--) {
		const next = (fraction / 10) | 0;
		out[d] = 48 + fraction - next * 10;
		fraction = next;
	}
	return o + decimals;
}

const POWERS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** Fixed-point text of a number with `decimals` digits; never "-0.000000". */
function formatNumber(value: number, decimals: number): string {
	const text = value.toFixed(decimals);
	// toFixed keeps the sign of values that round to zero ("-0.000000"): write a plain zero.
	return text.charCodeAt(0) === 45 && Number(text) === 0 ? text.slice(1) : text;
}
