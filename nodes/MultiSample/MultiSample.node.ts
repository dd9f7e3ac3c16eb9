import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { compareToRequest } from '../../engine/analysis/effect';
import { prepareForUpload } from '../../engine/image/upload';
import type { EditResult } from '../../engine/strategies/edit-call';
import {
	budgetExceededError,
	createSession,
	estimatePromptTokens,
	estimateRun,
	MAX_EXTRA_CALLS,
	MAX_VARIANTS,
	runMultiSample,
	SampleBudget,
	type MultiSampleResult,
	type MultiSampleSpec,
	type OutputMode,
	type SampleEdit,
	type VariantOutcome,
} from '../../engine/strategies/multi-sample';
import { DEFAULT_MAX_CORRECTION_PERCENT, MAX_CORRECTION_PERCENT } from '../../engine/strategies/match-target';
import { planQuantifiedEdit } from '../../engine/strategies/quantified-edit';
import { buildReferencePrompt } from '../../engine/strategies/reference-edit';
import type { ClosenessMethod } from '../../engine/scoring/closeness';
import { readImage, writeImage } from '../shared/binary';
import { binaryInputField, callOptions, imageOptions, modelLocator, sortByName } from '../shared/descriptions';
import { editOptionsFor, setupEdit } from '../shared/edit-context';
import { keepUnchangedField, quantifiedRequestFields, quantifiedSpecFor, referenceRequestFields, referenceRequestFor } from '../shared/edit-request';
import { imageModelApiTest, searchImageModels } from '../shared/methods';
import { ReferenceLoader } from '../shared/reference-images';
import { editResultJson } from '../shared/result-json';
import { failEveryItem, runItems } from '../shared/run-items';

const quantified = { show: { requestType: ['quantified'] } };
const reference = { show: { requestType: ['reference'] } };

export class MultiSample implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Multi-Sample',
		name: 'multiSample',
		icon: { light: 'file:multiSample.svg', dark: 'file:multiSample.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["variants"] + " variants, keep " + $parameter["output"]}}',
		description: 'Make several variants of each AI edit (Nano Banana Pro), score them automatically and keep the closest',
		defaults: { name: 'Multi-Sample' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'imageModelApi', required: true, testedBy: 'imageModelApiTest' }],
		properties: [
			binaryInputField(),
			{
				displayName: 'Edit Request',
				name: 'requestType',
				type: 'options',
				default: 'quantified',
				description: 'The request every variant repeats',
				options: [
					{ name: 'Quantified Edit', value: 'quantified', description: 'An instruction and exact quantities, as in the Quantified Edit node' },
					{ name: 'Reference Edit', value: 'reference', description: 'The same effect as an approved result, as in the Reference Edit node' },
				],
			},
			...quantifiedRequestFields(quantified),
			...referenceRequestFields(reference.show),
			keepUnchangedField,
			modelLocator,
			{
				displayName: 'Variants per Image',
				name: 'variants',
				type: 'number',
				default: 3,
				typeOptions: { minValue: 1, maxValue: MAX_VARIANTS, numberPrecision: 0 },
				description: 'Separate calls per image (the models do not return several candidates per call). Each costs one call.',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'best',
				options: [
					{ name: 'Best Only', value: 'best', description: 'The highest-scoring variant of each image' },
					{ name: 'Top K', value: 'topK', description: 'The K highest-scoring variants, ranked' },
					{ name: 'All Variants, Ranked', value: 'all', description: 'Every variant with its rank and scores' },
				],
			},
			{
				displayName: 'Top K',
				name: 'topK',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 1, maxValue: MAX_VARIANTS, numberPrecision: 0 },
				displayOptions: { show: { output: ['topK'] } },
				description: 'Variants returned per image (at most Variants per Image)',
			},
			{
				displayName: 'Output Layout',
				name: 'layout',
				type: 'options',
				default: 'items',
				displayOptions: { show: { output: ['topK', 'all'] } },
				options: [
					{ name: 'One Item per Variant', value: 'items', description: 'Rank 1 first; every item pairs with its input item' },
					{ name: 'One Item per Image, Variants as Binaries', value: 'binaries', description: 'Binary fields data, data_2, data_3 and so on, in rank order' },
				],
			},
			{
				displayName: 'Re-Roll Below Score',
				name: 'reroll',
				type: 'boolean',
				default: false,
				description: 'Whether to make extra calls, one at a time, while fewer variants than the output returns reach the threshold',
			},
			{
				displayName: 'Score Threshold',
				name: 'rerollThreshold',
				type: 'number',
				default: 0.9,
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 3 },
				displayOptions: { show: { reroll: [true] } },
				description: 'Combined score (0-1) a variant must reach. With the default weights and no approved result, 0.9 is about 1 point from the requested change and 0.97 about 0.25 points.',
			},
			{
				displayName: 'Max Extra Calls per Image',
				name: 'maxExtraCalls',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 0, maxValue: MAX_EXTRA_CALLS, numberPrecision: 0 },
				displayOptions: { show: { reroll: [true] } },
			},
			{
				displayName: 'Match Target After Pick',
				name: 'matchTarget',
				type: 'boolean',
				default: false,
				description:
					'Whether to correct the remaining tone miss of each returned variant (brightness, contrast, saturation, warmth vs the requested or approved change) with exact, deterministic operations. Makes a batch land on the same numbers; picking alone narrows the spread about 3x at 5 variants.',
			},
			{
				displayName: 'Max Correction (%)',
				name: 'maxCorrection',
				type: 'number',
				default: DEFAULT_MAX_CORRECTION_PERCENT,
				typeOptions: { minValue: 0, maxValue: MAX_CORRECTION_PERCENT, numberPrecision: 1 },
				displayOptions: { show: { matchTarget: [true] } },
				description: 'Largest change of any one factor (10 = brightness, contrast or saturation factor 0.9 to 1.1); a bigger miss is corrected this much and reported in the warnings',
			},
			{
				displayName: 'Budget per Execution',
				name: 'budgetType',
				type: 'options',
				default: 'none',
				description: 'Stops new calls once the cap would be passed; the output says which images were cut short',
				options: [
					{ name: 'No Cap', value: 'none' },
					{ name: 'Max Cost (USD)', value: 'usd', description: 'By the price table and Price Overrides' },
					{ name: 'Max Calls', value: 'calls', description: 'A call and its retries count once' },
				],
			},
			{
				displayName: 'Max Cost (USD)',
				name: 'maxCostUsd',
				type: 'number',
				default: 10,
				typeOptions: { minValue: 0, numberPrecision: 2 },
				displayOptions: { show: { budgetType: ['usd'] } },
			},
			{
				displayName: 'Max Calls',
				name: 'maxCalls',
				type: 'number',
				default: 100,
				typeOptions: { minValue: 1, numberPrecision: 0 },
				displayOptions: { show: { budgetType: ['calls'] } },
			},
			{
				displayName: 'Contact Sheet',
				name: 'contactSheet',
				type: 'boolean',
				default: true,
				description: 'Whether to add a review image per input (source, approved, every variant with its scores) to the first output item of that input',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: sortByName([
					...imageOptions,
					{
						displayName: 'Output Binary Field',
						name: 'outputBinaryField',
						type: 'string',
						default: 'data',
						description: 'Binary property for the variant image (with binaries per image: data, data_2 and so on)',
					},
					{
						displayName: 'Contact Sheet Binary Field',
						name: 'contactSheetField',
						type: 'string',
						default: 'contactSheet',
					},
					{
						displayName: 'Fidelity Weight',
						name: 'weightFidelity',
						type: 'number',
						default: 0.5,
						typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 2 },
						description: 'Weight of effect fidelity (measured change vs the requested or approved change) in the combined score',
					},
					{
						displayName: 'Structure Weight',
						name: 'weightStructure',
						type: 'number',
						default: 0.3,
						typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 2 },
						description: 'Weight of structure kept (SSIM of the luma against the source) in the combined score',
					},
					{
						displayName: 'Closeness Weight',
						name: 'weightCloseness',
						type: 'number',
						default: 0.2,
						typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 2 },
						description: 'Weight of colour closeness to the approved result (ΔE2000) in the combined score; Reference Edit only',
					},
					{
						displayName: 'Closeness Method',
						name: 'closenessMethod',
						type: 'options',
						default: 'histogram',
						options: [
							{ name: 'Colour Distribution (Different Photo)', value: 'histogram', description: 'ΔE2000 between the tone-sorted colour distributions' },
							{ name: 'Pixel by Pixel (Same Scene)', value: 'aligned', description: 'Mean ΔE2000 of aligned thumbnails' },
						],
					},
					{
						displayName: 'Tolerance (%)',
						name: 'tolerance',
						type: 'number',
						default: 3,
						typeOptions: { minValue: 0, maxValue: 50 },
						description: 'Quantified Edit: bound given to the model around each target',
					},
					{
						displayName: 'State Measured Effect in Prompt',
						name: 'includeMeasuredEffect',
						type: 'boolean',
						default: true,
						description: 'Whether to tell the model the approved pair\'s change in numbers (Reference Edit with the original)',
					},
					...callOptions,
				]),
			},
		],
	};

	methods = {
		credentialTest: { imageModelApiTest },
		listSearch: { searchImageModels },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let setup;
		try {
			setup = await setupEdit(this);
		} catch (error) {
			return [failEveryItem(this, error)];
		}
		const items = this.getInputData();
		const references = new ReferenceLoader(this, setup.maxPixels);
		const requestType = this.getNodeParameter('requestType', 0) as 'quantified' | 'reference';

		let session;
		try {
			const spec = samplingSpec(this, 0);
			const options = editOptionsFor(this, 0);
			const images = requestType === 'quantified' ? 1 : this.getNodeParameter('useOriginal', 0) ? 3 : 2;
			const prompt = requestType === 'quantified' ? estimatePrompt(this) : buildReferencePrompt({ hasOriginal: images === 3, pairEffect: null });
			const estimate = estimateRun({
				items: items.length,
				variants: spec.variants ?? 3,
				maxExtraCalls: spec.reroll?.maxExtraCalls,
				provider: setup.ctx.provider,
				model: options.model,
				imageSize: options.imageSize,
				promptTokens: estimatePromptTokens(prompt, images),
				prices: setup.ctx.prices,
			});
			const budgetType = this.getNodeParameter('budgetType', 0) as 'none' | 'usd' | 'calls';
			const budget = new SampleBudget(
				{
					maxUsd: budgetType === 'usd' ? (this.getNodeParameter('maxCostUsd', 0) as number) : undefined,
					maxCalls: budgetType === 'calls' ? (this.getNodeParameter('maxCalls', 0) as number) : undefined,
				},
				estimate.usdPerCall,
			);
			session = createSession(budget, estimate);
			this.logger.info(
				`${this.getNode().name}: estimate ${estimate.calls.expected} calls (up to ${estimate.calls.max} with re-rolls), ` +
					(estimate.usd ? `$${estimate.usd.expected} (up to $${estimate.usd.max})` : 'cost unknown'),
			);
		} catch (error) {
			return [failEveryItem(this, error, setup.session.secrets)];
		}

		const out = await runItems(this, { concurrency: setup.ctx.limiter.maxConcurrent, secrets: setup.session.secrets }, async (i, signal) => {
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const input = await readImage(this, i, this.getNodeParameter('binaryPropertyName', i) as string, { maxPixels: setup.maxPixels });
			let edit: SampleEdit;
			if (requestType === 'quantified') {
				edit = { kind: 'quantified', spec: quantifiedSpecFor(this, i) };
			} else {
				edit = { kind: 'reference', ...(await referenceRequestFor(this, i, references)) };
			}
			const upload = await prepareForUpload(input.data, input.info);
			const result = await runMultiSample(
				{ data: input.data, width: input.info.width, height: input.info.height, upload },
				edit,
				samplingSpec(this, i, `ITEM ${i}${input.fileName ? `: ${input.fileName}` : ''}`),
				editOptionsFor(this, i),
				{ ...setup.ctx, signal },
				session,
			);
			return await outputItems(this, i, result, input.fileName, options);
		});
		return [out];
	}
}

/** The first item's prompt, for the estimate; an item-level problem is reported on that item later. */
function estimatePrompt(fn: IExecuteFunctions): string {
	try {
		return planQuantifiedEdit(quantifiedSpecFor(fn, 0)).prompt;
	} catch {
		return ' '.repeat(1000);
	}
}


function samplingSpec(fn: IExecuteFunctions, i: number, title?: string): MultiSampleSpec {
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const output = fn.getNodeParameter('output', i) as OutputMode;
	const reroll = fn.getNodeParameter('reroll', i, false) as boolean;
	const weight = (name: string) => (options[name] === undefined ? undefined : Number(options[name]));
	return {
		variants: fn.getNodeParameter('variants', i) as number,
		output,
		topK: output === 'topK' ? (fn.getNodeParameter('topK', i) as number) : undefined,
		reroll: reroll
			? { threshold: fn.getNodeParameter('rerollThreshold', i) as number, maxExtraCalls: fn.getNodeParameter('maxExtraCalls', i) as number }
			: undefined,
		weights: { fidelity: weight('weightFidelity'), structure: weight('weightStructure'), closeness: weight('weightCloseness') },
		closeness: (options.closenessMethod as ClosenessMethod | undefined) ?? 'histogram',
		contactSheet: (fn.getNodeParameter('contactSheet', i, true) as boolean) ? { title } : false,
		matchTarget: (fn.getNodeParameter('matchTarget', i, false) as boolean)
			? { maxCorrectionPercent: fn.getNodeParameter('maxCorrection', i, DEFAULT_MAX_CORRECTION_PERCENT) as number }
			: false,
	};
}

/** Maps one image's result to output items (the engine did the work; this is n8n mapping only). */
async function outputItems(
	fn: IExecuteFunctions,
	i: number,
	result: MultiSampleResult,
	fileName: string | undefined,
	options: IDataObject,
): Promise<INodeExecutionData[]> {
	const inputBinary = fn.getInputData()[i].binary ?? {};
	const field = String(options.outputBinaryField ?? 'data');
	const sheetField = String(options.contactSheetField ?? 'contactSheet');
	const shared = itemJson(result);
	if (result.budgetExceeded) {
		const error = budgetExceededError(result.budget);
		return [
			{
				json: { ...shared, budgetExceeded: true, error: `Item ${i}: ${error.message}`, errorKind: error.kind, errorDescription: error.description ?? null, itemIndex: i },
				binary: { ...inputBinary },
				pairedItem: { item: i },
			},
		];
	}
	const sheet = result.contactSheet
		? await writeImage(fn, result.contactSheet.data, result.contactSheet.mimeType, fileName, '-contact-sheet')
		: undefined;
	const layout = result.sampling.output === 'best' ? 'items' : (fn.getNodeParameter('layout', i, 'items') as string);
	const write = (o: VariantOutcome) => writeImage(fn, o.image!.data, o.image!.mimeType, fileName, `-variant-${o.index + 1}`);
	if (layout === 'binaries') {
		const binary: IBinaryKeyData = { ...inputBinary };
		for (const [k, o] of result.kept.entries()) binary[k === 0 ? field : `${field}_${k + 1}`] = await write(o);
		if (sheet) binary[sheetField] = sheet;
		return [{ json: { ...variantJson(result, result.kept[0]), ...shared }, binary, pairedItem: { item: i } }];
	}
	const out: INodeExecutionData[] = [];
	for (const [k, o] of result.kept.entries()) {
		const binary: IBinaryKeyData = { ...inputBinary, [field]: await write(o) };
		if (k === 0 && sheet) binary[sheetField] = sheet;
		out.push({ json: { ...variantJson(result, o), ...shared }, binary, pairedItem: { item: i } });
	}
	return out;
}

/** JSON of one returned variant: the call (as the other AI nodes write it) and its scores. */
function variantJson(result: MultiSampleResult, o: VariantOutcome): IDataObject {
	// editResultJson reads the call record and the image's size; the thumbnail is not used.
	const call = editResultJson({ ...o.call!, image: o.image! } as unknown as EditResult);
	const score = o.score!;
	return {
		rank: o.rank ?? null,
		variantIndex: o.index,
		reroll: o.reroll,
		score: { combined: score.combined, fidelity: score.fidelity, structure: score.structure, closeness: score.closeness },
		scoring: {
			weights: { ...score.weights },
			measuredChange: { ...score.change },
			fidelity: score.fidelityDetail ? { errorPoints: score.fidelityDetail.errorPoints, attributes: score.fidelityDetail.attributes as unknown as IDataObject[] } : null,
			closeness: score.closenessDeltaE === null ? null : { meanDeltaE2000: score.closenessDeltaE, method: score.closenessMethod },
		},
		...(o.targetMatch
			? {
					targetMatch: {
						corrected: o.targetMatch.corrections.length > 0,
						corrections: o.targetMatch.corrections as unknown as IDataObject[],
						measuredChangeBefore: { ...o.targetMatch.before },
						measuredChangeAfter: o.targetMatch.after ? { ...o.targetMatch.after.change } : null,
						fidelityAfter: o.targetMatch.after?.fidelity ?? null,
						errorPointsAfter: o.targetMatch.after?.errorPoints ?? null,
					},
				}
			: {}),
		...call,
		...(result.plan
			? {
					instructionInterpreted: result.plan.interpretations.map((x) => ({ text: x.text, attribute: x.quantity.attribute, percent: x.quantity.percent, rule: x.rule })),
					quantities: result.plan.quantities as unknown as IDataObject[],
					requestedVsMeasured: compareToRequest(o.call!.effect, result.plan.quantities) as unknown as IDataObject[],
				}
			: {}),
		...(result.pairEffect !== undefined ? { approvedPairEffect: result.pairEffect ? { ...result.pairEffect } : null } : {}),
	};
}

/** JSON every output item of an image carries: the ranking of all variants, calls, cost, budget. */
function itemJson(result: MultiSampleResult): IDataObject {
	return {
		variants: result.variants.map((o) => ({
			rank: o.rank ?? null,
			variantIndex: o.index,
			reroll: o.reroll,
			status: o.status,
			combined: o.score?.combined ?? null,
			fidelity: o.score?.fidelity ?? null,
			structure: o.score?.structure ?? null,
			closeness: o.score?.closeness ?? null,
			costUsd: o.call?.cost.usd ?? null,
			attempts: o.call?.attempts ?? null,
			error: o.error ? { kind: o.error.kind, message: o.error.message } : null,
			skippedReason: o.skippedReason ?? null,
		})),
		calls: { ...result.calls },
		itemCostUsd: result.costUsd,
		reroll: result.reroll ? { ...result.reroll } : null,
		budget: { ...result.budget },
		estimate: result.estimate ? (JSON.parse(JSON.stringify(result.estimate)) as IDataObject) : null,
		warnings: result.warnings,
	};
}
