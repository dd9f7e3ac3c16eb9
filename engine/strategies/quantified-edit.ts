/**
 * Strategy 1, Quantified Edit: vague wording and structured quantities become one precise
 * prompt (exact targets, bounds, degree words, "do NOT" limits), sent with the image to a
 * Gemini image model; the result's measured effect is reported beside what was asked.
 */
import { compareToRequest } from '../analysis/effect';
import { parseInstruction, type Interpretation } from '../prompt/parse-instruction';
import { buildEditPrompt } from '../prompt/build-prompt';
import { validateQuantity, GUARDS, type Guard, type Quantity } from '../prompt/quantities';
import { invalidParameterError, is, numberInRange, oneOf } from '../core/validate';
import type { InputImage } from '../provider/image-request';
import { runEdit, type EditContext, type EditOptions, type EditResult, type EditTarget } from './edit-call';

export interface QuantifiedEditSpec {
	/** Vague instruction in English or Spanish, e.g. "slightly darker, un poco más cálida". */
	instruction?: string;
	/** Structured quantities; they win over the same attribute in the instruction. */
	quantities?: Quantity[];
	/** Extra wording that is not a quantity, passed as written. */
	freeText?: string;
	/** Aspects to keep unchanged. @default ['composition', 'subject', 'faces'] */
	keep?: Guard[];
	/** Tolerance around each target in percentage points. @default 3 */
	tolerance?: number;
}

export interface QuantifiedPlan {
	prompt: string;
	quantities: Quantity[];
	interpretations: Interpretation[];
	warnings: string[];
}

export const DEFAULT_GUARDS: Guard[] = ['composition', 'subject', 'faces'];

/**
 * Builds the prompt without calling anything, so users (and the node's output) see exactly
 * what will be sent.
 * @throws {EngineError} invalidInput when the spec asks for nothing or a value is out of range
 */
export function planQuantifiedEdit(spec: QuantifiedEditSpec): QuantifiedPlan {
	const warnings: string[] = [];
	const parsed = parseInstruction(spec.instruction ?? '');
	warnings.push(...parsed.warnings);
	const structured = (spec.quantities ?? []).map((q, i) => validateQuantity(q, `Adjustments[${i}]`));
	const quantities: Quantity[] = [...structured];
	for (const q of parsed.quantities) {
		if (structured.some((s) => s.attribute === q.attribute)) {
			warnings.push(`The instruction's ${q.attribute} (${q.percent} %) is overridden by the Adjustments field`);
		} else {
			quantities.push(q);
		}
	}
	const freeText = [...parsed.unparsed, ...(is.nonEmptyString(spec.freeText) ? [spec.freeText] : [])];
	if (quantities.filter((q) => q.percent !== 0).length === 0 && freeText.length === 0) {
		throw invalidParameterError('Instruction', 'an instruction or at least one non-zero adjustment', spec.instruction ?? '');
	}
	const keep = (spec.keep ?? DEFAULT_GUARDS).map((g, i) => oneOf(`Keep Unchanged[${i}]`, g, GUARDS));
	const tolerance = spec.tolerance === undefined ? 3 : numberInRange('Tolerance', spec.tolerance, 0, 50);
	return {
		prompt: buildEditPrompt({ quantities, freeText, keep, tolerance }),
		quantities,
		interpretations: parsed.interpretations,
		warnings,
	};
}

export interface QuantifiedEditResult extends EditResult {
	plan: QuantifiedPlan;
	/** Per quantity: requested vs measured percent. */
	comparison: ReturnType<typeof compareToRequest>;
}

/**
 * Runs one quantified edit.
 * @param input - the validated image (as uploaded) and its size after auto-orientation
 * @throws {EngineError}
 */
export async function runQuantifiedEdit(
	input: EditTarget & { upload: InputImage },
	spec: QuantifiedEditSpec | QuantifiedPlan,
	options: EditOptions,
	ctx: EditContext,
): Promise<QuantifiedEditResult> {
	const plan = 'prompt' in spec ? spec : planQuantifiedEdit(spec);
	// Instruction first, image last: the output follows the last image.
	const result = await runEdit(input, [{ text: plan.prompt }, { image: input.upload }], plan.prompt, options, ctx);
	return { ...result, plan, comparison: compareToRequest(result.effect, plan.quantities) };
}
