/**
 * A failure before any item runs (here: a credential whose Base URL is plain http on a public
 * host) concerns every item. With Continue On Fail each input item must end as its own error item
 * (n8n would otherwise pass the items through unedited, as if they had been processed); without
 * it the node fails naming the cause. Nothing is sent anywhere.
 */
import type { INodeParameters } from 'n8n-workflow';
import { runWorkflow } from '../harness/run-workflow';
import { expectNoSecret, photoItems, SECRET_KEY, workflowFor } from '../nodes/helpers';

const model = { __rl: true, mode: 'id', value: 'gemini-3-pro-image' };
const NODES: Array<[string, INodeParameters]> = [
	['quantifiedEdit', { instruction: 'slightly darker', model }],
	['referenceEdit', { model, referenceSource: 'item', useOriginal: false, approvedBinaryField: 'data' }],
	['multiSample', { model, adjustments: { adjustment: [{ attribute: 'brightness', percent: -15 }] }, variants: 2 }],
	['seededGenerate', { backend: 'openaiImages', prompt: 'a red apple', seedMode: 'fixed', seed: 7 }],
];
// A public, non-routable address: if anything were sent, the run would hang or fail differently.
const credentials = { imageModelApi: { provider: 'gateway', apiKey: SECRET_KEY, baseUrl: 'http://203.0.113.7', apiVersion: 'v1beta' } };

describe.each(NODES)('%s with a credential that fails before any item runs', (type, parameters) => {
	it('Continue On Fail: one error item per input item, paired, naming the cause', async () => {
		const result = await runWorkflow(workflowFor(type, parameters, photoItems(), { onError: 'continueRegularOutput' }), { credentials, timeoutMs: 60_000 });
		expect(result.error).toBeUndefined();
		const out = result.output('Under Test');
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const [i, item] of out.entries()) {
			expect(item.json).toMatchObject({ itemIndex: i, errorKind: 'invalidInput' });
			expect(String(item.json.error)).toMatch(new RegExp(`^Item ${i}: .*Base URL must use https`));
			expect(item.binary).toBeUndefined();
		}
		expectNoSecret(result.run);
	});

	it('without it: the node fails with the cause', async () => {
		const result = await runWorkflow(workflowFor(type, parameters, photoItems()), { credentials, timeoutMs: 60_000 });
		expect(result.nodeError('Under Test')?.message).toMatch(/^Item 0: .*Base URL must use https/);
		expectNoSecret(result.run);
	});
});
