/**
 * Fuzzing the prompt builder (engine/prompt/*: parse-instruction, build-prompt, and the Quantified
 * Edit planner that joins them) with thousands of seeded random inputs: instructions in English
 * and Spanish built from the degree-word table, explicit numbers of every shape (NaN, Infinity,
 * 400-digit, negative, comma decimals), unicode, emoji, control characters, lone surrogates and
 * very long text; structured quantities with NaN/Infinity/negative/huge/wrong-type values;
 * random guards, tolerances and free text.
 *
 * Every call must either return a prompt (non-empty, bounded length, well-formed text, the
 * pack's own lines free of NaN/undefined/Infinity/[object and every number in them finite and
 * plainly written) or throw an EngineError of kind invalidInput with a clear message; never
 * another exception, and quickly.
 *
 * Replay a failure with FUZZ_SEED=<seed printed in the failure>; FUZZ_CASES=<n> for more cases.
 */
import { parseInstruction } from '../../engine/prompt/parse-instruction';
import { buildEditPrompt, MAX_FREE_TEXT_LENGTH, type PromptSpec } from '../../engine/prompt/build-prompt';
import { DEGREE_WORDS, DIRECTION_PHRASES } from '../../engine/prompt/degree-words';
import { ATTRIBUTES, GUARDS, type Quantity } from '../../engine/prompt/quantities';
import { planQuantifiedEdit, type QuantifiedEditSpec } from '../../engine/strategies/quantified-edit';
import { expectClearMessage, fuzzCases, fuzzSeed, runFuzz, valueOrEngineError, type Prng } from './fuzz-support';

const SEED = fuzzSeed();
/**
 * Per-call bound. Inputs are cut at 4000 characters, so a call takes a few ms (~20 ms for the
 * longest); the bound only has to catch super-linear regular expressions (seconds to hours) on
 * a loaded 2-core machine where a GC pause or a busy neighbour can cost a second.
 */
const MAX_MS_PER_CALL = 3000;
let slowestMs = 0;
/** Fixed text (~3 k) plus the free-text limit. */
const MAX_PROMPT_LENGTH = MAX_FREE_TEXT_LENGTH + 4000;
let calls = 0;
let prompts = 0;
let refusals = 0;

afterAll(() => {
	console.log(`fuzz-prompt: ${calls} calls (${prompts} prompts, ${refusals} refusals), slowest ${Math.round(slowestMs)} ms, seed ${SEED}`);
});

// ---------------------------------------------------------------------------------------------
// Generators

const DEGREES = DEGREE_WORDS.flatMap((d) => d.words);
const DIRECTIONS = DIRECTION_PHRASES.flatMap((d) => d.phrases);
const NOUNS = ['brightness', 'brillo', 'contrast', 'contraste', 'saturation', 'saturación', 'warmth', 'temperatura', 'tint', 'exposure', 'grain', 'grano', 'vignette', 'viñeta', 'sharpness', 'nitidez'];
const NUMBERS = [
	'0', '5', '10', '15.5', '85', '100', '110', '150', '250', '1000', '99999', '-0', '+10', '-20', '−15', '1,5', '0.001', '1e3', '1e400',
	'9'.repeat(30), '9'.repeat(400), 'NaN', 'Infinity', '-Infinity', '.5', '5.', '00010', '١٠', '１０',
];
const SEPARATORS = [', ', '; ', ' and ', ' y ', ' pero ', '. ', '\n', ' also ', ' plus ', ',', '\r\n', '  and  ', ' e '];
const WORDS = ['make', 'the', 'sky', 'more', 'dramatic', 'haz', 'el', 'cielo', 'más', 'azul', 'please', 'por favor', 'like', 'film', 'look', 'cinematic', 'retro', 'vibe', 'no', 'too', 'much'];
const EXOTIC = ['🌅', '👩🏽‍🎨', '🇪🇸', 'é', 'ñ', 'ü', 'Ω', '中文', 'العربية', '\u200b', '\u202e', '\u0000', '\u0007', '\t', '\ufeff', '\ud83d', '\udc00', '%', '%%', '100%', '$', '{{ $json.x }}', '<script>', '"', "'", '\\'];

function clause(rng: Prng): string {
	switch (rng.int(9)) {
		case 0:
			return `${rng.pick(DEGREES)} ${rng.pick(DIRECTIONS)}`;
		case 1:
			return `${rng.pick(DIRECTIONS)} ${rng.pick(DEGREES)}`;
		case 2:
			return `${rng.pick(NOUNS)}${rng.pick([' ', '', ' at ', ' al ', ' to ', ': ', ' = ', ' a '])}${rng.pick(NUMBERS)}${rng.pick([' %', '%', ' percent', ' por ciento', ' porciento', ''])}`;
		case 3:
			return `${rng.pick(DIRECTIONS)} by ${rng.pick(NUMBERS)}${rng.pick(['%', ' %', ''])}`;
		case 4:
			return rng.pick(DIRECTIONS);
		case 5:
			return Array.from({ length: rng.range(1, 8) }, () => rng.pick(WORDS)).join(' ');
		case 6:
			return Array.from({ length: rng.range(1, 6) }, () => rng.pick(EXOTIC)).join(rng.pick(['', ' ']));
		case 7:
			return randomText(rng, rng.range(1, 60));
		default:
			return `${rng.pick(DEGREES)} ${rng.pick(DIRECTIONS)} ${rng.pick(NUMBERS)} %`;
	}
}

function randomText(rng: Prng, length: number): string {
	let s = '';
	for (let i = 0; i < length; i++) {
		const kind = rng.int(5);
		const cp = kind === 0 ? rng.range(0x20, 0x7e) : kind === 1 ? rng.range(0xa0, 0x24f) : kind === 2 ? rng.range(0x1f300, 0x1faff) : kind === 3 ? rng.range(0, 0x10ffff) : rng.range(0x400, 0x4ff);
		s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
	}
	return s;
}

function instruction(rng: Prng): string {
	const n = rng.pick([0, 1, 1, 2, 3, 5, 12]);
	let text = Array.from({ length: n }, () => clause(rng)).join(rng.pick(SEPARATORS));
	if (rng.bool(0.3)) text = rng.bool() ? text.toUpperCase() : text.replace(/ /g, rng.pick(['  ', '\t', ' \n ']));
	if (rng.bool(0.05)) text = text.repeat(rng.range(50, 400)); // very long, past the 4000-char cut
	if (rng.bool(0.03)) text = `${'🎞'.repeat(1999)}x${text}`; // a cut that lands inside an emoji
	if (rng.bool(0.03)) text = ' '.repeat(rng.range(1000, 6000)) + text; // whitespace runs
	if (rng.bool(0.02)) text = '1'.repeat(rng.range(1000, 4000)); // long digit run without %
	return text;
}

const ODD_PERCENTS: unknown[] = [Number.NaN, Infinity, -Infinity, -1e308, 1e308, -0, 5e-324, 0.04, -0.049, 100, -100, 100.0001, -100.5, 1e21, '10', null, undefined, {}, [], true];

function percent(rng: Prng): unknown {
	return rng.bool(0.7) ? Math.round((rng.next() * 200 - 100) * 100) / 100 : rng.pick(ODD_PERCENTS);
}

function quantity(rng: Prng): unknown {
	if (rng.bool(0.05)) return rng.pick([null, 'brightness', 42, [], { attribute: 'brightness' }]);
	const attribute = rng.bool(0.9) ? rng.pick(ATTRIBUTES) : rng.pick(['glow', '', 'BRIGHTNESS', '__proto__', 'constructor', 'toString', 7]);
	return { attribute, percent: percent(rng) };
}

function freeText(rng: Prng): unknown {
	if (rng.bool(0.05)) return rng.pick([42, null, {}, ['x']]);
	if (rng.bool(0.05)) return 'x'.repeat(rng.range(MAX_FREE_TEXT_LENGTH - 10, MAX_FREE_TEXT_LENGTH + 10));
	return rng.bool(0.5) ? clause(rng) : randomText(rng, rng.range(0, 300));
}

function guards(rng: Prng): unknown[] {
	return Array.from({ length: rng.range(0, 5) }, () => (rng.bool(0.9) ? rng.pick(GUARDS) : rng.pick(['sky', '', null, 'toString'])));
}

function tolerance(rng: Prng): unknown {
	return rng.bool(0.6) ? undefined : rng.pick([0, 3, 10, 50, 50.5, -1, Number.NaN, Infinity, '3', 2.5]);
}

// ---------------------------------------------------------------------------------------------
// Oracles

/** Lone surrogate halves: the prompt would not be valid UTF-8 / JSON text for the API. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Control characters other than tab and line breaks. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const BAD_WORDS = /NaN|undefined|Infinity|\[object|null|function|=>/;
const HEADER = 'Edit this image. Apply exactly the adjustments below, to the whole image, and nothing else.';
const ADJUSTMENTS = 'Adjustments (percentages are relative to the original image):';
const ADJUSTMENT_LINE = /^- [A-Z][a-z ()]+: (reduce|increase|shift|add|reduce any existing) .+\.$/;

/** Checks a prompt; `stated` is the number of adjustments it must list (when known). */
function expectGoodPrompt(prompt: unknown, stated?: number): void {
	if (typeof prompt !== 'string') throw new Error(`prompt is ${typeof prompt}`);
	const problems: string[] = [];
	if (prompt.length === 0 || prompt.length > MAX_PROMPT_LENGTH) problems.push(`length ${prompt.length}`);
	if (LONE_SURROGATE.test(prompt)) problems.push('lone surrogate (invalid text)');
	if (CONTROL.test(prompt)) problems.push('control character');
	if (!prompt.startsWith(HEADER)) problems.push('header');
	// The pack's own lines: the Adjustments section and the final Limits section (user free text
	// sits between them under "Also:", and may say anything).
	const lines = prompt.split('\n');
	const own: string[] = [lines[0]];
	const adjustmentsAt = lines.indexOf(ADJUSTMENTS);
	let listed = 0;
	if (adjustmentsAt >= 0) {
		for (let i = adjustmentsAt + 1; i < lines.length && lines[i] !== ''; i++) {
			own.push(lines[i]);
			listed++;
			if (!ADJUSTMENT_LINE.test(lines[i])) problems.push(`adjustment line ${JSON.stringify(lines[i])}`);
		}
	}
	if (stated !== undefined && listed !== stated) problems.push(`${listed} adjustment lines for ${stated} quantities`);
	const limitsAt = lines.lastIndexOf('Limits:');
	if (limitsAt < 0) problems.push('no Limits section');
	else own.push(...lines.slice(limitsAt));
	if (lines.at(-1) !== 'Return only the edited image.') problems.push('last line');
	const ownText = own.join('\n');
	const bad = BAD_WORDS.exec(ownText);
	if (bad) problems.push(`"${bad[0]}" in the pack's own text`);
	for (const token of ownText.match(/[-+]?\d[\d.,eE+-]*/g) ?? []) {
		const value = Number(token.replace(/[.,]$/, ''));
		if (!Number.isFinite(value) || /e/i.test(token) || Math.abs(value) > 250) problems.push(`number ${token}`);
	}
	if (problems.length > 0) throw new Error(`bad prompt (${problems.slice(0, 4).join('; ')}):\n${prompt.slice(0, 1500)}`);
}

function expectGoodQuantities(quantities: Quantity[]): void {
	const seen = new Set<string>();
	for (const q of quantities) {
		if (!ATTRIBUTES.includes(q.attribute)) throw new Error(`unknown attribute ${String(q.attribute)}`);
		if (!(Number.isFinite(q.percent) && q.percent >= -100 && q.percent <= 100)) throw new Error(`percent ${q.percent} for ${q.attribute}`);
		if (seen.has(q.attribute)) throw new Error(`${q.attribute} twice`);
		seen.add(q.attribute);
	}
}

function timed<T>(fn: () => T): ReturnType<typeof valueOrEngineError<T>> {
	let started = performance.now();
	const outcome = valueOrEngineError(fn);
	let ms = performance.now() - started;
	if (ms > MAX_MS_PER_CALL) {
		// Slow once can be the machine; slow twice is the input.
		started = performance.now();
		valueOrEngineError(fn);
		ms = performance.now() - started;
	}
	slowestMs = Math.max(slowestMs, ms);
	calls++;
	if (ms > MAX_MS_PER_CALL) throw new Error(`took ${Math.round(ms)} ms, twice`);
	if ('value' in outcome) prompts++;
	else {
		refusals++;
		expect(outcome.error.kind).toBe('invalidInput');
		expect(typeof outcome.error.parameter).toBe('string');
		// The planner repeats the instruction when it asks for nothing, escaped (describeValue).
		expectClearMessage(outcome.error);
	}
	return outcome;
}

const stated = (quantities: Quantity[]) => quantities.filter((q) => Math.abs(q.percent) >= 0.05).length;

// ---------------------------------------------------------------------------------------------

describe(`prompt builder under fuzzing (seed ${SEED})`, () => {
	it('parseInstruction reads any text into valid quantities, readable rules and warnings', () => {
		runFuzz(
			'parseInstruction',
			0,
			fuzzCases(4000),
			(rng) => instruction(rng),
			(text) => {
				const outcome = timed(() => parseInstruction(text));
				if (!('value' in outcome)) throw new Error(`a string instruction was refused: ${outcome.error.message}`);
				const parsed = outcome.value;
				expectGoodQuantities(parsed.quantities);
				for (const interp of parsed.interpretations) {
					expectGoodQuantities([interp.quantity]);
					if (BAD_WORDS.test(interp.rule) || /\de[+-]?\d/i.test(interp.rule)) throw new Error(`rule ${JSON.stringify(interp.rule)}`);
				}
				for (const text of [...parsed.unparsed, ...parsed.warnings]) {
					if (LONE_SURROGATE.test(text)) throw new Error(`lone surrogate in ${JSON.stringify(text.slice(0, 80))}`);
				}
				expect(parsed.unparsed.join('').length).toBeLessThanOrEqual(4000);
			},
		);
	});

	it('planQuantifiedEdit gives a sound prompt or a clear EngineError for any instruction and adjustments', () => {
		runFuzz(
			'planQuantifiedEdit',
			0x10,
			fuzzCases(3000),
			(rng): QuantifiedEditSpec => ({
				instruction: rng.bool(0.9) ? instruction(rng) : undefined,
				quantities: rng.bool(0.5) ? (Array.from({ length: rng.range(0, 4) }, () => quantity(rng)) as Quantity[]) : undefined,
				freeText: rng.bool(0.3) ? (freeText(rng) as string) : undefined,
				keep: rng.bool(0.5) ? (guards(rng) as QuantifiedEditSpec['keep']) : undefined,
				tolerance: tolerance(rng) as number | undefined,
			}),
			(spec) => {
				const outcome = timed(() => planQuantifiedEdit(spec));
				if ('value' in outcome) {
					expectGoodQuantities(outcome.value.quantities);
					expectGoodPrompt(outcome.value.prompt, stated(outcome.value.quantities));
					// Free text the user wrote reaches the model as written.
					const extra = typeof spec.freeText === 'string' ? spec.freeText.trim() : '';
					if (extra && !LONE_SURROGATE.test(extra) && !CONTROL.test(extra)) {
						expect(outcome.value.prompt.includes(extra)).toBe(true);
					}
				}
			},
		);
	});

	it('buildEditPrompt gives a sound prompt or a clear EngineError for any spec, including NaN/Infinity/huge quantities', () => {
		let refusedOdd = 0;
		runFuzz(
			'buildEditPrompt',
			0x20,
			fuzzCases(4000),
			(rng) =>
				({
					quantities: rng.bool(0.97) ? Array.from({ length: rng.range(0, 6) }, () => quantity(rng)) : rng.pick([undefined, null, 'brightness', {}]),
					freeText: rng.bool(0.5) ? Array.from({ length: rng.range(0, 3) }, () => freeText(rng)) : rng.pick([undefined, 'a string', 5]),
					keep: rng.bool(0.7) ? guards(rng) : rng.pick([undefined, 'faces']),
					tolerance: tolerance(rng),
				}) as unknown as PromptSpec,
			(spec) => {
				const outcome = timed(() => buildEditPrompt(spec));
				const hasNonFinite = Array.isArray(spec.quantities) && spec.quantities.some((q) => q && typeof q === 'object' && !Number.isFinite((q as { percent?: unknown }).percent));
				if ('value' in outcome) {
					// A prompt is only built from finite percentages: NaN, Infinity or a string must be refused.
					expect(hasNonFinite).toBe(false);
					expectGoodPrompt(outcome.value, stated(spec.quantities));
				} else if (hasNonFinite) {
					refusedOdd++;
				}
			},
			(spec) => JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
		);
		expect(refusedOdd).toBeGreaterThan(100);
	});

	it('refuses non-text instructions rather than sending "[object Object]"', () => {
		for (const value of [{}, [], { toString: () => 'darker' }, () => 'darker']) {
			const outcome = timed(() => parseInstruction(value as unknown as string));
			expect('error' in outcome && outcome.error.parameter).toBe('Instruction');
		}
		const numeric = timed(() => parseInstruction(15 as unknown as string));
		expect('value' in numeric && numeric.value.unparsed).toEqual(['15']);
	});

	it('states limited and absurd explicit numbers honestly', () => {
		const limited = parseInstruction('brightness 500 %');
		expect(limited.quantities).toEqual([{ attribute: 'brightness', percent: 100 }]);
		expect(limited.warnings).toContain('"brightness 500 %" asks for brightness +400 %; limited to +100 %');
		const absurd = parseInstruction(`darker by ${'9'.repeat(400)} %`);
		expect(absurd.quantities).toEqual([]);
		expect(absurd.unparsed).toHaveLength(1);
		const cut = parseInstruction('🎞'.repeat(2500));
		expect(cut.warnings).toContain('The instruction was cut to 4000 characters');
		expect(LONE_SURROGATE.test(cut.unparsed.join(''))).toBe(false);
	});
});
