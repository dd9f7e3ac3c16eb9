import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { prepareForUpload } from '../../engine/image/upload';
import { runQuantifiedEdit } from '../../engine/strategies/quantified-edit';
import { readImage, writeImage } from '../shared/binary';
import { binaryInputField, callOptions, imageOptions, modelLocator, sortByName } from '../shared/descriptions';
import { editOptionsFor, setupEdit } from '../shared/edit-context';
import { keepUnchangedField, quantifiedRequestFields, quantifiedSpecFor } from '../shared/edit-request';
import { imageModelApiTest, searchImageModels } from '../shared/methods';
import { editResultJson } from '../shared/result-json';
import { failEveryItem, runItems } from '../shared/run-items';

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
			...quantifiedRequestFields(),
			keepUnchangedField,
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
		let setup;
		try {
			setup = await setupEdit(this);
		} catch (error) {
			return [failEveryItem(this, error)];
		}
		const out = await runItems(this, { concurrency: setup.ctx.limiter.maxConcurrent, secrets: setup.session.secrets }, async (i, signal) => {
			const property = this.getNodeParameter('binaryPropertyName', i) as string;
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const input = await readImage(this, i, property, { maxPixels: setup.maxPixels });
			const upload = await prepareForUpload(input.data, input.info);
			const result = await runQuantifiedEdit(
				{ data: input.data, width: input.info.width, height: input.info.height, upload },
				quantifiedSpecFor(this, i),
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
