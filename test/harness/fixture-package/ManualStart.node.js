'use strict';

/**
 * Start node shaped like n8n-nodes-base.manualTrigger (not installed here): a
 * trigger with no inputs that emits one empty item when the run starts.
 */
class ManualStart {
	constructor() {
		this.description = {
			displayName: 'Manual Start',
			name: 'manualStart',
			icon: 'fa:play',
			group: ['trigger'],
			version: 1,
			description: 'Starts a harness workflow with one empty item',
			eventTriggerDescription: '',
			maxNodes: 1,
			defaults: { name: 'Manual Start' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		};
	}

	async trigger() {
		// WorkflowExecute calls manualTriggerFunction in manual mode, then waits for emit().
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}

module.exports = { ManualStart };
