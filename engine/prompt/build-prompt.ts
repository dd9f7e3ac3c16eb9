/**
 * Builds the quantified prompt: an exact target per quantity ("brightness at 85 % of the
 * original"), a bound ("not darker than 80 %"), a degree word ("subtle"), and explicit "do NOT"
 * limits. Deterministic: the same spec always gives the same text, so it can go in a recipe.
 */
import { EngineError } from '../core/errors';
import { invalidParameterError, numberInRange, oneOf } from '../core/validate';
import { ADDITIVE, DIRECTION_WORDS, GUARD_TEXT, GUARDS, degreeWord, validateQuantity, type Guard, type Quantity } from './quantities';

/**
 * Most characters of free text (unread clauses of the instruction plus additional instructions)
 * one prompt carries: the instruction is cut at 4000, so this leaves 8000 for the rest.
 */
export const MAX_FREE_TEXT_LENGTH = 12_000;
/** Changes smaller than this (in %) cannot be stated at the prompt's precision and are left out. */
const MIN_STATED_PERCENT = 0.05;

export interface PromptSpec {
	quantities: Quantity[];
	/** What numbers cannot say ("make the sky more dramatic"); passed as written. */
	freeText?: string[];
	/** Aspects to keep unchanged. */
	keep?: Guard[];
	/** Tolerance around each target, in percentage points. @default 3 */
	tolerance?: number;
}

/**
 * @example buildEditPrompt({ quantities: [{ attribute: 'brightness', percent: -15 }], keep: ['composition'] })
 * @throws {EngineError} invalidInput for a quantity outside -100..100 % (or not a finite number),
 *   an unknown attribute or guard, an attribute given twice, a tolerance outside 0..50, or free
 *   text over {@link MAX_FREE_TEXT_LENGTH} characters
 */
export function buildEditPrompt(spec: PromptSpec): string {
	const { quantities: all, free, keep, tolerance } = checkSpec(spec);
	const lines: string[] = [];
	const quantities = all.filter((q) => Math.abs(q.percent) >= MIN_STATED_PERCENT);
	lines.push('Edit this image. Apply exactly the adjustments below, to the whole image, and nothing else.');
	if (quantities.length) {
		lines.push('');
		lines.push('Adjustments (percentages are relative to the original image):');
		for (const q of quantities) lines.push(`- ${describeQuantity(q, tolerance)}`);
	}
	if (free.length) {
		lines.push('');
		lines.push('Also:');
		for (const t of free) lines.push(`- ${t}`);
	}
	const untouched = untouchedAttributes(quantities);
	lines.push('');
	lines.push('Limits:');
	if (untouched.length) lines.push(`- Do NOT change ${untouched.join(', ')}.`);
	for (const guard of keep) lines.push(`- Do NOT change ${GUARD_TEXT[guard]}.`);
	lines.push('- Do NOT add, remove, move or redraw anything; do NOT crop, rotate or reframe.');
	lines.push('- Do NOT exceed the amounts given: when unsure, apply less rather than more.');
	lines.push('Return only the edited image.');
	return lines.join('\n');
}

/** Validates a spec given by code (the node validates its own fields before). */
function checkSpec(spec: PromptSpec): { quantities: Quantity[]; free: string[]; keep: Guard[]; tolerance: number } {
	if (typeof spec !== 'object' || spec === null) throw invalidParameterError('prompt spec', 'an object', spec);
	if (!Array.isArray(spec.quantities)) throw invalidParameterError('quantities', 'an array', spec.quantities);
	const quantities = spec.quantities.map((q, i) => validateQuantity(q, `quantities[${i}]`));
	const seen = new Set<string>();
	for (const q of quantities) {
		if (seen.has(q.attribute)) {
			throw new EngineError('invalidInput', `The prompt asks for ${q.attribute} twice; give each attribute once`, { parameter: 'quantities' });
		}
		seen.add(q.attribute);
	}
	const freeList: unknown[] = spec.freeText === undefined ? [] : Array.isArray(spec.freeText) ? spec.freeText : [spec.freeText];
	const free = freeList.map((t, i) => {
		if (typeof t !== 'string') throw invalidParameterError(`freeText[${i}]`, 'text', t);
		return cleanText(t);
	}).filter(Boolean);
	const freeLength = free.reduce((sum, t) => sum + t.length, 0);
	if (freeLength > MAX_FREE_TEXT_LENGTH) {
		throw new EngineError(
			'invalidInput',
			`The instruction and additional instructions are ${freeLength} characters of free text, over the limit of ${MAX_FREE_TEXT_LENGTH}`,
			{ parameter: 'freeText', description: 'Shorten the text; image models follow short, precise instructions best.' },
		);
	}
	if (spec.keep !== undefined && !Array.isArray(spec.keep)) throw invalidParameterError('keep', 'an array', spec.keep);
	const keep = [...new Set((spec.keep ?? []).map((g, i) => oneOf(`keep[${i}]`, g, GUARDS)))];
	const tolerance = spec.tolerance === undefined ? 3 : numberInRange('tolerance', spec.tolerance, 0, 50);
	return { quantities, free, keep, tolerance };
}

/**
 * Free text as it goes into the prompt: trimmed, lone surrogate halves and control characters
 * (other than line breaks and tabs) replaced, so the prompt is valid text for any JSON encoder.
 */
function cleanText(text: string): string {
	return text
		.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
		.trim();
}

/** One adjustment line, e.g. "Brightness: reduce to approximately 85 % of the original ...". */
export function describeQuantity(quantity: Quantity, tolerance = 3): string {
	const q = validateQuantity(quantity);
	numberInRange('tolerance', tolerance, 0, 50);
	const words = DIRECTION_WORDS[q.attribute];
	const noun = capitalise(words.noun);
	const magnitude = Math.abs(q.percent);
	const degree = degreeWord(q.percent);
	if (ADDITIVE.has(q.attribute)) {
		if (q.percent > 0) {
			return `${noun}: add a ${degree} ${words.noun} at ${fmt(magnitude)} % strength (approximately; not exceeding ${fmt(magnitude + tolerance)} %).`;
		}
		return `${noun}: reduce any existing ${words.noun} by about ${fmt(magnitude)} % (${degree}).`;
	}
	if (q.attribute === 'warmth' || q.attribute === 'tint') {
		// A colour balance has no "percent of the original"; phrase it as a shift.
		const dir = q.percent < 0 ? words.down : words.up;
		return `${noun}: shift ${dir} by about ${fmt(magnitude)} %, a ${degree} change; not more than ${fmt(magnitude + tolerance)} %.`;
	}
	const target = 100 + q.percent;
	const bound = q.percent < 0 ? Math.max(0, target - tolerance) : target + tolerance;
	const limitWord = q.percent < 0 ? 'not below' : 'not exceeding';
	const verb = q.percent < 0 ? 'reduce' : 'increase';
	return `${noun}: ${verb} to approximately ${fmt(target)} % of the original (${q.percent < 0 ? words.down : words.up} by ${fmt(magnitude)} %, a ${degree} change; ${limitWord} ${fmt(bound)} %).`;
}

/** Attributes not asked for, named so the model leaves them alone. */
function untouchedAttributes(quantities: Quantity[]): string[] {
	const asked = new Set(quantities.map((q) => q.attribute));
	const core: Array<keyof typeof DIRECTION_WORDS> = ['brightness', 'contrast', 'saturation', 'warmth'];
	return core.filter((a) => !asked.has(a)).map((a) => DIRECTION_WORDS[a].noun);
}

function fmt(value: number): string {
	return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
