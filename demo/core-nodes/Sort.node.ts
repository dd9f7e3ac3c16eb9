/* eslint-disable @n8n/community-nodes/node-usable-as-tool, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/icon-validation, @n8n/community-nodes/icon-prefer-themed-variants -- a demo stand-in for an n8n core node, never shipped or shown in the editor (README.md) */
/** Stand-in for n8n-nodes-base.sort (demo only, see README.md): type "simple" on top-level fields. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export class Sort implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sort (demo stand-in)',
		name: 'sort',
		icon: 'fa:sort-amount-down',
		group: ['transform'],
		version: 1,
		description: 'Change items order',
		defaults: { name: 'Sort' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Type', name: 'type', type: 'options', default: 'simple', options: [{ name: 'Simple', value: 'simple' }] },
			{
				displayName: 'Fields To Sort By',
				name: 'sortFieldsUi',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Field To Sort By',
						name: 'sortField',
						values: [
							{ displayName: 'Field Name', name: 'fieldName', type: 'string', default: '' },
							{
								displayName: 'Order',
								name: 'order',
								type: 'options',
								default: 'ascending',
								options: [
									{ name: 'Ascending', value: 'ascending' },
									{ name: 'Descending', value: 'descending' },
								],
							},
						],
					},
				],
			},
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('type', 0) !== 'simple') throw new NodeOperationError(this.getNode(), 'The demo stand-in sorts only with type "simple"');
		const fields = ((this.getNodeParameter('sortFieldsUi', 0) as IDataObject).sortField ?? []) as Array<{ fieldName: string; order?: string }>;
		if (!fields.length) throw new NodeOperationError(this.getNode(), 'No sorting specified. Please add a field to sort by');
		const key = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v) as string | number;
		const items = [...this.getInputData()];
		items.sort((a, b) => {
			for (const { fieldName, order } of fields) {
				const [x, y] = [key(a.json[fieldName]), key(b.json[fieldName])];
				if (x !== y) return (x < y ? -1 : 1) * (order === 'descending' ? -1 : 1);
			}
			return 0;
		});
		return [items];
	}
}
