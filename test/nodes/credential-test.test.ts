/** The credential test every AI node declares (testedBy: imageModelApiTest). */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ICredentialTestFunctions, ICredentialsDecrypted, ILoadOptionsFunctions } from 'n8n-workflow';
import { startFakeProvider, type FakeProvider } from '../fake';
import { QuantifiedEdit } from '../../nodes/QuantifiedEdit/QuantifiedEdit.node';
import { ReferenceEdit } from '../../nodes/ReferenceEdit/ReferenceEdit.node';
import { SECRET_KEY } from './helpers';

let fake: FakeProvider;
beforeAll(async () => {
	fake = await startFakeProvider({ apiKeys: [SECRET_KEY] });
});
afterAll(() => fake.close());

const test = (data: Record<string, unknown>) =>
	new QuantifiedEdit().methods.credentialTest.imageModelApiTest.call({} as ICredentialTestFunctions, {
		id: '1',
		name: 'c',
		type: 'imageModelApi',
		data,
	} as ICredentialsDecrypted);

it('every AI node points its credential at the shared test', () => {
	for (const node of [new QuantifiedEdit(), new ReferenceEdit()]) {
		expect(node.description.credentials).toEqual([{ name: 'imageModelApi', required: true, testedBy: 'imageModelApiTest' }]);
		expect(typeof node.methods.credentialTest.imageModelApiTest).toBe('function');
	}
});

it('succeeds by listing the image models', async () => {
	const result = await test({ provider: 'gateway', apiKey: SECRET_KEY, baseUrl: fake.url });
	expect(result.status).toBe('OK');
	expect(result.message).toMatch(/^Connected: \d+ image model\(s\), e\.g\. .*gemini-3-pro-image/);
	expect(fake.requests.at(-1)?.path).toBe('/v1/models');
});

it('reports a clear reason on failure, never the key', async () => {
	const bad = await test({ provider: 'gateway', apiKey: `wrong-${SECRET_KEY}`, baseUrl: fake.url, apiVersion: 'v1beta' });
	expect(bad).toEqual({ status: 'Error', message: 'the gateway rejected the credentials (HTTP 400). Check the API key or service account in the credential.' });

	const closedPort = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
	const unreachable = await test({ provider: 'gateway', apiKey: SECRET_KEY, baseUrl: `http://127.0.0.1:${closedPort}` });
	expect(unreachable.status).toBe('Error');
	expect(unreachable.message).toMatch(/^Could not reach the gateway \(ECONNREFUSED\)/);

	const insecure = await test({ provider: 'gateway', apiKey: SECRET_KEY, baseUrl: 'http://gateway.example.com' });
	expect(insecure.message).toBe('Base URL must use https (plain http is only allowed for localhost), got http://gateway.example.com');
	expect(JSON.stringify([bad, unreachable, insecure])).not.toContain(SECRET_KEY);
});

describe('model picker (list search)', () => {
	const search = (data: Record<string, unknown> | Error, filter?: string) =>
		new QuantifiedEdit().methods.listSearch.searchImageModels.call(
			{
				getCredentials: async () => {
					if (data instanceof Error) throw data;
					return data;
				},
			} as unknown as ILoadOptionsFunctions,
			filter,
		);

	it('offers the GA ids first, then what the provider lists', async () => {
		const { results } = await search({ provider: 'gateway', apiKey: SECRET_KEY, baseUrl: fake.url });
		expect(results.slice(0, 3).map((r) => r.value)).toEqual(['gemini-3-pro-image', 'gemini-3.1-flash-image', 'gemini-2.5-flash-image']);
		expect(new Set(results.map((r) => r.value)).size).toBe(results.length);
	});

	it('filters by name, and falls back to the GA ids without a working credential', async () => {
		const { results } = await search({ provider: 'gateway', apiKey: SECRET_KEY, baseUrl: fake.url }, 'flash');
		expect(results.every((r) => String(r.name).toLowerCase().includes('flash'))).toBe(true);
		const offline = await search(new Error('no credential'));
		expect(offline.results.map((r) => r.value)).toEqual(['gemini-3-pro-image', 'gemini-3.1-flash-image', 'gemini-2.5-flash-image']);
	});
});
