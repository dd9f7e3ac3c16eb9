import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { ATTRIBUTES, GUARDS, GUARD_TEXT, type Guard, type Quantity } from '../../engine/prompt/quantities';
import { prepareForUpload } from '../../engine/image/upload';
import { runQuantifiedEdit, DEFAULT_GUARDS } from '../../engine/strategies/quantified-edit';
import { readImage, writeImage } from '../shared/binary';
import { binaryInputField, callOptions, imageOptions, modelLocator, sortByName } from '../shared/descriptions';
import { editOptionsFor, setupEdit } from '../shared/edit-context';
import { imageModelApiTest, searchImageModels } from '../shared/methods';
import { editResultJson } from '../shared/result-json';
import { runItems } from '../shared/run-items';

export class QuantifiedEdit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Quantified Edit',
		name: 'quantifiedEdit',
		icon: { light: 'file:quantifiedEdit.svg', dark: 'file:quantifiedEdit.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["instruction"] || "quantified edit"}}',
		description: 'Edit images with Nano Banana Pro using exact, quantified instructions',
		defaults: { name: 'Quantified Edit' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'imageModelApi', required: true, testedBy: 'imageModelApiTest' }],
		properties: [
			binaryInputField(),
			{
				displayName: 'Instruction',
				name: 'instruction',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				placeholder: 'slightly darker and a bit warmer / un poco más oscura',
				description: 'What to change, in English or Spanish. Degree words ("slightly", "un poco", "mucho") become percentages; the output shows the prompt sent.',
			},
			{
				displayName: 'Adjustments',
				name: 'adjustments',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				default: {},
				placeholder: 'Add Adjustment',
				description: 'Exact quantities; they win over the same attribute in the instruction',
				options: [
					{
						displayName: 'Adjustment',
						name: 'adjustment',
						values: [
							{
								displayName: 'Attribute',
								name: 'attribute',
								type: 'options',
								default: 'brightness',
								options: ATTRIBUTES.map((a) => ({ name: a.charAt(0).toUpperCase() + a.slice(1), value: a })),
							},
							{
								displayName: 'Change (%)',
								name: 'percent',
								type: 'number',
								default: -15,
								typeOptions: { minValue: -100, maxValue: 100 },
								description: 'Signed change relative to the original: -15 = 85 % brightness; for grain and vignette the strength',
							},
						],
					},
				],
			},
			{
				displayName: 'Keep Unchanged',
				name: 'keep',
				type: 'multiOptions',
				default: ['composition', 'subject', 'faces'],
				description: 'Aspects the prompt tells the model not to touch',
				options: GUARDS.map((g) => ({ name: GUARD_TEXT[g].charAt(0).toUpperCase() + GUARD_TEXT[g].slice(1), value: g })),
			},
			{
				displayName: 'Additional Instructions',
				name: 'freeText',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				description: 'Anything numbers cannot say, passed to the model as written',
			},
			modelLocator,
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
						description: 'Binary property to write the edited image to',
					},
					{
						displayName: 'Tolerance (%)',
						name: 'tolerance',
						type: 'number',
						default: 3,
						typeOptions: { minValue: 0, maxValue: 50 },
						description: 'Bound given to the model around each target ("not exceeding 88 %")',
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
		const setup = await setupEdit(this);
		const out = await runItems(this, { concurrency: setup.ctx.limiter.maxConcurrent, secrets: setup.session.secrets }, async (i, signal) => {
			const property = this.getNodeParameter('binaryPropertyName', i) as string;
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const input = await readImage(this, i, property, { maxPixels: setup.maxPixels });
			const upload = await prepareForUpload(input.data, input.info);
			const adjustments = this.getNodeParameter('adjustments.adjustment', i, []) as Quantity[];
			const result = await runQuantifiedEdit(
				{ data: input.data, width: input.info.width, height: input.info.height, upload },
				{
					instruction: this.getNodeParameter('instruction', i, '') as string,
					quantities: adjustments.map((a) => ({ attribute: a.attribute, percent: Number(a.percent) })),
					freeText: this.getNodeParameter('freeText', i, '') as string,
					keep: this.getNodeParameter('keep', i, DEFAULT_GUARDS) as Guard[],
					tolerance: options.tolerance === undefined ? undefined : Number(options.tolerance),
				},
				editOptionsFor(this, i),
				{ ...setup.ctx, signal },
			);
			const outputField = String(options.outputBinaryField ?? 'data');
			const item = this.getInputData()[i];
			return [
				{
					json: {
						...editResultJson(result),
						instructionInterpreted: result.plan.interpretations.map((x) => ({ text: x.text, attribute: x.quantity.attribute, percent: x.quantity.percent, rule: x.rule })),
						quantities: result.plan.quantities as unknown as IDataObject[],
						requestedVsMeasured: result.comparison as unknown as IDataObject[],
						warnings: result.plan.warnings,
					},
					binary: {
						...(item.binary ?? {}),
						[outputField]: await writeImage(this, result.image.data, result.image.mimeType, input.fileName, '-edited'),
					},
					pairedItem: { item: i },
				},
			];
		});
		return [out];
	}
}
