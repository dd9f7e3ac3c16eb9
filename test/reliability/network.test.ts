/**
 * Network rules, as a user meets them:
 *
 * 1. Base URLs of the Image Model API credential (AI Studio, APIYI, custom gateway, Vertex
 *    express and service account) must be https, except on loopback (localhost, 127.0.0.0/8,
 *    ::1). Every entry point is run as a real workflow (Quantified Edit, Reference Edit,
 *    Multi-Sample, Seeded Generate with the Gemini, Imagen and OpenAI-images backends) plus the
 *    credential test and the model picker: a plain-http Base URL on this machine's own network
 *    address gives a clear error naming the Base URL, and no connection reaches that address.
 * 2. The Self-Hosted Image API credential (SD WebUI, ComfyUI) accepts plain http on any host
 *    (a GPU box on the LAN), and only http/https without user info in the URL.
 * 3. Downloads of result URLs: scheme (no file:, ftp:, data:, javascript:), size (declared and
 *    undeclared length), time (headers and a dripping body), redirect count, redirects to
 *    another scheme or from https to http, and the address policy against server-side request
 *    forgery (link-local/metadata never; loopback/private only when the provider itself is).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createConnection, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ICredentialsDecrypted, ICredentialTestFunctions, ILoadOptionsFunctions, INodeParameters } from 'n8n-workflow';
import { EngineError } from '../../engine/core/errors';
import { isLoopback, parseProviderConfig } from '../../engine/provider/config';
import { checkDownloadUrl, checkRedirect, classifyHost, downloadFile, type DownloadPolicy } from '../../engine/provider/http';
import { parseSelfHostedConfig } from '../../engine/provider/self-hosted';
import { QuantifiedEdit } from '../../nodes/QuantifiedEdit/QuantifiedEdit.node';
import { startFakeProvider, type FakeProvider } from '../fake';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import { runWorkflow, type WorkflowRunResult } from '../harness/run-workflow';

const PACKAGE = 'n8n-nodes-consistent-image-edit';
const PHOTO = 'test/fixtures/photos/coffee.png';
const KEY = `key-${Date.now().toString(36)}-network`;

/** This machine's first non-loopback IPv4 address: reachable, but not loopback. */
const LAN_ADDRESS = Object.values(networkInterfaces())
	.flat()
	.find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let fake: FakeProvider;
/** A TCP relay on LAN_ADDRESS to the fake: counts every connection that reaches it. */
let relay: { server: TcpServer; url: string; connections: number } | undefined;

beforeAll(async () => {
	fake = await startFakeProvider({ apiKeys: [KEY], comfyJobMs: 20 });
	if (LAN_ADDRESS) {
		const target = new URL(fake.url);
		const state = { server: createTcpServer(), url: '', connections: 0 };
		state.server.on('connection', (socket) => {
			state.connections++;
			const upstream = createConnection(Number(target.port), target.hostname);
			socket.pipe(upstream).pipe(socket);
			socket.on('error', () => upstream.destroy());
			upstream.on('error', () => socket.destroy());
		});
		await new Promise<void>((resolve) => state.server.listen(0, LAN_ADDRESS, resolve));
		state.url = `http://${LAN_ADDRESS}:${(state.server.address() as AddressInfo).port}`;
		relay = state;
	} else {
		console.warn('network.test: no non-loopback IPv4 address here; "no connection made" is checked by timing only');
	}
});
afterAll(async () => {
	await fake.close();
	if (relay) await new Promise<void>((resolve) => relay?.server.close(() => resolve()));
});
beforeEach(() => {
	fake.reset();
	if (relay) relay.connections = 0;
});

/** A plain-http URL that is not loopback, and reaches the fake when anything connects to it. */
const plainHttpElsewhere = () => relay?.url ?? 'http://example.com';

// ---------------------------------------------------------------------------------------------
// 1. Image Model API credential: https except loopback

const PROVIDERS: Array<[string, (baseUrl: string) => Record<string, unknown>]> = [
	['aiStudio', (baseUrl) => ({ provider: 'aiStudio', apiKey: KEY, baseUrl })],
	['apiyi', (baseUrl) => ({ provider: 'apiyi', apiKey: KEY, baseUrl })],
	['gateway', (baseUrl) => ({ provider: 'gateway', apiKey: KEY, baseUrl, gatewayApis: ['gemini', 'openaiImages'] })],
	['vertex express', (baseUrl) => ({ provider: 'vertex', vertexAuth: 'express', apiKey: KEY, baseUrl })],
	[
		'vertex service account',
		(baseUrl) => ({
			provider: 'vertex',
			vertexAuth: 'serviceAccount',
			serviceAccountJson: JSON.stringify({ type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: 'not-a-real-key', project_id: 'p' }),
			baseUrl,
		}),
	],
];

describe('Image Model API Base URL: https, except loopback', () => {
	it.each(PROVIDERS)('%s: the config accepts https and loopback http, and refuses every other http host', (_name, credential) => {
		for (const ok of ['https://gw.example.com', 'https://203.0.113.7:8443/proxy', 'http://localhost:8080', 'http://127.0.0.1:9000', 'http://127.9.9.9', 'http://[::1]:7000', 'http://foo.localhost']) {
			expect(parseProviderConfig(credential(ok)).baseUrl).toBe(ok.replace(/\/$/, ''));
		}
		for (const bad of ['http://example.com', 'http://10.0.0.5:8080', 'http://192.168.1.20', 'http://169.254.169.254', 'http://[fd00::2]', 'http://0.0.0.0:80', 'http://localhost.example.com', 'http://128.0.0.1']) {
			let error: unknown;
			try {
				parseProviderConfig(credential(bad));
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(EngineError);
			expect((error as EngineError).parameter).toBe('baseUrl');
			expect((error as EngineError).message).toMatch(/^Base URL must use https \(plain http is only allowed for localhost\), got http:\/\//);
		}
		for (const bad of ['ftp://gw.example.com', 'file:///etc/passwd', 'data:text/plain,x', 'javascript:alert(1)', 'gw.example.com', 'https://me:pw@gw.example.com', 'https://gw.example.com/?key=abc']) {
			expect(() => parseProviderConfig(credential(bad))).toThrow(/Base URL/);
		}
	});

	it('classifies loopback by address, not by spelling', () => {
		// The WHATWG URL parser turns decimal, hex and octal IPv4 forms into dotted ones first.
		expect(['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://[::ffff:127.0.0.1]/', 'http://LOCALHOST/'].map((u) => isLoopback(new URL(u).hostname))).toEqual([
			true,
			true,
			true,
			true,
			true,
		]);
		expect(['http://127.0.0.1.example.com/', 'http://[::2]/', 'http://localhost.evil.com/'].map((u) => isLoopback(new URL(u).hostname))).toEqual([false, false, false]);
	});

	it('refuses a Vertex location or project that would change the endpoint host or path', () => {
		const sa = JSON.stringify({ client_email: 'a@b', private_key: 'k-k-k-k', project_id: 'p' });
		const make = (extra: Record<string, unknown>) => () => parseProviderConfig({ provider: 'vertex', vertexAuth: 'serviceAccount', serviceAccountJson: sa, ...extra });
		expect(make({ location: 'us-central1' })().vertex?.location).toBe('us-central1');
		expect(make({ location: 'evil.com/x#' })).toThrow('Expected a Vertex AI region such as global, us-central1 or europe-west4 for Location');
		expect(make({ location: 'evil.example.com' })).toThrow(/for Location/);
		expect(make({ project: '../../other' })).toThrow(/for Project ID/);
		expect(make({ project: 'example.com:my-project' })().vertex?.project).toBe('example.com:my-project');
	});
});

type NodeSpec = [label: string, nodeType: string, parameters: INodeParameters, credential: 'imageModelApi' | 'selfHostedImageApi'];

const EDIT_MODEL = { __rl: true, mode: 'id', value: 'gemini-3-pro-image' };
const ENTRY_POINTS: NodeSpec[] = [
	['Quantified Edit', 'quantifiedEdit', { binaryPropertyName: 'data', instruction: 'slightly darker', model: EDIT_MODEL, options: { maxRetries: 0 } }, 'imageModelApi'],
	['Reference Edit', 'referenceEdit', { binaryPropertyName: 'data', referenceSource: 'firstItem', approvedProperty: 'data', useOriginal: false, model: EDIT_MODEL, options: { maxRetries: 0 } }, 'imageModelApi'],
	['Multi-Sample', 'multiSample', { model: EDIT_MODEL, adjustments: { adjustment: [{ attribute: 'brightness', percent: -15 }] }, variants: 2, contactSheet: false, options: { maxRetries: 0 } }, 'imageModelApi'],
	['Seeded Generate (Gemini)', 'seededGenerate', { backend: 'gemini', model: { __rl: true, mode: 'id', value: 'gemini-3.1-flash-image' }, prompt: 'a cube', seedMode: 'fixed', seed: 1, options: { maxRetries: 0 } }, 'imageModelApi'],
	['Seeded Generate (Imagen)', 'seededGenerate', { backend: 'imagen', imagenModel: 'imagen-4.0-generate-001', prompt: 'a cube', seedMode: 'fixed', seed: 1, options: { maxRetries: 0 } }, 'imageModelApi'],
	['Seeded Generate (OpenAI images)', 'seededGenerate', { backend: 'openaiImages', gatewayModel: 'flux-dev', prompt: 'a cube', width: 256, height: 256, seedMode: 'fixed', seed: 1, options: { maxRetries: 0 } }, 'imageModelApi'],
];

async function runNode([, nodeType, parameters]: NodeSpec, credentials: Record<string, Record<string, unknown>>, onError?: 'continueRegularOutput'): Promise<WorkflowRunResult> {
	return await runWorkflow(
		{
			nodes: [
				node('Manual Start', `${FIXTURES}.manualStart`),
				node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify([{ files: { data: { path: PHOTO, mimeType: 'image/png' } } }]) }),
				node('Under Test', `${PACKAGE}.${nodeType}`, parameters, onError ? { onError } : {}),
				node('Collect', `${FIXTURES}.collect`),
			],
			connections: chain('Manual Start', 'Load Images', 'Under Test', 'Collect'),
		},
		{ credentials, timeoutMs: 30_000 },
	);
}

function failureMessage(result: WorkflowRunResult): string {
	const json = result.output('Under Test')?.[0]?.json as Record<string, unknown> | undefined;
	return String(json?.error ?? result.nodeError('Under Test')?.message ?? result.error?.message ?? '');
}

describe('every entry point refuses a plain-http Base URL off loopback, before connecting', () => {
	const cases = ENTRY_POINTS.flatMap((entry) =>
		PROVIDERS.filter(([name]) => {
			// Imagen is served through Vertex only; the OpenAI images API through APIYI and gateways.
			if (entry[0].includes('Imagen')) return name.startsWith('vertex');
			if (entry[0].includes('OpenAI')) return name === 'apiyi' || name === 'gateway';
			return true;
		}).map(([name, credential]) => [`${entry[0]} with ${name}`, entry, credential] as const),
	);

	it.each(cases)('%s', async (_label, entry, credential) => {
		const started = Date.now();
		const result = await runNode(entry, { imageModelApi: credential(plainHttpElsewhere()) }, 'continueRegularOutput');
		const message = failureMessage(result);
		expect(message).toMatch(/Base URL must use https \(plain http is only allowed for localhost\), got http:\/\//);
		const json = result.output('Under Test')[0]?.json as Record<string, unknown> | undefined;
		if (json?.errorParameter !== undefined) expect(json.errorParameter).toBe('baseUrl');
		// Nothing reached the host: the relay would have counted the connection.
		if (relay) expect(relay.connections).toBe(0);
		expect(fake.requests).toHaveLength(0);
		expect(Date.now() - started).toBeLessThan(20_000);
	});

	it('the same node and credential work once the Base URL is loopback (the check is not a blanket refusal)', async () => {
		const result = await runNode(ENTRY_POINTS[0], { imageModelApi: { provider: 'gateway', apiKey: KEY, baseUrl: fake.url } });
		expect(result.error).toBeUndefined();
		expect(fake.requests.filter((r) => r.route.endsWith('generateContent'))).toHaveLength(1);
	});

	it('the credential test and the model picker refuse it too, without connecting', async () => {
		const credential = { provider: 'gateway', apiKey: KEY, baseUrl: plainHttpElsewhere() };
		const tested = await new QuantifiedEdit().methods.credentialTest.imageModelApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'c',
			type: 'imageModelApi',
			data: credential,
		} as ICredentialsDecrypted);
		expect(tested.status).toBe('Error');
		expect(tested.message).toMatch(/^Base URL must use https \(plain http is only allowed for localhost\), got http:\/\//);
		const picked = await new QuantifiedEdit().methods.listSearch.searchImageModels.call({ getCredentials: async () => credential } as unknown as ILoadOptionsFunctions);
		// The picker falls back to the built-in ids rather than asking the refused host.
		expect(picked.results.length).toBeGreaterThan(0);
		if (relay) expect(relay.connections).toBe(0);
		expect(fake.requests).toHaveLength(0);
	});
});

// ---------------------------------------------------------------------------------------------
// 2. Self-hosted servers: plain http allowed on any host

describe('Self-Hosted Image API: plain http on the LAN is allowed (documented exception)', () => {
	it('accepts http and https on any host, refuses other schemes and credentials in the URL without echoing them', () => {
		for (const ok of ['http://192.168.1.20:7860', 'http://gpu-box:8188', 'http://10.0.0.7', 'https://sd.example.com/webui', 'http://[fd00::5]:7860', 'http://127.0.0.1:7860']) {
			expect(parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: ok }).baseUrl).toBe(ok);
		}
		for (const bad of ['ftp://192.168.1.20/', 'file:///tmp/x', 'data:text/plain,x', 'gpu-box:7860', 'http://u:pw-123456@10.0.0.7:7860', 'http://10.0.0.7/?token=1']) {
			let message = '';
			try {
				parseSelfHostedConfig({ kind: 'comfyui', baseUrl: bad });
			} catch (e) {
				message = (e as EngineError).message;
				expect((e as EngineError).parameter === 'baseUrl' || (e as EngineError).parameter === 'Base URL').toBe(true);
			}
			expect(message).toMatch(/Base URL/);
			expect(message).not.toContain('pw-123456');
		}
		// A password in an unparsable or non-http URL is masked in the message, not echoed.
		expect(() => parseSelfHostedConfig({ kind: 'sdWebui', baseUrl: 'ftp://painter:pw-123456@host/' })).toThrow('Expected an http or https URL for Base URL but received "ftp://***@host/"');
	});

	it('a workflow reaches SD WebUI over plain http on a non-loopback address', async () => {
		if (!relay) return;
		const result = await runNode(
			['SD WebUI', 'seededGenerate', { backend: 'sdWebui', prompt: 'a lighthouse', width: 128, height: 128, sdSteps: 4, cfgScale: 6, sampler: 'Euler', seedMode: 'fixed', seed: 3, options: { maxRetries: 0 } }, 'selfHostedImageApi'],
			{ selfHostedImageApi: { kind: 'sdWebui', baseUrl: relay.url } },
		);
		expect(result.error).toBeUndefined();
		expect(relay.connections).toBeGreaterThan(0);
		expect(fake.requests.filter((r) => r.route === 'sd.txt2img')).toHaveLength(1);
	});
});

// ---------------------------------------------------------------------------------------------
// 3. Downloads of result URLs

async function failure(promise: Promise<unknown>): Promise<EngineError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof EngineError) return error;
		throw error;
	}
	throw new Error('expected the download to fail');
}

const limits = { providerName: 'Test', timeoutMs: 5000 };

describe('downloads: scheme, size, time, redirects', () => {
	it('fetches only http and https URLs: file:, ftp:, data:, javascript:, blob: are refused without a request', async () => {
		for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x.png', 'data:image/png;base64,iVBORw0KGgo=', 'javascript:alert(1)', 'blob:http://127.0.0.1/x', 'gopher://127.0.0.1:70/x']) {
			const error = await failure(downloadFile(url, limits));
			expect(error.kind).toBe('invalidResponse');
			expect(error.retryable).toBe(false);
			expect(error.message).toMatch(/^Expected an http or https URL for Test URL but received a [a-z]+: URL; it is not fetched$/);
		}
		expect(fake.requests).toHaveLength(0);
	});

	it('refuses a declared size over the limit before reading, and cuts an undeclared one at the limit', async () => {
		fake.setFileBehaviour({ sizeBytes: 64 * 1024 * 1024 });
		let started = Date.now();
		const declared = await failure(downloadFile(`${fake.url}/files/huge.png`, { ...limits, maxBytes: 1024 * 1024 }));
		expect(declared.message).toBe(`Test: the answer from ${fake.url}/files/huge.png is 64 MB, over the limit of 1 MB`);
		expect(Date.now() - started).toBeLessThan(3000);

		fake.setFileBehaviour({ sizeBytes: 64 * 1024 * 1024, declareLength: false });
		started = Date.now();
		const undeclared = await failure(downloadFile(`${fake.url}/files/huge.png`, { ...limits, maxBytes: 1024 * 1024 }));
		expect(undeclared.message).toBe(`Test: the answer from ${fake.url}/files/huge.png is more than 1 MB, over the limit of 1 MB`);
		expect(Date.now() - started).toBeLessThan(3000);

		fake.setFileBehaviour({ sizeBytes: 512 * 1024, declareLength: false });
		const fits = await downloadFile(`${fake.url}/files/fits.png`, { ...limits, maxBytes: 1024 * 1024 });
		expect(fits.data.length).toBe(512 * 1024);
	});

	it('bounds the time of headers and of a body that drips forever', async () => {
		fake.setFileBehaviour({ delayMs: 5000 });
		let started = Date.now();
		expect((await failure(downloadFile(`${fake.url}/files/slow.png`, { ...limits, timeoutMs: 300 }))).kind).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(2500);

		const drip: Server = createHttpServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'image/png' });
			const timer = setInterval(() => res.write(Buffer.alloc(16)), 50);
			res.on('close', () => clearInterval(timer));
		});
		await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
		try {
			started = Date.now();
			const error = await failure(downloadFile(`http://127.0.0.1:${(drip.address() as AddressInfo).port}/drip.png`, { ...limits, timeoutMs: 400 }));
			expect(error.kind).toBe('timeout');
			expect(Date.now() - started).toBeLessThan(2500);
		} finally {
			drip.closeAllConnections();
			await new Promise<void>((resolve) => drip.close(() => resolve()));
		}
	});

	it('follows at most maxRedirects hops, never to another scheme, never from https down to http', async () => {
		const chainServer: Server = createHttpServer((req, res) => {
			const n = Number((req.url ?? '').split('/').pop());
			if (n > 0) {
				res.writeHead(302, { location: `/hop/${n - 1}` });
				res.end();
				return;
			}
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
		});
		await new Promise<void>((resolve) => chainServer.listen(0, '127.0.0.1', resolve));
		const base = `http://127.0.0.1:${(chainServer.address() as AddressInfo).port}`;
		try {
			expect((await downloadFile(`${base}/hop/3`, { ...limits, maxRedirects: 3 })).url).toBe(`${base}/hop/0`);
			const tooMany = await failure(downloadFile(`${base}/hop/4`, { ...limits, maxRedirects: 3 }));
			expect(tooMany.message).toBe(`Test redirected more than 3 times (last to ${base}/hop/0)`);
			expect((await failure(downloadFile(`${base}/hop/1`, { ...limits, maxRedirects: 0 }))).message).toMatch(/redirected more than 0 times/);
		} finally {
			await new Promise<void>((resolve) => chainServer.close(() => resolve()));
		}

		for (const target of ['file:///etc/passwd', 'ftp://127.0.0.1/x.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)']) {
			fake.setFileBehaviour({ redirect: target });
			const error = await failure(downloadFile(`${fake.url}/files/x.png`, limits));
			expect(error.message).toMatch(/^Test redirected http:\/\/127\.0\.0\.1:\d+\/files\/x\.png to a [a-z]+: URL; only http and https are followed$/);
		}
		// https -> http: checked on the redirect itself (no TLS server needed).
		expect(() => checkRedirect(new URL('https://cdn.example.com/a.png'), 'http://cdn.example.com/a.png', 'GET', 0, 3, 'Test')).toThrow(
			'Test redirected from https to plain http (http://cdn.example.com/a.png); not followed',
		);
		expect(() => checkRedirect(new URL('https://cdn.example.com/a.png'), 'https://u:p@cdn.example.com/b.png', 'GET', 0, 3, 'Test')).toThrow(/user name or password/);
		expect(checkRedirect(new URL('https://cdn.example.com/a/b.png'), '../c.png', 'GET', 0, 3, 'Test').toString()).toBe('https://cdn.example.com/c.png');
	});
});

// ---------------------------------------------------------------------------------------------
// 3b. Server-side request forgery: where a result URL may point

describe('downloads: address policy (SSRF)', () => {
	it('classifies hosts by address', () => {
		const table: Record<string, string[]> = {
			loopback: ['127.0.0.1', '127.255.255.254', 'localhost', 'img.localhost', '[::1]', '::ffff:127.0.0.1', new URL('http://[::ffff:127.0.0.1]/').hostname, new URL('http://2130706433/').hostname],
			private: ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.20', '100.64.0.1', 'fd00:ec2::254', '[fc00::1]', new URL('http://[::ffff:10.0.0.1]/').hostname, '192.0.0.8', '198.18.0.1'],
			linkLocal: ['169.254.169.254', '169.254.0.1', 'fe80::1', '[fe80::fc:ff:fe00:1]', new URL('http://[::ffff:169.254.169.254]/').hostname, '64:ff9b::a9fe:a9fe', new URL('http://0xa9fea9fe/').hostname],
			unspecified: ['0.0.0.0', '0.1.2.3', '::', '[::]'],
			reserved: ['224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', 'ff02::1'],
			public: ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2001:4860:4860::8888', '[2606:4700::1111]', '64:ff9b::808:808'],
			name: ['api.apiyi.com', 'cdn.example.com', '169.254.169.254.nip.io', 'localhost.evil.com'],
		};
		const got: Record<string, string[]> = {};
		for (const hosts of Object.values(table)) for (const host of hosts) (got[classifyHost(host)] ??= []).push(host);
		expect(got).toEqual(table);
	});

	const PUBLIC = 'https://api.apiyi.com';
	const resolver = (answers: Record<string, string[]>): DownloadPolicy['lookup'] => async (hostname) => {
		const answer = answers[hostname];
		if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
		return answer;
	};
	const verdict = async (url: string, policy: DownloadPolicy): Promise<string> => {
		try {
			await checkDownloadUrl(new URL(url), policy, 'APIYI result URL');
			return 'allowed';
		} catch (error) {
			expect(error).toBeInstanceOf(EngineError);
			expect((error as EngineError).retryable).toBe(false);
			return (error as EngineError).message;
		}
	};

	it('from a public provider: https and public hosts only, by literal and by what a name resolves to', async () => {
		const lookup = resolver({
			'cdn.example.com': ['93.184.216.34'],
			'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
			'internal.example.com': ['10.0.0.12'],
			'mixed.example.com': ['93.184.216.34', '192.168.0.3'],
			'meta.example.com': ['169.254.169.254'],
			'rebind.example.com': ['::ffff:127.0.0.1'],
		});
		const policy = { sourceBaseUrl: PUBLIC, lookup };
		expect(await verdict('https://cdn.example.com/a.png?sig=1', policy)).toBe('allowed');
		expect(await verdict('https://v6.example.com/a.png', policy)).toBe('allowed');
		expect(await verdict('https://93.184.216.34/a.png', policy)).toBe('allowed');
		// An unresolvable name is left to the request itself, which then fails as a network error.
		expect(await verdict('https://nowhere.invalid/a.png', policy)).toBe('allowed');

		expect(await verdict('http://cdn.example.com/a.png', policy)).toBe('APIYI result URL points to cdn.example.com, over plain http from a public provider (https is required); not fetched');
		expect(await verdict('https://10.0.0.5/a.png', policy)).toBe('APIYI result URL points to 10.0.0.5, a private address, while the provider (api.apiyi.com) is public; not fetched');
		expect(await verdict('https://192.168.1.1/a.png', policy)).toMatch(/a private address/);
		expect(await verdict('https://127.0.0.1/a.png', policy)).toMatch(/a loopback address/);
		expect(await verdict('https://localhost:8080/a.png', policy)).toMatch(/a loopback address/);
		expect(await verdict('https://[::ffff:c0a8:101]/a.png', policy)).toMatch(/a private address/);
		expect(await verdict('https://internal.example.com/a.png', policy)).toBe(
			'APIYI result URL points to internal.example.com, which resolves to 10.0.0.12, a private address, while the provider (api.apiyi.com) is public; not fetched',
		);
		expect(await verdict('https://mixed.example.com/a.png', policy)).toMatch(/resolves to 192\.168\.0\.3, a private address/);
		expect(await verdict('https://meta.example.com/a.png', policy)).toMatch(/resolves to 169\.254\.169\.254, a link-local address/);
		expect(await verdict('https://rebind.example.com/a.png', policy)).toMatch(/resolves to ::ffff:127\.0\.0\.1, a loopback address/);
	});

	it('link-local (cloud metadata), unspecified and reserved addresses: never, whoever handed out the URL', async () => {
		for (const sourceBaseUrl of [PUBLIC, 'http://127.0.0.1:8188', 'http://192.168.1.20:8188', undefined]) {
			for (const url of ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'https://[fe80::1]/x', 'http://[::ffff:169.254.169.254]/', 'http://0.0.0.0:8188/view', 'http://224.0.0.1/x', 'http://0xa9fea9fe/']) {
				expect(await verdict(url, { sourceBaseUrl, lookup: resolver({}) })).toMatch(/link-local address \(such as a cloud metadata service\)|an unspecified address|multicast, broadcast or reserved/);
			}
		}
	});

	it('from a loopback or private provider: its own neighbourhood, plain http included', async () => {
		for (const sourceBaseUrl of ['http://127.0.0.1:8188', 'http://localhost:7860', 'http://192.168.1.20:8188', 'http://10.0.0.7']) {
			for (const url of ['http://127.0.0.1:8188/view?filename=a.png', 'http://192.168.1.20:8188/view', 'http://10.0.0.7/files/a.png', 'https://cdn.example.com/a.png']) {
				expect(await verdict(url, { sourceBaseUrl, lookup: resolver({}) })).toBe('allowed');
			}
		}
		// Without a source (a caller that does not say), only the never-ranges are refused.
		expect(await verdict('http://10.0.0.7/a.png', {})).toBe('allowed');
	});

	it('in a workflow: a gateway result URL redirected to the metadata address is refused, naming it', async () => {
		// The fake runs on loopback, so its own result URLs are allowed (rule 3); the redirect to
		// 169.254.169.254 is refused by the never-rule before any connection is attempted.
		fake.setFileBehaviour({ redirect: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
		const started = Date.now();
		const result = await runNode(ENTRY_POINTS[5], { imageModelApi: { provider: 'gateway', apiKey: KEY, baseUrl: fake.url, gatewayApis: ['openaiImages'] } }, 'continueRegularOutput');
		const json = result.output('Under Test')[0].json as Record<string, unknown>;
		expect(json.error).toMatch(/redirect points to 169\.254\.169\.254, a link-local address \(such as a cloud metadata service\); not fetched/);
		expect(json.errorKind).toBe('invalidResponse');
		expect(fake.requests.filter((r) => r.route === 'files.get')).toHaveLength(1);
		// Refused at once: a connection attempt to an unrouted address would hang until the timeout.
		expect(Date.now() - started).toBeLessThan(15_000);
	});
});
