/* eslint-disable @n8n/community-nodes/node-usable-as-tool, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/icon-validation, @n8n/community-nodes/icon-prefer-themed-variants -- a demo stand-in for an n8n core node, never shipped or shown in the editor (README.md) */
/**
 * Stand-in for n8n-nodes-base.merge v3.x (demo only, see README.md): mode "combine" by position,
 * as n8n 2.41 does it (JSON of all inputs, binaries of all inputs, pairedItem of all inputs;
 * with "Include Any Unpaired Items" the longest input decides the item count).
 */
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

export class Merge implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Merge (demo stand-in)',
		name: 'merge',
		icon: 'fa:code-branch',
		group: ['transform'],
		version: [3, 3.1, 3.2],
		description: 'Merges data of multiple streams once data from all is available',
		defaults: { name: 'Merge' },
		// As the real node: one input per "Number of Inputs".
		inputs: `={{ Array.from({ length: $parameter.numberInputs || 2 }, () => '${NodeConnectionTypes.Main}') }}`,
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'options', default: 'append', options: [{ name: 'Append', value: 'append' }, { name: 'Combine', value: 'combine' }] },
			{ displayName: 'Combine By', name: 'combineBy', type: 'options', default: 'combineByFields', options: [{ name: 'Position', value: 'combineByPosition' }], displayOptions: { show: { mode: ['combine'] } } },
			{ displayName: 'Number of Inputs', name: 'numberInputs', type: 'options', default: 2, options: [2, 3, 4, 5].map((n) => ({ name: String(n), value: n })) },
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				default: {},
				options: [{ displayName: 'Include Any Unpaired Items', name: 'includeUnpaired', type: 'boolean', default: false }],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('mode', 0) !== 'combine' || this.getNodeParameter('combineBy', 0) !== 'combineByPosition') {
			throw new NodeOperationError(this.getNode(), 'The demo stand-in merges only in mode "combine" by position');
		}
		const count = Number(this.getNodeParameter('numberInputs', 0, 2));
		const inputs = Array.from({ length: count }, (_, k) => this.getInputData(k) ?? []);
		const includeUnpaired = this.getNodeParameter('options.includeUnpaired', 0, false) as boolean;
		const n = includeUnpaired ? Math.max(...inputs.map((x) => x.length)) : Math.min(...inputs.map((x) => x.length));
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < n; i++) {
			const entries = inputs.map((input) => input[i]).filter((e): e is INodeExecutionData => e !== undefined);
			// n8n's default clash handling ("addSuffix") suffixes JSON keys with the input number, and
			// (n8n 2.41) also keeps the last input's keys unsuffixed.
			const json: IDataObject = {};
			inputs.forEach((input, k) => {
				for (const [key, value] of Object.entries(input[i]?.json ?? {})) json[`${key}_${k + 1}`] = value;
			});
			Object.assign(json, inputs[count - 1][i]?.json ?? {});
			const binary: IBinaryKeyData = Object.assign({}, ...entries.map((e) => e.binary ?? {}));
			const pairedItem = entries.flatMap((e) => (e.pairedItem === undefined ? [] : Array.isArray(e.pairedItem) ? e.pairedItem : [e.pairedItem]));
			out.push({ json, binary, pairedItem: pairedItem as INodeExecutionData['pairedItem'] });
		}
		return [out];
	}
}
