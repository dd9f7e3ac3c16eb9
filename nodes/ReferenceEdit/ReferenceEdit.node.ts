import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { GUARDS, GUARD_TEXT, type Guard } from '../../engine/prompt/quantities';
import { prepareForUpload } from '../../engine/image/upload';
import { runReferenceEdit } from '../../engine/strategies/reference-edit';
import { readImage, writeImage } from '../shared/binary';
import { binaryInputField, callOptions, imageOptions, modelLocator, sortByName } from '../shared/descriptions';
import { editOptionsFor, setupEdit } from '../shared/edit-context';
import { imageModelApiTest, searchImageModels } from '../shared/methods';
import { ReferenceLoader, type ReferenceSource } from '../shared/reference-images';
import { editResultJson } from '../shared/result-json';
import { runItems } from '../shared/run-items';

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
			{
				displayName: 'Reference Images From',
				name: 'referenceSource',
				type: 'options',
				default: 'firstItem',
				options: [
					{ name: 'First Item (Shared by All Items)', value: 'firstItem', description: 'Supply the approved pair once, on the first item' },
					{ name: 'Each Item', value: 'item', description: 'Every item carries its own approved result' },
				],
			},
			{
				displayName: 'Approved Result Binary Field',
				name: 'approvedProperty',
				type: 'string',
				default: 'approved',
				required: true,
				description: 'Binary property holding the approved edited image',
			},
			{
				displayName: 'Use Original Too',
				name: 'useOriginal',
				type: 'boolean',
				default: true,
				description: 'Whether to also send the original the approved result was made from, so the model sees the before/after pair',
			},
			{
				displayName: 'Original Binary Field',
				name: 'originalProperty',
				type: 'string',
				default: 'original',
				displayOptions: { show: { useOriginal: [true] } },
				description: 'Binary property holding the original (before) image',
			},
			{
				displayName: 'Keep Unchanged',
				name: 'keep',
				type: 'multiOptions',
				default: ['composition', 'subject', 'faces'],
				options: GUARDS.map((g) => ({ name: GUARD_TEXT[g].charAt(0).toUpperCase() + GUARD_TEXT[g].slice(1), value: g })),
			},
			{
				displayName: 'Additional Instructions',
				name: 'extraInstruction',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
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
		const setup = await setupEdit(this);
		const references = new ReferenceLoader(this, setup.maxPixels);
		const out = await runItems(this, { concurrency: setup.ctx.limiter.maxConcurrent, secrets: setup.session.secrets }, async (i, signal) => {
			const options = this.getNodeParameter('options', i, {}) as IDataObject;
			const source = this.getNodeParameter('referenceSource', i) as ReferenceSource;
			const useOriginal = this.getNodeParameter('useOriginal', i) as boolean;
			const input = await readImage(this, i, this.getNodeParameter('binaryPropertyName', i) as string, { maxPixels: setup.maxPixels, parameterName: 'New Image Binary Field' });
			const approved = await references.load(i, this.getNodeParameter('approvedProperty', i) as string, source, 'Approved Result Binary Field');
			const original = useOriginal
				? await references.load(i, this.getNodeParameter('originalProperty', i) as string, source, 'Original Binary Field')
				: undefined;
			const upload = await prepareForUpload(input.data, input.info);
			const result = await runReferenceEdit(
				{ data: input.data, width: input.info.width, height: input.info.height, upload },
				approved,
				original,
				{
					extraInstruction: this.getNodeParameter('extraInstruction', i, '') as string,
					keep: this.getNodeParameter('keep', i, []) as Guard[],
					includeMeasuredEffect: options.includeMeasuredEffect !== false,
				},
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
