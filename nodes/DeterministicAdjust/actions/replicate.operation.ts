/**
 * Operation "Replicate Approved Edit": learn a LUT from an approved before/after pair, report
 * how well it explains the pair, output it as a .cube file, and optionally apply it to the
 * item's image, so one approved AI edit is replayed exactly on any number of images.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { learnApprovedEdit, replayLearnedEdit, type LearnedEdit } from '../../../engine/strategies/deterministic-adjust';
import { readImage, writeBinary, writeImage } from '../../shared/binary';
import { runItems } from '../../shared/run-items';
import { integerInRange, numberInRange, numeric } from '../../../engine/core/validate';
import { concurrencyOf, concurrencyOrDefault, maxPixelsOf, toOutputOptions } from './output.description';

const show = { operation: ['replicate'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Approved Pair From',
		name: 'pairSource',
		type: 'options',
		default: 'firstItem',
		displayOptions: { show },
		options: [
			{ name: 'First Item (Learn Once, Apply to All)', value: 'firstItem' },
			{ name: 'Each Item', value: 'item', description: 'Every item carries its own before/after pair' },
		],
	},
	{
		displayName: 'Original Binary Field',
		name: 'originalProperty',
		type: 'string',
		default: 'original',
		required: true,
		description: 'The image before the approved edit',
		displayOptions: { show },
	},
	{
		displayName: 'Approved Binary Field',
		name: 'approvedProperty',
		type: 'string',
		default: 'approved',
		required: true,
		description: 'The approved edited image (e.g. the Nano Banana result you liked)',
		displayOptions: { show },
	},
	{
		displayName: 'Apply to Item Image',
		name: 'apply',
		type: 'boolean',
		default: true,
		description: 'Whether to apply the learned edit to the image in the Input Binary Field',
		displayOptions: { show },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the input binary field containing the image to edit',
		displayOptions: { show: { ...show, apply: [true] } },
	},
	{
		displayName: 'Learning Options',
		name: 'learning',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Apply Even If Content Changed',
				name: 'applyWhenContentChanged',
				type: 'boolean',
				default: false,
				description: 'Whether to apply the LUT when the pair is not a global tone/colour edit (the result will not match the approved look)',
			},
			{
				displayName: 'LUT Binary Field',
				name: 'lutBinaryField',
				type: 'string',
				default: 'lut',
				description: 'Binary property to write the learned .cube file to',
			},
			{
				displayName: 'LUT Size',
				name: 'size',
				type: 'number',
				default: 33,
				typeOptions: { minValue: 2, maxValue: 65 },
				description: 'Grid points per axis of the learned 3D LUT',
			},
			{
				displayName: 'Mix',
				name: 'strength',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				description: 'How much of the learned edit to apply; 0 = none, 1 = all',
			},
			{
				displayName: 'Smoothness',
				name: 'smoothness',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 0.01, maxValue: 100, numberPrecision: 2 },
				description: 'Higher gives a smoother LUT that follows rare colours less closely',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	/** Learns from item `i`'s pair, with item `i`'s parameters. */
	const learnFrom = async (i: number): Promise<LearnedEdit> => {
		const learning = learningOptions(this.getNodeParameter('learning', i, {}) as IDataObject);
		const maxPixels = maxPixelsOf(this.getNodeParameter('options', i, {}) as IDataObject);
		const original = await readImage(this, i, this.getNodeParameter('originalProperty', i) as string, { maxPixels, parameterName: 'Original Binary Field' });
		const approved = await readImage(this, i, this.getNodeParameter('approvedProperty', i) as string, { maxPixels, parameterName: 'Approved Binary Field' });
		return await learnApprovedEdit(original.data, approved.data, { size: learning.size, smoothness: learning.smoothness, maxPixels });
	};
	// A pair on the first item is learned once per execution, not once per item.
	let fromFirstItem: Promise<LearnedEdit> | undefined;

	return await runItems(this, { concurrency: concurrencyOrDefault(options) }, async (i) => {
		const itemOptions = this.getNodeParameter('options', i, {}) as IDataObject;
		concurrencyOf(itemOptions);
		const output = toOutputOptions(itemOptions);
		const maxPixels = maxPixelsOf(itemOptions);
		const learning = this.getNodeParameter('learning', i, {}) as IDataObject;
		const { strength } = learningOptions(learning);
		const fromItem = this.getNodeParameter('pairSource', i) === 'item' ? i : 0;
		const learned = fromItem === 0 ? await (fromFirstItem ??= learnFrom(0)) : await learnFrom(i);
		const item = this.getInputData()[i];
		const binary = { ...(item.binary ?? {}) };
		binary[String(learning.lutBinaryField ?? 'lut')] = await writeBinary(this, Buffer.from(learned.cube, 'utf8'), 'learned-look.cube', 'text/plain');

		const json: IDataObject = { learned: { ...learned.report, lutSize: learned.lut.lut3d?.size ?? null, pairFromItem: fromItem } };
		const replicable = learned.report.verdict === 'replicable';
		if (this.getNodeParameter('apply', i) as boolean) {
			if (replicable || learning.applyWhenContentChanged === true) {
				const property = String(this.getNodeParameter('binaryPropertyName', i)).trim();
				const input = await readImage(this, i, property, { maxPixels });
				const result = await replayLearnedEdit(input.data, learned.lut, output, {
					maxPixels,
					strength,
					label: `image in binary property "${property}" (parameter "Input Binary Field")`,
				});
				binary[String(itemOptions.outputBinaryField ?? 'data')] = await writeImage(this, result.data, result.info.mimeType, input.fileName, '-replicated');
				json.applied = true;
				json.output = { ...result.info };
			} else {
				json.applied = false;
				json.notAppliedReason = learned.report.verdictText;
			}
		}
		return [{ json, binary, pairedItem: { item: i } }];
	});
}

/**
 * The Learning Options of an item, checked with the names the user sees.
 * @throws {EngineError} invalidInput "Expected an integer between 2 and 65 for LUT Size but received 1000000000"
 */
function learningOptions(learning: IDataObject): { size?: number; smoothness?: number; strength: number } {
	return {
		size: learning.size === undefined ? undefined : integerInRange('LUT Size', numeric(learning.size), 2, 65),
		smoothness: learning.smoothness === undefined ? undefined : numberInRange('Smoothness', numeric(learning.smoothness), 0.01, 100),
		strength: learning.strength === undefined ? 1 : numberInRange('Mix', numeric(learning.strength), 0, 1),
	};
}
