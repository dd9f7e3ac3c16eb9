/* eslint-disable @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/icon-validation, @n8n/community-nodes/icon-prefer-themed-variants -- a demo stand-in for an n8n core node, never shipped or shown in the editor (README.md) */
/** Stand-in for n8n-nodes-base.manualTrigger (demo only, see README.md): one empty item. */
import type { INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger (demo stand-in)',
		name: 'manualTrigger',
		icon: 'fa:mouse-pointer',
		group: ['trigger', 'input'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		maxNodes: 1,
		defaults: { name: 'When clicking "Execute workflow"' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// In manual mode WorkflowExecute calls manualTriggerFunction and waits for emit().
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}
