/**
 * The documented table that turns vague wording into numbers, in English and Spanish.
 * "slightly darker" -> brightness -10 %; "mucho más cálida" -> warmth +40 %.
 * The README prints this table; change it here and the docs test will tell you to update it.
 */
import type { Attribute } from './quantities';

/** Degree words and the percentage they stand for. Longer phrases are matched first. */
export const DEGREE_WORDS: ReadonlyArray<{ words: string[]; percent: number }> = [
	{ words: ['barely', 'a tiny bit', 'a touch', 'apenas', 'un poquito', 'un pelín', 'muy ligeramente'], percent: 5 },
	{ words: ['slightly', 'a bit', 'a little', 'a little bit', 'a little more', 'un poco', 'ligeramente', 'levemente', 'algo'], percent: 10 },
	{ words: ['somewhat', 'moderately', 'noticeably', 'moderadamente', 'bastante', 'notablemente'], percent: 20 },
	{ words: ['much', 'a lot', 'significantly', 'considerably', 'way', 'mucho', 'muy', 'considerablemente', 'bien'], percent: 40 },
	{ words: ['dramatically', 'extremely', 'very much', 'hugely', 'muchísimo', 'muchisimo', 'extremadamente', 'drásticamente', 'drasticamente'], percent: 60 },
];

/** The change assumed when a direction has no degree word ("darker"). */
export const DEFAULT_PERCENT = 15;

/** Comparative phrases: which attribute and which direction they move. */
export const DIRECTION_PHRASES: ReadonlyArray<{ phrases: string[]; attribute: Attribute; sign: 1 | -1 }> = [
	{ phrases: ['darker', 'dimmer', 'less bright', 'más oscura', 'más oscuro', 'mas oscura', 'mas oscuro', 'menos brillante', 'menos luminosa', 'menos luminoso', 'oscurecer', 'oscurece'], attribute: 'brightness', sign: -1 },
	{ phrases: ['brighter', 'lighter', 'more bright', 'más clara', 'más claro', 'mas clara', 'mas claro', 'más brillante', 'mas brillante', 'más luminosa', 'más luminoso', 'mas luminosa', 'aclarar', 'aclara', 'iluminar'], attribute: 'brightness', sign: 1 },
	{ phrases: ['warmer', 'more warm', 'más cálida', 'más cálido', 'mas calida', 'mas calido', 'más cálidos', 'más cálidas'], attribute: 'warmth', sign: 1 },
	{ phrases: ['cooler', 'colder', 'more blue', 'más fría', 'más frío', 'mas fria', 'mas frio', 'más fríos', 'más frías'], attribute: 'warmth', sign: -1 },
	{ phrases: ['more contrast', 'more contrasty', 'punchier', 'higher contrast', 'más contraste', 'mas contraste', 'más contrastada', 'más contrastado'], attribute: 'contrast', sign: 1 },
	{ phrases: ['less contrast', 'lower contrast', 'flatter', 'softer contrast', 'menos contraste', 'más plana', 'más plano'], attribute: 'contrast', sign: -1 },
	{ phrases: ['more saturated', 'more vivid', 'more colorful', 'more colourful', 'more vibrant', 'más saturada', 'más saturado', 'mas saturada', 'más viva', 'más vivo', 'más vivos', 'más vivas', 'más colorida', 'más colorido', 'más vibrante'], attribute: 'saturation', sign: 1 },
	{ phrases: ['less saturated', 'more muted', 'desaturated', 'more desaturated', 'duller', 'menos saturada', 'menos saturado', 'más apagada', 'más apagado', 'desaturada', 'desaturado', 'más desaturada'], attribute: 'saturation', sign: -1 },
	{ phrases: ['more grain', 'grainier', 'more film grain', 'más grano', 'mas grano', 'con grano', 'más granulada'], attribute: 'grain', sign: 1 },
	{ phrases: ['less grain', 'cleaner', 'menos grano'], attribute: 'grain', sign: -1 },
	{ phrases: ['stronger vignette', 'more vignette', 'add a vignette', 'más viñeta', 'mas viñeta', 'con viñeta'], attribute: 'vignette', sign: 1 },
	{ phrases: ['less vignette', 'weaker vignette', 'menos viñeta'], attribute: 'vignette', sign: -1 },
	{ phrases: ['sharper', 'crisper', 'more detail', 'más nítida', 'más nítido', 'mas nitida', 'mas nitido', 'más definida', 'más definido'], attribute: 'sharpness', sign: 1 },
	{ phrases: ['softer', 'blurrier', 'less sharp', 'más suave', 'más suaves', 'menos nítida', 'menos nítido', 'más difuminada'], attribute: 'sharpness', sign: -1 },
	{ phrases: ['more exposed', 'overexposed', 'más expuesta', 'más expuesto', 'sobreexpuesta'], attribute: 'exposure', sign: 1 },
	{ phrases: ['less exposed', 'underexposed', 'menos expuesta', 'menos expuesto', 'subexpuesta'], attribute: 'exposure', sign: -1 },
	{ phrases: ['greener', 'more green', 'más verde', 'mas verde'], attribute: 'tint', sign: -1 },
	{ phrases: ['more magenta', 'pinker', 'más magenta', 'más rosada', 'más rosado'], attribute: 'tint', sign: 1 },
];
