import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { chain, FIXTURES, node } from './fixture-workflows';
import { runWorkflow, type WorkflowJson } from './run-workflow';

interface Seen {
	url?: string;
	headers: IncomingHttpHeaders;
}

// A local API that echoes what reached it, so the test sees the applied auth.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
	server = createServer((req, res) => {
		const seen: Seen = { url: req.url, headers: req.headers };
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify(seen));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => await new Promise((resolve) => server.close(resolve)));

function probe(credentials?: Record<string, { id: string; name: string }>): WorkflowJson {
	return {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('HTTP Probe', `${FIXTURES}.httpProbe`, { path: '/v1/ping' }, { credentials }),
		],
		connections: chain('Manual Start', 'HTTP Probe'),
	};
}

describe('credentials', () => {
	it('serves the given data and applies the generic authenticate rules', async () => {
		const result = await runWorkflow(probe(), {
			credentials: { fixtureApi: { apiKey: 'sk-test', baseUrl } },
		});

		expect(result.error).toBeUndefined();
		const [{ json }] = result.output('HTTP Probe');
		expect(json.baseUrl).toBe(baseUrl);
		// Header from `={{$credentials.apiKey}}`; query from the `client` default, 'harness'.
		expect(json.reply).toMatchObject({
			url: '/v1/ping?client=harness',
			headers: { 'x-api-key': 'sk-test' },
		});
	});

	it('ignores the credential id and name the workflow JSON uses', async () => {
		const result = await runWorkflow(probe({ fixtureApi: { id: '42', name: 'Team key' } }), {
			credentials: { fixtureApi: { apiKey: 'sk-other', baseUrl, client: 'ci' } },
		});

		expect(result.output('HTTP Probe')[0].json.reply).toMatchObject({
			url: '/v1/ping?client=ci',
			headers: { 'x-api-key': 'sk-other' },
		});
	});

	it('fails the node clearly when the test gave no credentials of that type', async () => {
		const result = await runWorkflow(probe({ fixtureApi: { id: '1', name: 'key' } }));

		expect(result.nodeError('HTTP Probe')?.message).toBe(
			'No credentials of type "fixtureApi" were given to runWorkflow (options.credentials)',
		);
	});
});
