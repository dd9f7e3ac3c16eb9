/**
 * Reads a vague instruction ("slightly darker and a bit warmer", "un poco más oscura") into
 * quantities using the table in degree-words.ts. What it cannot read is returned untouched
 * (it still goes into the prompt as free text) with a warning, never guessed.
 */
import { ATTRIBUTES, ADDITIVE, type Attribute, type Quantity } from './quantities';
import { DEFAULT_PERCENT, DEGREE_WORDS, DIRECTION_PHRASES } from './degree-words';
import { invalidParameterError } from '../core/validate';

export interface Interpretation {
	/** The clause as the user wrote it. */
	text: string;
	quantity: Quantity;
	/** Why: e.g. 'degree word "slightly" = 10 %'. */
	rule: string;
}

export interface ParsedInstruction {
	quantities: Quantity[];
	interpretations: Interpretation[];
	/** Clauses that matched no rule; passed to the model as written. */
	unparsed: string[];
	warnings: string[];
}

/** Attribute nouns for "brightness 85 %", "brillo al 85 %", "warmth +10 %". */
const NOUNS: ReadonlyArray<{ words: string[]; attribute: Attribute }> = [
	{ words: ['brightness', 'brillo', 'luminosidad'], attribute: 'brightness' },
	{ words: ['contrast', 'contraste'], attribute: 'contrast' },
	{ words: ['saturation', 'saturación', 'saturacion'], attribute: 'saturation' },
	{ words: ['warmth', 'temperature', 'calidez', 'temperatura'], attribute: 'warmth' },
	{ words: ['tint', 'tinte', 'matiz'], attribute: 'tint' },
	{ words: ['exposure', 'exposición', 'exposicion'], attribute: 'exposure' },
	{ words: ['grain', 'film grain', 'grano'], attribute: 'grain' },
	{ words: ['vignette', 'viñeta', 'vineta'], attribute: 'vignette' },
	{ words: ['sharpness', 'nitidez'], attribute: 'sharpness' },
];

const MAX_INSTRUCTION_LENGTH = 4000;
/**
 * Explicit numbers above this (in %) are not read as a quantity: "brightness 99999999 %" is a
 * typo, not an instruction, and stays as written with a warning.
 */
const MAX_EXPLICIT_PERCENT = 10_000;

/**
 * @example parseInstruction('slightly darker, un poco más cálida')
 * // quantities: [{brightness, -10}, {warmth, +10}]
 * @throws {EngineError} invalidInput when `instruction` is an object or array rather than text
 */
export function parseInstruction(instruction: string): ParsedInstruction {
	const result: ParsedInstruction = { quantities: [], interpretations: [], unparsed: [], warnings: [] };
	const full = wellFormed(instructionText(instruction));
	let text = full;
	if (full.length > MAX_INSTRUCTION_LENGTH) {
		// Never cut between the two halves of a surrogate pair (an emoji).
		const end = /[\ud800-\udbff]/.test(full.charAt(MAX_INSTRUCTION_LENGTH - 1)) ? MAX_INSTRUCTION_LENGTH - 1 : MAX_INSTRUCTION_LENGTH;
		text = full.slice(0, end);
		result.warnings.push(`The instruction was cut to ${MAX_INSTRUCTION_LENGTH} characters`);
	}
	for (const clause of splitClauses(text)) {
		const hit = readClause(clause);
		if (!hit) {
			result.unparsed.push(clause);
			result.warnings.push(`Not understood as a quantity, sent to the model as written: "${clause}"`);
			continue;
		}
		if (hit.limited) {
			result.warnings.push(`"${clause}" asks for ${hit.quantity.attribute} ${hit.limited}; limited to ${signed(hit.quantity.percent)} %`);
		}
		const existing = result.quantities.findIndex((q) => q.attribute === hit.quantity.attribute);
		if (existing >= 0) {
			result.warnings.push(`"${clause}" repeats ${hit.quantity.attribute}; the later value wins`);
			result.quantities.splice(existing, 1);
		}
		result.quantities.push(hit.quantity);
		result.interpretations.push({ text: clause, quantity: hit.quantity, rule: hit.rule });
	}
	return result;
}

/** The instruction as text: strings, numbers and booleans as written; nothing else is guessed. */
function instructionText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === undefined || value === null) return '';
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw invalidParameterError('Instruction', 'text', value);
}

/** Replaces lone surrogate halves (invalid UTF-16, e.g. from a cut emoji) with U+FFFD. */
function wellFormed(text: string): string {
	return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function splitClauses(text: string): string[] {
	return text
		.normalize('NFC')
		.split(/[,;\n]|\.(?!\d)|\s+(?:and|but|y|e|pero|also|también|tambien|plus)\s+/i)
		.map((c) => c.trim().replace(/\s+/g, ' '))
		.filter((c) => c.length > 0);
}

interface ClauseHit {
	quantity: Quantity;
	rule: string;
	/** The change asked for when it was beyond -100..+100 % and was limited, e.g. "+400 %". */
	limited?: string;
}

function readClause(clause: string): ClauseHit | undefined {
	const lower = ` ${clause.toLowerCase()} `;
	const number = explicitPercent(lower);

	// "brightness 85 %", "brillo al 85 %", "warmth +10 %", "grain 20 %"
	for (const noun of NOUNS) {
		for (const word of noun.words) {
			const m = nounPattern(word).exec(lower);
			if (!m) continue;
			const value = Number(m[2].replace(',', '.'));
			if (!(value <= MAX_EXPLICIT_PERCENT)) return undefined;
			const hasSign = m[1] !== '';
			const sign = m[1] === '-' || m[1] === '−' ? -1 : 1;
			if (hasSign) return found(noun.attribute, sign * value, `explicit change ${sign < 0 ? '-' : '+'}${fmt(value)} %`);
			if (ADDITIVE.has(noun.attribute)) return found(noun.attribute, value, `explicit strength ${fmt(value)} %`);
			return found(noun.attribute, value - 100, `explicit target ${fmt(value)} % of the original`);
		}
	}

	const direction = longestPhrase(lower);
	if (!direction) return undefined;
	if (number !== undefined) {
		if (!(number <= MAX_EXPLICIT_PERCENT)) return undefined;
		return found(direction.attribute, direction.sign * number, `"${direction.phrase}" with explicit ${fmt(number)} %`);
	}
	const degree = longestDegree(lower);
	if (degree) {
		return found(direction.attribute, direction.sign * degree.percent, `degree word "${degree.word}" = ${degree.percent} %`);
	}
	return found(direction.attribute, direction.sign * DEFAULT_PERCENT, `no degree word: default ${DEFAULT_PERCENT} %`);
}

function found(attribute: Attribute, percent: number, rule: string): ClauseHit {
	const rounded = Math.round(percent * 100) / 100 + 0; // + 0: no -0
	const clamped = Math.max(-100, Math.min(100, rounded));
	const hit: ClauseHit = { quantity: { attribute, percent: clamped }, rule };
	if (clamped !== rounded) hit.limited = `${signed(rounded)} %`;
	return hit;
}

/** A number for a message: plain notation, at most two decimals. */
function fmt(value: number): string {
	return String(Math.round(value * 100) / 100 + 0);
}

function signed(value: number): string {
	return value > 0 ? `+${fmt(value)}` : fmt(value);
}

function explicitPercent(lower: string): number | undefined {
	const m = /(\d+(?:[.,]\d+)?)\s*(?:%|percent|por ?ciento)/i.exec(lower);
	return m ? Number(m[1].replace(',', '.')) : undefined;
}

function longestPhrase(lower: string): { phrase: string; attribute: Attribute; sign: 1 | -1 } | undefined {
	let best: { phrase: string; attribute: Attribute; sign: 1 | -1 } | undefined;
	for (const entry of DIRECTION_PHRASES) {
		for (const phrase of entry.phrases) {
			if (containsWords(lower, phrase) && (!best || phrase.length > best.phrase.length)) {
				best = { phrase, attribute: entry.attribute, sign: entry.sign };
			}
		}
	}
	return best;
}

function longestDegree(lower: string): { word: string; percent: number } | undefined {
	let best: { word: string; percent: number } | undefined;
	for (const entry of DEGREE_WORDS) {
		for (const word of entry.words) {
			if (containsWords(lower, word) && (!best || word.length > best.word.length)) best = { word, percent: entry.percent };
		}
	}
	return best;
}

/**
 * Compiled patterns, built once per word: a long instruction has hundreds of clauses, and
 * compiling ~200 patterns for each one made parsing take tens of milliseconds.
 * (No 'g' flag, so a shared RegExp keeps no state between calls.)
 */
const NOUN_PATTERNS = new Map<string, RegExp>();
const WORD_PATTERNS = new Map<string, RegExp>();

/** "brightness 85 %", "brillo al 85 %", "warmth +10 %": sign in group 1, number in group 2. */
function nounPattern(word: string): RegExp {
	let re = NOUN_PATTERNS.get(word);
	if (!re) {
		re = new RegExp(`(?:^|[^\\p{L}])${escape(word)}\\s*(?:at|to|of|al|a|en|:|=)?\\s*([+\\-−]?)\\s*(\\d+(?:[.,]\\d+)?)\\s*(?:%|percent|por ?ciento)`, 'iu');
		NOUN_PATTERNS.set(word, re);
	}
	return re;
}

/** Whole-word containment that works for accented letters. */
function containsWords(haystack: string, phrase: string): boolean {
	let re = WORD_PATTERNS.get(phrase);
	if (!re) {
		re = new RegExp(`(?:^|[^\\p{L}])${escape(phrase)}(?:$|[^\\p{L}])`, 'iu');
		WORD_PATTERNS.set(phrase, re);
	}
	return re.test(haystack);
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every attribute name, for messages. */
export const ATTRIBUTE_LIST = ATTRIBUTES.join(', ');
