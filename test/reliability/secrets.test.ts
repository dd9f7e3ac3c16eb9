/**
 * Secrets never leave the credential: for every credential shape (Google AI Studio key, APIYI
 * key, custom gateway key, Vertex express key, Vertex service-account JSON with a private key,
 * Self-Hosted basic-auth password for SD WebUI and ComfyUI), FAILING real workflows (key
 * rejected, server error, invalid parameters, unreachable host, a hostile gateway that echoes
 * the request's credentials back in its error body) and the credential test are run, and
 * everything they produce is scanned for any 12-character piece of the secret: output items,
 * error messages and descriptions, cause chains and stack traces (non-enumerable properties
 * included), the serialized run data, and everything written to the console or to n8n's
 * loggers (LoggerProxy and the node's logger).
 *
 * Secrets are random per run and never appear in this file.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoggerProxy, type ICredentialsDecrypted, type ICredentialTestFunctions, type INodeParameters, type Logger as WorkflowLogger } from 'n8n-workflow';
import { startFakeProvider, type FakeProvider } from '../fake';
import { Container, Logger } from '../harness/core-modules';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import { harnessEnv } from '../harness/n8n-env';
import { runWorkflow, type WorkflowRunResult } from '../harness/run-workflow';
import { QuantifiedEdit } from '../../nodes/QuantifiedEdit/QuantifiedEdit.node';
import { redactSecrets } from '../../engine/core/redact';
import { findLeaks, reachableStrings, type Secret } from './leak-scan';

const PACKAGE = 'n8n-nodes-consistent-image-edit';
const PHOTO = 'test/fixtures/photos/coffee.png';

// ---------------------------------------------------------------------------------------------
// Per-run secrets

const token = (prefix: string, bytes = 24) => `${prefix}${randomBytes(bytes).toString('base64url')}`;
const { privateKey } = generateKeyPairSync('rsa', {
	modulusLength: 2048,
	publicKeyEncoding: { type: 'spki', format: 'pem' },
	privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const KEYS = {
	// Shaped like the real thing (AI Studio keys start with AIza, APIYI's with sk-) ...
	aiStudio: token('AIza', 26),
	apiyi: token('sk-'),
	// ... and shapes no generic pattern knows, so only the per-credential redaction can hide them.
	gateway: token('gw_'),
	vertexExpress: token('vx.'),
	password: token('pw-', 15),
};
const SERVICE_ACCOUNT = JSON.stringify(
	{
		type: 'service_account',
		project_id: 'leak-test',
		private_key_id: randomBytes(20).toString('hex'),
		private_key: privateKey,
		client_email: 'leak-test@leak-test.iam.gserviceaccount.com',
		client_id: '1234567890',
		token_uri: 'https://oauth2.googleapis.com/token',
	},
	null,
	2,
);
const USER = 'painter';
const basicToken = () => Buffer.from(`${USER}:${KEYS.password}`).toString('base64');

const ALL_SECRETS: Secret[] = [
	...Object.entries(KEYS).map(([name, value]) => ({ name, value })),
	{ name: 'basic auth token', value: basicToken() },
	{ name: 'service account private key', value: privateKey },
];

// ---------------------------------------------------------------------------------------------
// Capturing everything written to the console and to n8n's loggers

/** Everything captured during the current test; allCaptured keeps the whole file's. */
let captured: unknown[] = [];
const allCaptured: unknown[] = [];
const capture =
	(channel: string) =>
	(...args: unknown[]): void => {
		captured.push([channel, ...args]);
		allCaptured.push([channel, ...args]);
	};

const capturingLogger: WorkflowLogger = {
	error: capture('LoggerProxy.error'),
	warn: capture('LoggerProxy.warn'),
	info: capture('LoggerProxy.info'),
	debug: capture('LoggerProxy.debug'),
	scoped: () => capturingLogger,
} as unknown as WorkflowLogger;

// ---------------------------------------------------------------------------------------------
// Servers: the fake provider (accepting the keys, or not), and a hostile echoing gateway

let fake: FakeProvider;
let strict: FakeProvider;
let echo: EchoServer;
let closedPort: number;

interface EchoServer {
	url: string;
	/** Credential values the echo server received and put into its error bodies. */
	echoed: string[];
	status: number;
	format: 'json' | 'text';
	close(): Promise<void>;
}

/**
 * A gateway that answers every request with an error whose body repeats the credentials it was
 * sent, at offsets 180, 480 and 980, so that a message cut at 200, 500 or 1000 characters
 * before redaction would keep the start of the key, followed by all request headers.
 */
async function startEchoServer(): Promise<EchoServer> {
	const state: EchoServer = { url: '', echoed: [], status: 401, format: 'json', close: async () => undefined };
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		req.resume();
		req.on('end', () => {
			const credential =
				String(req.headers['x-goog-api-key'] ?? '') ||
				String(req.headers.authorization ?? '').replace(/^(Bearer|Basic) /, '') ||
				new URL(req.url ?? '/', 'http://x').searchParams.get('key') ||
				'(none)';
			state.echoed.push(credential);
			let text = `Invalid credentials for ${req.method} ${req.url}: `;
			for (const offset of [180, 480, 980]) text = text.padEnd(offset, '.') + credential;
			text += ` headers: ${JSON.stringify(req.headers)}`;
			if (state.format === 'text') {
				res.writeHead(state.status, { 'content-type': 'text/plain' });
				res.end(text);
				return;
			}
			res.writeHead(state.status, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { code: state.status, message: text, status: 'UNAUTHENTICATED' }, detail: text }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
	return state;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

beforeAll(async () => {
	harnessEnv();
	for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
		jest.spyOn(console, method).mockImplementation(capture(`console.${method}`));
	}
	// The node's own logger (IExecuteFunctions.logger) and n8n-core's LoggerProxy.
	const nodeLogger = Container.get(Logger) as unknown as Record<string, (...args: unknown[]) => void>;
	for (const method of ['error', 'warn', 'info', 'debug']) {
		jest.spyOn(nodeLogger, method).mockImplementation(capture(`logger.${method}`));
	}
	LoggerProxy.init(capturingLogger);

	const validKeys = [KEYS.aiStudio, KEYS.apiyi, KEYS.gateway, KEYS.vertexExpress];
	fake = await startFakeProvider({ apiKeys: validKeys, basicAuth: { user: USER, password: KEYS.password }, comfyJobMs: 20 });
	strict = await startFakeProvider({ apiKeys: [token('other-')], basicAuth: { user: USER, password: token('other-') }, comfyJobMs: 20 });
	echo = await startEchoServer();
	closedPort = await freePort();
});

afterAll(async () => {
	jest.restoreAllMocks();
	await Promise.all([fake?.close(), strict?.close(), echo?.close()]);
});

beforeEach(() => {
	captured = [];
	fake.reset();
	strict.reset();
	echo.echoed = [];
	echo.status = 401;
	echo.format = 'json';
});

// ---------------------------------------------------------------------------------------------
// Workflows

type Credentials = Record<string, Record<string, unknown>>;

const imageModel = (provider: 'aiStudio' | 'apiyi' | 'gateway' | 'vertexExpress' | 'vertexServiceAccount', baseUrl: string | undefined): Credentials => {
	switch (provider) {
		case 'aiStudio':
			return { imageModelApi: { provider: 'aiStudio', apiKey: KEYS.aiStudio, baseUrl } };
		case 'apiyi':
			return { imageModelApi: { provider: 'apiyi', apiKey: KEYS.apiyi, baseUrl, authHeader: 'bearer' } };
		case 'gateway':
			return { imageModelApi: { provider: 'gateway', apiKey: KEYS.gateway, baseUrl, gatewayApis: ['gemini', 'openaiImages'], apiVersion: 'v1beta', authHeader: 'bearer' } };
		case 'vertexExpress':
			return { imageModelApi: { provider: 'vertex', vertexAuth: 'express', apiKey: KEYS.vertexExpress, baseUrl } };
		case 'vertexServiceAccount':
			return { imageModelApi: { provider: 'vertex', vertexAuth: 'serviceAccount', serviceAccountJson: SERVICE_ACCOUNT, location: 'global', baseUrl } };
	}
};
const selfHosted = (kind: 'sdWebui' | 'comfyui', baseUrl: string): Credentials => ({
	selfHostedImageApi: { kind, baseUrl, user: USER, password: KEYS.password },
});

const quantified = (extra: INodeParameters = {}): [string, INodeParameters] => [
	'quantifiedEdit',
	{
		binaryPropertyName: 'data',
		instruction: 'slightly darker',
		model: { __rl: true, mode: 'list', value: 'gemini-3-pro-image' },
		options: { maxRetries: 0, timeoutSeconds: 20 },
		...extra,
	},
];
const flux = (): [string, INodeParameters] => [
	'seededGenerate',
	{ backend: 'openaiImages', gatewayModel: 'flux-dev', prompt: 'a glass cube', width: 256, height: 192, seedMode: 'fixed', seed: 5, options: { maxRetries: 0, timeoutSeconds: 20 } },
];
const sd = (extra: INodeParameters = {}): [string, INodeParameters] => [
	'seededGenerate',
	{ backend: 'sdWebui', prompt: 'a lighthouse', width: 256, height: 192, sdSteps: 4, cfgScale: 6, sampler: 'Euler', seedMode: 'fixed', seed: 3, options: { maxRetries: 0, timeoutSeconds: 20 }, ...extra },
];
const COMFY_GRAPH = {
	'3': { class_type: 'KSampler', inputs: { seed: 1, steps: 4, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] } },
	'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
	'5': { class_type: 'EmptyLatentImage', inputs: { width: 256, height: 192, batch_size: 1 } },
	'6': { class_type: 'CLIPTextEncode', inputs: { text: 'scenery', clip: ['4', 1] } },
	'7': { class_type: 'CLIPTextEncode', inputs: { text: 'watermark', clip: ['4', 1] } },
	'8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
	'9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
};
const comfy = (): [string, INodeParameters] => [
	'seededGenerate',
	{ backend: 'comfyui', workflowJson: JSON.stringify(COMFY_GRAPH), prompt: 'a fox', seedMode: 'fixed', seed: 9, options: { pollIntervalMs: 20, maxRetries: 0, timeoutSeconds: 20 } },
];

async function run([nodeType, parameters]: [string, INodeParameters], credentials: Credentials, continueOnFail: boolean): Promise<WorkflowRunResult> {
	const workflow = {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify([{ files: { data: { path: PHOTO, mimeType: 'image/png' } } }]) }),
			node('Under Test', `${PACKAGE}.${nodeType}`, parameters, continueOnFail ? { onError: 'continueRegularOutput' } : {}),
			node('Collect', `${FIXTURES}.collect`),
		],
		connections: chain('Manual Start', 'Load Images', 'Under Test', 'Collect'),
	};
	return await runWorkflow(workflow, { credentials, timeoutMs: 45_000 });
}

/** The error the run produced: the error item's text (continueOnFail) or the node's error. */
function failureText(result: WorkflowRunResult, continueOnFail: boolean): string {
	if (continueOnFail) {
		const json = result.output('Under Test')[0]?.json as Record<string, unknown> | undefined;
		// A failure before the items (credential, setup) leaves n8n's node error instead.
		if (json?.error) return String(json.error);
	}
	return String(result.nodeError('Under Test')?.message ?? result.error?.message ?? '');
}

/** Scans everything of one run, and everything captured while it ran. */
function expectNothingLeaked(result: WorkflowRunResult | undefined, extra: Array<readonly [string, unknown]> = []): void {
	const texts: Array<readonly [string, string]> = [];
	if (result) {
		texts.push(['JSON.stringify(run)', JSON.stringify(result.run)]);
		texts.push(['run (every property, non-enumerable included)', reachableStrings(result.run).join('\n')]);
		texts.push(['run error with cause chain and stack', reachableStrings([result.error, result.nodeError('Under Test')]).join('\n')]);
	}
	for (const [where, value] of extra) texts.push([where, reachableStrings(value).join('\n')]);
	texts.push(['console and n8n logger output', reachableStrings(captured).join('\n')]);
	expect(findLeaks(texts, ALL_SECRETS)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

it('the scanner finds a secret anywhere, also cut short, as a PEM line or inside an error cause', () => {
	const cause = new Error(`upstream said ${KEYS.gateway.slice(0, 14)}`);
	const error = new Error('outer', { cause });
	expect(findLeaks([['cause', reachableStrings({ error }).join('\n')]], ALL_SECRETS)).toHaveLength(1);
	const pemLine = privateKey.split('\n')[5];
	expect(findLeaks([['log', `key line ${pemLine}`]], ALL_SECRETS)).toHaveLength(1);
	expect(findLeaks([['text', `Basic ${basicToken()}`]], ALL_SECRETS)).toHaveLength(1);
	expect(findLeaks([['clean', 'nothing secret here']], ALL_SECRETS)).toEqual([]);
	// And redaction removes a key cut off at the end of an excerpt, or a PEM key's escaped form.
	expect(redactSecrets(`echo: ${KEYS.gateway.slice(0, 9)}`, [KEYS.gateway])).toBe('echo: [redacted]');
	expect(findLeaks([['escaped', redactSecrets(JSON.stringify({ privateKey }), [privateKey])]], ALL_SECRETS)).toEqual([]);
});

const GEMINI_CREDENTIALS = ['aiStudio', 'apiyi', 'gateway', 'vertexExpress'] as const;

describe.each(GEMINI_CREDENTIALS)('Image Model API credential "%s": failing Quantified Edit runs leak nothing', (provider) => {
	it.each([false, true])('key rejected by the provider (continueOnFail %s)', async (continueOnFail) => {
		const result = await run(quantified(), imageModel(provider, strict.url), continueOnFail);
		expect(failureText(result, continueOnFail)).toMatch(/rejected the credentials/);
		// The key was really sent, so its absence from everything is meaningful.
		expect(strict.requests.length).toBeGreaterThan(0);
		expect(JSON.stringify(strict.requests.map((r) => r.headers))).toContain(KEYS[provider]);
		expectNothingLeaked(result);
	});

	it.each([
		[401, 'json'],
		[500, 'text'],
	] as const)('a hostile gateway echoes the key in a %s %s body', async (status, format) => {
		echo.status = status;
		echo.format = format;
		const result = await run(quantified(), imageModel(provider, echo.url), status === 500);
		expect(echo.echoed.length).toBeGreaterThan(0);
		expect(echo.echoed.some((e) => Object.values(KEYS).includes(e))).toBe(true);
		expect(failureText(result, status === 500)).toMatch(/HTTP/);
		expectNothingLeaked(result);
	});

	it('server error 500 with retries off', async () => {
		fake.inject('serverError', { times: 3 });
		const result = await run(quantified(), imageModel(provider, fake.url), false);
		expect(failureText(result, false)).toMatch(/internal error \(HTTP 500\)/);
		expectNothingLeaked(result);
	});

	it('invalid parameters, refused before any call', async () => {
		const result = await run(quantified({ instruction: '' }), imageModel(provider, fake.url), true);
		expect(failureText(result, true)).toMatch(/Expected an instruction or at least one non-zero adjustment/);
		expectNothingLeaked(result);
	});

	it.each([
		['a closed port', () => `http://127.0.0.1:${closedPort}`],
		['an unresolvable host', () => 'https://image-gateway.invalid'],
		['a plain-http public host (refused)', () => 'http://example.com'],
	])('unreachable or refused base URL: %s', async (_label, url) => {
		const result = await run(quantified(), imageModel(provider, url()), false);
		expect(failureText(result, false).length).toBeGreaterThan(10);
		expectNothingLeaked(result);
	});

	it('the credential test reports failures without the key', async () => {
		const test = (data: Record<string, unknown>) =>
			new QuantifiedEdit().methods.credentialTest.imageModelApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'c', type: 'imageModelApi', data } as ICredentialsDecrypted);
		const outcomes = [
			await test(imageModel(provider, strict.url).imageModelApi),
			await test(imageModel(provider, echo.url).imageModelApi),
			await test(imageModel(provider, `http://127.0.0.1:${closedPort}`).imageModelApi),
			await test(imageModel(provider, 'https://image-gateway.invalid').imageModelApi),
		];
		expect(outcomes.map((o) => o.status)).toEqual(['Error', 'Error', 'Error', 'Error']);
		expect(echo.echoed.length).toBeGreaterThan(0);
		expectNothingLeaked(undefined, [['credential test results', outcomes]]);
	});
});

describe('Vertex AI service account: the private key stays inside', () => {
	it.each([false, true])('the token exchange fails (no route to Google here) (continueOnFail %s)', async (continueOnFail) => {
		const result = await run(quantified(), imageModel('vertexServiceAccount', fake.url), continueOnFail);
		expect(failureText(result, continueOnFail).length).toBeGreaterThan(10);
		expectNothingLeaked(result);
	});

	it('a key file that is not valid JSON, or has a broken private key', async () => {
		const notJson = SERVICE_ACCOUNT.replace('"type"', 'type');
		const brokenKey = SERVICE_ACCOUNT.replace(/MII[A-Za-z0-9+/]{20}/, 'MII!!broken!!');
		const runs: WorkflowRunResult[] = [];
		for (const json of [notJson, brokenKey]) {
			runs.push(await run(quantified(), { imageModelApi: { provider: 'vertex', vertexAuth: 'serviceAccount', serviceAccountJson: json, baseUrl: fake.url } }, true));
		}
		expect(failureText(runs[0], true)).toMatch(/not valid JSON/);
		for (const result of runs) expectNothingLeaked(result);
	});

	it('the credential test', async () => {
		const outcome = await new QuantifiedEdit().methods.credentialTest.imageModelApiTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'c',
			type: 'imageModelApi',
			data: imageModel('vertexServiceAccount', echo.url).imageModelApi,
		} as ICredentialsDecrypted);
		expect(outcome.status).toBe('Error');
		expectNothingLeaked(undefined, [['credential test result', outcome]]);
	});
});

describe.each(['apiyi', 'gateway'] as const)('OpenAI images API (Flux) with the "%s" credential', (provider) => {
	it.each([false, true])('key rejected, hostile echo, server error and expired result link (continueOnFail %s)', async (continueOnFail) => {
		const results = [await run(flux(), imageModel(provider, strict.url), continueOnFail)];
		echo.format = 'text';
		results.push(await run(flux(), imageModel(provider, echo.url), continueOnFail));
		fake.inject('serverError', { route: 'openai.images' });
		results.push(await run(flux(), imageModel(provider, fake.url), continueOnFail));
		fake.setFileBehaviour({ status: 403 });
		results.push(await run(flux(), imageModel(provider, fake.url), continueOnFail));
		fake.setFileBehaviour(undefined);
		expect(failureText(results[0], continueOnFail)).toMatch(/rejected the credentials/);
		expect(echo.echoed).toContain(provider === 'apiyi' ? KEYS.apiyi : KEYS.gateway);
		expect(failureText(results[3], continueOnFail)).toMatch(/HTTP 403/);
		for (const result of results) expectNothingLeaked(result);
	});
});

describe.each([
	['sdWebui', sd],
	['comfyui', comfy],
] as const)('Self-Hosted Image API (%s): the basic-auth password stays inside', (kind, parameters) => {
	it.each([false, true])('password rejected, hostile echo, server error, unreachable, invalid parameters (continueOnFail %s)', async (continueOnFail) => {
		const results = [await run(parameters(), selfHosted(kind, strict.url), continueOnFail)];
		expect(failureText(results[0], continueOnFail)).toMatch(/rejected the credentials|HTTP 401/);
		for (const [status, format] of [
			[401, 'text'],
			[500, 'json'],
		] as const) {
			echo.status = status;
			echo.format = format;
			results.push(await run(parameters(), selfHosted(kind, echo.url), continueOnFail));
		}
		expect(echo.echoed).toContain(basicToken());
		fake.inject('serverError', { route: kind === 'sdWebui' ? 'sd' : 'comfy', times: 3 });
		results.push(await run(parameters(), selfHosted(kind, fake.url), continueOnFail));
		results.push(await run(parameters(), selfHosted(kind, `http://127.0.0.1:${closedPort}`), continueOnFail));
		results.push(await run(parameters(), { selfHostedImageApi: { kind, baseUrl: `ftp://${USER}:${KEYS.password}@127.0.0.1/` } }, continueOnFail));
		expect(failureText(results.at(-1) as WorkflowRunResult, continueOnFail)).toMatch(/Base URL/);
		for (const result of results) {
			expect(failureText(result, continueOnFail).length).toBeGreaterThan(10);
			expectNothingLeaked(result);
		}
	});
});

it('nothing was logged with a secret over the whole file, and the capture really captured', () => {
	// n8n-core logs every node start to LoggerProxy: an empty capture would mean no scan at all.
	expect(allCaptured.some((entry) => Array.isArray(entry) && String(entry[0]).startsWith('LoggerProxy.'))).toBe(true);
	expect(findLeaks([['everything logged in this file', reachableStrings(allCaptured).join('\n')]], ALL_SECRETS)).toEqual([]);
});
