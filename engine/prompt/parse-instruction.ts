/**
 * Reads a vague instruction ("slightly darker and a bit warmer", "un poco más oscura") into
 * quantities using the table in degree-words.ts. What it cannot read is returned untouched
 * (it still goes into the prompt as free text) with a warning, never guessed.
 */
import { ATTRIBUTES, ADDITIVE, type Attribute, type Quantity } from './quantities';
import { DEFAULT_PERCENT, DEGREE_WORDS, DIRECTION_PHRASES } from './degree-words';

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
 * @example parseInstruction('slightly darker, un poco más cálida')
 * // quantities: [{brightness, -10}, {warmth, +10}]
 */
export function parseInstruction(instruction: string): ParsedInstruction {
	const result: ParsedInstruction = { quantities: [], interpretations: [], unparsed: [], warnings: [] };
	const text = String(instruction ?? '').slice(0, MAX_INSTRUCTION_LENGTH);
	if (String(instruction ?? '').length > MAX_INSTRUCTION_LENGTH) {
		result.warnings.push(`The instruction was cut to ${MAX_INSTRUCTION_LENGTH} characters`);
	}
	for (const clause of splitClauses(text)) {
		const hit = readClause(clause);
		if (!hit) {
			result.unparsed.push(clause);
			result.warnings.push(`Not understood as a quantity, sent to the model as written: "${clause}"`);
			continue;
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

function splitClauses(text: string): string[] {
	return text
		.normalize('NFC')
		.split(/[,;\n]|\.(?!\d)|\s+(?:and|but|y|e|pero|also|también|tambien|plus)\s+/i)
		.map((c) => c.trim().replace(/\s+/g, ' '))
		.filter((c) => c.length > 0);
}

function readClause(clause: string): { quantity: Quantity; rule: string } | undefined {
	const lower = ` ${clause.toLowerCase()} `;
	const number = explicitPercent(lower);

	// "brightness 85 %", "brillo al 85 %", "warmth +10 %", "grain 20 %"
	for (const noun of NOUNS) {
		for (const word of noun.words) {
			const re = new RegExp(`(?:^|[^\\p{L}])${escape(word)}\\s*(?:at|to|of|al|a|en|:|=)?\\s*([+\\-−]?)\\s*(\\d+(?:[.,]\\d+)?)\\s*(?:%|percent|por ?ciento)`, 'iu');
			const m = re.exec(lower);
			if (!m) continue;
			const value = Number(m[2].replace(',', '.'));
			const signed = m[1] !== '';
			const sign = m[1] === '-' || m[1] === '−' ? -1 : 1;
			if (signed) return found(noun.attribute, sign * value, `explicit change ${sign < 0 ? '-' : '+'}${value} %`);
			if (ADDITIVE.has(noun.attribute)) return found(noun.attribute, value, `explicit strength ${value} %`);
			return found(noun.attribute, value - 100, `explicit target ${value} % of the original`);
		}
	}

	const direction = longestPhrase(lower);
	if (!direction) return undefined;
	if (number !== undefined) {
		return found(direction.attribute, direction.sign * number, `"${direction.phrase}" with explicit ${number} %`);
	}
	const degree = longestDegree(lower);
	if (degree) {
		return found(direction.attribute, direction.sign * degree.percent, `degree word "${degree.word}" = ${degree.percent} %`);
	}
	return found(direction.attribute, direction.sign * DEFAULT_PERCENT, `no degree word: default ${DEFAULT_PERCENT} %`);
}

function found(attribute: Attribute, percent: number, rule: string): { quantity: Quantity; rule: string } {
	const clamped = Math.max(-100, Math.min(100, Math.round(percent * 100) / 100));
	return { quantity: { attribute, percent: clamped }, rule };
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

/** Whole-word containment that works for accented letters. */
function containsWords(haystack: string, phrase: string): boolean {
	return new RegExp(`(?:^|[^\\p{L}])${escape(phrase)}(?:$|[^\\p{L}])`, 'iu').test(haystack);
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every attribute name, for messages. */
export const ATTRIBUTE_LIST = ATTRIBUTES.join(', ');
