/**
 * The measured effect of an edit: how the result's tone and colour differ from its source.
 * Expressed like the quantities the user asks for, so "brightness -15 %" can be checked
 * against brightnessPercent.
 */
import type { Attribute, Quantity } from '../prompt/quantities';
import type { ImageStats } from './stats';

export interface Effect {
	/** Mean luma change in percent (+ brighter). */
	brightnessPercent: number;
	/**
	 * Change of luma standard deviation relative to mean luma, in percent (+ more contrast).
	 * Relative, so a pure brightness change does not count as a contrast change.
	 */
	contrastPercent: number;
	/** Change of mean chroma relative to mean luma, in percent (+ more saturated); brightness-neutral too. */
	saturationPercent: number;
	/** Change of mean R - B in percent of the full scale (+ warmer). */
	warmthPercent: number;
	/** Change of the mean colour's temperature in kelvin (negative = warmer). */
	colourTemperatureKelvin: number;
}

/** Effect of going from `before` to `after`. */
export function effectBetween(before: ImageStats, after: ImageStats): Effect {
	return {
		brightnessPercent: round(percentChange(before.meanLuma, after.meanLuma)),
		contrastPercent: round(percentChange(relative(before.lumaStd, before), relative(after.lumaStd, after))),
		saturationPercent: round(percentChange(relative(before.meanChroma, before), relative(after.meanChroma, after))),
		warmthPercent: round(((after.warmBalance - before.warmBalance) / 255) * 100),
		colourTemperatureKelvin: after.cctKelvin - before.cctKelvin,
	};
}

/** The measured value comparable to a requested quantity, when there is one. */
export function measuredPercent(effect: Effect, attribute: Attribute): number | undefined {
	switch (attribute) {
		case 'brightness':
		case 'exposure':
			return effect.brightnessPercent;
		case 'contrast':
			return effect.contrastPercent;
		case 'saturation':
			return effect.saturationPercent;
		case 'warmth':
			return effect.warmthPercent;
		default:
			return undefined;
	}
}

/** Per requested quantity: asked vs measured, for the output JSON. */
export function compareToRequest(effect: Effect, quantities: Quantity[]): Array<{ attribute: Attribute; requestedPercent: number; measuredPercent: number | null }> {
	return quantities.map((q) => ({
		attribute: q.attribute,
		requestedPercent: q.percent,
		measuredPercent: measuredPercent(effect, q.attribute) ?? null,
	}));
}

/** A spread measure divided by mean luma: invariant to multiplying every value by a factor. */
function relative(value: number, stats: ImageStats): number {
	return stats.meanLuma <= 1e-9 ? 0 : value / stats.meanLuma;
}

function percentChange(from: number, to: number): number {
	return from <= 1e-9 ? 0 : ((to - from) / from) * 100;
}

function round(value: number): number {
	return Math.round(value * 100) / 100;
}
