/**
 * Fault soak (issue 8): each AI node runs ~300 provider calls through a real n8n workflow
 * (n8n-core WorkflowExecute, the real @google/genai SDK and HTTP clients) against the fake
 * provider, which answers 20 % of the calls with a fault drawn over every fault kind it knows
 * for the route (plus one of each kind up front, so every kind is certainly met). With Continue
 * On Fail on, for every node:
 *
 * - every input item ends as its documented output or exactly one error item, paired with it:
 *   the multiset of pairedItem indices is checked, and each item's outcome is tied to the calls
 *   the fake recorded for that item (recognised by the item's own image bytes);
 * - error items name the item and a cause a user can read; the API key appears nowhere;
 * - calls never exceed items x variants x (1 + Max Retries), per item and in total;
 * - the attempt after a 429 comes no sooner than the server's RetryInfo / Retry-After delay,
 *   the attempt after a hang no sooner than the timeout and long before the hang would end;
 *   safety blocks, refusals and other final answers are never retried;
 * - the run ends within a bound computed from the settings and what each item went through.
 *
 * A second, short run per node (Max Retries 0, every call faulted, each kind 4 times) checks
 * what the item says for every fault kind when it is the final answer: rate limit, timeout,
 * dropped connection and the others, not only the kinds that are never retried.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { FAULT_KINDS, startFakeProvider, type FakeProvider, type FaultKind, type RecordedRequest } from '../fake';
import type { CredentialsByType } from '../harness/credentials-helper';
import { chain, FIXTURES, node } from '../harness/fixture-workflows';
import { runWorkflow, type WorkflowJson, type WorkflowRunResult } from '../harness/run-workflow';
import { multiSampleNode } from '../multi-sample/helpers';
import { expectNoSecret, PACKAGE, SECRET_KEY, type ItemSpec } from '../nodes/helpers';
import { SEEDED } from '../seeded/workflow';
import {
	CAUSE_WORDS,
	durationBound,
	faultCounts,
	GEMINI_FAULTS,
	imageItems,
	isErrorItem,
	lastGeminiImage,
	leastChains,
	mayFollow,
	openAiImage,
	OPENAI_FAULTS,
	outputsByItem,
	requestsByItem,
	SD_FAULTS,
	sdInitImage,
	tinyPngs,
	type FaultExpectation,
	type SoakSettings,
} from './soak-helpers';

/** Settings of the soak runs. */
const SOAK = {
	maxRetries: 3,
	concurrency: 8,
	/** Long enough that a normal answer on this loaded 2-core machine (nearly) never times out. */
	timeoutMs: 6000,
	/** RetryInfo '2s' / Retry-After: 2. Longer than the first backoff (0.5-1 s), so a retry that ignored it shows. */
	serverDelayMs: 2000,
	/** A hang answers this late: far beyond the timeout and any bound below. */
	hangMs: 25_000,
} as const;
const FAULT_RATE = 0.2;
/** Final-answer runs: every kind this many times, one call per item. */
const EACH_KIND = 4;
const TEST_TIMEOUT_MS = 300_000;

/** One AI node (or Seeded Generate backend) under soak. */
interface NodeUnderSoak {
	title: string;
	/** Items of the soak run and calls per item when nothing fails (Multi-Sample: variants). */
	items: number;
	variants: number;
	/** The fake's route of the generation calls, and how it answers each fault. */
	route: string;
	faults: Readonly<Record<FaultKind, FaultExpectation>>;
	/** The item image inside a request body. */
	imageOf: (body: unknown) => string | undefined;
	nodeType: string;
	packageDirs?: string[];
	parameters: (options: INodeParameters, variants: number) => INodeParameters;
	credentials: (fake: FakeProvider) => CredentialsByType;
	/** Extra binaries on the first item (Reference Edit's approved pair). */
	firstItemFiles?: () => Promise<NonNullable<ItemSpec['files']>>;
	/** Seed of the fake's PRNG (fault draws). */
	seed: number;
}

interface SoakRun {
	node: NodeUnderSoak;
	settings: SoakSettings;
	result: WorkflowRunResult;
	out: INodeExecutionData[];
	/** The generation calls the fake recorded, and the same grouped by input item (in arrival order). */
	requests: RecordedRequest[];
	byItem: RecordedRequest[][];
	elapsedMs: number;
	/** Requests the fake still had open (up to 2 s after the run): hung calls the client left open. */
	openAtEnd: number;
}

const geminiModel = (id: string) => ({ __rl: true, mode: 'id', value: id });
const seeded = (backend: INodeParameters, options: INodeParameters): INodeParameters => ({ seedMode: 'perItem', seed: 1234, options, ...backend });

const NODES: NodeUnderSoak[] = [
	{
		title: 'Quantified Edit',
		items: 300,
		variants: 1,
		route: 'gemini.generateContent',
		faults: GEMINI_FAULTS,
		imageOf: lastGeminiImage,
		nodeType: `${PACKAGE}.quantifiedEdit`,
		parameters: (options) => ({ binaryPropertyName: 'data', instruction: 'slightly darker', model: geminiModel('gemini-3-pro-image'), options }),
		credentials: (fake) => ({ imageModelApi: { provider: 'gateway', apiKey: SECRET_KEY, baseUrl: fake.url, apiVersion: 'v1beta' } }),
		seed: 101,
	},
	{
		title: 'Reference Edit',
		items: 300,
		variants: 1,
		route: 'gemini.generateContent',
		faults: GEMINI_FAULTS,
		imageOf: lastGeminiImage,
		nodeType: `${PACKAGE}.referenceEdit`,
		parameters: (options) => ({
			binaryPropertyName: 'data',
			referenceSource: 'firstItem',
			approvedProperty: 'approved',
			useOriginal: true,
			originalProperty: 'original',
			model: geminiModel('gemini-3-pro-image'),
			options,
		}),
		// The approved pair once, on the first item, for the whole batch.
		firstItemFiles: async () => {
			const [original, approved] = await tinyPngs(2, 20, 20);
			return {
				original: { base64: original.toString('base64'), mimeType: 'image/png', fileName: 'original.png' },
				approved: { base64: approved.toString('base64'), mimeType: 'image/png', fileName: 'approved.png' },
			};
		},
		credentials: (fake) => ({ imageModelApi: { provider: 'aiStudio', apiKey: SECRET_KEY, baseUrl: fake.url } }),
		seed: 202,
	},
	{
		title: 'Multi-Sample',
		items: 100,
		variants: 3,
		route: 'gemini.generateContent',
		faults: GEMINI_FAULTS,
		imageOf: lastGeminiImage,
		...(() => {
			const multiSample = multiSampleNode();
			return { nodeType: multiSample.type, packageDirs: multiSample.packageDirs };
		})(),
		parameters: (options, variants) => ({
			binaryPropertyName: 'data',
			requestType: 'quantified',
			adjustments: { adjustment: [{ attribute: 'brightness', percent: -15 }] },
			model: geminiModel('gemini-3-pro-image'),
			variants,
			output: 'all',
			layout: 'items',
			contactSheet: false,
			options,
		}),
		credentials: (fake) => ({ imageModelApi: { provider: 'apiyi', apiKey: SECRET_KEY, baseUrl: fake.url } }),
		seed: 303,
	},
	{
		title: 'Seeded Generate, OpenAI-compatible gateway (flux-kontext-pro edits, URL results)',
		items: 300,
		variants: 1,
		route: 'openai.images',
		faults: OPENAI_FAULTS,
		imageOf: openAiImage,
		nodeType: SEEDED,
		parameters: (options) =>
			seeded({ backend: 'openaiImages', gatewayModel: 'flux-kontext-pro', prompt: 'brightness at 90 %', inputBinaryFields: 'data', width: 64, height: 64 }, options),
		credentials: (fake) => ({ imageModelApi: { provider: 'apiyi', apiKey: SECRET_KEY, baseUrl: fake.url } }),
		seed: 404,
	},
	{
		title: 'Seeded Generate, Gemini (best-effort seed)',
		items: 300,
		variants: 1,
		route: 'gemini.generateContent',
		faults: GEMINI_FAULTS,
		imageOf: lastGeminiImage,
		nodeType: SEEDED,
		parameters: (options) => seeded({ backend: 'gemini', model: geminiModel('gemini-3.1-flash-image'), prompt: 'brightness at 90 %', inputBinaryFields: 'data' }, options),
		credentials: (fake) => ({ imageModelApi: { provider: 'aiStudio', apiKey: SECRET_KEY, baseUrl: fake.url } }),
		seed: 505,
	},
	{
		title: 'Seeded Generate, Stable Diffusion WebUI img2img (basic auth)',
		items: 300,
		variants: 1,
		route: 'sd.img2img',
		faults: SD_FAULTS,
		imageOf: sdInitImage,
		nodeType: SEEDED,
		parameters: (options) => seeded({ backend: 'sdWebui', prompt: 'a lighthouse at dusk', sdInputBinaryField: 'data', width: 64, height: 64, sdSteps: 4 }, options),
		credentials: (fake) => ({ selfHostedImageApi: { kind: 'sdWebui', baseUrl: fake.url, user: 'soak', password: SECRET_KEY } }),
		seed: 606,
	},
];

function workflow(n: NodeUnderSoak, settings: SoakSettings, items: ItemSpec[]): WorkflowJson {
	const options: INodeParameters = { maxRetries: settings.maxRetries, maxConcurrent: settings.concurrency, timeoutSeconds: settings.timeoutMs / 1000 };
	return {
		nodes: [
			node('Manual Start', `${FIXTURES}.manualStart`),
			node('Load Images', `${FIXTURES}.loadImages`, { items: JSON.stringify(items) }),
			node('Under Test', n.nodeType, n.parameters(options, settings.variants), { onError: 'continueRegularOutput' }),
			node('Collect', `${FIXTURES}.collect`),
		],
		connections: chain('Manual Start', 'Load Images', 'Under Test', 'Collect'),
	};
}

/**
 * Runs the node on `settings.items` tiny distinct images against a fresh fake whose faults
 * `arrange` sets up, and returns the run with the fake's record of the generation calls.
 */
async function runSoak(n: NodeUnderSoak, settings: SoakSettings, arrange: (fake: FakeProvider) => void): Promise<SoakRun> {
	const fake = await startFakeProvider({ apiKeys: [SECRET_KEY], basicAuth: { user: 'soak', password: SECRET_KEY }, seed: n.seed, variance: 0.05 });
	try {
		const images = await tinyPngs(settings.items);
		const items = imageItems(images);
		if (n.firstItemFiles) items[0].files = { ...items[0].files, ...(await n.firstItemFiles()) };
		arrange(fake);
		const started = Date.now();
		const result = await runWorkflow(workflow(n, settings, items), { credentials: n.credentials(fake), packageDirs: n.packageDirs });
		const elapsedMs = Date.now() - started;
		for (let waited = 0; fake.stats().inFlight > 0 && waited < 2000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
		const openAtEnd = fake.stats().inFlight;
		expect(result.error).toBeUndefined();
		const requests = fake.requests.filter((r) => r.route === n.route);
		// Faults hit the generation route only, and every other call was a download or a model list.
		expect(fake.stats().byRoute[n.route]).toBe(requests.length);
		expect(fake.requests.filter((r) => r.route !== n.route && r.fault)).toEqual([]);
		// Every call carried one item's own image: none was built from another item or garbled.
		const { byItem, unknown } = requestsByItem(requests, images, n.imageOf);
		expect(unknown.map((r) => r.path)).toEqual([]);
		return { node: n, settings, result, out: result.output('Under Test'), requests, byItem, elapsedMs, openAtEnd };
	} finally {
		await fake.close();
	}
}

/** What every run asserts, whatever the node: pairing, call bounds, error messages, secrets, time. */
function expectCommonInvariants(run: SoakRun): void {
	const { settings, out, requests, byItem, result } = run;
	const { items, variants, maxRetries } = settings;

	// Calls: never above items x variants x (1 + retries), per item and in total; every variant asked at least once.
	expect(requests.length).toBeLessThanOrEqual(items * variants * (1 + maxRetries));
	expect(byItem.map((g, i) => ({ item: i, calls: g.length })).filter((x) => x.calls > variants * (1 + maxRetries) || x.calls < variants)).toEqual([]);

	// Every output pairs with one of the input items (the per-item counts are checked per node).
	const paired = outputsByItem(out, items);
	expect(paired.stray.map((o) => o.pairedItem)).toEqual([]);
	expect(paired.byItem.map((outs, i) => ({ item: i, outputs: outs.length })).filter((x) => x.outputs === 0)).toEqual([]);

	// Error items name their item and a readable cause.
	const problems: string[] = [];
	for (const [i, outs] of paired.byItem.entries()) {
		for (const o of outs.filter(isErrorItem)) {
			const json = o.json as { error?: unknown; errorKind: string; itemIndex?: unknown };
			const message = String(json.error);
			if (json.itemIndex !== i) problems.push(`item ${i}: error item says itemIndex ${String(json.itemIndex)}`);
			if (!message.startsWith(`Item ${i}: `)) problems.push(`item ${i}: message does not name the item: ${message}`);
			const words = CAUSE_WORDS[json.errorKind];
			if (!words) problems.push(`item ${i}: unexpected error kind ${json.errorKind}: ${message}`);
			else if (!words.test(message)) problems.push(`item ${i}: ${json.errorKind} message does not say ${String(words)}: ${message}`);
			// The numbers the user needs: the timeout in force, the wait the provider asked for.
			if (json.errorKind === 'timeout' && !message.includes(`${settings.timeoutMs / 1000} s`)) problems.push(`item ${i}: timeout message without the timeout: ${message}`);
			if (json.errorKind === 'rateLimit' && !message.includes(`wait ${settings.serverDelayMs / 1000} s`)) problems.push(`item ${i}: rate limit message without the wait: ${message}`);
		}
	}
	expect(problems).toEqual([]);

	// The key never reaches run data, outputs or errors.
	expectNoSecret(result.run);
	expectNoSecret(out);

	// The run ends within a bound from the settings and what each item went through.
	expect(run.elapsedMs).toBeLessThan(durationBound(byItem, settings, variants).boundMs);
}

/**
 * Items that make one call at a time (Quantified Edit, Reference Edit, Seeded Generate, and
 * Multi-Sample with one variant): the item's recorded calls are its attempts in order, so its
 * outcome follows from them. Returns the problems and how many answers came too late for the
 * client (see {@link mayFollow}).
 */
function singleChainProblems(run: SoakRun): { problems: string[]; late: number } {
	const { node: n, settings, out, byItem } = run;
	const paired = outputsByItem(out, settings.items).byItem;
	const problems: string[] = [];
	let late = 0;
	for (const [i, group] of byItem.entries()) {
		const outs = paired[i];
		if (outs.length !== 1) {
			problems.push(`item ${i}: ${outs.length} output items`);
			continue;
		}
		// Another attempt only after a retryable failure and its wait (or a full timeout).
		for (let k = 1; k < group.length; k++) {
			const [before, next] = [group[k - 1], group[k]];
			const allowed = mayFollow(before, next, settings, n.faults);
			if (!allowed) problems.push(`item ${i}: attempt ${k + 1} came ${next.at - before.at} ms after ${before.fault ?? 'a normal answer'}`);
			if (allowed === 'late') late++;
			if (before.fault === 'hang' && next.at - before.at >= settings.hangMs) problems.push(`item ${i}: waited for a hang to end instead of timing out`);
		}
		// The outcome is the last answer's, or a timeout once every attempt is used.
		const last = group[group.length - 1];
		const expected = last.fault ? n.faults[last.fault] : { kind: 'ok', retried: false };
		const json = outs[0].json as Record<string, unknown>;
		const exhausted = group.length === 1 + settings.maxRetries;
		if (json.errorKind === 'timeout' && expected.kind !== 'timeout' && exhausted) {
			late++;
		} else if (expected.kind === 'ok') {
			if (isErrorItem(outs[0])) problems.push(`item ${i}: error ${String(json.errorKind)} though its last call (${last.fault ?? 'normal'}) had an image`);
			else if (json.attempts !== group.length) problems.push(`item ${i}: reports ${String(json.attempts)} attempts, the provider saw ${group.length}`);
			else if (!outs[0].binary?.data) problems.push(`item ${i}: no image`);
		} else {
			if (json.errorKind !== expected.kind) problems.push(`item ${i}: last call got ${last.fault}, item says ${String(json.errorKind ?? 'ok')}`);
			if (expected.retried && !exhausted) problems.push(`item ${i}: gave up on ${last.fault} after ${group.length} attempts`);
		}
	}
	return { problems, late };
}

/**
 * Multi-Sample, variants in parallel: which call belongs to which variant is not on the wire,
 * so each item's calls are checked as a whole against the documented output ("All Variants,
 * Ranked", "One Item per Variant": one item per variant that produced an image, rank 1 first;
 * one error item when none did).
 */
function multiSampleProblems(run: SoakRun): { problems: string[]; late: number } {
	const { node: n, settings, out, byItem } = run;
	const { variants } = settings;
	const paired = outputsByItem(out, settings.items).byItem;
	const problems: string[] = [];
	let late = 0;
	for (const [i, group] of byItem.entries()) {
		const outs = paired[i];
		const withImage = group.filter((r) => !r.fault || n.faults[r.fault].kind === 'ok');
		// Answers with an image that the client may have given up on (another call of the item a full timeout later).
		const lateImages = withImage.filter((r) => group.some((s) => s !== r && mayFollow(r, s, settings, n.faults) === 'late')).length;
		const kinds = new Set(group.map((r) => (r.fault ? n.faults[r.fault].kind : 'ok')));
		// The calls must split into `variants` chains of attempts, each retry after a retryable failure and its wait.
		const chains = leastChains(group, settings, n.faults);
		if (chains > variants) problems.push(`item ${i}: its ${group.length} calls need ${chains} chains of attempts (a retry too early, or after a final answer)`);
		const scored = outs.filter((o) => !isErrorItem(o)).length;
		// No image twice, none lost (unless the client gave up on it).
		if (scored > withImage.length || scored < withImage.length - lateImages) problems.push(`item ${i}: ${withImage.length} calls gave an image, ${scored} variants scored`);
		late += withImage.length - scored;
		if (scored === 0) {
			if (outs.length !== 1) problems.push(`item ${i}: no variant scored, but ${outs.length} outputs`);
			else if (!kinds.has(String(outs[0].json.errorKind)) && outs[0].json.errorKind !== 'timeout') problems.push(`item ${i}: error ${String(outs[0].json.errorKind)} is none of its calls' faults`);
			continue;
		}
		if (outs.length !== scored) problems.push(`item ${i}: an error item beside ${scored} scored variants`);
		const ranks = outs.map((o) => o.json.rank);
		if (JSON.stringify(ranks) !== JSON.stringify(outs.map((_, k) => k + 1))) problems.push(`item ${i}: ranks ${JSON.stringify(ranks)}`);
		for (const o of outs) {
			const json = o.json as { calls?: { scored?: number; failed?: number; attempts?: number }; variants?: Array<{ status: string; error: { kind: string } | null }> };
			if (json.calls?.scored !== scored || json.calls.failed !== variants - scored) {
				problems.push(`item ${i}: calls ${JSON.stringify(json.calls)} for ${scored} scored variants of ${variants}`);
			}
			const failedKinds = (json.variants ?? []).filter((v) => v.status === 'failed').map((v) => v.error?.kind);
			if (failedKinds.some((k) => !k || !(kinds.has(k) || k === 'timeout'))) problems.push(`item ${i}: failed variants ${JSON.stringify(failedKinds)} not among its faults`);
			// Attempts of the scored variants plus at least one call per failed variant: at most what the provider saw.
			const attempts = json.calls?.attempts ?? -1;
			if (attempts < scored || attempts + (variants - scored) > group.length) problems.push(`item ${i}: ${attempts} attempts reported, the provider saw ${group.length}`);
			if (!o.binary?.data) problems.push(`item ${i}: a variant without its image`);
		}
	}
	return { problems, late };
}

/** The measured figures of a run, printed for the record. */
function summary(run: SoakRun, late: number): string {
	const errors: Record<string, number> = {};
	for (const o of run.out.filter(isErrorItem)) errors[String(o.json.errorKind)] = (errors[String(o.json.errorKind)] ?? 0) + 1;
	const { settings } = run;
	return JSON.stringify({
		run: run.node.title,
		items: settings.items,
		variants: settings.variants,
		maxRetries: settings.maxRetries,
		calls: run.requests.length,
		callCap: settings.items * settings.variants * (1 + settings.maxRetries),
		faults: faultCounts(run.requests),
		outputs: run.out.length,
		okOutputs: run.out.filter((o) => !isErrorItem(o)).length,
		errorItems: errors,
		lateAnswers: late,
		elapsedMs: run.elapsedMs,
		boundMs: Math.round(durationBound(run.byItem, settings, settings.variants).boundMs),
	});
}

describe.each(NODES)('fault soak: $title', (n) => {
	it(
		`${n.items * n.variants} calls with 20 % faults of every kind: one outcome per item, bounded calls, waits honoured, no key`,
		async () => {
			const settings: SoakSettings = { ...SOAK, items: n.items, variants: n.variants };
			const faultOptions = { route: n.route, retryDelay: `${SOAK.serverDelayMs / 1000}s`, retryAfterSeconds: SOAK.serverDelayMs / 1000, hangMs: SOAK.hangMs };
			const run = await runSoak(n, settings, (fake) => {
				// One of each kind first (so every kind is met whatever the draws), then 20 % at random.
				for (const kind of FAULT_KINDS) fake.inject(kind, faultOptions);
				fake.setFaultRate(FAULT_RATE, [...FAULT_KINDS], faultOptions);
			});
			const { problems, late } = n.variants === 1 ? singleChainProblems(run) : multiSampleProblems(run);
			console.info(summary(run, late));
			const counts = faultCounts(run.requests);
			expect(FAULT_KINDS.filter((kind) => !counts[kind])).toEqual([]);
			// Some 429s were retried, so their waits were measured.
			expect(run.byItem.some((g) => g.slice(0, -1).some((r) => r.fault === 'rateLimit'))).toBe(true);
			expectCommonInvariants(run);
			expect(problems).toEqual([]);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'every fault kind as the final answer (Max Retries 0): the error item says which item and why',
		async () => {
			const settings: SoakSettings = { ...SOAK, maxRetries: 0, items: FAULT_KINDS.length * EACH_KIND, variants: 1 };
			const run = await runSoak(n, settings, (fake) => {
				for (const kind of FAULT_KINDS) {
					fake.inject(kind, { times: EACH_KIND, route: n.route, retryDelay: `${SOAK.serverDelayMs / 1000}s`, retryAfterSeconds: SOAK.serverDelayMs / 1000, hangMs: SOAK.hangMs });
				}
			});
			const { problems, late } = singleChainProblems(run);
			console.info(summary(run, late));
			expect(run.requests.length).toBe(settings.items);
			expect(faultCounts(run.requests)).toEqual(Object.fromEntries(FAULT_KINDS.map((kind) => [kind, EACH_KIND])));
			expectCommonInvariants(run);
			expect(problems).toEqual([]);
			// The hung calls were given up at the timeout, and their connections closed, long before the hang would end.
			expect(run.elapsedMs).toBeLessThan(SOAK.hangMs);
			expect(run.openAtEnd).toBe(0);
			// Every kind the route can end with was reported to the user as such.
			const reported = new Set(run.out.filter(isErrorItem).map((o) => String(o.json.errorKind)));
			const expected = new Set(FAULT_KINDS.map((kind) => n.faults[kind].kind).filter((kind) => kind !== 'ok'));
			expect([...reported].sort()).toEqual([...expected].sort());
		},
		TEST_TIMEOUT_MS,
	);
});

/**
 * A Gemini-native gateway (APIYI, a proxy) may send its 429 with a Retry-After header and no
 * RetryInfo in the body. @google/genai's ApiError keeps the body but drops the headers, so this
 * checks the header still reaches the retry policy on the Gemini path, as it does on the
 * OpenAI-style and WebUI paths (the soaks above use the fake's RetryInfo bodies).
 */
describe('Gemini API path: 429 with Retry-After only', () => {
	it('waits at least the Retry-After delay before the next attempt', async () => {
		const fake = await startFakeProvider({ apiKeys: [SECRET_KEY], seed: 7, variance: 0 });
		const arrivals: Array<{ at: number; status: number; image?: string }> = [];
		let rateLimited = 3;
		// A gateway in front of the fake: the first calls get a bare 429 with Retry-After: 2.
		const gateway = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const body = Buffer.concat(chunks);
				const at = Date.now();
				const generate = (req.url ?? '').includes(':generateContent');
				const image = generate ? lastGeminiImage(JSON.parse(body.toString('utf8'))) : undefined;
				if (generate && rateLimited > 0) {
					rateLimited--;
					arrivals.push({ at, status: 429, image });
					res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
					res.end(JSON.stringify({ error: { code: 429, message: 'Too many requests. Slow down.', status: 'RESOURCE_EXHAUSTED' } }));
					return;
				}
				const headers: Record<string, string> = {};
				for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
				void fetch(`${fake.url}${req.url ?? '/'}`, { method: req.method, headers, body: req.method === 'POST' ? body : undefined })
					.then(async (upstream) => {
						if (generate) arrivals.push({ at, status: upstream.status, image });
						res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
						res.end(Buffer.from(await upstream.arrayBuffer()));
					})
					.catch(() => res.destroy());
			});
		});
		await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
			const images = await tinyPngs(3);
			const n = NODES[0];
			const settings: SoakSettings = { ...SOAK, items: 3, variants: 1 };
			const result = await runWorkflow(workflow(n, settings, imageItems(images)), {
				credentials: { imageModelApi: { provider: 'gateway', apiKey: SECRET_KEY, baseUrl: url, apiVersion: 'v1beta' } },
			});
			expect(result.error).toBeUndefined();
			const out = result.output('Under Test');
			expect(out.map((o) => [o.pairedItem, o.json.errorKind ?? 'ok', o.json.attempts])).toEqual([
				[{ item: 0 }, 'ok', 2],
				[{ item: 1 }, 'ok', 2],
				[{ item: 2 }, 'ok', 2],
			]);
			// Each item's second attempt came at least the 2 s the gateway asked for after its 429.
			const gaps = images.map((png) => {
				const mine = arrivals.filter((a) => a.image === png.toString('base64'));
				return mine.map((a) => a.status).join(',') === '429,200' ? mine[1].at - mine[0].at : `statuses ${mine.map((a) => a.status).join(',')}`;
			});
			expect(gaps.filter((gap) => typeof gap !== 'number' || gap < 2000)).toEqual([]);
			expectNoSecret(result.run);
		} finally {
			await new Promise<void>((resolve) => gateway.close(() => resolve()));
			await fake.close();
		}
	}, 60_000);
});
