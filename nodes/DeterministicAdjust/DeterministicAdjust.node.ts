import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import * as adjust from './actions/adjust.operation';
import * as replicate from './actions/replicate.operation';
import { outputOptions } from './actions/output.description';

/** Exact, repeatable tone and colour work; no API, no cost. The router picks the operation. */
export class DeterministicAdjust implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Deterministic Adjust',
		name: 'deterministicAdjust',
		icon: { light: 'file:deterministicAdjust.svg', dark: 'file:deterministicAdjust.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "replicate" ? "replicate approved edit" : "adjust"}}',
		description: 'Exact, repeatable tone and colour adjustments, and replaying an approved edit as a learned LUT',
		defaults: { name: 'Deterministic Adjust' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				default: 'adjust',
				options: [
					{
						name: 'Adjust',
						value: 'adjust',
						action: 'Adjust tone and colour',
						description: 'Apply ordered steps: PIL-identical brightness, contrast, saturation, LUTs, grain, vignette and more',
					},
					{
						name: 'Replicate Approved Edit',
						value: 'replicate',
						action: 'Replicate an approved edit',
						description: 'Learn a LUT from an approved before/after pair and apply it exactly, at zero cost',
					},
				],
			},
			...adjust.description,
			...replicate.description,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: outputOptions,
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		switch (operation) {
			case 'adjust':
				return [await adjust.execute.call(this)];
			case 'replicate':
				return [await replicate.execute.call(this)];
			default:
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		}
	}
}
