import type { BinaryDataService } from 'n8n-core';
import type { ExecutionBaseError, INodeExecutionData, IRun, ITaskData } from 'n8n-workflow';

export interface WorkflowRunResult {
	/** The raw run, as n8n would store it. */
	run: IRun;
	/**
	 * The run's error (`run.data.resultData.error`). Like every error n8n records, it
	 * is a copy of the thrown error's own fields (name, message, description,
	 * context, node, stack, ...), not the instance: match fields, not `instanceof`.
	 */
	error?: ExecutionBaseError | Error;
	/** This run's BinaryDataService (e.g. for getPath/getMetadata of an id). */
	binaryDataService: BinaryDataService;
	/**
	 * Items the node's last run put on `outputIndex` (default 0).
	 * @throws if the node did not run, failed without output, or has no such output
	 */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/**
	 * Bytes of binary `property` (default 'data') of output item `itemIndex` (on output 0),
	 * read through the BinaryDataService whatever the mode.
	 */
	binary(nodeName: string, itemIndex: number, property?: string): Promise<Buffer>;
	/** The error the node's last run ended with, if any (a field copy, as `error`). */
	nodeError(nodeName: string): ExecutionBaseError | undefined;
}

export function createRunResult(
	run: IRun,
	binaryDataService: BinaryDataService,
): WorkflowRunResult {
	const { runData } = run.data.resultData;

	const lastRun = (nodeName: string): ITaskData => {
		const runs = runData[nodeName];
		if (!runs?.length) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const error = run.data.resultData.error;
			const why = error ? ` The run failed: ${error.message}` : '';
			throw new Error(`Node "${nodeName}" did not run. Nodes that ran: ${ran}.${why}`);
		}
		return runs[runs.length - 1];
	};

	const output = (nodeName: string, outputIndex = 0): INodeExecutionData[] => {
		const task = lastRun(nodeName);
		const outputs = task.data?.main;
		if (!outputs) {
			const why = task.error ? `failed: ${task.error.message}` : 'produced no output';
			throw new Error(`Node "${nodeName}" ${why}`);
		}
		if (outputIndex >= outputs.length) {
			throw new Error(
				`Node "${nodeName}" has ${outputs.length} output(s); asked for output ${outputIndex}`,
			);
		}
		return outputs[outputIndex] ?? [];
	};

	return {
		run,
		error: run.data.resultData.error,
		binaryDataService,
		output,
		async binary(nodeName, itemIndex, property = 'data') {
			const items = output(nodeName);
			const item = items[itemIndex];
			if (!item) {
				throw new Error(
					`Node "${nodeName}" output ${items.length} item(s); asked for item ${itemIndex}`,
				);
			}
			const binaryData = item.binary?.[property];
			if (!binaryData) {
				const has = Object.keys(item.binary ?? {}).join(', ') || 'none';
				throw new Error(
					`Item ${itemIndex} of "${nodeName}" has no binary "${property}" (has: ${has})`,
				);
			}
			return await binaryDataService.getAsBuffer(binaryData);
		},
		nodeError: (nodeName) => runData[nodeName]?.at(-1)?.error,
	};
}
