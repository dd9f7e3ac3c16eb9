'use strict';

const { NodeOperationError } = require('n8n-workflow');

// Waits like a slow API call would, and stops early when n8n cancels the run.
function wait(ms, signal) {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		const stop = () => {
			clearTimeout(timer);
			resolve();
		};
		signal?.addEventListener('abort', stop, { once: true });
	});
}

/**
 * Sink that returns its input items unchanged (pairedItem included), so a test
 * sees exactly what a downstream node receives. `failOnItem` makes it throw a
 * NodeOperationError for that item, like a node that fails on bad input;
 * `waitMs` delays it, like a slow API call (`ignoreCancel`: one that ignores cancellation).
 */
class Collect {
	constructor() {
		this.description = {
			displayName: 'Collect',
			name: 'collect',
			icon: 'fa:inbox',
			group: ['output'],
			version: 1,
			description: 'Passes items through unchanged; can fail on one item',
			defaults: { name: 'Collect' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{
					displayName: 'Fail On Item',
					name: 'failOnItem',
					type: 'number',
					default: -1,
					description: 'Index of the item to fail on; -1 never fails',
				},
				{
					displayName: 'Wait (Ms)',
					name: 'waitMs',
					type: 'number',
					default: 0,
					description: 'Milliseconds to wait before passing the items on',
				},
				{
					displayName: 'Ignore Cancel',
					name: 'ignoreCancel',
					type: 'boolean',
					default: false,
					description: 'Whether to wait the full time even when the run is cancelled',
				},
			],
		};
	}

	async execute() {
		const items = this.getInputData();
		const waitMs = this.getNodeParameter('waitMs', 0);
		const ignoreCancel = this.getNodeParameter('ignoreCancel', 0);
		if (waitMs > 0) await wait(waitMs, ignoreCancel ? undefined : this.getExecutionCancelSignal());
		const out = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				if (this.getNodeParameter('failOnItem', itemIndex) === itemIndex) {
					throw new NodeOperationError(this.getNode(), `Failed on item ${itemIndex} as asked`, {
						itemIndex,
					});
				}
				out.push(items[itemIndex]);
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: error.message }, pairedItem: { item: itemIndex } });
			}
		}
		return [out];
	}
}

module.exports = { Collect };
