/**
 * Strategy 3, Multi-Sample: for each image, N variants of the same Quantified Edit or Reference
 * Edit request (separate calls: the image models reject candidateCount > 1), each scored on its
 * analysis thumbnail (engine/scoring), ranked, and the best kept; optionally re-rolled while too
 * few variants reach a score threshold, within a per-item maximum of extra calls.
 *
 * Every call of every item goes through the execution's one limiter and retry policy (runEdit).
 * A {@link SampleBudget} shared by the execution stops new calls once a money or call cap would
 * be passed; {@link estimateRun} gives the cost estimate before the run.
 *
 * Memory: a variant's full image is kept only while it is among the images the output mode
 * returns (1 for 'best', K for 'topK', all for 'all'); scoring and contact sheets use thumbnails.
 */
import type { Effect } from '../analysis/effect';
import { effectBetween } from '../analysis/effect';
import { resampled, statsOf, thumbnail, type ImageStats, type Thumbnail } from '../analysis/stats';
import { EngineError, isEngineError, type ErrorKind } from '../core/errors';
import { integerInRange, invalidParameterError, is, numberInRange, oneOf } from '../core/validate';
import { costOf, estimateCallCost, type PriceTable } from '../cost/prices';
import { contactSheet, tileImage, type ContactSheet, type ContactSheetOptions, type SheetTile } from '../image/contact-sheet';
import type { ProviderKind } from '../provider/config';
import type { InputImage, RequestPart } from '../provider/image-request';
import type { ImageSize } from '../provider/models';
import { CLOSENESS_METHODS, type ClosenessMethod } from '../scoring/closeness';
import { measureToneChange, targetFromPair, targetFromQuantities, type FidelityTarget, type ToneChange } from '../scoring/fidelity';
import { createScorer, resolveScoreWeights, type Scorer, type ScoreWeights, type VariantScore } from '../scoring/score';
import { runEdit, validateEditOptions, type EditContext, type EditOptions, type EditResult, type EditTarget } from './edit-call';
import { DEFAULT_MAX_CORRECTION_PERCENT, MAX_CORRECTION_PERCENT, matchTarget, type AttributeCorrection, type MatchTargetOptions } from './match-target';
import { planQuantifiedEdit, type QuantifiedEditSpec, type QuantifiedPlan } from './quantified-edit';
import { buildReferencePrompt, referenceParts, type ReferenceEditSpec, type ReferenceImage } from './reference-edit';

/** Variants per image at most. */
export const MAX_VARIANTS = 10;
/** Variants per image by default. */
export const DEFAULT_VARIANTS = 3;
/** Re-roll calls per image at most. */
export const MAX_EXTRA_CALLS = 20;

/** What the node returns per input image: the best variant, the K best, or all, ranked. */
export const OUTPUT_MODES = ['best', 'topK', 'all'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

export interface RerollOptions {
	/** Re-roll while fewer variants than the output returns reach this combined score, 0..1. */
	threshold: number;
	/** Extra calls per image at most, 0..20. @default 2 */
	maxExtraCalls?: number;
}

export interface MultiSampleSpec {
	/** Variants requested per image, 1..10. @default 3 */
	variants?: number;
	/** @default 'best' */
	output?: OutputMode;
	/** Variants returned in 'topK' mode, 1..variants. @default 2 */
	topK?: number;
	/** Re-roll below a score; omitted = no re-rolls. */
	reroll?: RerollOptions;
	/** Score weights; see engine/scoring/score.ts. @default fidelity 0.5, structure 0.3, closeness 0.2 */
	weights?: Partial<ScoreWeights>;
	/** How closeness to the approved result is measured. @default 'histogram' */
	closeness?: ClosenessMethod;
	/** Build a contact sheet (source, references, variants with scores). @default false */
	contactSheet?: boolean | (ContactSheetOptions & { title?: string });
	/**
	 * Correct the returned variants' remaining tone miss towards the target with exact operations
	 * (engine/strategies/match-target.ts); needs a fidelity target. @default false
	 */
	matchTarget?: boolean | MatchTargetOptions;
}

/** The request every variant repeats: a Quantified Edit or a Reference Edit. */
export type SampleEdit =
	| { kind: 'quantified'; spec: QuantifiedEditSpec | QuantifiedPlan }
	| { kind: 'reference'; approved: ReferenceImage; original?: ReferenceImage; spec?: ReferenceEditSpec };

/** A validated {@link MultiSampleSpec}. */
export interface ResolvedSampling {
	variants: number;
	output: OutputMode;
	/** Images returned per input: 1, K or variants (+ re-rolls in 'all' mode). */
	keep: number;
	reroll: { threshold: number; maxExtraCalls: number } | null;
	weights: ScoreWeights;
	closeness: ClosenessMethod;
	contactSheet: (ContactSheetOptions & { title?: string }) | null;
	matchTarget: { maxCorrectionPercent: number } | null;
}

/**
 * Validates a spec and fills in the defaults.
 *
 * @example resolveSampling({ variants: 5, output: 'topK', topK: 2, reroll: { threshold: 0.9 } });
 * @param spec - see {@link MultiSampleSpec}
 * @throws {EngineError} invalidInput naming the parameter as the node shows it ("Variants per Image", "Top K", "Score Threshold", ...)
 */
export function resolveSampling(spec: MultiSampleSpec = {}): ResolvedSampling {
	if (!is.plainObject(spec as unknown)) throw invalidParameterError('Multi-Sample options', 'an object', spec);
	const variants = integerInRange('Variants per Image', spec.variants ?? DEFAULT_VARIANTS, 1, MAX_VARIANTS);
	const output = oneOf('Output', spec.output ?? 'best', OUTPUT_MODES);
	const keep = output === 'best' ? 1 : output === 'topK' ? integerInRange('Top K', spec.topK ?? 2, 1, variants) : variants;
	const reroll = spec.reroll
		? {
				threshold: numberInRange('Score Threshold', spec.reroll.threshold, 0, 1),
				maxExtraCalls: integerInRange('Max Extra Calls per Image', spec.reroll.maxExtraCalls ?? 2, 0, MAX_EXTRA_CALLS),
			}
		: null;
	const sheet = spec.contactSheet;
	const match = spec.matchTarget;
	return {
		variants,
		output,
		keep,
		reroll,
		weights: resolveScoreWeights(spec.weights),
		closeness: oneOf('Closeness Method', spec.closeness ?? 'histogram', CLOSENESS_METHODS),
		contactSheet: sheet ? (sheet === true ? {} : { ...sheet }) : null,
		matchTarget: match
			? {
					maxCorrectionPercent: numberInRange(
						'Max Correction (%)',
						(match === true ? undefined : match.maxCorrectionPercent) ?? DEFAULT_MAX_CORRECTION_PERCENT,
						0,
						MAX_CORRECTION_PERCENT,
					),
				}
			: null,
	};
}

// ---------------------------------------------------------------------------------------------
// Budget and estimate

export interface BudgetLimits {
	/** Calls per execution at most (a call and its retries count once). */
	maxCalls?: number;
	/** USD per execution at most, by the price table (and Price Overrides). */
	maxUsd?: number;
}

/** The budget's state, as written to every output item. */
export interface BudgetStatus {
	maxCalls: number | null;
	maxUsd: number | null;
	/** Calls started so far (finished or running). */
	calls: number;
	/** USD of finished calls plus the estimate of running ones; null when a price is unknown. */
	spentUsd: number | null;
	/** Calls not made because the budget would have been passed. */
	refusedCalls: number;
	/** True once a call was refused. */
	exhausted: boolean;
}

/** One call's claim on the budget, settled when the call ends. */
export interface BudgetReservation {
	readonly usd: number;
}

/**
 * The per-execution budget: a call starts only while it fits (calls + 1 <= maxCalls; spent +
 * running estimates + this call's estimate <= maxUsd), so concurrent calls cannot overshoot
 * except by the difference between estimated and billed cost. Refused calls are counted.
 */
export class SampleBudget {
	readonly maxCalls: number | null;
	readonly maxUsd: number | null;
	private readonly usdPerCall: number | null;
	private started = 0;
	private spent = 0;
	private unknownCost = false;
	private pendingUsd = 0;
	private refused = 0;

	/**
	 * @example const budget = new SampleBudget({ maxUsd: 5 }, 0.134);
	 * @param limits - caps; none = unlimited
	 * @param usdPerCall - estimated cost of one call ({@link estimateRun}); null when unknown
	 * @throws {EngineError} invalidInput for a negative cap, or a money cap without a known price
	 */
	constructor(limits: BudgetLimits = {}, usdPerCall: number | null = null) {
		this.maxCalls = limits.maxCalls === undefined ? null : integerInRange('Max Calls', limits.maxCalls, 1, 1_000_000);
		this.maxUsd = limits.maxUsd === undefined ? null : numberInRange('Max Cost (USD)', limits.maxUsd, 0, 1_000_000);
		if (this.maxUsd !== null && usdPerCall === null) {
			throw invalidParameterError('Max Cost (USD)', 'a model with a known price (add one under Price Overrides), or a call budget', 'no price');
		}
		this.usdPerCall = usdPerCall;
	}

	/** Claims one call, or returns null (and counts a refusal) when it would pass a cap. */
	reserve(): BudgetReservation | null {
		const usd = this.usdPerCall ?? 0;
		const overCalls = this.maxCalls !== null && this.started + 1 > this.maxCalls;
		const overUsd = this.maxUsd !== null && this.spent + this.pendingUsd + usd > this.maxUsd + 1e-9;
		if (overCalls || overUsd) {
			this.refused++;
			return null;
		}
		this.started++;
		this.pendingUsd += usd;
		return { usd };
	}

	/** Ends a reservation with the call's billed cost (null = unknown, the estimate is kept). */
	settle(reservation: BudgetReservation, usd: number | null): void {
		this.pendingUsd = Math.max(0, this.pendingUsd - reservation.usd);
		if (usd === null) {
			if (this.usdPerCall === null) this.unknownCost = true;
			this.spent += reservation.usd;
		} else {
			this.spent += usd;
		}
	}

	status(): BudgetStatus {
		return {
			maxCalls: this.maxCalls,
			maxUsd: this.maxUsd,
			calls: this.started,
			spentUsd: this.unknownCost ? null : roundUsd(this.spent + this.pendingUsd),
			refusedCalls: this.refused,
			exhausted: this.refused > 0,
		};
	}
}

export interface RunEstimate {
	items: number;
	variants: number;
	maxExtraCallsPerItem: number;
	/** items x variants, and with every allowed re-roll. */
	calls: { expected: number; max: number };
	/** Estimated USD of one call; null when no price is known. */
	usdPerCall: number | null;
	usd: { expected: number; max: number } | null;
	/** How the per-call figure was made. */
	basis: string;
}

/**
 * The pre-run estimate: items x variants x price of one call (and the maximum with re-rolls).
 * Token-billed models are estimated with ~1120 image tokens per result (2000 at 4K) and
 * {@link estimatePromptTokens} input tokens.
 *
 * @example estimateRun({ items: 100, variants: 3, provider: 'apiyi', model: 'gemini-3-pro-image' });
 * // { calls: { expected: 300, max: 300 }, usdPerCall: 0.09, usd: { expected: 27, max: 27 }, ... }
 * @param input.maxExtraCalls - re-roll allowance per item; default 0
 * @param input.promptTokens - input tokens of one call; default {@link estimatePromptTokens}('', 1)
 */
export function estimateRun(input: {
	items: number;
	variants: number;
	maxExtraCalls?: number;
	provider: ProviderKind;
	model: string;
	imageSize?: ImageSize;
	promptTokens?: number;
	prices?: PriceTable;
}): RunEstimate {
	const items = integerInRange('items', input.items, 0, 10_000_000);
	const variants = integerInRange('Variants per Image', input.variants, 1, MAX_VARIANTS);
	const extra = integerInRange('Max Extra Calls per Image', input.maxExtraCalls ?? 0, 0, MAX_EXTRA_CALLS);
	const promptTokens = input.promptTokens ?? estimatePromptTokens('', 1);
	const usdPerCall = estimateCallCost(input.provider, input.model, input.imageSize, promptTokens, input.prices);
	const calls = { expected: items * variants, max: items * (variants + extra) };
	return {
		items,
		variants,
		maxExtraCallsPerItem: extra,
		calls,
		usdPerCall,
		usd: usdPerCall === null ? null : { expected: roundUsd(calls.expected * usdPerCall), max: roundUsd(calls.max * usdPerCall) },
		basis:
			usdPerCall === null
				? `no price known for ${input.model}; add one under Price Overrides`
				: `$${usdPerCall} per call (${input.model}${input.imageSize ? `, ${input.imageSize}` : ''}, ~${promptTokens} input tokens)`,
	};
}

/**
 * A rough count of a call's input tokens: one per 4 prompt characters plus ~560 per image
 * (Gemini 3 image models' default media resolution).
 *
 * @example estimatePromptTokens(prompt, 2); // 1370 for a 1000-character prompt
 */
export function estimatePromptTokens(prompt: string, images: number): number {
	return Math.ceil(prompt.length / 4) + 560 * images;
}

// ---------------------------------------------------------------------------------------------
// Session and per-item run

/** What one node execution shares across its items: the budget, the estimate, reference thumbnails. */
export interface MultiSampleSession {
	budget: SampleBudget;
	estimate?: RunEstimate;
	/** Analysis thumbnails of reference images, decoded once per execution. */
	referenceThumbnail(reference: ReferenceImage): Promise<Thumbnail>;
	/** The fidelity target of an approved pair, measured once per execution. */
	pairTarget(original: ReferenceImage, approved: ReferenceImage): Promise<FidelityTarget>;
}

/**
 * @example const session = createSession(new SampleBudget({ maxCalls: 200 }), estimate);
 * @param budget - the execution's budget; default unlimited
 * @param estimate - the pre-run estimate, echoed in results
 */
export function createSession(budget: SampleBudget = new SampleBudget(), estimate?: RunEstimate): MultiSampleSession {
	const thumbnails = new WeakMap<ReferenceImage, Promise<Thumbnail>>();
	const targets = new WeakMap<ReferenceImage, WeakMap<ReferenceImage, Promise<FidelityTarget>>>();
	const session: MultiSampleSession = {
		budget,
		estimate,
		referenceThumbnail(reference) {
			let cached = thumbnails.get(reference);
			if (!cached) {
				cached = thumbnail(reference.upload.data);
				thumbnails.set(reference, cached);
			}
			return cached;
		},
		pairTarget(original, approved) {
			let byApproved = targets.get(original);
			if (!byApproved) {
				byApproved = new WeakMap();
				targets.set(original, byApproved);
			}
			let cached = byApproved.get(approved);
			if (!cached) {
				cached = measurePair(session, original, approved);
				byApproved.set(approved, cached);
			}
			return cached;
		},
	};
	return session;
}

/** A kept variant's image. */
export interface VariantImage {
	data: Buffer;
	mimeType: string;
	width: number;
	height: number;
}

/** The call record of a variant, without its image and thumbnail. */
export type VariantCall = Omit<EditResult, 'image' | 'thumbnail'> & {
	output: { width: number; height: number; mimeType: string; bytes: number };
};

export interface VariantOutcome {
	/** Call order within the item, from 0 (re-rolls continue after the first round). */
	index: number;
	/** True for a re-roll call. */
	reroll: boolean;
	status: 'scored' | 'failed' | 'skipped';
	/** 1 = best; scored variants only. */
	rank?: number;
	score?: VariantScore;
	call?: VariantCall;
	/** Present only on the variants the output mode returns. */
	image?: VariantImage;
	error?: { kind: ErrorKind; message: string; description?: string };
	/** Why a variant was not requested. */
	skippedReason?: 'budget';
	/** Small picture for the contact sheet (only when one is built). */
	tile?: Thumbnail;
	/** Returned variants with Match Target on: what was corrected and the result's measurement. */
	targetMatch?: TargetMatchReport;
}

/** What Match Target did to a returned variant. */
export interface TargetMatchReport {
	/** Attributes corrected (empty: the variant was already on target; its image is unchanged). */
	corrections: AttributeCorrection[];
	/** The picked variant's change as measured against the source (same measurement as `after.change`). */
	before: ToneChange;
	/**
	 * The corrected image: its change as measured against the source (thumbnails at the same
	 * size, no calibration: what the target was matched on) and its fidelity as a variant would be
	 * scored; null when nothing was corrected.
	 */
	after: { change: ToneChange; fidelity: number | null; errorPoints: number | null } | null;
}

export interface MultiSampleResult {
	prompt: string;
	/** Quantified request: the plan (quantities, interpretations, warnings). */
	plan?: QuantifiedPlan;
	/** Reference request with an original: the approved pair's measured effect. */
	pairEffect?: Effect | null;
	/** What fidelity was scored against; null = not scored. */
	target: FidelityTarget | null;
	sampling: ResolvedSampling;
	/** Every variant: scored ones by rank, then failed, then skipped. */
	variants: VariantOutcome[];
	/** The variants the output mode returns, in rank order, each with its image. */
	kept: VariantOutcome[];
	/** True when no variant could be requested because the budget was used up. */
	budgetExceeded: boolean;
	/** Calls made (scored + failed), not made (skipped), re-rolls among them, and attempts of the scored ones (retries included). */
	calls: { requested: number; scored: number; failed: number; skipped: number; extra: number; attempts: number };
	/** USD of this item's calls; null when a price is unknown. */
	costUsd: number | null;
	reroll: { threshold: number; maxExtraCalls: number; extraCalls: number; reached: boolean } | null;
	/** The execution's budget when this image finished. */
	budget: BudgetStatus;
	/** The execution's pre-run estimate, when the session has one. */
	estimate: RunEstimate | null;
	contactSheet?: ContactSheet;
	warnings: string[];
}

/** Errors that every further call would repeat: no re-roll, and the item fails. */
const FATAL: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['auth', 'modelNotFound', 'modelRetired', 'invalidArgument', 'invalidInput', 'cancelled']);

/**
 * Runs Multi-Sample for one image: the variants in parallel (through the execution's limiter),
 * scoring as each arrives, re-rolls one at a time while the threshold is not met, then ranking,
 * the kept images and the contact sheet.
 *
 * @example
 * const session = createSession(new SampleBudget({ maxUsd: 10 }, estimate.usdPerCall), estimate);
 * const result = await runMultiSample(target, { kind: 'quantified', spec: { instruction: 'slightly darker' } },
 * 	{ variants: 3, output: 'best' }, { model: 'gemini-3-pro-image' }, ctx, session);
 * result.kept[0].image; // the best variant
 * @param target - the image to edit: validated bytes, size and the prepared upload
 * @param edit - the request every variant repeats
 * @param spec - see {@link MultiSampleSpec}
 * @param options - image options, as for Quantified/Reference Edit
 * @param ctx - the execution's transport, limiter, retry policy and prices
 * @param session - the execution's budget and caches; default a fresh, unlimited one
 * @returns the ranked variants; `budgetExceeded` when nothing could be requested
 * @throws {EngineError} invalidInput for bad options (before any call); when no variant could be
 *   scored, the first variant's error (e.g. rateLimit after the retries, safetyBlock, auth)
 */
export async function runMultiSample(
	target: EditTarget & { upload: InputImage },
	edit: SampleEdit,
	spec: MultiSampleSpec,
	options: EditOptions,
	ctx: EditContext,
	session: MultiSampleSession = createSession(),
): Promise<MultiSampleResult> {
	const sampling = resolveSampling(spec);
	validateEditOptions(options);
	const request = await prepareRequest(target, edit, session);
	const sourceThumb = await thumbnail(target.data);
	const before: ImageStats = statsOf(sourceThumb);
	const scorer = createScorer({
		source: sourceThumb,
		sourceImage: target.data,
		target: request.target ?? undefined,
		approved: request.approved,
		closeness: sampling.closeness,
		weights: sampling.weights,
	});
	const sheet = sampling.contactSheet;
	const tileSize = sheet?.tileSize ?? 256;
	const outcomes: VariantOutcome[] = [];
	const causes = new Map<VariantOutcome, unknown>();
	const warnings = [...(request.plan?.warnings ?? [])];
	if (request.target?.notScored.length) {
		warnings.push(`Not scored (cannot be measured): ${request.target.notScored.join(', ')}`);
	}
	let costUsd: number | null = 0;

	const addCost = (usd: number | null) => {
		costUsd = costUsd === null || usd === null ? null : costUsd + usd;
	};

	/** Keeps the images of the variants the output returns; drops the others'. */
	const keepBest = () => {
		if (sampling.output === 'all') return;
		const ranked = rankScored(outcomes);
		ranked.forEach((o, i) => {
			if (i >= sampling.keep) delete o.image;
		});
	};

	const attempt = async (index: number, reroll: boolean): Promise<VariantOutcome> => {
		const outcome: VariantOutcome = { index, reroll, status: 'skipped' };
		outcomes.push(outcome);
		const reservation = session.budget.reserve();
		if (!reservation) {
			outcome.skippedReason = 'budget';
			return outcome;
		}
		try {
			const result = await runEdit(target, request.parts, request.prompt, options, ctx, before);
			session.budget.settle(reservation, result.cost.usd);
			addCost(result.cost.usd);
			const { image, thumbnail: variantThumb, ...call } = result;
			outcome.call = { ...call, output: { width: image.width, height: image.height, mimeType: image.mimeType, bytes: image.data.length } };
			outcome.score = await scorer.score(variantThumb, result.after, image);
			outcome.status = 'scored';
			outcome.image = image;
			if (sheet) outcome.tile = await tileImage(variantThumb, tileSize);
			keepBest();
		} catch (error) {
			const failedCost = costOf({ provider: ctx.provider, model: options.model.trim(), imageCount: 0, imageSize: options.imageSize, succeeded: false }, ctx.prices).usd;
			session.budget.settle(reservation, failedCost);
			addCost(failedCost);
			if (ctx.signal?.aborted || (isEngineError(error) && error.kind === 'cancelled')) throw error;
			outcome.status = 'failed';
			outcome.error = describeError(error);
			causes.set(outcome, error);
		}
		return outcome;
	};

	await Promise.all(Array.from({ length: sampling.variants }, (_, i) => attempt(i, false)));

	let extraCalls = 0;
	const rerollState = sampling.reroll;
	if (rerollState) {
		const needed = sampling.keep;
		const good = () => outcomes.filter((o) => o.status === 'scored' && (o.score as VariantScore).combined >= rerollState.threshold).length;
		while (good() < needed && extraCalls < rerollState.maxExtraCalls && !fatalError(outcomes)) {
			const outcome = await attempt(sampling.variants + extraCalls, true);
			if (outcome.status === 'skipped') break;
			extraCalls++;
		}
	}

	const scored = rankScored(outcomes);
	if (scored.length === 0) {
		const failed = outcomes.find((o) => o.status === 'failed');
		if (failed) throw causes.get(failed);
	}
	scored.forEach((o, i) => (o.rank = i + 1));
	const kept = scored.slice(0, sampling.output === 'all' ? scored.length : sampling.keep);
	for (const o of scored.slice(kept.length)) delete o.image;
	if (sampling.matchTarget && request.target?.attributes.length) {
		for (const o of kept) {
			await correctToTarget(o, request.target, sampling.matchTarget, scorer, sourceThumb, before);
			const cut = o.targetMatch?.corrections.filter((c) => c.clamped).map((c) => c.attribute) ?? [];
			if (cut.length) {
				warnings.push(
					`Variant ${o.index + 1}: the miss on ${cut.join(', ')} is beyond Max Correction (${sampling.matchTarget.maxCorrectionPercent} %); corrected by that much only`,
				);
			}
		}
	}
	const failed = outcomes.filter((o) => o.status === 'failed');
	const skipped = outcomes.filter((o) => o.status === 'skipped');
	if (skipped.length) {
		warnings.push(`${skipped.length} variant(s) not requested: the execution's budget is used up`);
	}
	const variants = [...scored, ...failed, ...skipped];
	const result: MultiSampleResult = {
		prompt: request.prompt,
		plan: request.plan,
		pairEffect: request.pairEffect,
		target: request.target,
		sampling,
		variants,
		kept,
		budgetExceeded: scored.length === 0 && failed.length === 0,
		calls: {
			requested: scored.length + failed.length,
			scored: scored.length,
			failed: failed.length,
			skipped: skipped.length,
			extra: extraCalls,
			attempts: scored.reduce((s, o) => s + (o.call?.attempts ?? 0), 0),
		},
		costUsd: costUsd === null ? null : roundUsd(costUsd),
		reroll: rerollState
			? {
					...rerollState,
					extraCalls,
					reached: scored.filter((o) => (o.score as VariantScore).combined >= rerollState.threshold).length >= sampling.keep,
				}
			: null,
		budget: session.budget.status(),
		estimate: session.estimate ?? null,
		warnings,
	};
	if (sheet && scored.length + failed.length > 0) {
		result.contactSheet = await buildSheet(result, sourceThumb, target, request, sheet, tileSize);
	}
	for (const o of variants) delete o.tile;
	return result;
}

interface PreparedRequest {
	prompt: string;
	parts: RequestPart[];
	plan?: QuantifiedPlan;
	pairEffect?: Effect | null;
	target: FidelityTarget | null;
	approved?: Thumbnail;
	original?: Thumbnail;
}

async function prepareRequest(
	target: EditTarget & { upload: InputImage },
	edit: SampleEdit,
	session: MultiSampleSession,
): Promise<PreparedRequest> {
	if (!is.plainObject(edit)) throw invalidParameterError('Edit Request', 'a quantified or reference request', edit);
	const kind = oneOf('Edit Request', edit.kind, ['quantified', 'reference'] as const);
	if (kind === 'quantified') {
		const spec = (edit as Extract<SampleEdit, { kind: 'quantified' }>).spec;
		const plan = 'prompt' in spec ? spec : planQuantifiedEdit(spec);
		return {
			prompt: plan.prompt,
			parts: [{ text: plan.prompt }, { image: target.upload }],
			plan,
			target: targetFromQuantities(plan.quantities),
		};
	}
	const ref = edit as Extract<SampleEdit, { kind: 'reference' }>;
	if (!ref.approved?.upload || !ref.approved.stats) {
		throw invalidParameterError('Approved Result Binary Field', 'an approved result image', ref.approved);
	}
	const pairEffect = ref.original ? effectBetween(ref.original.stats, ref.approved.stats) : null;
	const prompt = buildReferencePrompt({ hasOriginal: Boolean(ref.original), pairEffect, spec: ref.spec });
	return {
		prompt,
		parts: referenceParts(prompt, target.upload, ref.approved.upload, ref.original?.upload),
		pairEffect,
		target: ref.original ? await session.pairTarget(ref.original, ref.approved) : null,
		approved: await session.referenceThumbnail(ref.approved),
		original: ref.original ? await session.referenceThumbnail(ref.original) : undefined,
	};
}

/**
 * The approved pair's target: the approved thumbnail is made at the original's thumbnail size
 * when their aspect ratios agree within 1 % (an edit of the same photo), so the pair is measured
 * like a variant against its source; otherwise from statistics.
 */
async function measurePair(session: MultiSampleSession, original: ReferenceImage, approved: ReferenceImage): Promise<FidelityTarget> {
	const before = await session.referenceThumbnail(original);
	const after = await session.referenceThumbnail(approved);
	const aligned = Math.abs(Math.log(before.width / before.height / (after.width / after.height))) < 0.01;
	return targetFromPair(before, aligned ? await thumbnail(approved.upload.data, undefined, { width: before.width, height: before.height }) : after);
}

/**
 * Match Target on one returned variant: corrects its image so that it measures the target the
 * way the node reports the delivered image's effect (the variant's thumbnail at the source's
 * thumbnail size against the source's, no calibration taken out: what a person comparing the two
 * files would measure; brightness is the mean luma ratio), then scores the result like a variant
 * for the report.
 */
async function correctToTarget(
	o: VariantOutcome,
	target: FidelityTarget,
	options: MatchTargetOptions,
	scorer: Scorer,
	source: Thumbnail,
	before: ImageStats,
): Promise<void> {
	if (!o.image || !o.score || !o.call) return;
	// Each image is decoded once: its own thumbnail gives the reported brightness and, resampled
	// to the source's thumbnail size, the transform fit; the result's reading is reused below.
	const readings = new Map<Buffer, { thumb: Thumbnail; stats: ImageStats }>();
	const read = async (data: Buffer): Promise<{ thumb: Thumbnail; stats: ImageStats }> => {
		let reading = readings.get(data);
		if (!reading) {
			const thumb = await thumbnail(data);
			reading = { thumb, stats: statsOf(thumb) };
			readings.set(data, reading);
		}
		return reading;
	};
	const meter = async (data: Buffer): Promise<ToneChange> => {
		const { thumb, stats } = await read(data);
		const sized = await resampled(thumb, source.width, source.height);
		// Brightness exactly as the item reports it (effect: mean luma of the image's own
		// thumbnail), so the delivered images' reported effect is what lands on the target.
		return { ...measureToneChange(source, sized, { before }), brightness: effectBetween(before, stats).brightnessPercent };
	};
	const measured = await meter(o.image.data);
	const { image, plan, after } = await matchTarget(o.image, measured, target, options, meter);
	if (plan.steps.length === 0) {
		o.targetMatch = { corrections: [], before: measured, after: null };
		return;
	}
	const { thumb, stats } = await read(image.data);
	const rescored = await scorer.score(thumb, stats, { width: image.width, height: image.height });
	o.image = image;
	o.call = {
		...o.call,
		after: stats,
		effect: effectBetween(before, stats),
		output: { width: image.width, height: image.height, mimeType: image.mimeType, bytes: image.data.length },
	};
	o.targetMatch = {
		corrections: plan.corrections,
		before: measured,
		after: { change: after ?? rescored.change, fidelity: rescored.fidelity, errorPoints: rescored.fidelityDetail?.errorPoints ?? null },
	};
}

/** Scored variants, best first: combined score, then call order. */
function rankScored(outcomes: VariantOutcome[]): VariantOutcome[] {
	return outcomes
		.filter((o) => o.status === 'scored')
		.sort((a, b) => (b.score as VariantScore).combined - (a.score as VariantScore).combined || a.index - b.index);
}

function fatalError(outcomes: VariantOutcome[]): boolean {
	return outcomes.some((o) => o.status === 'failed' && o.error && FATAL.has(o.error.kind));
}

function describeError(error: unknown): { kind: ErrorKind; message: string; description?: string } {
	if (isEngineError(error)) return { kind: error.kind, message: error.message, ...(error.description ? { description: error.description } : {}) };
	return { kind: 'invalidResponse', message: error instanceof Error ? error.message : String(error) };
}

async function buildSheet(
	result: MultiSampleResult,
	sourceThumb: Thumbnail,
	target: EditTarget,
	request: PreparedRequest,
	options: ContactSheetOptions & { title?: string },
	tileSize: number,
): Promise<ContactSheet> {
	const tiles: SheetTile[] = [{ image: sourceThumb, lines: ['SOURCE', `${target.width}X${target.height}`] }];
	if (request.original) tiles.push({ image: request.original, lines: ['ORIGINAL (BEFORE)'] });
	if (request.approved) tiles.push({ image: request.approved, lines: ['APPROVED'] });
	const blank = blankTile(tileSize);
	for (const o of result.variants) {
		if (o.status === 'scored' && o.score && o.tile) {
			const s = o.score;
			const cost = o.call?.cost.usd;
			tiles.push({
				image: o.tile,
				lines: [
					`#${o.rank} V${o.index + 1}${o.reroll ? ' R' : ''} SCORE ${s.combined.toFixed(2)}`,
					`FID ${fmt(s.fidelity)} STR ${fmt(s.structure)}`,
					`CLO ${fmt(s.closeness)}${cost === null || cost === undefined ? '' : ` $${cost.toFixed(3)}`}`,
				],
				highlight: result.kept.includes(o),
			});
		} else if (o.status === 'failed') {
			tiles.push({ image: blank, lines: [`V${o.index + 1}${o.reroll ? ' R' : ''} FAILED`, (o.error?.kind ?? 'error').toUpperCase()] });
		}
	}
	const { title, ...sheetOptions } = options;
	return await contactSheet(tiles, { ...sheetOptions, tileSize, title });
}

function blankTile(size: number): Thumbnail {
	const side = Math.max(8, Math.round(size / 2));
	return { data: Buffer.alloc(side * side * 3, 200), width: side, height: side };
}

function fmt(value: number | null): string {
	return value === null ? '-' : value.toFixed(2);
}

function roundUsd(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/**
 * The error that describes an image the budget skipped entirely (no variant requested); the
 * node writes it to that item's output instead of failing.
 *
 * @example budgetExceededError(result.budget).message;
 * // "The execution's budget (20 calls) is used up; no variant of this image was requested"
 */
export function budgetExceededError(budget: BudgetStatus): EngineError {
	const cap = budget.maxUsd !== null ? `$${budget.maxUsd}` : `${budget.maxCalls} calls`;
	return new EngineError('budgetExceeded', `The execution's budget (${cap}) is used up; no variant of this image was requested`, {
		parameter: budget.maxUsd !== null ? 'Max Cost (USD)' : 'Max Calls',
		description: `Spent so far: ${budget.calls} call(s)${budget.spentUsd === null ? '' : `, $${budget.spentUsd}`}. Raise the budget or run the remaining items in another execution.`,
	});
}
