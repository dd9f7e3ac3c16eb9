/**
 * Reading `.cube` LUT files: Adobe/IRIDAS 1.0 and the DaVinci Resolve variant, strictly and
 * safely. The reader runs in one linear pass over the text (no regular expressions), allocates
 * the tables only after the header has passed the size limits and the file is long enough to
 * hold the rows it declares, and names the line of the first problem in its error.
 *
 * Accepted (case-insensitive keywords, in any order, all before the first table row):
 * - `TITLE "text"`, `# comment` lines (anywhere), blank lines, CRLF line ends, a UTF-8 BOM;
 * - `LUT_3D_SIZE N` (2..129 by default) and/or `LUT_1D_SIZE N` (2..65536 by default);
 * - `DOMAIN_MIN r g b` / `DOMAIN_MAX r g b` (Adobe: the input range of the one table);
 * - `LUT_1D_INPUT_RANGE min max` / `LUT_3D_INPUT_RANGE min max` (Resolve).
 * A file with both sizes is a Resolve shaper file: the 1D rows come first, then the 3D rows.
 *
 * Refused, with the line number: unknown keywords (as OpenColorIO does, since such lines are not
 * colour rows), `LUT_2D_SIZE`, repeated keywords, rows that are not exactly three finite numbers,
 * keywords after the first row, a row count other than N^3 (+ the 1D size), DOMAIN_* in a file
 * with both tables (ambiguous), and an input range whose minimum is not below its maximum.
 */
import { EngineError } from '../core/errors';
import { describeValue, integerInRange, invalidParameterError, is } from '../core/validate';
import type { CubeLut, Rgb } from './types';
import { MAX_LUT1D_SIZE, MAX_LUT3D_SIZE } from './check';

/** Default refusal limit for the size of a `.cube` file: 64 MiB (a 129^3 table is ~60 MB of text). */
export const DEFAULT_MAX_CUBE_BYTES = 64 * 1024 * 1024;
/** Default largest LUT_3D_SIZE: 129, the upper bound of the Adobe specification. */
export const DEFAULT_MAX_CUBE_SIZE_3D = 129;
/** Default largest LUT_1D_SIZE: 65536, the upper bound of the Adobe specification. */
export const DEFAULT_MAX_CUBE_SIZE_1D = 65536;

/** Comments kept from one file; later ones are dropped. */
const MAX_COMMENTS = 1000;
/** Characters kept from one comment or title. */
const MAX_TEXT_LENGTH = 1000;

export interface ParseCubeOptions {
	/** Refuse input longer than this many bytes (characters for a string). @default 67108864 (64 MiB) */
	maxBytes?: number;
	/** Refuse a LUT_3D_SIZE above this. @default 129 */
	maxSize3d?: number;
	/** Refuse a LUT_1D_SIZE above this. @default 65536 */
	maxSize1d?: number;
}

const KNOWN_KEYWORDS = [
	'TITLE',
	'LUT_1D_SIZE',
	'LUT_3D_SIZE',
	'DOMAIN_MIN',
	'DOMAIN_MAX',
	'LUT_1D_INPUT_RANGE',
	'LUT_3D_INPUT_RANGE',
];

/** Largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Exact powers of ten for the fast number path (10^0..10^22 are exact doubles). */
const POW10: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses the text of a `.cube` file into a {@link CubeLut}.
 *
 * @example
 * const lut = parseCube(fs.readFileSync('film.cube'));
 * // { title: 'Film', lut3d: { size: 33, data: Float32Array(107811), domainMin: [0, 0, 0], domainMax: [1, 1, 1] } }
 * @example
 * parseCube('LUT_3D_SIZE 2\n0 0 0\n1 0 0\n');
 * // throws: The .cube ends on line 3 after 2 of the 8 table rows that LUT_3D_SIZE 2 declares
 * @param text - the file content, as a string or the raw bytes (UTF-8; a BOM is skipped)
 * @param options - size limits, see {@link ParseCubeOptions}; defaults 64 MiB, 3D size 129, 1D size 65536
 * @returns the title, comments and tables of the file
 * @throws {EngineError} kind 'invalidInput' for bad options, binary or oversized input, and every
 * malformed line (the message names the line: "Expected 3 numbers on line 17 of the .cube but received ...")
 */
export function parseCube(text: string | Buffer, options: ParseCubeOptions = {}): CubeLut {
	if (!is.plainObject(options)) throw invalidParameterError('options', 'an object', options);
	const maxBytes = integerInRange('maxBytes', options.maxBytes ?? DEFAULT_MAX_CUBE_BYTES, 1, 2 ** 31 - 1);
	const maxSize3d = integerInRange('maxSize3d', options.maxSize3d ?? DEFAULT_MAX_CUBE_SIZE_3D, 2, MAX_LUT3D_SIZE);
	const maxSize1d = integerInRange('maxSize1d', options.maxSize1d ?? DEFAULT_MAX_CUBE_SIZE_1D, 2, MAX_LUT1D_SIZE);

	let bytes: Buffer;
	if (typeof text === 'string') {
		if (text.length > maxBytes) throw tooLarge(text.length, maxBytes, 'characters');
		bytes = Buffer.from(text, 'utf8');
	} else if (text instanceof Uint8Array) {
		if (text.length > maxBytes) throw tooLarge(text.length, maxBytes, 'bytes');
		bytes = Buffer.from(text.buffer, text.byteOffset, text.length);
	} else {
		throw invalidParameterError('cube', 'the text of a .cube file as a string or Buffer', text);
	}
	// Reading bytes rather than string characters is several times faster for big tables.
	const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	rejectBinary(bytes, start);
	return new CubeReader(bytes, start, maxSize3d, maxSize1d).read();
}

function tooLarge(length: number, maxBytes: number, unit: string): EngineError {
	return new EngineError('invalidInput', `The .cube is ${length} ${unit} long, over the limit of ${maxBytes}`, {
		parameter: 'cube',
		description: 'Raise the size limit if this is a genuine LUT; a 129-point 3D LUT is about 60 MB of text.',
	});
}

/** A text file has no control characters other than tab, line feed, form feed and carriage return. */
function rejectBinary(source: Buffer, start: number): void {
	const end = Math.min(source.length, start + 4096);
	for (let i = start; i < end; i++) {
		const code = source[i];
		if (code < 32 && code !== 9 && code !== 10 && code !== 12 && code !== 13) {
			throw new EngineError('invalidInput', 'The .cube is not a text file: it contains binary data', {
				parameter: 'cube',
				description: `Byte ${code} at offset ${i}. A .cube LUT is plain text: keywords and rows of three numbers.`,
			});
		}
	}
}

function isSpace(code: number): boolean {
	return code === 32 || code === 9 || code === 12 || code === 13 || code === 11;
}

class CubeReader {
	private readonly source: Buffer;
	private readonly start: number;
	private readonly maxSize3d: number;
	private readonly maxSize1d: number;

	private lineNumber = 0;
	private lineStart = 0;
	private lineEnd = 0;

	private title: string | undefined;
	private readonly comments: string[] = [];
	/** Line where each keyword appeared, to report repeats and to check consistency. */
	private readonly seen = new Map<string, number>();
	private size3d = 0;
	private size1d = 0;
	private domainMin: Rgb = [0, 0, 0];
	private domainMax: Rgb = [1, 1, 1];
	private range1d: [number, number] = [0, 1];
	private range3d: [number, number] = [0, 1];

	private headerDone = false;
	private rows = 0;
	private totalRows = 0;
	private data1d: Float32Array | undefined;
	private data3d: Float32Array | undefined;
	private readonly row = [0, 0, 0];

	constructor(source: Buffer, start: number, maxSize3d: number, maxSize1d: number) {
		this.source = source;
		this.start = start;
		this.maxSize3d = maxSize3d;
		this.maxSize1d = maxSize1d;
	}

	read(): CubeLut {
		const src = this.source;
		const length = src.length;
		let pos = this.start;
		while (pos < length) {
			let end = src.indexOf(10, pos);
			if (end === -1) end = length;
			this.lineNumber++;
			this.lineStart = pos;
			this.lineEnd = end;
			this.readLine();
			pos = end + 1;
		}
		if (!this.headerDone) this.finishHeader();
		if (this.rows < this.totalRows) {
			throw this.fileError(
				`The .cube ends on line ${this.lineNumber} after ${this.rows} of the ${this.totalRows} table rows that ${this.sizeText()} declares`,
				'The file is truncated, or its size line is wrong.',
			);
		}
		return this.result();
	}

	private readLine(): void {
		const src = this.source;
		let s = this.lineStart;
		const e = this.lineEnd;
		while (s < e && isSpace(src[s])) s++;
		if (s === e) return;
		const first = src[s];
		if (first === 35 /* # */) {
			if (this.comments.length < MAX_COMMENTS) {
				this.comments.push(printable(src.toString('utf8', s + 1, Math.min(e, s + 1 + MAX_TEXT_LENGTH))).trim());
			}
			return;
		}
		const isLetter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95;
		if (isLetter) {
			this.readKeyword(s, e);
			return;
		}
		if (!this.headerDone) this.finishHeader();
		this.readRow(s, e);
	}

	private readKeyword(start: number, end: number): void {
		const src = this.source;
		let k = start;
		while (k < end && !isSpace(src[k])) k++;
		const keyword = src.toString('latin1', start, Math.min(k, start + 64)).toUpperCase();
		if (this.headerDone) {
			if (!KNOWN_KEYWORDS.includes(keyword)) {
				// A row such as "nan 0 0" or "inf 1 1" reads as a word: report it as a bad row.
				throw this.rowError();
			}
			throw this.fileError(
				`Unexpected ${keyword} on line ${this.lineNumber} of the .cube: keywords must come before the table rows`,
			);
		}
		if (keyword === 'LUT_2D_SIZE') {
			throw this.fileError(`LUT_2D_SIZE on line ${this.lineNumber} of the .cube is not supported`, 'Only 1D and 3D tables are.');
		}
		if (!KNOWN_KEYWORDS.includes(keyword)) {
			throw this.fileError(
				`Unknown keyword ${describeValue(printable(keyword))} on line ${this.lineNumber} of the .cube`,
				`Known keywords: ${KNOWN_KEYWORDS.join(', ')}.`,
			);
		}
		const previous = this.seen.get(keyword);
		if (previous !== undefined) {
			throw this.fileError(
				`The .cube repeats ${keyword} on line ${this.lineNumber} (first on line ${previous})`,
			);
		}
		this.seen.set(keyword, this.lineNumber);
		const rest = src.toString('utf8', k, end).trim();
		switch (keyword) {
			case 'TITLE':
				this.title = parseTitle(rest);
				break;
			case 'LUT_3D_SIZE':
				this.size3d = this.readSize(rest, keyword, this.maxSize3d);
				break;
			case 'LUT_1D_SIZE':
				this.size1d = this.readSize(rest, keyword, this.maxSize1d);
				break;
			case 'DOMAIN_MIN':
				this.domainMin = this.readNumbers(rest, keyword, 3) as Rgb;
				break;
			case 'DOMAIN_MAX':
				this.domainMax = this.readNumbers(rest, keyword, 3) as Rgb;
				break;
			case 'LUT_1D_INPUT_RANGE':
				this.range1d = this.readNumbers(rest, keyword, 2) as [number, number];
				break;
			case 'LUT_3D_INPUT_RANGE':
				this.range3d = this.readNumbers(rest, keyword, 2) as [number, number];
				break;
		}
	}

	private readSize(rest: string, keyword: string, max: number): number {
		let digits = rest.length > 0 && rest.length <= 7;
		for (let i = 0; digits && i < rest.length; i++) {
			const code = rest.charCodeAt(i);
			if (code < 48 || code > 57) digits = false;
		}
		const size = digits ? Number(rest) : NaN;
		if (!(size >= 2 && size <= max)) {
			throw this.headerError(`an integer between 2 and ${max}`, keyword, rest);
		}
		return size;
	}

	private readNumbers(rest: string, keyword: string, count: number): number[] {
		const text = Buffer.from(rest, 'utf8');
		const values: number[] = [];
		let i = 0;
		const n = text.length;
		while (i < n) {
			while (i < n && isSpace(text[i])) i++;
			if (i >= n) break;
			let j = i;
			while (j < n && !isSpace(text[j])) j++;
			const value = parseNumber(text, i, j);
			if (Number.isNaN(value) || values.length === count) {
				throw this.headerError(`${count} finite numbers`, keyword, rest);
			}
			values.push(value);
			i = j;
		}
		if (values.length !== count) throw this.headerError(`${count} finite numbers`, keyword, rest);
		return values;
	}

	/** Checks the header as a whole and allocates the tables; called at the first row or the end. */
	private finishHeader(): void {
		this.headerDone = true;
		const has1d = this.size1d > 0;
		const has3d = this.size3d > 0;
		if (!has1d && !has3d) {
			throw this.fileError(
				'The .cube has no LUT_3D_SIZE or LUT_1D_SIZE line',
				'A .cube file declares its table size before the rows: "LUT_3D_SIZE 33" for a 33-point 3D LUT.',
			);
		}
		const domainLine = this.seen.get('DOMAIN_MIN') ?? this.seen.get('DOMAIN_MAX');
		if (has1d && has3d && domainLine !== undefined) {
			throw this.fileError(
				`DOMAIN_MIN/DOMAIN_MAX on line ${domainLine} of the .cube is ambiguous in a file with both a 1D shaper and a 3D table`,
				'Use LUT_1D_INPUT_RANGE and LUT_3D_INPUT_RANGE (Resolve) to give each table its range.',
			);
		}
		for (const [keyword, needed] of [
			['LUT_1D_INPUT_RANGE', has1d],
			['LUT_3D_INPUT_RANGE', has3d],
		] as const) {
			const line = this.seen.get(keyword);
			if (line === undefined) continue;
			if (!needed) {
				throw this.fileError(
					`${keyword} on line ${line} of the .cube has no table: the file has no ${keyword.slice(0, 6)}_SIZE`,
				);
			}
			if (domainLine !== undefined) {
				throw this.fileError(
					`The .cube gives both DOMAIN_MIN/DOMAIN_MAX (line ${domainLine}) and ${keyword} (line ${line})`,
					'Give the input range once.',
				);
			}
		}
		for (let c = 0; c < 3; c++) {
			if (!(this.domainMin[c] < this.domainMax[c])) {
				throw this.fileError(
					`DOMAIN_MAX must be above DOMAIN_MIN in every channel, but the .cube has ${this.domainMin.join(' ')} to ${this.domainMax.join(' ')}`,
				);
			}
		}
		for (const [keyword, range] of [
			['LUT_1D_INPUT_RANGE', this.range1d],
			['LUT_3D_INPUT_RANGE', this.range3d],
		] as const) {
			if (!(range[0] < range[1])) {
				throw this.fileError(
					`${keyword} on line ${this.seen.get(keyword)} of the .cube must go from a lower to a higher value, but is ${range[0]} ${range[1]}`,
				);
			}
		}

		const rows3d = this.size3d * this.size3d * this.size3d;
		this.totalRows = this.size1d + rows3d;
		// Every row needs at least "0 0 0" and a line end: a header that promises more rows than
		// the rest of the file can hold is refused before anything is allocated.
		const available = this.source.length - this.lineStart;
		if (this.totalRows * 6 - 1 > available) {
			throw this.fileError(
				`The .cube declares ${this.sizeText()} (${this.totalRows} rows) but has only ${Math.max(0, available)} characters left for them`,
				'The file is truncated, or its size line is wrong.',
			);
		}
		if (has1d) this.data1d = new Float32Array(this.size1d * 3);
		if (has3d) this.data3d = new Float32Array(rows3d * 3);
	}

	private readRow(start: number, end: number): void {
		const src = this.source;
		const row = this.row;
		let count = 0;
		let i = start;
		while (i < end) {
			let code = src[i];
			while (i < end && isSpace(code)) code = src[++i];
			if (i >= end || code === 35 /* # trailing comment */) break;
			let j = i;
			while (j < end) {
				code = src[j];
				if (isSpace(code) || code === 35) break;
				j++;
			}
			if (count === 3) throw this.rowError();
			const value = parseNumber(src, i, j);
			if (Number.isNaN(value)) throw this.rowError();
			row[count++] = value;
			i = j;
		}
		if (count !== 3) throw this.rowError();
		if (this.rows >= this.totalRows) {
			throw this.fileError(
				`Unexpected row on line ${this.lineNumber} of the .cube: ${this.sizeText()} declares ${this.totalRows} rows and they are all read`,
				'The file has more rows than its size line says.',
			);
		}
		let target: Float32Array;
		let index: number;
		if (this.rows < this.size1d) {
			target = this.data1d as Float32Array;
			index = this.rows * 3;
		} else {
			target = this.data3d as Float32Array;
			index = (this.rows - this.size1d) * 3;
		}
		target[index] = row[0];
		target[index + 1] = row[1];
		target[index + 2] = row[2];
		this.rows++;
	}

	private sizeText(): string {
		const parts: string[] = [];
		if (this.size1d > 0) parts.push(`LUT_1D_SIZE ${this.size1d}`);
		if (this.size3d > 0) parts.push(`LUT_3D_SIZE ${this.size3d}`);
		return parts.join(' + ') || 'the header';
	}

	/** The current line for a message: at most 200 bytes, control characters replaced. */
	private lineText(): string {
		return printable(this.source.toString('utf8', this.lineStart, Math.min(this.lineEnd, this.lineStart + 200))).trim();
	}

	private rowError(): EngineError {
		// Binary data past the first 4 KB (which rejectBinary sniffs) ends up here: say so rather
		// than echo it.
		const src = this.source;
		for (let i = this.lineStart; i < this.lineEnd; i++) {
			const code = src[i];
			if (code < 32 && code !== 9 && code !== 12 && code !== 13) {
				return new EngineError('invalidInput', `The .cube is not a text file: line ${this.lineNumber} contains binary data`, {
					parameter: 'cube',
					description: `Byte ${code} at offset ${i}. A .cube LUT is plain text: keywords and rows of three numbers.`,
				});
			}
		}
		return new EngineError(
			'invalidInput',
			`Expected 3 numbers on line ${this.lineNumber} of the .cube but received ${describeValue(this.lineText())}`,
			{ parameter: 'cube', description: 'Every table row is three finite numbers: red, green and blue.' },
		);
	}

	private headerError(expected: string, keyword: string, received: string): EngineError {
		return new EngineError(
			'invalidInput',
			`Expected ${expected} for ${keyword} on line ${this.lineNumber} of the .cube but received ${describeValue(printable(received))}`,
			{ parameter: 'cube' },
		);
	}

	private fileError(message: string, description?: string): EngineError {
		return new EngineError('invalidInput', message, { parameter: 'cube', description });
	}

	private result(): CubeLut {
		const lut: CubeLut = {};
		if (this.title !== undefined) lut.title = this.title;
		if (this.comments.length > 0) lut.comments = this.comments;
		const hasDomain = this.seen.has('DOMAIN_MIN') || this.seen.has('DOMAIN_MAX');
		if (this.data1d) {
			const useDomain = hasDomain && !this.data3d;
			lut.lut1d = {
				size: this.size1d,
				data: this.data1d,
				inputMin: useDomain ? [...this.domainMin] : [this.range1d[0], this.range1d[0], this.range1d[0]],
				inputMax: useDomain ? [...this.domainMax] : [this.range1d[1], this.range1d[1], this.range1d[1]],
			};
		}
		if (this.data3d) {
			const useDomain = hasDomain || !this.seen.has('LUT_3D_INPUT_RANGE');
			lut.lut3d = {
				size: this.size3d,
				data: this.data3d,
				domainMin: useDomain ? [...this.domainMin] : [this.range3d[0], this.range3d[0], this.range3d[0]],
				domainMax: useDomain ? [...this.domainMax] : [this.range3d[1], this.range3d[1], this.range3d[1]],
			};
		}
		return lut;
	}
}

/**
 * Text from the file as it may appear in a title, a comment or a message: control characters
 * (C0, DEL, C1), line and paragraph separators and bidi overrides become U+FFFD, tabs and line
 * breaks a space, so nothing read from a file can reformat a message or a log line.
 */
function printable(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\t\n\v\f\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

function parseTitle(rest: string): string {
	let title = rest;
	if (title.startsWith('"')) {
		const close = title.indexOf('"', 1);
		title = close === -1 ? title.slice(1) : title.slice(1, close);
	}
	return printable(title.slice(0, MAX_TEXT_LENGTH));
}

/**
 * Parses a decimal number in `text[start, end)`: `[+-]digits[.digits][(e|E)[+-]digits]`, at least
 * one mantissa digit. Returns NaN for anything else and for values beyond the float32 range.
 * Numbers of up to 15 digits with a small exponent take an exact fast path (an exact integer
 * divided or multiplied by an exact power of ten rounds once, exactly like `Number()`).
 */
function parseNumber(text: Buffer, start: number, end: number): number {
	if (end - start > 64) return Number.NaN;
	let i = start;
	let negative = false;
	let code = text[i];
	if (code === 43 || code === 45) {
		negative = code === 45;
		i++;
	}
	let mantissa = 0;
	let digits = 0;
	let scale = 0;
	while (i < end && (code = text[i]) >= 48 && code <= 57) {
		mantissa = mantissa * 10 + (code - 48);
		digits++;
		i++;
	}
	if (i < end && text[i] === 46 /* . */) {
		i++;
		while (i < end && (code = text[i]) >= 48 && code <= 57) {
			mantissa = mantissa * 10 + (code - 48);
			digits++;
			scale--;
			i++;
		}
	}
	if (digits === 0) return Number.NaN;
	if (i < end) {
		code = text[i];
		if (code !== 101 && code !== 69) return Number.NaN;
		i++;
		let expNegative = false;
		code = text[i];
		if (i < end && (code === 43 || code === 45)) {
			expNegative = code === 45;
			i++;
		}
		let exponent = 0;
		let expDigits = 0;
		while (i < end && (code = text[i]) >= 48 && code <= 57) {
			if (exponent < 100000) exponent = exponent * 10 + (code - 48);
			expDigits++;
			i++;
		}
		if (expDigits === 0 || i < end) return Number.NaN;
		scale += expNegative ? -exponent : exponent;
	}
	let value: number;
	if (digits <= 15 && scale >= -22 && scale <= 22) {
		value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
		if (negative) value = -value;
	} else {
		value = Number(text.toString('latin1', start, end));
	}
	// Rows are stored as float32: refuse what would overflow it (and infinities).
	return value <= FLOAT32_MAX && value >= -FLOAT32_MAX ? value : Number.NaN;
}
