/**
 * The structured quantities a user can ask for, and how each is phrased in a prompt.
 * Percentages are relative changes: brightness -15 means "85 % of the original brightness".
 */
import { invalidParameterError, is, numberInRange, oneOf } from '../core/validate';

export const ATTRIBUTES = [
	'brightness',
	'contrast',
	'saturation',
	'warmth',
	'tint',
	'exposure',
	'grain',
	'vignette',
	'sharpness',
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** One requested change: a signed percentage of the attribute. */
export interface Quantity {
	attribute: Attribute;
	/** Signed relative change in percent, -100..+100 (+ = more, brighter, warmer, magenta for tint). */
	percent: number;
}

/** Aspects the prompt tells the model to keep as they are. */
export const GUARDS = [
	'composition',
	'subject',
	'faces',
	'background',
	'colors',
	'lighting',
	'text',
	'resolution',
] as const;
export type Guard = (typeof GUARDS)[number];

export const GUARD_TEXT: Readonly<Record<Guard, string>> = {
	composition: 'the composition, framing and crop',
	subject: 'the subject, its pose and every object in the scene',
	faces: 'faces, facial features, skin texture and expressions',
	background: 'the background',
	colors: 'the hues of every colour (no colour shifts beyond what is asked)',
	lighting: 'the direction and shape of the lighting and shadows',
	text: 'any text, logos and lettering',
	resolution: 'the level of detail and sharpness',
};

/** Words for each attribute's two directions, used in prompts. */
export const DIRECTION_WORDS: Readonly<Record<Attribute, { up: string; down: string; noun: string }>> = {
	brightness: { up: 'brighter', down: 'darker', noun: 'brightness' },
	contrast: { up: 'more contrast', down: 'less contrast', noun: 'contrast' },
	saturation: { up: 'more saturated', down: 'less saturated', noun: 'colour saturation' },
	warmth: { up: 'warmer (towards amber)', down: 'cooler (towards blue)', noun: 'colour temperature (warmth)' },
	tint: { up: 'towards magenta', down: 'towards green', noun: 'tint' },
	exposure: { up: 'more exposed', down: 'less exposed', noun: 'exposure' },
	grain: { up: 'more film grain', down: 'less film grain', noun: 'film grain' },
	vignette: { up: 'a stronger vignette', down: 'a weaker vignette', noun: 'vignette' },
	sharpness: { up: 'sharper', down: 'softer', noun: 'sharpness' },
};

/** Attributes that are added effects (grain, vignette): "20 %" means strength, not a ratio. */
export const ADDITIVE: ReadonlySet<Attribute> = new Set<Attribute>(['grain', 'vignette']);

/**
 * Validates one quantity.
 * @throws {EngineError} invalidInput: 'Expected a number between -100 and 100 for quantities[0].percent ...'
 */
export function validateQuantity(value: unknown, name = 'quantity'): Quantity {
	if (!is.plainObject(value)) throw invalidParameterError(name, 'an object with attribute and percent', value);
	const attribute = oneOf(`${name}.attribute`, value.attribute, ATTRIBUTES);
	const percent = numberInRange(`${name}.percent`, value.percent, -100, 100);
	return { attribute, percent };
}

/** The degree word that describes a change of `percent` (absolute). */
export function degreeWord(percent: number): string {
	const p = Math.abs(percent);
	if (p <= 5) return 'barely noticeable';
	if (p <= 12) return 'subtle';
	if (p <= 25) return 'moderate';
	if (p <= 40) return 'clearly visible';
	return 'strong';
}
