import { EngineError } from '../../engine/core/errors';
import { checkCubeLut } from '../../engine/lut/check';
import { parseCube } from '../../engine/lut/cube-parse';

/** The sample in the comment of OpenColorIO's FileFormatIridasCube.cpp (Adobe/IRIDAS layout). */
const IRIDAS_SAMPLE = `#comments start with '#'
#title is currently ignored, but it's not an error to enter one
TITLE "title"

#LUT_1D_SIZE M or
#LUT_3D_SIZE M
LUT_3D_SIZE 2

#Default input value range (domain) is 0.0 (black) to 1.0 (white)
DOMAIN_MIN 0.0 0.0 0.0
DOMAIN_MAX 1.0 1.0 1.0

#for 3D textures, the data is also RGB, and ordered in such a way
#that the red coordinate changes fastest, then the green coordinate,
#and finally, the blue coordinate changes slowest:
0.0 0.0 0.0
1.0 0.0 0.0
0.0 1.0 0.0
1.0 1.0 0.0
0.0 0.0 1.0
1.0 0.0 1.0
0.0 1.0 1.0
1.0 1.0 1.0

#Note that the LUT data is not limited to any particular range
#and can contain values under 0.0 and over 1.0
`;

/**
 * The shaper + 3D sample in the comment of OpenColorIO's FileFormatResolveCube.cpp (from
 * Blackmagic's Resolve LUT documentation): the shaper inverts the signal, the 3D table inverts it again.
 */
const RESOLVE_SHAPER_SAMPLE = `# Sample 3D cube file containing 1D shaper LUT and 3D LUT.
# 1. The size and range of both the LUTs should be specified first.
# 2. LUT_*D_INPUT_RANGE is an optional field.
# 3. The 1D shaper LUT below inverts the signal
# 4. The 3D LUT which follows inverts the signal again
LUT_1D_SIZE 6
LUT_1D_INPUT_RANGE 0.0 1.0
LUT_3D_SIZE 3
LUT_3D_INPUT_RANGE 0.0 1.0
1.0 1.0 1.0
0.8 0.8 0.8
0.6 0.6 0.6
0.4 0.4 0.4
0.2 0.2 0.2
0.0 0.0 0.0
${invertedGrid(3)}`;

function invertedGrid(n: number): string {
	const rows: string[] = [];
	for (let b = 0; b < n; b++) {
		for (let g = 0; g < n; g++) {
			for (let r = 0; r < n; r++) {
				rows.push([r, g, b].map((v) => (1 - v / (n - 1)).toFixed(1)).join(' '));
			}
		}
	}
	return rows.join('\n') + '\n';
}

function expectCubeError(text: string | Buffer, message: RegExp | string, options = {}): EngineError {
	let caught: unknown;
	try {
		parseCube(text, options);
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(EngineError);
	const error = caught as EngineError;
	expect(error.kind).toBe('invalidInput');
	if (typeof message === 'string') expect(error.message).toContain(message);
	else expect(error.message).toMatch(message);
	return error;
}

describe('parseCube: accepted files', () => {
	it('reads the Adobe/IRIDAS sample: title, comments, domain, red-fastest rows', () => {
		const lut = parseCube(IRIDAS_SAMPLE);
		expect(lut.title).toBe('title');
		expect(lut.comments?.[0]).toBe("comments start with '#'");
		expect(lut.lut1d).toBeUndefined();
		expect(lut.lut3d?.size).toBe(2);
		expect(lut.lut3d?.domainMin).toEqual([0, 0, 0]);
		expect(lut.lut3d?.domainMax).toEqual([1, 1, 1]);
		// Row r + 2g + 4b holds (r, g, b): the identity written red-fastest.
		expect(Array.from(lut.lut3d?.data ?? [])).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1]);
		expect(() => checkCubeLut(lut)).not.toThrow();
	});

	it('reads the Resolve shaper + 3D sample: 6 shaper rows first, then 27 table rows', () => {
		const lut = parseCube(RESOLVE_SHAPER_SAMPLE);
		expect(lut.lut1d?.size).toBe(6);
		expect(Array.from(lut.lut1d?.data.subarray(0, 6) ?? [])).toEqual([1, 1, 1, Math.fround(0.8), Math.fround(0.8), Math.fround(0.8)]);
		expect(lut.lut1d?.inputMin).toEqual([0, 0, 0]);
		expect(lut.lut1d?.inputMax).toEqual([1, 1, 1]);
		expect(lut.lut3d?.size).toBe(3);
		expect(lut.lut3d?.data[0]).toBe(1);
		expect(lut.lut3d?.data[26 * 3]).toBe(0);
	});

	it('takes Resolve input ranges per table', () => {
		const lut = parseCube(
			'LUT_1D_SIZE 2\nLUT_1D_INPUT_RANGE -0.5 2\nLUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE 0.25 0.75\n0 0 0\n1 1 1\n' + invertedGrid(2),
		);
		expect(lut.lut1d?.inputMin).toEqual([-0.5, -0.5, -0.5]);
		expect(lut.lut1d?.inputMax).toEqual([2, 2, 2]);
		expect(lut.lut3d?.domainMin).toEqual([0.25, 0.25, 0.25]);
		expect(lut.lut3d?.domainMax).toEqual([0.75, 0.75, 0.75]);
	});

	it('reads a 1D-only file with a per-channel domain', () => {
		const lut = parseCube('LUT_1D_SIZE 3\nDOMAIN_MIN 0 0.1 0.2\nDOMAIN_MAX 1 2 3\n0 0 0\n0.5 0.5 0.5\n1 1 1\n');
		expect(lut.lut3d).toBeUndefined();
		expect(lut.lut1d?.inputMin).toEqual([0, 0.1, 0.2]);
		expect(lut.lut1d?.inputMax).toEqual([1, 2, 3]);
		expect(lut.lut1d?.data[3]).toBe(0.5);
	});

	it('gives the same result for CRLF line ends, a BOM, tabs, lower-case keywords, trailing comments and bytes', () => {
		const reference = parseCube(IRIDAS_SAMPLE);
		const variant = '\uFEFF' + IRIDAS_SAMPLE.replace(/\n/g, '\r\n').replace('LUT_3D_SIZE 2', 'lut_3d_size\t2').replace('1.0 1.0 1.0\r\n\r\n#Note', '1.0\t1.0 1.0   # last row\r\n\r\n#Note');
		expect(parseCube(variant)).toEqual(reference);
		expect(parseCube(Buffer.from(variant, 'utf8'))).toEqual(reference);
	});

	it('reads numbers in every decimal form exactly as Number() does', () => {
		const forms = ['0', '1', '-0.5', '+0.25', '.5', '5.', '1e-3', '2.5E+1', '-1.25e0', '0.333333333333333333333', '123456789012345678', '1e-30'];
		const rows = [];
		for (let i = 0; i < 8; i++) rows.push([forms[i % forms.length], forms[(i + 4) % forms.length], forms[(i + 8) % forms.length]].join(' '));
		const lut = parseCube(`LUT_3D_SIZE 2\n${rows.join('\n')}\n`);
		rows.forEach((row, i) => {
			row.split(' ').forEach((token, c) => expect(lut.lut3d?.data[i * 3 + c]).toBe(Math.fround(Number(token))));
		});
	});

	it('keeps the file order of a 17-point table (index r + 17g + 289b)', () => {
		const n = 17;
		const rows: string[] = [];
		for (let b = 0; b < n; b++) for (let g = 0; g < n; g++) for (let r = 0; r < n; r++) rows.push(`${r} ${g} ${b}`);
		const lut = parseCube(`LUT_3D_SIZE ${n}\n${rows.join('\n')}`); // no final line end
		const at = (r: number, g: number, b: number) => Array.from(lut.lut3d?.data.subarray((r + n * g + n * n * b) * 3, (r + n * g + n * n * b) * 3 + 3) ?? []);
		expect(at(3, 5, 7)).toEqual([3, 5, 7]);
		expect(at(16, 0, 16)).toEqual([16, 0, 16]);
	});
});

describe('parseCube: refused files', () => {
	const grid2 = invertedGrid(2);
	/** The 2-point table with row `index` (0-based, file line index + 2) replaced. */
	const withRow = (index: number, row: string) => {
		const rows = grid2.trimEnd().split('\n');
		rows[index] = row;
		return `LUT_3D_SIZE 2\n${rows.join('\n')}\n`;
	};
	const cases: Array<[string, string | Buffer, RegExp | string]> = [
		['empty', '', 'The .cube has no LUT_3D_SIZE or LUT_1D_SIZE line'],
		['header only', 'LUT_3D_SIZE 2\n', /declares LUT_3D_SIZE 2 \(8 rows\) but has only \d+ characters left/],
		['a lying size: 129 points, 3 rows', 'LUT_3D_SIZE 129\n0 0 0\n0 0 0\n0 0 0\n', 'declares LUT_3D_SIZE 129 (2146689 rows)'],
		['too few rows', `LUT_3D_SIZE 2\n${grid2.split('\n').slice(0, 7).join('\n')}\n`, 'after 7 of the 8 table rows that LUT_3D_SIZE 2 declares'],
		['too many rows', `LUT_3D_SIZE 2\n${grid2}0 0 0\n`, 'Unexpected row on line 10 of the .cube: LUT_3D_SIZE 2 declares 8 rows'],
		['two numbers', withRow(1, '0 0'), 'Expected 3 numbers on line 3 of the .cube but received "0 0"'],
		['four numbers', withRow(0, '0 0 0 0'), 'Expected 3 numbers on line 2'],
		['NaN in a row', withRow(5, '0.0 NaN 1.0'), 'Expected 3 numbers on line 7 of the .cube but received "0.0 NaN 1.0"'],
		['a row starting with nan', withRow(2, 'nan 0 0'), 'Expected 3 numbers on line 4 of the .cube but received "nan 0 0"'],
		['infinity by overflow', withRow(7, '1e999 0 0'), 'Expected 3 numbers on line 9'],
		['beyond float32', withRow(7, '1e39 0 0'), 'Expected 3 numbers on line 9'],
		['hexadecimal', withRow(0, '0x1 0 0'), 'Expected 3 numbers on line 2'],
		['commas', withRow(0, '0,0,0'), 'Expected 3 numbers on line 2'],
		['garbage between rows', withRow(4, 'garbage words here'), 'Expected 3 numbers on line 6 of the .cube but received "garbage words here"'],
		['huge LUT_3D_SIZE', 'LUT_3D_SIZE 100000\n', 'Expected an integer between 2 and 129 for LUT_3D_SIZE on line 1 of the .cube but received "100000"'],
		['absurd LUT_3D_SIZE', 'LUT_3D_SIZE 99999999999999999999999\n', 'for LUT_3D_SIZE on line 1'],
		['fractional LUT_3D_SIZE', 'LUT_3D_SIZE 2.5\n', 'for LUT_3D_SIZE on line 1'],
		['negative LUT_1D_SIZE', 'LUT_1D_SIZE -4\n', 'Expected an integer between 2 and 65536 for LUT_1D_SIZE'],
		['LUT_3D_SIZE 1', 'LUT_3D_SIZE 1\n0 0 0\n', 'between 2 and 129'],
		['repeated size', 'LUT_3D_SIZE 2\nLUT_3D_SIZE 2\n', 'repeats LUT_3D_SIZE on line 2 (first on line 1)'],
		['unknown keyword', 'LUT_3D_SIZE 2\nLUT_IN_VIDEO_RANGE\n', 'Unknown keyword "LUT_IN_VIDEO_RANGE" on line 2'],
		['2D LUT', 'LUT_2D_SIZE 4\n', 'LUT_2D_SIZE on line 1 of the .cube is not supported'],
		['keyword after the rows', withRow(1, 'DOMAIN_MIN 0 0 0'), 'Unexpected DOMAIN_MIN on line 3'],
		['DOMAIN with two values', 'LUT_3D_SIZE 2\nDOMAIN_MIN 0 0\n', 'Expected 3 finite numbers for DOMAIN_MIN on line 2'],
		['inverted domain', `LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1 0 1\n${grid2}`, 'DOMAIN_MAX must be above DOMAIN_MIN'],
		['inverted input range', `LUT_3D_SIZE 2\nLUT_3D_INPUT_RANGE 1 0\n${grid2}`, 'LUT_3D_INPUT_RANGE on line 2 of the .cube must go from a lower to a higher value'],
		['DOMAIN in a shaper file', `LUT_1D_SIZE 2\nLUT_3D_SIZE 2\nDOMAIN_MAX 1 1 1\n0 0 0\n1 1 1\n${grid2}`, 'ambiguous in a file with both a 1D shaper and a 3D table'],
		['range for a missing table', `LUT_3D_SIZE 2\nLUT_1D_INPUT_RANGE 0 1\n${grid2}`, 'LUT_1D_INPUT_RANGE on line 2 of the .cube has no table'],
		['DOMAIN and INPUT_RANGE', `LUT_3D_SIZE 2\nDOMAIN_MIN 0 0 0\nLUT_3D_INPUT_RANGE 0 1\n${grid2}`, 'both DOMAIN_MIN/DOMAIN_MAX (line 2) and LUT_3D_INPUT_RANGE (line 3)'],
		['binary garbage', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'The .cube is not a text file'],
		['a JSON file', '{"lut": [0, 0, 0]}', 'The .cube has no LUT_3D_SIZE or LUT_1D_SIZE line'],
	];

	it.each(cases)('%s', (_name, text, message) => {
		const error = expectCubeError(text, message);
		expect(error.parameter).toBe('cube');
	});

	it('refuses input over maxBytes before reading it', () => {
		expectCubeError('LUT_3D_SIZE 2\n' + grid2, `The .cube is ${14 + grid2.length} characters long, over the limit of 20`, { maxBytes: 20 });
		expectCubeError(Buffer.alloc(100, 0x30), 'The .cube is 100 bytes long, over the limit of 99', { maxBytes: 99 });
	});

	it('applies lower size limits when asked', () => {
		expectCubeError('LUT_3D_SIZE 33\n', 'Expected an integer between 2 and 17 for LUT_3D_SIZE', { maxSize3d: 17 });
		expectCubeError('LUT_1D_SIZE 4096\n', 'Expected an integer between 2 and 1024 for LUT_1D_SIZE', { maxSize1d: 1024 });
	});

	it('refuses bad options and non-text input with the standard message', () => {
		expect(() => parseCube('', { maxSize3d: 1000 })).toThrow('Expected an integer between 2 and 256 for maxSize3d but received 1000');
		expect(() => parseCube(42 as unknown as string)).toThrow(
			'Expected the text of a .cube file as a string or Buffer for cube but received 42',
		);
	});
});

describe('parseCube: hostile input', () => {
	it('fails fast on a million lines of garbage after a valid header', () => {
		const text = 'LUT_3D_SIZE 129\n' + 'garbage words here\n'.repeat(1_000_000);
		const start = performance.now();
		expectCubeError(text, 'Unknown keyword "GARBAGE" on line 2 of the .cube');
		expect(performance.now() - start).toBeLessThan(1000);
	});

	it('scans a million comment lines in linear time and then reports the missing size', () => {
		const text = '# just a comment line\n'.repeat(1_000_000);
		const start = performance.now();
		expectCubeError(text, 'The .cube has no LUT_3D_SIZE or LUT_1D_SIZE line');
		expect(performance.now() - start).toBeLessThan(2000);
	});

	it('fails fast on a million rows that exceed a small declared size', () => {
		const text = 'LUT_3D_SIZE 2\n' + '0 0 0\n'.repeat(1_000_000);
		const start = performance.now();
		expectCubeError(text, 'Unexpected row on line 10');
		expect(performance.now() - start).toBeLessThan(1000);
	});

	it('does not allocate the table a lying header promises', () => {
		// 129^3 rows need at least 12.9 MB of text; a 40-byte file claiming them is refused before
		// the 25 MB table would be allocated (heap growth stays far below that).
		const before = process.memoryUsage().arrayBuffers;
		expectCubeError('LUT_3D_SIZE 129\n0 0 0\n0 0 0\n', 'declares LUT_3D_SIZE 129');
		expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(5_000_000);
	});

	it('handles one enormous line without a line end', () => {
		const text = 'LUT_3D_SIZE 2\n' + '0 '.repeat(3_000_000);
		const error = expectCubeError(text, /declares LUT_3D_SIZE 2 \(8 rows\)|Expected 3 numbers on line 2/);
		expect(error.message.length).toBeLessThan(300);
	});

	it('reads a maximal 129-point table (2.1 M rows) in linear time (about 0.5 s here when idle)', () => {
		const n = 129;
		const rows: string[] = [];
		for (let i = 0; i < n * n * n; i++) rows.push('0.123456 0.654321 1.000000');
		const text = `LUT_3D_SIZE ${n}\n${rows.join('\n')}\n`;
		const start = performance.now();
		const lut = parseCube(text);
		// A generous bound that still catches quadratic behaviour (which would take hours).
		expect(performance.now() - start).toBeLessThan(15_000);
		expect(lut.lut3d?.data[n * n * n * 3 - 1]).toBe(1);
	});

	it('never throws anything but an invalidInput EngineError, and never hangs, on 3000 mutated files', () => {
		let seed = 20261125;
		const random = () => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
		const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
		const seeds = [IRIDAS_SAMPLE, RESOLVE_SHAPER_SAMPLE, 'LUT_1D_SIZE 3\n0 0 0\n0.5 0.5 0.5\n1 1 1\n', `LUT_3D_SIZE 2\n${invertedGrid(2)}`];
		const tokens = ['LUT_3D_SIZE 3', 'LUT_1D_SIZE 2', 'LUT_3D_SIZE 999999', 'DOMAIN_MIN 1 1 1', 'DOMAIN_MAX 0 0 0', 'TITLE "x', 'nan', '-', 'e', '1e400', '#', '\r\n', '\n', '\u0000', '\uFEFF', '"', ' ', '\t', '0.5 0.5 0.5\n', 'LUT_3D_INPUT_RANGE 0 1', '9'.repeat(40)];
		let accepted = 0;
		const start = performance.now();
		for (let i = 0; i < 3000; i++) {
			let text = pick(seeds);
			const edits = 1 + Math.floor(random() * 4);
			for (let e = 0; e < edits; e++) {
				const at = Math.floor(random() * (text.length + 1));
				const kind = random();
				if (kind < 0.3) text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1);
				else if (kind < 0.55) text = text.slice(0, at) + pick(tokens) + text.slice(at);
				else if (kind < 0.75) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20));
				else if (kind < 0.9) {
					const lines = text.split('\n');
					const line = Math.floor(random() * lines.length);
					lines.splice(line, 0, lines[line]);
					text = lines.join('\n');
				} else text = text.slice(0, at);
			}
			const input = random() < 0.5 ? text : Buffer.from(text, 'utf8');
			let lut: ReturnType<typeof parseCube> | undefined;
			let failure: unknown;
			try {
				lut = parseCube(input);
			} catch (error) {
				failure = error;
			}
			if (lut) {
				// Whatever is accepted is a well-formed LUT: right lengths, finite float32 values.
				expect(() => checkCubeLut(lut)).not.toThrow();
				accepted++;
			} else {
				expect(failure).toBeInstanceOf(EngineError);
				expect((failure as EngineError).kind).toBe('invalidInput');
				expect((failure as EngineError).message.length).toBeLessThan(400);
			}
		}
		expect(performance.now() - start).toBeLessThan(20_000);
		// The mutations must leave some files valid (comments, blank lines, values) and break others.
		expect(accepted).toBeGreaterThan(100);
		expect(accepted).toBeLessThan(2900);
	});
});
