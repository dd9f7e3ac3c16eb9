/**
 * Documentation screenshots from REAL n8n (2.41.1 by default), headless Chromium and this package
 * installed the way n8n's community installer installs it. See docs/screenshots/README.md.
 *
 * Run from the repository root (Node 24 from node_modules, like every npm script):
 *
 *   npx tsc -p docs/screenshots/tsconfig.json \
 *   && node_modules/.bin/node node_modules/.cache/consistent-image-edit/screenshots/capture.js [options]
 *
 * Options: --out <dir> (default docs/images), --only <word,...> (images whose file name contains a
 * word), --build (always `npm run build` first; by default only when dist/ is older than the
 * sources), --no-build, --keep (keep the temporary n8n folder and print where it is).
 * Environment: N8N_E2E_CACHE / N8N_E2E_VERSION (the n8n install of .ci/e2e/install-n8n.sh, default
 * ~/.cache/n8n-e2e/2.41.1), CHROMIUM_PATH (default /usr/bin/chromium).
 *
 * What it does:
 * 1. builds the package if dist/ is stale, `npm pack`s it and installs the tarball into a temporary
 *    N8N_USER_FOLDER exactly as .ci/e2e-n8n.sh does (n8n 2.41 CommunityPackagesService);
 * 2. starts `n8n start` on a free loopback port (telemetry, version notifications, templates and
 *    personalization off, N8N_SECURE_COOKIE=false, Local File Trigger allowed as examples/README says);
 * 3. creates the owner (POST /rest/owner/setup), logs in (POST /rest/login, cookie n8n-auth),
 *    creates placeholder credentials for every node that needs one (so the canvas shows no
 *    "credentials missing" warnings), imports examples/*.json and a gallery workflow holding the five
 *    nodes with realistic parameters;
 * 4. captures: the canvas of each example, the parameter panel (NDV, opened by double-clicking the
 *    node) of each node, and the dialog of a new Image Model API credential with the Provider list
 *    open, each waiting for the network to be idle and for a specific element, never a fixed sleep;
 * 5. re-encodes every PNG as a palette PNG (sharp) and stops n8n and deletes the temporary folder,
 *    also when something fails or the script is interrupted.
 */
/* eslint-disable no-console, @n8n/community-nodes/require-node-api-error -- a development script, never shipped: it reports on the console and throws plain errors */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';

const N8N_VERSION = process.env.N8N_E2E_VERSION || '2.41.1';
const VIEWPORT = { width: 1440, height: 900 };
/** The parameter panel grows the window up to this height so that every parameter is visible. */
const MAX_NDV_HEIGHT = 2600;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'];
/** n8n needs tens of seconds per page on a busy 2-core machine: generous, but never endless. */
const UI_TIMEOUT_MS = 180_000;
const OWNER = { email: 'docs@example.com', firstName: 'Docs', lastName: 'Screenshots', password: 'Screenshots2026' };
const PACKAGE_TYPE_PREFIX = 'n8n-nodes-consistent-image-edit.';

interface Options {
	out: string;
	only: string[];
	build: 'auto' | 'always' | 'never';
	keep: boolean;
}

interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

interface WorkflowFile {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
}

type Box = { x: number; y: number; width: number; height: number };

// ---------------------------------------------------------------------------------------------
// What is captured

/** Image names of the examples; an example not listed here gets `canvas-<file name>.png`. */
const CANVAS_NAMES: Record<string, string> = {
	'1-drive-upload-quantified-edit-slack.json': 'canvas-quantified-edit',
	'1-local-folder-quantified-edit-email.json': 'canvas-quantified-edit-local-folder',
	'2-approve-once-replicate-many.json': 'canvas-replicate-approved-edit',
	'3-multi-sample-contact-sheet-slack.json': 'canvas-multi-sample',
	'4-seeded-batch-sd-webui.json': 'canvas-seeded-generate',
};

/** Placeholder credentials, one per type the examples and the gallery use (never sent anywhere). */
const CREDENTIALS: Array<{ type: string; name: string; data: Record<string, unknown> }> = [
	{
		type: 'imageModelApi',
		name: 'Nano Banana Pro (Google AI Studio)',
		data: { provider: 'aiStudio', apiKey: 'placeholder-key-for-screenshots', baseUrl: 'https://generativelanguage.googleapis.com', apiVersion: '' },
	},
	{ type: 'selfHostedImageApi', name: 'Stable Diffusion WebUI (local)', data: { kind: 'sdWebui', baseUrl: 'http://127.0.0.1:7860' } },
	{ type: 'googleDriveOAuth2Api', name: 'Google Drive', data: { clientId: 'placeholder', clientSecret: 'placeholder' } },
	{ type: 'slackApi', name: 'Slack', data: { accessToken: 'placeholder' } },
	{ type: 'smtp', name: 'SMTP', data: { host: 'smtp.example.com', port: 465, secure: true, user: 'n8n@example.com', password: 'placeholder' } },
];

/** The credential type a node needs, as n8n's node descriptions say (with their default authentication). */
function credentialTypeFor(node: WorkflowNode): string | undefined {
	switch (node.type) {
		case 'n8n-nodes-base.googleDriveTrigger':
		case 'n8n-nodes-base.googleDrive':
			return 'googleDriveOAuth2Api';
		case 'n8n-nodes-base.slack':
			return 'slackApi';
		case 'n8n-nodes-base.emailSend':
			return 'smtp';
		case `${PACKAGE_TYPE_PREFIX}quantifiedEdit`:
		case `${PACKAGE_TYPE_PREFIX}referenceEdit`:
		case `${PACKAGE_TYPE_PREFIX}multiSample`:
			return 'imageModelApi';
		case `${PACKAGE_TYPE_PREFIX}seededGenerate`:
			return ['sdWebui', 'comfyui'].includes(String(node.parameters.backend)) ? 'selfHostedImageApi' : 'imageModelApi';
		default:
			return undefined;
	}
}

const MODEL = { __rl: true, mode: 'list', value: 'gemini-3-pro-image', cachedResultName: 'Nano Banana Pro (gemini-3-pro-image)' };

/** The five nodes with the parameters a user would set; one image each. */
const GALLERY: Array<{ image: string; name: string; type: string; parameters: Record<string, unknown> }> = [
	{
		image: 'node-quantified-edit',
		name: 'Quantified Edit',
		type: 'quantifiedEdit',
		parameters: {
			binaryPropertyName: 'data',
			instruction: 'slightly darker and a bit warmer',
			adjustments: { adjustment: [{ attribute: 'saturation', percent: -5 }] },
			freeText: 'Keep the white of the cup neutral',
			keep: ['composition', 'subject', 'faces'],
			model: MODEL,
			options: { imageSize: '2K', restoreInputSize: true },
		},
	},
	{
		image: 'node-reference-edit',
		name: 'Reference Edit',
		type: 'referenceEdit',
		parameters: {
			binaryPropertyName: 'data',
			referenceSource: 'firstItem',
			approvedProperty: 'approved',
			useOriginal: true,
			originalProperty: 'original',
			extraInstruction: 'Same warm evening grade as the approved photo',
			keep: ['composition', 'subject', 'faces', 'background'],
			model: MODEL,
			options: { imageSize: '2K', restoreInputSize: true },
		},
	},
	{
		image: 'node-multi-sample',
		name: 'Multi-Sample',
		type: 'multiSample',
		parameters: {
			requestType: 'quantified',
			instruction: 'slightly darker and a bit warmer',
			keep: ['composition', 'subject', 'faces'],
			model: MODEL,
			variants: 4,
			output: 'best',
			budgetType: 'usd',
			maxCostUsd: 5,
			contactSheet: true,
			options: { restoreInputSize: true, maxConcurrent: 4 },
		},
	},
	{
		image: 'node-seeded-generate',
		name: 'Seeded Generate',
		type: 'seededGenerate',
		parameters: {
			backend: 'sdWebui',
			prompt: 'studio photo of a ceramic coffee cup on a walnut table, soft window light, 50 mm',
			negativePrompt: 'blurry, text, watermark, deformed',
			width: 1024,
			height: 1024,
			sdSteps: 30,
			cfgScale: 6,
			sampler: 'DPM++ 2M',
			seedMode: 'perItem',
			seed: 20251125,
			verifyReproducibility: true,
			options: {},
		},
	},
	{
		image: 'node-deterministic-adjust',
		name: 'Deterministic Adjust',
		type: 'deterministicAdjust',
		parameters: {
			operation: 'adjust',
			binaryPropertyName: 'data',
			stepsSource: 'ui',
			steps: {
				step: [
					{ op: 'brightness', factor: 0.9 },
					{ op: 'temperature', percent: 8 },
					{ op: 'vignette', vignetteStrength: 20, radius: 1, softness: 0.5 },
				],
			},
			options: { format: 'jpeg', quality: 92, keepMetadata: true },
		},
	},
];

const CREDENTIAL_IMAGE = 'credential-image-model-api';

function galleryWorkflow(): WorkflowFile {
	const id = (n: number) => `5c4e3d2a-0000-4000-8000-${String(n).padStart(12, '0')}`;
	const nodes: WorkflowNode[] = [
		{ id: id(1), name: 'Run', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: id(2),
			name: 'Read Photos',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			position: [220, 0],
			parameters: { fileSelector: '/home/node/.n8n-files/to-edit/*.{jpg,jpeg,png}', options: {} },
		},
		...GALLERY.map((g, i): WorkflowNode => ({
			id: id(10 + i),
			name: g.name,
			type: PACKAGE_TYPE_PREFIX + g.type,
			typeVersion: 1,
			position: [480, (i - 2) * 200],
			parameters: g.parameters,
		})),
	];
	const connections = {
		Run: { main: [[{ node: 'Read Photos', type: 'main', index: 0 }]] },
		'Read Photos': { main: [GALLERY.map((g) => ({ node: g.name, type: 'main', index: 0 }))] },
	};
	return { name: 'Consistent Image Edit: the five nodes (documentation screenshots)', nodes, connections, settings: { executionOrder: 'v1' } };
}

// ---------------------------------------------------------------------------------------------
// Repository, pre-flight checks, build, install

function findRepo(): string {
	for (let dir = __dirname; ; dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'n8n-nodes-consistent-image-edit') return dir;
		if (dirname(dir) === dir) throw new Error('Run this script from inside the n8n-nodes-consistent-image-edit repository.');
	}
}

function parseArgs(argv: string[], repo: string): Options {
	const options: Options = { out: join(repo, 'docs', 'images'), only: [], build: 'auto', keep: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--out') options.out = resolve(argv[++i] ?? '');
		else if (arg === '--only') options.only = (argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
		else if (arg === '--build') options.build = 'always';
		else if (arg === '--no-build') options.build = 'never';
		else if (arg === '--keep') options.keep = true;
		else throw new Error(`Unknown option ${arg}. Options: --out <dir>, --only <word,...>, --build, --no-build, --keep`);
	}
	return options;
}

interface Tools {
	n8nBin: string;
	chromium: string;
}

/** Everything that must exist before anything starts, each with the way to get it. */
function preflight(repo: string): Tools {
	const problems: string[] = [];
	const major = Number(process.versions.node.split('.')[0]);
	if (major < 24) problems.push(`n8n ${N8N_VERSION} needs Node 24; this is Node ${process.versions.node}. Run with node_modules/.bin/node (npm run node24 installs it).`);
	const cache = process.env.N8N_E2E_CACHE || join(homedir(), '.cache', 'n8n-e2e', N8N_VERSION);
	const n8nBin = join(cache, 'node_modules', 'n8n', 'bin', 'n8n');
	const installed = join(cache, '.installed');
	if (!existsSync(n8nBin) || !existsSync(installed) || readFileSync(installed, 'utf8').trim() !== N8N_VERSION) {
		problems.push(`n8n ${N8N_VERSION} is not installed in ${cache}. Install it once (about 7 minutes, 2.7 GB) with:\n    .ci/e2e/install-n8n.sh ${cache} ${repo}\n  (npm run e2e does the same), or point N8N_E2E_CACHE at an existing install.`);
	}
	const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
	if (!existsSync(chromium)) problems.push(`Chromium not found at ${chromium}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
	if (problems.length) throw new Error(`Cannot take screenshots:\n- ${problems.join('\n- ')}`);
	return { n8nBin, chromium };
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((e) => e.isFile())
		.map((e) => join(e.parentPath, e.name))
		.filter(keep);
}

/**
 * dist/ is stale when a TypeScript source is newer than the oldest compiled file (tsc rewrites
 * them all), or an icon/codex file is missing or newer in dist/ (gulp copies it with its mtime).
 */
function distIsStale(repo: string): string | undefined {
	const sources = ['credentials', 'nodes', 'engine'].flatMap((d) => filesUnder(join(repo, d), (f) => /\.(ts|svg|png|json)$/.test(f) && !/\.test\.ts$/.test(f)));
	const compiled = filesUnder(join(repo, 'dist'), (f) => f.endsWith('.js'));
	if (!compiled.length) return 'dist/ is missing';
	const oldest = Math.min(...compiled.map((f) => statSync(f).mtimeMs));
	for (const source of sources) {
		const rel = relative(repo, source);
		if (source.endsWith('.ts')) {
			if (statSync(source).mtimeMs > oldest) return `${rel} is newer than dist/`;
		} else if (!rel.startsWith('engine')) {
			// Whole seconds: gulp stores the mtime with less precision than the source has.
			const copy = join(repo, 'dist', rel);
			const seconds = (file: string) => Math.floor(statSync(file).mtimeMs / 1000);
			if (!existsSync(copy) || seconds(copy) < seconds(source)) return `dist/${rel} is missing or older than ${rel}`;
		}
	}
	return undefined;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
	try {
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- development script: npm and tar, fixed arguments
		return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		const e = error as { stdout?: string; stderr?: string; message: string };
		throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stderr || e.stdout || e.message}`);
	}
}

/**
 * Packs the package and installs the tarball into <userFolder>/.n8n/nodes the way n8n 2.41's
 * community installer does (same steps as .ci/e2e-n8n.sh): unpack, drop dev/peer/optional
 * dependencies from package.json, `npm install --install-strategy=shallow --ignore-scripts`.
 */
function installPackage(repo: string, work: string, userFolder: string, env: NodeJS.ProcessEnv): void {
	const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
	const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], repo, env).trim().split('\n').pop() as string;
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const pkgDir = join(nodesDir, 'node_modules', manifest.name);
	mkdirSync(pkgDir, { recursive: true });
	run('tar', ['-xzf', join(work, tarball), '-C', pkgDir, '--strip-components=1'], repo, env);
	const file = join(pkgDir, 'package.json');
	const installed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
	for (const key of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete installed[key];
	writeFileSync(file, JSON.stringify(installed, null, 2));
	run('npm', ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--loglevel=error'], pkgDir, env);
	writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [manifest.name]: manifest.version } }, null, 2));
}

function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// n8n

interface N8n {
	url: string;
	child: ChildProcess;
	log: string;
}

/** Spawns `n8n start`; `waitForN8n` waits until it serves. Two steps, so that cleanup knows the process at once. */
function launchN8n(n8nBin: string, userFolder: string, log: string, env: NodeJS.ProcessEnv, port: number, brokerPort: number): N8n {
	const out = openSync(log, 'a');
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- development script: `n8n start`, fixed arguments
	const child = spawn(process.execPath, [n8nBin, 'start'], {
		// Its own process group: stopping it also stops its task runner.
		detached: true,
		stdio: ['ignore', out, out],
		env: {
			...env,
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_ENCRYPTION_KEY: `screenshots-${process.pid}-${Date.now()}`,
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			// Allow Local File Trigger (example 1, local folder) and keep Execute Command off, as examples/README.md says.
			NODES_EXCLUDE: '["n8n-nodes-base.executeCommand"]',
		},
	});
	closeSync(out);
	return { url: `http://127.0.0.1:${port}`, child, log };
}

async function waitForN8n({ url, child, log }: N8n): Promise<void> {
	const started = Date.now();
	while (Date.now() - started < 300_000) {
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) while starting:\n${tail(log)}`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await sleep(1000);
	}
	throw new Error(`n8n did not become ready within 5 minutes:\n${tail(log)}`);
}

/** SIGTERM to n8n's process group, SIGKILL after 15 s; then SIGKILL to what is left of the group (its task runner). */
async function stopN8n(n8n: N8n | undefined): Promise<void> {
	const pid = n8n?.child.pid;
	if (!n8n || !pid) return;
	const signal = (name: NodeJS.Signals) => {
		try {
			process.kill(-pid, name);
		} catch {
			// already gone
		}
	};
	if (n8n.child.exitCode === null && n8n.child.signalCode === null) {
		const exited = new Promise<void>((done) => n8n.child.once('exit', () => done()));
		signal('SIGTERM');
		if (!(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]))) {
			signal('SIGKILL');
			await Promise.race([exited, sleep(5_000)]);
		}
	}
	signal('SIGKILL');
}

function tail(file: string, lines = 40): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** REST calls with the browser context's cookie jar (the n8n-auth cookie set by /rest/login). */
async function rest<T>(context: BrowserContext, method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
	const response = await context.request.fetch(`/rest${path}`, { method, data, timeout: 120_000 });
	const text = await response.text();
	if (!response.ok()) throw new Error(`${method} /rest${path}: HTTP ${response.status()} ${text.slice(0, 500)}`);
	return (JSON.parse(text) as { data: T }).data;
}

// ---------------------------------------------------------------------------------------------
// Browser: waiting for the UI to settle

/** Counts the page's requests in flight (n8n's push connection excluded). */
function trackNetwork(page: Page): () => number {
	const inFlight = new Set<unknown>();
	const ignore = (url: string) => url.includes('/rest/push');
	page.on('request', (r) => {
		if (!ignore(r.url())) inFlight.add(r);
	});
	page.on('requestfinished', (r) => inFlight.delete(r));
	page.on('requestfailed', (r) => inFlight.delete(r));
	return () => inFlight.size;
}

const pending = new WeakMap<Page, () => number>();

/** Waits until no request has been in flight for 500 ms, fonts are loaded and animations have ended. */
async function settle(page: Page): Promise<void> {
	const inFlight = pending.get(page);
	const started = Date.now();
	let quietSince = Date.now();
	while (inFlight && Date.now() - started < 60_000) {
		if (inFlight() > 0) quietSince = Date.now();
		else if (Date.now() - quietSince >= 500) break;
		await sleep(100);
	}
	await page.evaluate(async () => {
		await document.fonts.ready;
		const finite = document.getAnimations().filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)));
		await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => undefined))), new Promise((done) => setTimeout(done, 5000))]);
		await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
	});
}

/** Closes toasts and any modal n8n may open on its own (surveys, "what's new", banners). */
async function dismissPopups(page: Page, keep?: string): Promise<void> {
	const closed = await page.evaluate((keepSelector) => {
		const names: string[] = [];
		const visible = (el: Element) => {
			const r = el.getBoundingClientRect();
			return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
		};
		for (const toast of document.querySelectorAll('.el-notification')) {
			if (!visible(toast)) continue;
			names.push(`toast "${(toast.textContent ?? '').trim().slice(0, 60)}"`);
			(toast.querySelector('.el-notification__closeBtn') as HTMLElement | null)?.click();
		}
		for (const modal of document.querySelectorAll('.el-overlay, [role="dialog"]')) {
			if (!visible(modal) || (keepSelector && (modal.matches(keepSelector) || modal.querySelector(keepSelector)))) continue;
			if (modal.closest('[data-test-id="ndv"]')) continue;
			const close = modal.querySelector<HTMLElement>('.el-dialog__headerbtn, [data-test-id$="close-button"], button[aria-label="Close"]');
			if (!close) continue;
			names.push(`modal ${modal.querySelector('[data-test-id]')?.getAttribute('data-test-id') ?? modal.className}`);
			close.click();
		}
		for (const button of document.querySelectorAll<HTMLElement>('[data-test-id="banner-stack"] [data-test-id$="-close"], [data-test-id="banner-stack"] [data-test-id="banner-close"]')) {
			names.push('banner');
			button.click();
		}
		return names;
	}, keep);
	if (closed.length) {
		console.log(`  dismissed: ${closed.join(', ')}`);
		await settle(page);
	}
}

async function openPage(page: Page, path: string, selector: string, keep?: string): Promise<void> {
	await page.goto(path, { waitUntil: 'networkidle', timeout: UI_TIMEOUT_MS });
	if (new URL(page.url()).pathname.startsWith('/signin')) throw new Error(`n8n shows its sign-in page instead of ${path}: the login cookie was not accepted.`);
	await page.waitForSelector(selector, { state: 'visible', timeout: UI_TIMEOUT_MS });
	await settle(page);
	await dismissPopups(page, keep);
}

// ---------------------------------------------------------------------------------------------
// Captures

/** Hides whatever floats over `clip` (canvas buttons, tabs, the execute button) but the canvas itself. */
async function hideOverlays(page: Page, clip: Box): Promise<void> {
	await page.evaluate((c) => {
		const wrapper = document.querySelector('[data-test-id="canvas-wrapper"]');
		for (const el of document.querySelectorAll<HTMLElement>('body *')) {
			const style = getComputedStyle(el);
			if (style.position !== 'absolute' && style.position !== 'fixed') continue;
			if (el.closest('.vue-flow__viewport') || el.contains(wrapper)) continue;
			const r = el.getBoundingClientRect();
			if (!r.width || !r.height || r.right <= c.x || r.left >= c.x + c.width || r.bottom <= c.y || r.top >= c.y + c.height) continue;
			if (wrapper?.contains(el) && r.width >= c.width && r.height >= c.height) continue; // a layer of the canvas
			el.style.visibility = 'hidden';
		}
	}, clip);
}

async function captureCanvas(page: Page, workflowId: string, nodeCount: number): Promise<Buffer> {
	await openPage(page, `/workflow/${workflowId}`, '.vue-flow__node');
	await page.waitForFunction((n) => document.querySelectorAll('.vue-flow__node').length >= n, nodeCount, { timeout: UI_TIMEOUT_MS });
	await page.click('[data-test-id="zoom-to-fit"]');
	await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2);
	await settle(page);
	const issues = await page.$$eval('[data-test-id="node-issues"]', (els) => els.filter((e) => e.getBoundingClientRect().width > 0).map((e) => e.closest('[data-node-name]')?.getAttribute('data-node-name') ?? e.closest('.vue-flow__node')?.getAttribute('data-id') ?? '?'));
	if (issues.length) console.log(`  warning: nodes with issues on the canvas: ${issues.join(', ')}`);
	const clip = await page.evaluate(() => {
		// The "+" after the last node invites a click in the editor; in a picture it is noise.
		for (const plus of document.querySelectorAll<HTMLElement>('[data-test-id="canvas-handle-plus-wrapper"]')) plus.style.visibility = 'hidden';
		const wrapper = (document.querySelector('[data-test-id="canvas-wrapper"]') as HTMLElement).getBoundingClientRect();
		let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
		// What is drawn: node and sticky boxes, icons, labels; not wrappers that are wider than
		// what they show (the trigger's bolt) nor what only shows on hover.
		const drawn = (el: Element) => el.matches('.vue-flow__node') || el instanceof SVGSVGElement || [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
		for (const el of document.querySelectorAll('.vue-flow__node, .vue-flow__node *')) {
			if (!drawn(el) || el.closest('[data-test-id="canvas-node-toolbar"]') || !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
			const r = el.getBoundingClientRect();
			if (!r.width || !r.height) continue;
			left = Math.min(left, r.left); top = Math.min(top, r.top); right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
		}
		const pad = 28;
		const x = Math.max(wrapper.left, Math.floor(left - pad));
		const y = Math.max(wrapper.top, Math.floor(top - pad));
		return { x, y, width: Math.min(wrapper.right, Math.ceil(right + pad)) - x, height: Math.min(wrapper.bottom, Math.ceil(bottom + pad)) - y };
	});
	await hideOverlays(page, clip);
	return await page.screenshot({ clip });
}

interface NdvLayout {
	header: Box;
	title: Box;
	column: Box;
	contentBottom: number;
	overflow: number;
}

async function ndvLayout(page: Page): Promise<NdvLayout> {
	return await page.evaluate(() => {
		const box = (el: Element) => {
			const r = el.getBoundingClientRect();
			return { x: r.x, y: r.y, width: r.width, height: r.height };
		};
		const ndv = document.querySelector('[data-test-id="ndv"]') as HTMLElement;
		const params = ndv.querySelector('[data-test-id="node-parameters"]') as HTMLElement;
		// The parameter column is the child of the NDV's <main> that holds the parameters.
		let column: HTMLElement = params;
		while (column.parentElement && column.parentElement.tagName !== 'MAIN') column = column.parentElement;
		let contentBottom = box(params).y;
		for (const el of params.querySelectorAll('[data-test-id="parameter-item"], [data-test-id="node-credentials-slot"], [data-test-id="collection-parameter-add"], [data-test-id="fixed-collection-add"]')) {
			const r = el.getBoundingClientRect();
			if (r.width && r.height) contentBottom = Math.max(contentBottom, r.bottom);
		}
		return {
			header: box(ndv.querySelector('header') as HTMLElement),
			title: box(ndv.querySelector('[data-test-id="node-title-container"]') as HTMLElement),
			column: box(column),
			contentBottom,
			overflow: params.scrollHeight - params.clientHeight,
		};
	});
}

/**
 * The parameter panel of a node, opened by double-clicking it on the canvas: the window grows
 * until every parameter is visible, and the node's icon and name (far left in the NDV header)
 * are put into the header strip above the parameter column.
 */
async function captureNdv(page: Page, nodeId: string): Promise<Buffer> {
	await page.setViewportSize(VIEWPORT);
	await settle(page);
	await page.dblclick(`.vue-flow__node[data-id="${nodeId}"]`);
	await page.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id="parameter-item"]', { state: 'visible', timeout: UI_TIMEOUT_MS });
	await settle(page);
	await dismissPopups(page, '[data-test-id="ndv"]');
	let layout = await ndvLayout(page);
	if (layout.overflow > 0) {
		await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(MAX_NDV_HEIGHT, VIEWPORT.height + layout.overflow + 40) });
		await settle(page);
		layout = await ndvLayout(page);
		if (layout.overflow > 0) console.log(`  warning: ${layout.overflow} px of parameters below the fold even at ${MAX_NDV_HEIGHT} px`);
	}
	await page.mouse.move(2, 2);
	await settle(page);
	const shot = await page.screenshot();
	const { header, title, column } = layout;
	const region = { left: Math.round(column.x), top: Math.round(header.y), width: Math.round(column.width), height: Math.round(layout.contentBottom + 24 - header.y) };
	const titleRegion = { left: Math.round(header.x), top: Math.round(header.y), width: Math.min(region.width, Math.round(title.x + title.width + 16 - header.x)), height: Math.round(header.height) };
	const titleStrip = await sharp(shot).extract(titleRegion).png().toBuffer();
	const panel = await sharp(shot).extract(region).composite([{ input: titleStrip, left: 0, top: 0 }]).png().toBuffer();
	await page.click('[data-test-id="ndv-close-button"]');
	await page.waitForSelector('[data-test-id="ndv"]', { state: 'hidden', timeout: UI_TIMEOUT_MS });
	await page.setViewportSize(VIEWPORT);
	return panel;
}

/**
 * The dialog of a new Image Model API credential (Credentials → Create credential → Image Model
 * API → Continue) with the Provider list open. A new one, because n8n tests a saved credential
 * when its dialog opens, and offline that test fails with a red "Couldn't connect" banner.
 */
async function captureCredential(page: Page, displayName: string): Promise<Buffer> {
	await openPage(page, '/home/credentials/create', '[data-test-id="new-credential-type-select"] input', '[data-test-id="selectCredential-modal"]');
	await page.fill('[data-test-id="new-credential-type-select"] input', displayName);
	await page.getByRole('option', { name: displayName, exact: true }).click();
	await page.click('[data-test-id="new-credential-type-button"]');
	const modal = '[data-test-id="editCredential-modal"]';
	await page.waitForSelector(`${modal} [data-test-id="parameter-input-provider"]`, { state: 'visible', timeout: UI_TIMEOUT_MS });
	await settle(page);
	await dismissPopups(page, modal);
	await page.click(`${modal} [data-test-id="parameter-input-provider"]`);
	const list = page.locator('.el-select-dropdown:visible').first();
	await list.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
	await page.mouse.move(2, 2);
	await settle(page);
	const dialog = await page.evaluate((selector) => {
		const el = document.querySelector(selector) as HTMLElement;
		const target = (el.classList.contains('el-dialog') ? el : el.querySelector('.el-dialog') ?? el.closest('.el-dialog') ?? el) as HTMLElement;
		const r = target.getBoundingClientRect();
		return { x: r.x, y: r.y, width: r.width, height: r.height };
	}, modal);
	const popper = await list.evaluate((el) => {
		const r = (el.closest('.el-popper') ?? el).getBoundingClientRect();
		return { x: r.x, y: r.y, width: r.width, height: r.height };
	});
	const left = Math.floor(Math.min(dialog.x, popper.x));
	const top = Math.floor(Math.min(dialog.y, popper.y));
	const right = Math.ceil(Math.max(dialog.x + dialog.width, popper.x + popper.width));
	const bottom = Math.ceil(Math.max(dialog.y + dialog.height, popper.y + popper.height));
	return await page.screenshot({ clip: { x: left, y: top, width: right - left, height: bottom - top } });
}

/** Palette PNG (UI screenshots have few colours): a third of the size, no visible loss. */
async function writePng(file: string, png: Buffer): Promise<void> {
	const out = await sharp(png).png({ palette: true, quality: 95, effort: 10, compressionLevel: 9 }).toBuffer();
	writeFileSync(file, out);
	const meta = await sharp(out).metadata();
	console.log(`  ${relative(process.cwd(), file)}: ${meta.width}x${meta.height}, ${Math.round(out.length / 1024)} KB`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const t0 = Date.now();
	const repo = findRepo();
	const options = parseArgs(process.argv.slice(2), repo);
	const tools = preflight(repo);
	const wanted = (image: string) => !options.only.length || options.only.some((w) => image.includes(w));
	const step = (text: string) => console.log(`[screenshots ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] ${text}`);
	// Node 24 first on PATH for npm (as .ci/e2e-n8n.sh does).
	const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
	for (const name of ['GOOGLE_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL', 'GOOGLE_VERTEX_BASE_URL', 'N8N_USER_FOLDER']) delete env[name];

	const stale = options.build === 'always' ? 'asked for' : options.build === 'auto' ? distIsStale(repo) : undefined;
	if (stale) {
		step(`npm run build (${stale})`);
		run('npm', ['run', '-s', 'build'], repo, env);
	}

	const work = mkdtempSync(join(tmpdir(), 'n8n-screenshots-'));
	let n8n: N8n | undefined;
	let browser: Browser | undefined;
	let cleaned = false;
	const cleanup = async () => {
		if (cleaned) return;
		cleaned = true;
		await Promise.all([browser?.close().catch(() => undefined), stopN8n(n8n)]);
		if (options.keep) console.log(`kept ${work}`);
		else rmSync(work, { recursive: true, force: true });
	};
	const interrupted = (signal: NodeJS.Signals) => {
		console.error(`\n${signal}: stopping n8n and removing ${work}`);
		void cleanup().finally(() => process.exit(130));
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, interrupted);

	try {
		const userFolder = join(work, 'home');
		step(`installing the package into ${userFolder} as n8n's community installer does`);
		installPackage(repo, work, userFolder, env);

		step(`starting n8n ${N8N_VERSION}`);
		const [port, brokerPort] = [await freePort(), await freePort()];
		n8n = launchN8n(tools.n8nBin, userFolder, join(work, 'n8n.log'), env, port, brokerPort);
		await waitForN8n(n8n);
		step(`n8n ready at ${n8n.url}`);

		// Signals are ours: Playwright's own handlers would exit before n8n is stopped.
		browser = await chromium.launch({ executablePath: tools.chromium, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
		const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, baseURL: n8n.url, locale: 'en-US', colorScheme: 'light', reducedMotion: 'reduce' });
		await rest(context, 'POST', '/owner/setup', OWNER);
		await rest(context, 'POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		const types = await (await context.request.get('/types/nodes.json')).json() as Array<{ name: string }>;
		const ours = GALLERY.filter((g) => !types.some((t) => t.name === PACKAGE_TYPE_PREFIX + g.type)).map((g) => g.type);
		if (ours.length) throw new Error(`n8n did not load these nodes of the package: ${ours.join(', ')}\n${tail(n8n.log)}`);

		const credentials = new Map<string, { id: string; name: string }>();
		for (const c of CREDENTIALS) {
			const created = await rest<{ id: string; name: string }>(context, 'POST', '/credentials', c);
			credentials.set(c.type, { id: created.id, name: created.name });
		}
		const withCredentials = (workflow: WorkflowFile): WorkflowFile => ({
			...workflow,
			nodes: workflow.nodes.map((node) => {
				const type = credentialTypeFor(node);
				const credential = type ? credentials.get(type) : undefined;
				return credential && !node.credentials ? { ...node, credentials: { [type as string]: credential } } : node;
			}),
		});
		const importWorkflow = async (workflow: WorkflowFile) => {
			const { name, nodes, connections, settings, pinData } = withCredentials(workflow);
			return (await rest<{ id: string }>(context, 'POST', '/workflows', { name, nodes, connections, settings, pinData })).id;
		};
		const examples = readdirSync(join(repo, 'examples')).filter((f) => f.endsWith('.json')).sort();
		const imported: Array<{ image: string; id: string; nodes: number }> = [];
		for (const file of examples) {
			const workflow = JSON.parse(readFileSync(join(repo, 'examples', file), 'utf8')) as WorkflowFile;
			imported.push({ image: CANVAS_NAMES[file] ?? `canvas-${basename(file, '.json')}`, id: await importWorkflow(workflow), nodes: workflow.nodes.length });
		}
		const gallery = galleryWorkflow();
		const galleryId = await importWorkflow(gallery);
		step(`owner, ${credentials.size} placeholder credentials, ${examples.length} examples and the node gallery in place`);

		mkdirSync(options.out, { recursive: true });
		const page = await context.newPage();
		pending.set(page, trackNetwork(page));
		page.on('pageerror', (error) => console.log(`  page error: ${error.message.split('\n')[0]}`));
		const written: string[] = [];
		const save = async (image: string, png: Buffer) => {
			const file = join(options.out, `${image}.png`);
			await writePng(file, png);
			written.push(file);
		};

		for (const example of imported.filter((e) => wanted(e.image))) {
			step(`canvas: ${example.image}`);
			await save(example.image, await captureCanvas(page, example.id, example.nodes));
		}
		const nodes = GALLERY.filter((g) => wanted(g.image));
		if (nodes.length) {
			await openPage(page, `/workflow/${galleryId}`, '.vue-flow__node');
			for (const g of nodes) {
				step(`parameters: ${g.image}`);
				const node = gallery.nodes.find((n) => n.name === g.name) as WorkflowNode;
				await save(g.image, await captureNdv(page, node.id));
			}
		}
		if (wanted(CREDENTIAL_IMAGE)) {
			step(`credential: ${CREDENTIAL_IMAGE}`);
			await save(CREDENTIAL_IMAGE, await captureCredential(page, 'Image Model API'));
		}
		step(`done: ${written.length} images in ${relative(process.cwd(), options.out) || '.'}`);
	} catch (error) {
		if (n8n && !options.keep) console.error(`n8n log (last lines):\n${tail(n8n.log)}`);
		throw error;
	} finally {
		await cleanup();
	}
}

main().catch((error: unknown) => {
	console.error(`\nscreenshots failed: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
});
