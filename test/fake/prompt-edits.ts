/**
 * The fake's "model": read quantities out of an edit prompt so the returned image changes the
 * way a user asked ("brightness at 85 %", "warmer by 10%"). It is deliberately small: four
 * attributes, a handful of phrasings, first match wins per attribute. It is a fake, not the
 * product's prompt builder.
 *
 * Phrasings, per attribute (brightness | contrast | saturation | warmth), N = "15 %", "15%", "15 percent":
 * - absolute:  "brightness at 85 %", "set contrast to 120%", "85% of the original brightness"
 * - signed:    "contrast +20 %", "saturation: -30%"
 * - verb:      "increase saturation by 20%", "reduce brightness by 15%"
 * - comparative with amount: "darker by 15 %", "15% brighter", "warmer by 10%"
 * - bare comparative: "warmer", "darker", "more contrast" -> 10 %
 */
import type { AppliedEdit } from './types';
import type { Prng } from './random';

/** What the prompt asked for: multipliers for brightness/contrast/saturation, a fraction for warmth. */
export type EditAmounts = Partial<AppliedEdit>;

interface Attribute {
	name: keyof AppliedEdit;
	nouns: string;
	up: string;
	down: string;
}

const ATTRIBUTES: readonly Attribute[] = [
	{ name: 'brightness', nouns: 'brightness|exposure', up: 'brighter|lighter', down: 'darker|dimmer' },
	{
		name: 'contrast',
		nouns: 'contrast',
		up: '(?:more|higher|stronger) contrast|punchier',
		down: '(?:less|lower|softer) contrast|flatter',
	},
	{
		name: 'saturation',
		nouns: 'saturation|vibrance|colou?rfulness',
		up: 'more saturated|more vivid|more colou?rful',
		down: 'less saturated|more muted|desaturated',
	},
	{ name: 'warmth', nouns: 'warmth|colou?r temperature', up: 'warmer', down: 'cooler|colder' },
];

/** A percentage: "15 %", "15%", "15.5 percent", "15 per cent". Captures the number. */
const PCT = '(\\d+(?:[.,]\\d+)?)\\s*(?:%|percent\\b|per cent\\b)';
const SIGNED_PCT = '([+\\-\u2212])\\s*' + PCT;
const BARE_STEP = 0.1;

/** A relative change (0.15 = +15 %) becomes the attribute's value. */
function fromRelative(name: keyof AppliedEdit, change: number): number {
	return name === 'warmth' ? change : 1 + change;
}

function num(text: string): number {
	return Number(text.replace(',', '.')) / 100;
}

function parseAttribute(prompt: string, a: Attribute): number | undefined {
	const nouns = `(?:${a.nouns})`;
	const tries: Array<[RegExp, (m: RegExpMatchArray) => number]> = [
		// "brightness at 85 %", "set contrast to 120%": absolute level (warmth: 110 % = +10 %)
		[
			new RegExp(`\\b${nouns}\\b[^.;\\d%]{0,24}?\\b(?:at|to|of)\\s+${PCT}`, 'i'),
			(m) => fromRelative(a.name, num(m[1]) - 1),
		],
		// "85% of the original brightness"
		[
			new RegExp(`${PCT}\\s+of\\s+(?:the\\s+)?(?:original\\s+|current\\s+|its\\s+)?${nouns}\\b`, 'i'),
			(m) => fromRelative(a.name, num(m[1]) - 1),
		],
		// "contrast +20 %", "saturation: -30%"
		[
			new RegExp(`\\b${nouns}\\b\\s*[:=]?\\s*${SIGNED_PCT}`, 'i'),
			(m) => fromRelative(a.name, (m[1] === '+' ? 1 : -1) * num(m[2])),
		],
		// "increase saturation by 20%", "reduce the brightness by 15 %"
		[
			new RegExp(`\\b(?:increase|raise|boost|add)\\s+(?:the\\s+)?${nouns}\\s+by\\s+${PCT}`, 'i'),
			(m) => fromRelative(a.name, num(m[1])),
		],
		[
			new RegExp(`\\b(?:decrease|reduce|lower|cut)\\s+(?:the\\s+)?${nouns}\\s+by\\s+${PCT}`, 'i'),
			(m) => fromRelative(a.name, -num(m[1])),
		],
		// "darker by 15 %", "15% brighter"
		[new RegExp(`\\b(?:${a.up})\\s+by\\s+${PCT}`, 'i'), (m) => fromRelative(a.name, num(m[1]))],
		[new RegExp(`\\b(?:${a.down})\\s+by\\s+${PCT}`, 'i'), (m) => fromRelative(a.name, -num(m[1]))],
		[new RegExp(`${PCT}\\s+(?:${a.up})\\b`, 'i'), (m) => fromRelative(a.name, num(m[1]))],
		[new RegExp(`${PCT}\\s+(?:${a.down})\\b`, 'i'), (m) => fromRelative(a.name, -num(m[1]))],
		// "warmer", "darker": a modest default step
		[new RegExp(`\\b(?:${a.up})\\b`, 'i'), () => fromRelative(a.name, BARE_STEP)],
		[new RegExp(`\\b(?:${a.down})\\b`, 'i'), () => fromRelative(a.name, -BARE_STEP)],
	];
	for (const [pattern, value] of tries) {
		const m = prompt.match(pattern);
		if (m) return value(m);
	}
	return undefined;
}

/**
 * Read the requested edit out of a prompt. Attributes the prompt does not mention are absent.
 * @example parseEdits('Keep everything, brightness at 85 %, warmer') // { brightness: 0.85, warmth: 0.1 }
 */
export function parseEdits(prompt: string): EditAmounts {
	const out: EditAmounts = {};
	for (const a of ATTRIBUTES) {
		const v = parseAttribute(prompt, a);
		if (v !== undefined) out[a.name] = v;
	}
	return out;
}

/**
 * Turn requested amounts into the applied edit: each requested change is scaled by
 * (1 + N(0, variance)), like a model that never hits a number exactly. variance 0 = exact.
 */
export function applyVariance(amounts: EditAmounts, variance: number, prng: Prng): AppliedEdit {
	const scale = (): number => (variance > 0 ? 1 + variance * prng.gaussian() : 1);
	const mult = (v: number | undefined): number => (v === undefined ? 1 : Math.max(0, 1 + (v - 1) * scale()));
	return {
		brightness: mult(amounts.brightness),
		contrast: mult(amounts.contrast),
		saturation: mult(amounts.saturation),
		warmth: amounts.warmth === undefined ? 0 : amounts.warmth * scale(),
	};
}

/** True when the prompt asks for a JPEG result. */
export function wantsJpeg(prompt: string): boolean {
	return /\bjpe?g\b/i.test(prompt);
}
