/* eslint-disable @n8n/community-nodes/node-usable-as-tool, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/icon-validation, @n8n/community-nodes/icon-prefer-themed-variants -- a demo stand-in for an n8n core node, never shipped or shown in the editor (README.md) */
/** Stand-in for n8n-nodes-base.limit (demo only, see README.md). */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export class Limit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Limit (demo stand-in)',
		name: 'limit',
		icon: 'fa:hand-paper',
		group: ['transform'],
		version: 1,
		description: 'Restrict the number of items',
		defaults: { name: 'Limit' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Max Items', name: 'maxItems', type: 'number', default: 1, typeOptions: { minValue: 1 } },
			{
				displayName: 'Keep',
				name: 'keep',
				type: 'options',
				default: 'firstItems',
				options: [
					{ name: 'First Items', value: 'firstItems' },
					{ name: 'Last Items', value: 'lastItems' },
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const max = this.getNodeParameter('maxItems', 0) as number;
		if (items.length <= max) return [items];
		return [this.getNodeParameter('keep', 0) === 'lastItems' ? items.slice(items.length - max) : items.slice(0, max)];
	}
}
