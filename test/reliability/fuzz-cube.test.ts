/**
 * Fuzzing the .cube reader (engine/lut/cube-parse.ts) with thousands of seeded random inputs:
 * valid Adobe/IRIDAS and Resolve files in random layouts, random mutations of them (lying
 * sizes, NaN/inf/huge numbers, truncations, CRLF/CR, random bytes and unicode, repeated or
 * misplaced keywords), lines of random tokens, and random bytes.
 *
 * For every input the reader must either return a structurally valid LUT (sizes match the data
 * length, every value finite, each domain minimum below its maximum) or throw an EngineError of
 * kind invalidInput with a clear message: never another exception type, never take long, and
 * never allocate tables larger than the input could fill (a lying header must not make it
 * allocate). Valid files that were not mutated must read back exactly the values written.
 *
 * Replay a failure with FUZZ_SEED=<seed printed in the failure>; FUZZ_CASES=<n> for more cases.
 */
import { EngineError } from '../../engine/core/errors';
import { parseCube } from '../../engine/lut/cube-parse';
import type { CubeLut } from '../../engine/lut/types';
import { expectClearMessage, fuzzCases, fuzzSeed, runFuzz, valueOrEngineError, type Prng } from './fuzz-support';

const SEED = fuzzSeed();
/**
 * Per-input time bound: every fuzz input is under ~300 KB and the reader is linear (~50 MB/s,
 * a few ms per input); the bound leaves room for GC pauses on a loaded 2-core machine.
 */
const MAX_MS_PER_INPUT = 3000;
let slowestMs = 0;
let totalCases = 0;
let parseMs = 0;

afterAll(() => {
	console.log(`fuzz-cube: ${totalCases} inputs, seed ${SEED}, ${Math.round(parseMs)} ms parsing, slowest input ${Math.round(slowestMs)} ms`);
});

// ---------------------------------------------------------------------------------------------
// Allocation probe: counts the Float32Array elements the reader allocates while parsing.
// It wraps the global constructor (behaviour unchanged); the reader's own code is not touched.

let allocatedFloats = 0;
const RealFloat32Array = globalThis.Float32Array;
const CountingFloat32Array = new Proxy(RealFloat32Array, {
	construct(target, args: unknown[], newTarget) {
		if (typeof args[0] === 'number') allocatedFloats += args[0];
		return Reflect.construct(target, args, newTarget) as object;
	},
});

function parseCounting(input: string | Buffer): { result: ReturnType<typeof valueOrEngineError<CubeLut>>; floats: number; ms: number } {
	allocatedFloats = 0;
	globalThis.Float32Array = CountingFloat32Array;
	const started = performance.now();
	try {
		const result = valueOrEngineError(() => parseCube(input));
		return { result, floats: allocatedFloats, ms: performance.now() - started };
	} finally {
		globalThis.Float32Array = RealFloat32Array;
	}
}

// ---------------------------------------------------------------------------------------------
// Generators

interface Layout {
	eol: string;
	bom: boolean;
	lower: boolean;
	sep: () => string;
	num: (v: number) => string;
	commentRate: number;
}

/** A valid cube and the values it holds (expected after float32 rounding). */
interface GeneratedCube {
	text: string;
	kind: 'adobe3d' | 'adobe1d' | 'resolve' | 'resolve3d';
	size3d: number;
	size1d: number;
	values1d: number[];
	values3d: number[];
	domainMin: [number, number, number];
	domainMax: [number, number, number];
	range1d: [number, number];
	range3d: [number, number];
}

function layout(rng: Prng): Layout {
	const decimals = rng.range(0, 9);
	const numberStyle = rng.int(6);
	return {
		eol: rng.pick(['\n', '\n', '\r\n']),
		bom: rng.bool(0.15),
		lower: rng.bool(0.15),
		sep: () => (rng.bool(0.9) ? ' ' : rng.pick(['\t', '  ', ' \t '])),
		num: (v) => {
			switch (numberStyle) {
				case 0:
					return v.toFixed(decimals);
				case 1:
					return v.toExponential(rng.range(0, 8));
				case 2:
					return String(v);
				case 3:
					return (v >= 0 && rng.bool(0.3) ? '+' : '') + v.toFixed(decimals);
				case 4:
					return v.toPrecision(rng.range(1, 12));
				default:
					// ".5" and "5." forms
					return v.toFixed(Math.max(1, decimals)).replace(/^0\./, '.').replace(/^-0\./, '-.');
			}
		},
		commentRate: rng.pick([0, 0, 0.02, 0.2]),
	};
}

function randomValue(rng: Prng): number {
	switch (rng.int(5)) {
		case 0:
			return rng.next();
		case 1:
			return rng.int(2);
		case 2:
			return rng.next() * 4 - 1.5;
		case 3:
			return Math.round(rng.next() * 1000) / 1000;
		default:
			return (rng.next() - 0.5) * 1e6;
	}
}

function validCube(rng: Prng, max3d = 7, max1d = 300): GeneratedCube {
	const kind = rng.pick(['adobe3d', 'adobe3d', 'adobe1d', 'resolve', 'resolve3d'] as const);
	const lay = layout(rng);
	const kw = (k: string) => (lay.lower ? k.toLowerCase() : k);
	const size3d = kind === 'adobe1d' ? 0 : rng.range(2, max3d);
	const size1d = kind === 'adobe1d' ? rng.range(2, max1d) : kind === 'resolve' ? rng.range(2, Math.min(64, max1d)) : 0;
	const header: string[] = [];
	const out: GeneratedCube = {
		text: '',
		kind,
		size3d,
		size1d,
		values1d: [],
		values3d: [],
		domainMin: [0, 0, 0],
		domainMax: [1, 1, 1],
		range1d: [0, 1],
		range3d: [0, 1],
	};
	if (rng.bool(0.5)) header.push(`${kw('TITLE')} "${rng.pick(['Film look', 'Ünïcödé 🎞', '', 'a "quoted" title', 'x'.repeat(rng.range(1, 1200))])}"`);
	if (rng.bool(0.5)) header.push(`# ${rng.pick(['made by fuzz', 'comment with # inside', 'Ω≈ç√'])}`);
	if (size1d > 0) header.push(`${kw('LUT_1D_SIZE')} ${size1d}`);
	if (size3d > 0) header.push(`${kw('LUT_3D_SIZE')} ${size3d}`);
	const domainLo = (): number => Math.round((rng.next() - 0.7) * 100) / 100 + 0; // + 0: no -0
	if (kind === 'adobe3d' || kind === 'adobe1d') {
		if (rng.bool(0.5)) {
			out.domainMin = [domainLo(), domainLo(), domainLo()];
			out.domainMax = [out.domainMin[0] + 0.5 + rng.int(4), out.domainMin[1] + 0.5 + rng.int(4), out.domainMin[2] + 1];
			header.push(`${kw('DOMAIN_MIN')} ${out.domainMin.join(lay.sep())}`);
			header.push(`${kw('DOMAIN_MAX')} ${out.domainMax.join(lay.sep())}`);
		}
	} else {
		if (size1d > 0 && rng.bool(0.7)) {
			out.range1d = [domainLo(), 1 + rng.int(3)];
			header.push(`${kw('LUT_1D_INPUT_RANGE')} ${out.range1d.join(' ')}`);
		}
		if (rng.bool(0.7)) {
			out.range3d = [domainLo(), 1 + rng.int(3)];
			header.push(`${kw('LUT_3D_INPUT_RANGE')} ${out.range3d.join(' ')}`);
		}
	}
	// Keywords in any order, comments between them.
	for (let i = header.length - 1; i > 0; i--) {
		const j = rng.int(i + 1);
		[header[i], header[j]] = [header[j], header[i]];
	}
	const lines = [...header];
	if (rng.bool(0.3)) lines.push('');
	const row = (): string => {
		const values = [randomValue(rng), randomValue(rng), randomValue(rng)];
		const texts = values.map(lay.num);
		return texts.join(lay.sep()) + (rng.bool(0.05) ? ` # trailing comment` : '') + (rng.bool(0.05) ? ' \t' : '');
	};
	for (let i = 0; i < size1d + size3d ** 3; i++) {
		if (rng.next() < lay.commentRate) lines.push(rng.bool() ? '# between rows' : '');
		lines.push(row());
	}
	if (rng.bool(0.5)) lines.push('');
	out.text = (lay.bom ? '\ufeff' : '') + lines.join(lay.eol);
	// The expected values are what the text says, read back by the JS number reader.
	const rowValues = lines
		.filter((l) => /^[\s]*[-+.\d]/.test(l))
		.map((l) => l.split('#')[0].trim().split(/\s+/).map(Number));
	const flat = rowValues.flat();
	out.values1d = flat.slice(0, size1d * 3);
	out.values3d = flat.slice(size1d * 3);
	return out;
}

const SPECIAL_TOKENS = [
	'NaN', 'nan', 'inf', '-inf', 'Infinity', '-Infinity', '1e39', '-1e39', '3.5e38', '1e308', '1e400', '-1e400', '1e-400',
	'0x10', '1_0', '١', '１', '--1', '1e', '.', '-', '+', '1.2.3', '9'.repeat(70), `0.${'1'.repeat(80)}`, '1e+99999999999',
	'1e-99999999', '1,5', '', '"1"', 'null', 'undefined', '{}', '[]', '0.5f', '1d', '#', '##', 'TITLE', 'LUT_3D_SIZE',
	'\u00a0', '\u200b', '\u2028', '🎞', 'é', '\u0000', '\u0007', '\u001b[31m', '\ufeff',
];

const LYING_SIZES = ['0', '1', '2', '3', '17', '33', '65', '129', '130', '256', '1000000000', '-3', '33.0', '2e1', ' 33', '0033', '0x21', '33 33', '', '٣٣', '4294967297', '9'.repeat(30)];

function randomUnicode(rng: Prng, length: number): string {
	let s = '';
	for (let i = 0; i < length; i++) {
		const pick = rng.int(6);
		const cp =
			pick === 0 ? rng.range(0, 0x7f) : pick === 1 ? rng.range(0x80, 0x7ff) : pick === 2 ? rng.range(0x800, 0xd7ff) : pick === 3 ? rng.range(0xe000, 0xffff) : pick === 4 ? rng.range(0x10000, 0x10ffff) : rng.pick([0xd800, 0xdfff, 0xfeff, 0xfffd]);
		s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
	}
	return s;
}

function randomBytes(rng: Prng, length: number): Buffer {
	const b = Buffer.alloc(length);
	for (let i = 0; i < length; i += 4) {
		const word = Math.floor(rng.next() * 4294967296);
		for (let k = 0; k < 4 && i + k < length; k++) b[i + k] = (word >>> (8 * k)) & 0xff;
	}
	return b;
}

function mutate(text: string, rng: Prng): string | Buffer {
	let lines = text.split('\n');
	let result: string | Buffer = text;
	const ops = rng.range(1, 3);
	for (let k = 0; k < ops; k++) {
		const at = rng.int(lines.length);
		switch (rng.int(20)) {
			case 0:
				lines.splice(at, 1);
				break;
			case 1:
				lines.splice(at, 0, lines[rng.int(lines.length)] ?? '');
				break;
			case 2: {
				const other = rng.int(lines.length);
				[lines[at], lines[other]] = [lines[other], lines[at]];
				break;
			}
			case 3: {
				// Replace one token of a line with a special token.
				const tokens = (lines[at] ?? '').split(' ');
				tokens[rng.int(tokens.length)] = rng.pick(SPECIAL_TOKENS);
				lines[at] = tokens.join(' ');
				break;
			}
			case 4: {
				// Lying size line.
				const key = rng.pick(['LUT_3D_SIZE', 'LUT_1D_SIZE', 'lut_3d_size']);
				const idx = lines.findIndex((l) => /^LUT_[13]D_SIZE/i.test(l));
				const line = `${key} ${rng.pick(LYING_SIZES)}`;
				if (idx >= 0 && rng.bool(0.7)) lines[idx] = line;
				else lines.splice(rng.int(lines.length), 0, line);
				break;
			}
			case 5:
				lines.splice(at, 0, rng.pick(['LUT_2D_SIZE 4', 'DOMAIN_MIN 1 1 1', 'DOMAIN_MAX 0 0 0', 'DOMAIN_MIN 0 0', 'DOMAIN_MAX 1 1 1 1', 'LUT_3D_INPUT_RANGE 1 0', 'LUT_1D_INPUT_RANGE 0 0', 'TITLE', 'TITLE "unterminated', 'LUT_3D_SIZE', 'KEYWORD 1 2 3', 'DOMAIN_MIN nan 0 0', 'LUT_3D_INPUT_RANGE 0 inf', '0 0 0', '0 0', '0 0 0 0', '1e39 0 0']));
				break;
			case 6:
				lines[at] = (lines[at] ?? '') + rng.pick(SPECIAL_TOKENS);
				break;
			case 7:
				lines[at] = randomUnicode(rng, rng.range(1, 40));
				break;
			case 8:
				lines.splice(at, 0, ' '.repeat(rng.range(1, 5000)) + rng.pick(['', '0 0 0', 'x']));
				break;
			case 9:
				lines.splice(at, 0, rng.pick(['#', '0', '1 ']).repeat(rng.range(1000, 40000)));
				break;
			case 10:
				// Mixed and old-Mac line ends.
				lines = lines.join(rng.pick(['\r', '\r\n', '\n\r', '\r\r\n'])).split('\n');
				break;
			case 11:
				lines[at] = (lines[at] ?? '').toUpperCase();
				break;
			case 12:
				lines[at] = (lines[at] ?? '').replace(/\d/g, () => String(rng.int(10)));
				break;
			case 13:
				lines[at] = (lines[at] ?? '').replace(/ /g, rng.pick(['\t', '', '  ', ',', ';', '\u00a0']));
				break;
			case 14:
				lines.splice(at, 0, ...Array.from({ length: rng.range(1, 200) }, () => lines[rng.int(lines.length)] ?? ''));
				break;
			case 15:
				lines.splice(at, 0, `${rng.pick(['TITLE', 'LUT_3D_SIZE', 'DOMAIN_MIN'])} ${'9'.repeat(rng.range(8, 400))}`);
				break;
			default:
				break;
		}
	}
	result = lines.join('\n');
	// Byte-level damage on top.
	switch (rng.int(8)) {
		case 0: {
			const bytes = Buffer.from(result, 'utf8');
			return bytes.subarray(0, rng.int(bytes.length + 1));
		}
		case 1: {
			const bytes = Buffer.from(result, 'utf8');
			const at = rng.int(bytes.length + 1);
			return Buffer.concat([bytes.subarray(0, at), randomBytes(rng, rng.range(1, 32)), bytes.subarray(at)]);
		}
		case 2: {
			const bytes = Buffer.from(result, 'utf8');
			for (let i = rng.range(1, 8); i > 0 && bytes.length > 0; i--) bytes[rng.int(bytes.length)] = rng.int(256);
			return bytes;
		}
		case 3:
			return result.slice(0, rng.int(result.length + 1));
		case 4: {
			// Binary data past the first 4 KB (beyond a quick "is it text" sniff).
			const bytes = Buffer.from(result + '\n' + '#'.repeat(5000) + '\n', 'utf8');
			return Buffer.concat([bytes, randomBytes(rng, rng.range(1, 64)), Buffer.from('\n0 0 0\n')]);
		}
		default:
			return rng.bool(0.3) ? Buffer.from(result, 'utf8') : result;
	}
}

const VOCAB = [
	'LUT_3D_SIZE', 'LUT_1D_SIZE', 'LUT_2D_SIZE', 'DOMAIN_MIN', 'DOMAIN_MAX', 'LUT_1D_INPUT_RANGE', 'LUT_3D_INPUT_RANGE', 'TITLE',
	'#', '"', '0', '1', '2', '0.5', '-0.25', '1e-3', '33', '129', '65536', 'nan', 'inf', '1e39', '\t', ' ', '\r',
];

function randomTokens(rng: Prng): string {
	const lines: string[] = [];
	for (let i = rng.range(0, 60); i > 0; i--) {
		const tokens: string[] = [];
		for (let j = rng.range(0, 6); j > 0; j--) tokens.push(rng.bool(0.9) ? rng.pick(VOCAB) : rng.pick(SPECIAL_TOKENS));
		lines.push(tokens.join(rng.pick([' ', ' ', '\t', ''])));
	}
	return lines.join(rng.pick(['\n', '\r\n']));
}

// ---------------------------------------------------------------------------------------------
// Oracle

const isTriple = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function expectStructurallyValid(lut: CubeLut): void {
	const problems: string[] = [];
	if (!lut.lut1d && !lut.lut3d) problems.push('no table');
	if (lut.lut3d) {
		const { size, data, domainMin, domainMax } = lut.lut3d;
		if (!Number.isInteger(size) || size < 2 || size > 129) problems.push(`3D size ${size}`);
		if (!(data instanceof RealFloat32Array) || data.length !== size ** 3 * 3) problems.push(`3D data length ${data.length} for size ${size}`);
		for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) problems.push(`3D value ${data[i]} at ${i}`);
		if (!isTriple(domainMin) || !isTriple(domainMax) || domainMin.some((v, c) => !(v < domainMax[c]))) problems.push(`3D domain ${String(domainMin)} .. ${String(domainMax)}`);
	}
	if (lut.lut1d) {
		const { size, data, inputMin, inputMax } = lut.lut1d;
		if (!Number.isInteger(size) || size < 2 || size > 65536) problems.push(`1D size ${size}`);
		if (!(data instanceof RealFloat32Array) || data.length !== size * 3) problems.push(`1D data length ${data.length} for size ${size}`);
		for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) problems.push(`1D value ${data[i]} at ${i}`);
		if (!isTriple(inputMin) || !isTriple(inputMax) || inputMin.some((v, c) => !(v < inputMax[c]))) problems.push(`1D range ${String(inputMin)} .. ${String(inputMax)}`);
	}
	if (lut.title !== undefined && (typeof lut.title !== 'string' || lut.title.length > 1000)) problems.push('title');
	if (lut.comments !== undefined && (lut.comments.length > 1000 || lut.comments.some((c) => typeof c !== 'string' || c.length > 1000))) problems.push('comments');
	if (problems.length > 0) throw new Error(`invalid LUT returned: ${problems.slice(0, 5).join('; ')}`);
}

/** Checks one input against the contract; returns whether it parsed. */
function checkInput(input: string | Buffer): boolean {
	const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
	const { result, floats, ms: firstMs } = parseCounting(input);
	let ms = firstMs;
	// Slow once can be the machine (GC, a busy neighbour); slow twice is the input.
	if (ms > MAX_MS_PER_INPUT) ms = Math.min(ms, parseCounting(input).ms);
	totalCases++;
	parseMs += ms;
	slowestMs = Math.max(slowestMs, ms);
	if (ms > MAX_MS_PER_INPUT) throw new Error(`took ${Math.round(ms)} ms for ${bytes} bytes`);
	// Every row needs at least "0 0 0" and a line end (6 bytes for 3 floats): anything more
	// than half the input size in floats was allocated on the word of a lying header.
	if (floats > bytes / 2 + 3) throw new Error(`allocated ${floats} floats for a ${bytes}-byte input`);
	if ('value' in result) {
		expectStructurallyValid(result.value);
		return true;
	}
	expect(result.error.kind).toBe('invalidInput');
	expect(result.error.parameter).toBe('cube');
	expectClearMessage(result.error);
	return false;
}

/** Each value read equals the float32 rounding of what the text says (as Number() reads it). */
function expectValues(data: Float32Array | undefined, expected: number[]): void {
	if (!data || data.length !== expected.length) throw new Error(`expected ${expected.length} values, got ${data?.length}`);
	for (let i = 0; i < expected.length; i++) {
		if (!Object.is(data[i], Math.fround(expected[i]))) throw new Error(`value ${i}: read ${data[i]}, the file says ${expected[i]}`);
	}
}

const preview = (input: string | Buffer): string => (typeof input === 'string' ? JSON.stringify(input) : `<Buffer ${input.length} bytes> ${JSON.stringify(input.toString('latin1'))}`);

// ---------------------------------------------------------------------------------------------

describe(`parseCube under fuzzing (seed ${SEED})`, () => {
	it('reads every generated valid Adobe/Resolve cube exactly', () => {
		runFuzz(
			'valid cube',
			0,
			fuzzCases(1000),
			(rng) => validCube(rng, 6),
			(cube) => {
				const input = cube.text;
				expect(checkInput(input)).toBe(true);
				const lut = parseCube(input);
				if (cube.size3d > 0) {
					expect(lut.lut3d?.size).toBe(cube.size3d);
					expectValues(lut.lut3d?.data, cube.values3d);
				} else {
					expect(lut.lut3d).toBeUndefined();
				}
				if (cube.size1d > 0) {
					expect(lut.lut1d?.size).toBe(cube.size1d);
					expectValues(lut.lut1d?.data, cube.values1d);
				} else {
					expect(lut.lut1d).toBeUndefined();
				}
				if (cube.kind === 'adobe3d') {
					expect(lut.lut3d?.domainMin).toEqual(cube.domainMin);
					expect(lut.lut3d?.domainMax).toEqual(cube.domainMax);
				}
				if (cube.kind === 'adobe1d') {
					expect(lut.lut1d?.inputMin).toEqual(cube.domainMin);
					expect(lut.lut1d?.inputMax).toEqual(cube.domainMax);
				}
				if (cube.kind === 'resolve' || cube.kind === 'resolve3d') {
					expect(lut.lut3d?.domainMin).toEqual([cube.range3d[0], cube.range3d[0], cube.range3d[0]]);
					expect(lut.lut3d?.domainMax).toEqual([cube.range3d[1], cube.range3d[1], cube.range3d[1]]);
				}
				if (cube.kind === 'resolve') {
					expect(lut.lut1d?.inputMin).toEqual([cube.range1d[0], cube.range1d[0], cube.range1d[0]]);
				}
			},
			(cube) => JSON.stringify(cube.text),
		);
	});

	it('returns a valid LUT or a clear invalidInput EngineError for mutated cubes', () => {
		let parsed = 0;
		let refused = 0;
		runFuzz(
			'mutated cube',
			0x1,
			fuzzCases(6000),
			(rng) => mutate(validCube(rng, 4, 40).text, rng),
			(input) => {
				if (checkInput(input)) parsed++;
				else refused++;
			},
			preview,
		);
		// The mutations must exercise both outcomes, or the fuzzer tests nothing.
		expect(parsed).toBeGreaterThan(100);
		expect(refused).toBeGreaterThan(1000);
	});

	it('never fails otherwise on lines of random tokens', () => {
		runFuzz('random tokens', 0x2, fuzzCases(4000), (rng) => randomTokens(rng), (input) => void checkInput(input), preview);
	});

	it('never fails otherwise on random bytes, alone or after a valid header', () => {
		runFuzz(
			'random bytes',
			0x3,
			fuzzCases(3000),
			(rng) => {
				const bytes = randomBytes(rng, rng.range(0, 3000));
				if (rng.bool(0.3)) return Buffer.concat([Buffer.from(`LUT_3D_SIZE ${rng.range(2, 4)}\n`), bytes]);
				if (rng.bool(0.3)) return randomUnicode(rng, rng.range(0, 500));
				return bytes;
			},
			(input) => void checkInput(input),
			preview,
		);
	});

	it('sees the tables the reader allocates (the probe behind the allocation bound works)', () => {
		const { result, floats } = parseCounting(`LUT_3D_SIZE 2\n${'0 0 0\n'.repeat(8)}`);
		expect('value' in result).toBe(true);
		expect(floats).toBe(2 ** 3 * 3);
	});

	it('refuses lying headers of every size before allocating, whatever follows', () => {
		runFuzz(
			'lying header',
			0x4,
			fuzzCases(600),
			(rng) => {
				const size = rng.pick([33, 64, 65, 100, 129]);
				const oneD = rng.bool(0.3) ? `LUT_1D_SIZE ${rng.pick([1024, 4096, 65536])}\n` : '';
				const rows = Array.from({ length: rng.range(0, 2000) }, () => '0.5 0.5 0.5').join(rng.pick(['\n', '\r\n']));
				return `${oneD}LUT_3D_SIZE ${size}\n${rows}${rng.bool() ? '\n' : ''}${rng.bool(0.2) ? '#'.repeat(rng.range(0, 100_000)) : ''}`;
			},
			(input) => {
				expect(checkInput(input)).toBe(false);
				const outcome = valueOrEngineError(() => parseCube(input));
				expect('error' in outcome ? outcome.error.message : '(parsed)').toMatch(/declares .* but has only \d+ characters left|ends on line \d+ after \d+ of the \d+ table rows/);
			},
			preview,
		);
	});

	it('stays linear on large hostile inputs (one 8 MB line, 2 M blank lines, 400 k short rows after a big header)', () => {
		const big: Array<[string, string | Buffer]> = [
			['one line', `LUT_3D_SIZE 2\n${'0 '.repeat(4_000_000)}`],
			['blank lines', `${'\n'.repeat(2_000_000)}LUT_3D_SIZE 2\n`],
			['spaces', `LUT_3D_SIZE 2\n${' '.repeat(8_000_000)}0 0 0\n`],
			['many rows', `LUT_3D_SIZE 129\n${'0 0 0\n'.repeat(400_000)}`],
			['long keyword line', `TITLE ${'x'.repeat(8_000_000)}\n`],
			['long number', `LUT_3D_SIZE 2\n${'1'.repeat(8_000_000)} 0 0\n`],
			['binary late', Buffer.concat([Buffer.from(`LUT_3D_SIZE 2\n${'# c\n'.repeat(100_000)}`), Buffer.alloc(1_000_000, 0)])],
		];
		for (const [name, input] of big) {
			const started = performance.now();
			const result = valueOrEngineError(() => parseCube(input));
			const ms = performance.now() - started;
			totalCases++;
			if ('value' in result) expectStructurallyValid(result.value);
			else expectClearMessage(result.error);
			// ~8 MB at well over 10 MB/s even on a loaded machine.
			expect({ name, slow: ms > 4000 }).toEqual({ name, slow: false });
		}
	});

	it('reports binary data and control characters without echoing them raw', () => {
		// Control bytes past the first 4 KB land in a row: the message must stay readable.
		const input = Buffer.concat([Buffer.from(`LUT_3D_SIZE 2\n${'#'.repeat(5000)}\n`), Buffer.from([0x30, 0x20, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x07, 0x0a])]);
		const result = valueOrEngineError(() => parseCube(input));
		expect('error' in result && result.error instanceof EngineError).toBe(true);
		if ('error' in result) expectClearMessage(result.error);
	});
});
