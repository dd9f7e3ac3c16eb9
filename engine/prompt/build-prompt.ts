/**
 * Builds the quantified prompt: an exact target per quantity ("brightness at 85 % of the
 * original"), a bound ("not darker than 80 %"), a degree word ("subtle"), and explicit "do NOT"
 * limits. Deterministic: the same spec always gives the same text, so it can go in a recipe.
 */
import { ADDITIVE, DIRECTION_WORDS, GUARD_TEXT, degreeWord, type Guard, type Quantity } from './quantities';

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
 */
export function buildEditPrompt(spec: PromptSpec): string {
	const tolerance = spec.tolerance ?? 3;
	const lines: string[] = [];
	const quantities = spec.quantities.filter((q) => q.percent !== 0);
	const free = (spec.freeText ?? []).map((t) => t.trim()).filter(Boolean);
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
	for (const guard of spec.keep ?? []) lines.push(`- Do NOT change ${GUARD_TEXT[guard]}.`);
	lines.push('- Do NOT add, remove, move or redraw anything; do NOT crop, rotate or reframe.');
	lines.push('- Do NOT exceed the amounts given: when unsure, apply less rather than more.');
	lines.push('Return only the edited image.');
	return lines.join('\n');
}

/** One adjustment line, e.g. "Brightness: reduce to approximately 85 % of the original ...". */
export function describeQuantity(q: Quantity, tolerance = 3): string {
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
