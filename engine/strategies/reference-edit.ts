/**
 * Strategy 2, Reference Edit: the new image goes to the model together with the approved
 * result (and, when available, the original it was made from), asking for the same degree
 * of change. The new image is always the LAST image: the providers' output follows it.
 * With the original present, the pair's measured effect is stated in numbers as well.
 */
import { effectBetween, type Effect } from '../analysis/effect';
import type { ImageStats } from '../analysis/stats';
import { GUARD_TEXT, GUARDS, type Guard } from '../prompt/quantities';
import { oneOf } from '../core/validate';
import type { InputImage, RequestPart } from '../provider/image-request';
import { runEdit, type EditContext, type EditOptions, type EditResult, type EditTarget } from './edit-call';

/** A reference image as sent, with its measured statistics. */
export interface ReferenceImage {
	upload: InputImage;
	stats: ImageStats;
}

export interface ReferenceEditSpec {
	/** Extra wording appended as written, e.g. "the sky may stay as it is". */
	extraInstruction?: string;
	/** Aspects of the new image to keep unchanged. @default ['composition', 'subject', 'faces'] */
	keep?: Guard[];
	/** State the pair's measured change (brightness -14 %, ...) in the prompt. @default true */
	includeMeasuredEffect?: boolean;
}

export interface ReferenceEditResult extends EditResult {
	/** Effect measured on the approved pair (original -> approved); null without an original. */
	pairEffect: Effect | null;
}

/**
 * Builds the prompt. Image numbering matches the parts order of {@link referenceParts}.
 * @example buildReferencePrompt({ hasOriginal: true, pairEffect })
 */
export function buildReferencePrompt(options: {
	hasOriginal: boolean;
	pairEffect?: Effect | null;
	spec?: ReferenceEditSpec;
}): string {
	const spec = options.spec ?? {};
	const keep = (spec.keep ?? ['composition', 'subject', 'faces']).map((g, i) => oneOf(`Keep Unchanged[${i}]`, g, GUARDS));
	const lines: string[] = [];
	if (options.hasOriginal) {
		lines.push('Image 1 is an ORIGINAL photo. Image 2 is the APPROVED edit of image 1. Image 3 is a NEW photo.');
		lines.push(
			'Edit image 3 by applying exactly the same transformation that turns image 1 into image 2: the same changes of brightness, contrast, colour balance, saturation, tone and texture, to the same degree.',
		);
		const effect = options.pairEffect;
		if (effect && spec.includeMeasuredEffect !== false) {
			lines.push('');
			lines.push('Measured change from image 1 to image 2 (reproduce the same amounts on image 3):');
			lines.push(`- brightness ${signed(effect.brightnessPercent)} %`);
			lines.push(`- contrast ${signed(effect.contrastPercent)} %`);
			lines.push(`- saturation ${signed(effect.saturationPercent)} %`);
			lines.push(`- colour temperature ${effect.colourTemperatureKelvin === 0 ? 'unchanged' : `${signed(-effect.colourTemperatureKelvin)} K ${effect.colourTemperatureKelvin < 0 ? '(warmer)' : '(cooler)'}`}`);
		}
		lines.push('');
		lines.push('Do NOT copy any content, objects, people or composition from images 1 and 2 into image 3.');
	} else {
		lines.push('Image 1 is an APPROVED edited photo. Image 2 is a NEW photo.');
		lines.push(
			'Edit image 2 so that it gets the same effect as image 1, to the same degree: match its brightness, contrast, colour balance, saturation, tone and texture.',
		);
		lines.push('');
		lines.push('Do NOT copy any content, objects, people or composition from image 1 into image 2.');
	}
	const target = options.hasOriginal ? 'image 3' : 'image 2';
	for (const guard of keep) lines.push(`Do NOT change ${GUARD_TEXT[guard]} of ${target}.`);
	lines.push(`Do NOT add, remove or move anything in ${target}; do NOT crop, rotate or reframe it.`);
	const extra = spec.extraInstruction?.trim();
	if (extra) {
		lines.push('');
		lines.push(extra);
	}
	lines.push(`Return only the edited ${target}.`);
	return lines.join('\n');
}

/** Parts in the order the prompt numbers them; the new image last. */
export function referenceParts(prompt: string, newImage: InputImage, approved: InputImage, original?: InputImage): RequestPart[] {
	const images: RequestPart[] = original ? [{ image: original }, { image: approved }, { image: newImage }] : [{ image: approved }, { image: newImage }];
	return [{ text: prompt }, ...images];
}

/**
 * Runs one reference edit.
 * @throws {EngineError}
 */
export async function runReferenceEdit(
	target: EditTarget & { upload: InputImage },
	approved: ReferenceImage,
	original: ReferenceImage | undefined,
	spec: ReferenceEditSpec,
	options: EditOptions,
	ctx: EditContext,
): Promise<ReferenceEditResult> {
	const pairEffect = original ? effectBetween(original.stats, approved.stats) : null;
	const prompt = buildReferencePrompt({ hasOriginal: Boolean(original), pairEffect, spec });
	const parts = referenceParts(prompt, target.upload, approved.upload, original?.upload);
	const result = await runEdit(target, parts, prompt, options, ctx);
	return { ...result, pairEffect };
}

function signed(value: number): string {
	const rounded = Math.round(value * 10) / 10;
	return rounded > 0 ? `+${rounded}` : String(rounded);
}
