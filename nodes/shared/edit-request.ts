/**
 * The edit request shared by Quantified Edit, Reference Edit and Multi-Sample: the same
 * parameters, described once, and read into the engine's specs once.
 */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { numeric } from '../../engine/core/validate';
import { ATTRIBUTES, GUARDS, GUARD_TEXT, type Guard, type Quantity } from '../../engine/prompt/quantities';
import { DEFAULT_GUARDS, type QuantifiedEditSpec } from '../../engine/strategies/quantified-edit';
import type { ReferenceEditSpec, ReferenceImage } from '../../engine/strategies/reference-edit';
import type { ReferenceLoader, ReferenceSource } from './reference-images';

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Instruction, Adjustments and Additional Instructions (`freeText`). */
export function quantifiedRequestFields(displayOptions?: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Instruction',
			name: 'instruction',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			displayOptions,
			placeholder: 'slightly darker and a bit warmer / un poco más oscura',
			description: 'What to change, in English or Spanish. Degree words ("slightly", "un poco", "mucho") become percentages; the output shows the prompt sent.',
		},
		{
			displayName: 'Adjustments',
			name: 'adjustments',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			default: {},
			displayOptions,
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
							options: ATTRIBUTES.map((a) => ({ name: capitalise(a), value: a })),
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
			displayName: 'Additional Instructions',
			name: 'freeText',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			displayOptions,
			description: 'Anything numbers cannot say, passed to the model as written',
		},
	];
}

/** Where the approved result (and original) come from, and the extra wording (`extraInstruction`). */
export function referenceRequestFields(show: NonNullable<IDisplayOptions['show']> = {}): INodeProperties[] {
	const displayOptions: IDisplayOptions | undefined = Object.keys(show).length ? { show } : undefined;
	return [
		{
			displayName: 'Reference Images From',
			name: 'referenceSource',
			type: 'options',
			default: 'firstItem',
			displayOptions,
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
			displayOptions,
			description: 'Binary property holding the approved edited image',
		},
		{
			displayName: 'Use Original Too',
			name: 'useOriginal',
			type: 'boolean',
			default: true,
			displayOptions,
			description: 'Whether to also send the original the approved result was made from, so the model sees the before/after pair (and its measured change is the target)',
		},
		{
			displayName: 'Original Binary Field',
			name: 'originalProperty',
			type: 'string',
			default: 'original',
			displayOptions: { show: { ...show, useOriginal: [true] } },
			description: 'Binary property holding the original (before) image',
		},
		{
			displayName: 'Additional Instructions',
			name: 'extraInstruction',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			displayOptions,
		},
	];
}

export const keepUnchangedField: INodeProperties = {
	displayName: 'Keep Unchanged',
	name: 'keep',
	type: 'multiOptions',
	default: ['composition', 'subject', 'faces'],
	description: 'Aspects the prompt tells the model not to touch',
	options: GUARDS.map((g) => ({ name: capitalise(GUARD_TEXT[g]), value: g })),
};

/** Reads the quantified request of item `i`. */
export function quantifiedSpecFor(fn: IExecuteFunctions, i: number): QuantifiedEditSpec {
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const adjustments = fn.getNodeParameter('adjustments.adjustment', i, []) as Quantity[];
	return {
		instruction: fn.getNodeParameter('instruction', i, '') as string,
		// numeric() keeps a non-number as given, so the range check shows "abc", not NaN.
		quantities: adjustments.map((a) => ({ attribute: a.attribute, percent: numeric(a.percent) as number })),
		freeText: fn.getNodeParameter('freeText', i, '') as string,
		keep: fn.getNodeParameter('keep', i, DEFAULT_GUARDS) as Guard[],
		tolerance: options.tolerance === undefined ? undefined : (numeric(options.tolerance) as number),
	};
}

/** Reads the reference request of item `i` and loads its reference images (shared ones once). */
export async function referenceRequestFor(
	fn: IExecuteFunctions,
	i: number,
	references: ReferenceLoader,
): Promise<{ approved: ReferenceImage; original?: ReferenceImage; spec: ReferenceEditSpec }> {
	const options = fn.getNodeParameter('options', i, {}) as IDataObject;
	const source = fn.getNodeParameter('referenceSource', i) as ReferenceSource;
	const approved = await references.load(i, fn.getNodeParameter('approvedProperty', i) as string, source, 'Approved Result Binary Field');
	const original = fn.getNodeParameter('useOriginal', i)
		? await references.load(i, fn.getNodeParameter('originalProperty', i) as string, source, 'Original Binary Field')
		: undefined;
	return {
		approved,
		original,
		spec: {
			extraInstruction: fn.getNodeParameter('extraInstruction', i, '') as string,
			keep: fn.getNodeParameter('keep', i, DEFAULT_GUARDS) as Guard[],
			includeMeasuredEffect: options.includeMeasuredEffect !== false,
		},
	};
}
