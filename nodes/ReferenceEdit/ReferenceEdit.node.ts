import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { prepareForUpload } from '../../engine/image/upload';
import { runReferenceEdit } from '../../engine/strategies/reference-edit';
import { readImage, writeImage } from '../shared/binary';
import { binaryInputField, callOptions, imageOptions, modelLocator, sortByName } from '../shared/descriptions';
import { editOptionsFor, setupEdit } from '../shared/edit-context';
import { keepUnchangedField, referenceRequestFields, referenceRequestFor } from '../shared/edit-request';
import { imageModelApiTest, searchImageModels } from '../shared/methods';
import { ReferenceLoader } from '../shared/reference-images';
import { editResultJson } from '../shared/result-json';
import { failEveryItem, runItems } from '../shared/run-items';

export class ReferenceEdit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reference Edit',
		name: 'referenceEdit',
		icon: { light: 'file:referenceEdit.svg', dark: 'file:referenceEdit.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["useOriginal"] ? "before/after pair" : "approved result"}}',
		description: 'Give new images the same edit as an approved result, to the same degree (Nano Banana Pro)',
		defaults: { name: 'Reference Edit' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'imageModelApi', required: true, testedBy: 'imageModelApiTest' }],
		properties: [
			binaryInputField('binaryPropertyName', 'New Image Binary Field', 'Binary property holding the new image to edit'),
			...referenceRequestFields(),
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
						displayName: 'State Measured Effect in Prompt',
						name: 'includeMeasuredEffect',
						type: 'boolean',
						default: true,
						description: 'Whether to tell the model the before/after change in numbers (brightness -14 %, ...) when the original is used',
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
		const references = new ReferenceLoader(this, setup.maxPixels);
		const out = await runItems(this, { concurrency: setup.ctx.limiter.maxConcurrent, secrets: setup.session.secrets }, async (i, signal) => {
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const input = await readImage(this, i, this.getNodeParameter('binaryPropertyName', i) as string, { maxPixels: setup.maxPixels, parameterName: 'New Image Binary Field' });
			const request = await referenceRequestFor(this, i, references);
			const upload = await prepareForUpload(input.data, input.info);
			const result = await runReferenceEdit(
				{ data: input.data, width: input.info.width, height: input.info.height, upload },
				request.approved,
				request.original,
				request.spec,
				editOptionsFor(this, i),
				{ ...setup.ctx, signal },
			);
			const item = this.getInputData()[i];
			return [
				{
					json: { ...editResultJson(result), approvedPairEffect: result.pairEffect ? { ...result.pairEffect } : null },
					binary: {
						...(item.binary ?? {}),
						[String(options.outputBinaryField ?? 'data')]: await writeImage(this, result.image.data, result.image.mimeType, input.fileName, '-edited'),
					},
					pairedItem: { item: i },
				},
			];
		});
		return [out];
	}
}
