import { BinaryDataFileNotFoundError } from 'n8n-core';
import path from 'node:path';

import { chain, FIXTURES, loadAndCollect, node } from './fixture-workflows';
import { runWorkflow } from './run-workflow';

const bytes = (text: string) => Buffer.from(text).toString('base64');

function oneFile(text: string, waitMs: number, ignoreCancel = false) {
	return loadAndCollect([{ files: { data: { base64: bytes(text), mimeType: 'text/plain' } } }], {
		parameters: { waitMs, ignoreCancel },
	});
}

describe('isolation', () => {
	it('keeps overlapping runs apart, each in its own binary data mode', async () => {
		// Started together, their nodes interleave; the waits make them finish in reverse order.
		const runs = await Promise.all([
			runWorkflow(oneFile('first, database', 60), { binaryDataMode: 'database' }),
			runWorkflow(oneFile('second, filesystem', 40), { binaryDataMode: 'filesystem' }),
			runWorkflow(oneFile('third, database', 20), { binaryDataMode: 'database' }),
			runWorkflow(oneFile('fourth, filesystem', 0), { binaryDataMode: 'filesystem' }),
		]);

		const texts = await Promise.all(
			runs.map(async (r) => (await r.binary('Collect', 0)).toString()),
		);
		expect(texts).toEqual([
			'first, database',
			'second, filesystem',
			'third, database',
			'fourth, filesystem',
		]);
		const ids = runs.map((r) => r.output('Collect')[0].binary?.data.id ?? '');
		expect(ids.map((id) => id.split(':')[0])).toEqual([
			'database',
			'filesystem-v2',
			'database',
			'filesystem-v2',
		]);
		// One run's database does not hold another run's files.
		const third = runs[2].output('Collect')[0].binary?.data;
		await expect(
			runs[0].binaryDataService.getAsBuffer(third ?? { data: '', mimeType: '' }),
		).rejects.toThrow(BinaryDataFileNotFoundError);
	});

	it('does not modify the workflow JSON it is given', async () => {
		const workflow = oneFile('x', 0);
		const before = structuredClone(workflow);

		await runWorkflow(workflow);

		expect(workflow).toEqual(before);
	});

	it('cancels a run that outlives timeoutMs, as n8n execution timeouts do', async () => {
		const started = Date.now();
		const result = await runWorkflow(oneFile('slow', 30_000), { timeoutMs: 200 });

		expect(Date.now() - started).toBeLessThan(5_000);
		expect(result.run.status).toBe('canceled');
		expect(result.error?.message).toBe('The execution was cancelled because it timed out');
	});

	it('returns on time even when a node ignores the cancellation', async () => {
		const started = Date.now();
		const result = await runWorkflow(oneFile('stuck', 1_500, true), { timeoutMs: 100 });

		expect(Date.now() - started).toBeLessThan(1_200);
		expect(result.run.status).toBe('canceled');
		expect(result.error?.message).toBe('The execution was cancelled because it timed out');
	});
});

describe('packages', () => {
	it('loads the real package by default, whatever state its nodes are in', async () => {
		const workflow = loadAndCollect([]);
		workflow.nodes[2] = node('Collect', 'n8n-nodes-consistent-image-edit.notANode');

		await expect(runWorkflow(workflow)).rejects.toThrow(
			/Unknown node type "n8n-nodes-consistent-image-edit.notANode"/,
		);
		expect((await runWorkflow(loadAndCollect([]))).error).toBeUndefined();
	});

	describe('a package whose dist/ was not built', () => {
		const packageDirs = [
			path.join(__dirname, 'fixture-package'),
			path.join(__dirname, 'fixture-source-package'),
		];

		it('loads listed nodes from their TypeScript source', async () => {
			const result = await runWorkflow(
				{
					nodes: [
						node('Manual Start', `${FIXTURES}.manualStart`),
						node('Echo', 'n8n-nodes-harness-source-fixture.echo'),
					],
					connections: chain('Manual Start', 'Echo'),
				},
				{ packageDirs },
			);

			expect(result.output('Echo')).toEqual([{ json: { echoed: true }, pairedItem: { item: 0 } }]);
		});

		it('names the files it could not load when a type is missing', async () => {
			const workflow = loadAndCollect([]);
			workflow.nodes[2] = node('Collect', 'n8n-nodes-harness-source-fixture.notWrittenYet');

			await expect(runWorkflow(workflow, { packageDirs })).rejects.toThrow(
				/Files that failed to load:\n {2}n8n-nodes-harness-source-fixture: dist\/credentials\/NotWrittenYet\.credentials\.js: Cannot find module/,
			);
		});
	});
});
