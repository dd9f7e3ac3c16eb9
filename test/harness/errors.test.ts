import { FIXTURES, loadAndCollect, node } from './fixture-workflows';
import { runWorkflow } from './run-workflow';

const threeItems = [{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }];

describe('a node that throws', () => {
	const failing = loadAndCollect(threeItems, { parameters: { failOnItem: 1 } });

	it('fails the run with the node error, as n8n reports it', async () => {
		const result = await runWorkflow(failing);

		expect(result.run.status).toBe('error');
		expect(result.error?.message).toBe('Failed on item 1 as asked');
		expect(result.run.data.resultData.lastNodeExecuted).toBe('Collect');

		// n8n keeps a copy of the thrown error's fields, not the instance.
		expect(result.nodeError('Collect')).toMatchObject({
			name: 'NodeOperationError',
			message: 'Failed on item 1 as asked',
			context: { itemIndex: 1 },
			node: { name: 'Collect' },
		});
		expect(result.nodeError('Load Images')).toBeUndefined();
	});

	it('has no output to read, and says why', async () => {
		const result = await runWorkflow(failing);

		expect(result.output('Load Images')).toHaveLength(3);
		expect(() => result.output('Collect')).toThrow(
			'Node "Collect" failed: Failed on item 1 as asked',
		);
	});
});

describe('onError in the workflow JSON', () => {
	it("'continueRegularOutput' turns the failed item into an error item", async () => {
		const result = await runWorkflow(
			loadAndCollect(threeItems, {
				parameters: { failOnItem: 1 },
				extra: { onError: 'continueRegularOutput' },
			}),
		);

		expect(result.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.output('Collect')).toEqual([
			expect.objectContaining({ json: { n: 0 } }),
			{ json: { error: 'Failed on item 1 as asked' }, pairedItem: { item: 1 } },
			expect.objectContaining({ json: { n: 2 } }),
		]);
	});

	it("'continueErrorOutput' routes the failed item to the error output", async () => {
		const result = await runWorkflow(
			loadAndCollect(threeItems, {
				parameters: { failOnItem: 1 },
				extra: { onError: 'continueErrorOutput' },
			}),
		);

		expect(result.error).toBeUndefined();
		expect(result.output('Collect', 0).map((item) => item.json)).toEqual([{ n: 0 }, { n: 2 }]);
		// n8n merges the failed input item's JSON into the error item.
		expect(result.output('Collect', 1).map((item) => item.json)).toEqual([
			{ n: 1, error: 'Failed on item 1 as asked' },
		]);
	});

	it('lets the run go on past a node that throws outright, passing its input on', async () => {
		const workflow = loadAndCollect([]);
		workflow.nodes[1] = node(
			'Load Images',
			`${FIXTURES}.loadImages`,
			{ items: '{}' },
			{
				onError: 'continueRegularOutput',
			},
		);

		const result = await runWorkflow(workflow);

		expect(result.error).toBeUndefined();
		expect(result.nodeError('Load Images')?.message).toBe('Expected an array for items');
		// n8n 2.x forwards the failed node's input items (here the start item) unchanged.
		expect(result.output('Load Images').map((item) => item.json)).toEqual([{}]);
		expect(result.output('Collect').map((item) => item.json)).toEqual([{}]);
	});
});

describe('setup mistakes', () => {
	it('rejects an unknown node type and lists the loaded ones', async () => {
		const workflow = loadAndCollect([]);
		workflow.nodes[2] = node('Collect', `${FIXTURES}.colect`);

		await expect(runWorkflow(workflow)).rejects.toThrow(
			new RegExp(`Unknown node type "${FIXTURES}.colect". Loaded: .*${FIXTURES}.collect`),
		);
	});

	it('rejects an unknown start node', async () => {
		await expect(runWorkflow(loadAndCollect([]), { startNode: 'Nope' })).rejects.toThrow(
			'No node named "Nope". Nodes: Manual Start, Load Images, Collect',
		);
	});

	it('says which nodes ran when asked for one that did not', async () => {
		const result = await runWorkflow(loadAndCollect([]), { destinationNode: 'Load Images' });

		expect(() => result.output('Collect')).toThrow(
			'Node "Collect" did not run. Nodes that ran: Manual Start, Load Images.',
		);
	});
});
