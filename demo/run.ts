/**
 * Offline demo: every strategy of the pack, on real photos, in real n8n executions, with no API
 * key and no network.
 *
 *   npm run demo                      # results in ./demo-output
 *   npm run demo -- --out /tmp/look   # results elsewhere
 *
 * What it does:
 * - starts the fake provider of the tests (test/fake) on 127.0.0.1: it answers like Gemini
 *   (Nano Banana Pro) and Stable Diffusion WebUI, and its "model" really edits the pictures the way
 *   the prompt says, with a 5 % spread like a real model;
 * - runs the four manual-trigger example workflows of examples/e2e through n8n-core 2.41's
 *   WorkflowExecute (the test harness, test/harness), with this package as built in dist/, on the
 *   photos of test/fixtures/photos (public domain): Quantified Edit, Approve once / replicate many
 *   (Deterministic Adjust, for real: zero calls), Multi-Sample with its contact sheets, and a seeded
 *   Stable Diffusion batch with its reproducibility check;
 * - writes the results, the contact sheets and a report (report.md, report.json: what each
 *   strategy did, the measured effect per image, and what the calls would have cost).
 *
 * n8n's own core nodes (manual trigger, read/write files, sort, merge, limit) come from
 * demo/core-nodes, small stand-ins with the same names and parameters, because n8n-nodes-base is
 * not a dependency of this repository; .ci/e2e-n8n.sh runs the same workflows in real n8n.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';
import { effectBetween, type Effect } from '../engine/analysis/effect';
import { measureImage } from '../engine/analysis/stats';
import { costOf } from '../engine/cost/prices';
import { startFakeProvider } from '../test/fake';
import { disposeHarness, runWorkflow, type WorkflowRunResult } from '../test/harness/run-workflow';
import { loadExamples, outputFolders, type LoadedExample, type PlaceholderValues } from '../test/e2e/workflows';
import { writeReports, type DemoReport, type ImageLine, type StrategyReport } from './report';

const PACKAGE = 'n8n-nodes-consistent-image-edit';
/** The repository: the demo runs compiled from node_modules/.cache, so look for our package.json. */
const REPO = findRepository(__dirname);
const PAIR_PHOTO = 'coffee';
const CORE_NODES = ['ManualTrigger', 'ReadWriteFile', 'Sort', 'Merge', 'Limit'];
const MARKER = '.demo-output';
const TITLES: Record<string, string> = {
	'quantified-edit': 'Quantified Edit',
	'replicate-approved-edit': 'Approve once, replicate many (Deterministic Adjust)',
	'multi-sample': 'Multi-Sample with auto-pick',
	'seeded-batch-sd-webui': 'Seeded batch on Stable Diffusion WebUI',
};

/** The fields of the nodes' output JSON that the report reads. */
interface Quantity {
	attribute: string;
	percent: number;
}
interface QuantifiedJson {
	prompt: string;
	model: string;
	quantities: Quantity[];
	cost: { usd: number | null };
	attempts: number;
}
interface ReplicateJson {
	learned: { lutSize: number; verdict: string; verdictText: string; meanDeltaE: number; p95DeltaE: number };
}
interface MultiSampleJson {
	model: string;
	variantIndex: number;
	quantities?: Quantity[];
	itemCostUsd: number | null;
	calls: { requested: number };
	variants: Array<{ variantIndex: number; rank: number | null; combined: number | null; fidelity: number | null; structure: number | null }>;
}
interface SeededJson {
	seed: number;
	seedHonoured: string;
	reproducibility: { reproducible: boolean; maxAbsDiff: number };
}

/** The demo talks to the terminal. */
const say = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
	const started = Date.now();
	const out = path.resolve(argument('--out') ?? 'demo-output');
	prepareOutputFolder(out);
	const values: PlaceholderValues = {
		inputDir: path.join(out, 'input'),
		pairDir: path.join(out, 'pair'),
		outputDir: out,
		imageModelApiId: 'demo-image-model-api',
		selfHostedImageApiId: 'demo-sd-webui',
	};
	mkdirSync(values.inputDir, { recursive: true });
	mkdirSync(values.pairDir, { recursive: true });
	const samples = [path.join(REPO, 'test', 'fixtures', 'photos'), path.join(REPO, 'demo', 'samples')];
	for (const dir of samples.filter((d) => existsSync(d))) {
		for (const f of readdirSync(dir).filter((name) => name.endsWith('.png'))) cpSync(path.join(dir, f), path.join(values.inputDir, f));
	}
	const inputs = readdirSync(values.inputDir).filter((f) => f.endsWith('.png')).sort();

	const { packageDirs, unregistered } = demoPackages();
	const fake = await startFakeProvider({ variance: 0.05, seed: 7 });
	const credentials = {
		imageModelApi: { provider: 'aiStudio', apiKey: 'test-key', baseUrl: fake.url },
		selfHostedImageApi: { kind: 'sdWebui', baseUrl: fake.url, user: '', password: '' },
	};
	say(`Fake provider (Gemini API and SD WebUI wire formats) on ${fake.url}; ${inputs.length} photos`);

	const strategies: StrategyReport[] = [];
	let failed = 0;
	try {
		for (const example of loadExamples(path.join(REPO, 'examples', 'e2e'), values)) {
			for (const dir of outputFolders(example.workflow)) mkdirSync(dir, { recursive: true });
			const t = Date.now();
			const result = await runWorkflow(example.workflow, { packageDirs, credentials });
			const seconds = ((Date.now() - t) / 1000).toFixed(1);
			if (result.error) {
				failed++;
				say(`  ${example.file}: FAILED after ${seconds} s: ${result.error.message}`);
				strategies.push({ key: example.key, title: TITLES[example.key] ?? example.workflow.name, workflow: `examples/e2e/${example.file}`, failed: result.error.message, images: [], calls: 0, costUsd: 0 });
				continue;
			}
			const report = await summarise(example, result, values, inputs);
			strategies.push(report);
			say(`  ${example.file}: ${report.images.length} images, ${report.calls} model calls, $${report.costUsd.toFixed(3)}, ${seconds} s`);
			if (example.key === 'quantified-edit') {
				// "Approve once": the AI edit of one photo becomes the approved pair for replicate.
				cpSync(path.join(values.inputDir, `${PAIR_PHOTO}.png`), path.join(values.pairDir, 'original.png'));
				cpSync(path.join(out, '1-quantified-edit', `${PAIR_PHOTO}-edited.png`), path.join(values.pairDir, 'approved.png'));
			}
		}
	} finally {
		await fake.close();
		disposeHarness();
		for (const dir of packageDirs.filter((d) => d.startsWith(tmpdir()))) rmSync(dir, { recursive: true, force: true });
	}

	const report: DemoReport = {
		generatedAt: new Date().toISOString(),
		durationSeconds: Math.round((Date.now() - started) / 100) / 10,
		outputFolder: out,
		inputs: inputs.map((f) => `input/${f}`),
		provider: 'fake provider from test/fake (Gemini API and Stable Diffusion WebUI wire formats, 5 % spread on the edit strength); no key, no network',
		prices: 'Google AI Studio token prices (gemini-3-pro-image: $2/M input, $120/M image output tokens) and APIYI per request ($0.09), as in engine/cost/prices.ts',
		notes: unregistered.map((n) => `${n} is built but not yet registered in package.json; the demo loads it anyway`),
		strategies,
	};
	writeReports(out, report);
	say(`\nDone in ${report.durationSeconds} s. Results, contact sheets and the report (report.md, report.json) are in:\n  ${out}`);
	if (failed) process.exitCode = 1;
}

/** Turns one run into the report's section: per image, the measured effect, calls and cost. */
async function summarise(example: LoadedExample, result: WorkflowRunResult, values: PlaceholderValues, inputs: string[]): Promise<StrategyReport> {
	const base = { key: example.key, title: TITLES[example.key] ?? example.workflow.name, workflow: `examples/e2e/${example.file}` };
	const ourNode = example.workflow.nodes.find((n) => n.type.startsWith(`${PACKAGE}.`))!;
	const items = result.output(ourNode.name);
	const rel = (p: string) => path.relative(values.outputDir, p);
	const lineFor = async (item: INodeExecutionData, i: number, folder: string): Promise<ImageLine> => {
		const input = inputs[i];
		const fileName = String(item.binary?.data?.fileName);
		const outputPath = path.join(values.outputDir, folder, fileName);
		return { input: `input/${input}`, output: rel(outputPath), measured: await measuredEffect(path.join(values.inputDir, input), outputPath) };
	};

	switch (example.key) {
		case 'quantified-edit': {
			const images = await Promise.all(
				items.map(async (item, i) => {
					const j = item.json as unknown as QuantifiedJson;
					return {
						...(await lineFor(item, i, '1-quantified-edit')),
						requested: requestedOf(j.quantities),
						costUsd: j.cost.usd ?? 0,
						costApiyiUsd: apiyi(j.model),
						attempts: j.attempts,
					};
				}),
			);
			return {
				...base,
				what: `Turned "${String(ourNode.parameters.instruction)}" into exact targets (${describeRequest(images[0]?.requested)}), called the model once per image and measured what it did.`,
				prompt: (items[0]?.json as unknown as QuantifiedJson | undefined)?.prompt,
				images,
				calls: images.length,
				costUsd: sum(images.map((x) => x.costUsd ?? 0)),
				costApiyiUsd: sum(images.map((x) => x.costApiyiUsd ?? 0)),
			};
		}
		case 'replicate-approved-edit': {
			const { learned } = items[0].json as unknown as ReplicateJson;
			const images = await Promise.all(items.map((item, i) => lineFor(item, i, '2-replicate')));
			return {
				...base,
				what: `Learned a ${String(learned.lutSize)}³ LUT from the approved pair (${PAIR_PHOTO}.png and its AI edit) once, checked that it explains the pair (${String(learned.verdictText)}), and applied it to every image: the same look, exactly, with no model call.`,
				learned: { verdict: learned.verdict, meanDeltaE2000: learned.meanDeltaE, p95DeltaE2000: learned.p95DeltaE, lut: '2-replicate/learned-look.cube' },
				images,
				calls: 0,
				costUsd: 0,
				costApiyiUsd: 0,
			};
		}
		case 'multi-sample': {
			const images = await Promise.all(
				items.map(async (item, i) => {
					const j = item.json as unknown as MultiSampleJson;
					return {
						...(await lineFor(item, i, '3-multi-sample')),
						contactSheet: `3-multi-sample/${String(item.binary?.contactSheet?.fileName)}`,
						chosen: `variant ${j.variantIndex + 1} of ${j.variants.length}`,
						scores: j.variants.map((v) => ({ variant: v.variantIndex + 1, rank: v.rank, combined: v.combined, fidelity: v.fidelity, structure: v.structure })),
						requested: requestedOf(j.quantities ?? []),
						costUsd: j.itemCostUsd ?? 0,
						costApiyiUsd: apiyi(j.model) * j.calls.requested,
						calls: j.calls.requested,
					};
				}),
			);
			return {
				...base,
				what: `Made ${String(ourNode.parameters.variants)} variants of the same request per image, scored each (effect fidelity, structure kept), kept the best and drew a contact sheet.`,
				images,
				calls: sum(images.map((x) => x.calls ?? 0)),
				costUsd: sum(images.map((x) => x.costUsd ?? 0)),
				costApiyiUsd: sum(images.map((x) => x.costApiyiUsd ?? 0)),
			};
		}
		case 'seeded-batch-sd-webui': {
			const images = await Promise.all(
				items.map(async (item, i) => {
					const j = item.json as unknown as SeededJson;
					return {
						...(await lineFor(item, i, '4-seeded')),
						seed: j.seed,
						seedHonoured: j.seedHonoured,
						reproducible: j.reproducibility.reproducible,
						maxAbsDiff: j.reproducibility.maxAbsDiff,
						calls: 2,
					};
				}),
			);
			return {
				...base,
				what: `Img2img on a self-hosted Stable Diffusion WebUI with a seed per image (base seed ${String(ourNode.parameters.seed)}), each generated twice and compared pixel by pixel: the same seed gives the same image.`,
				images,
				calls: sum(images.map((x) => x.calls ?? 0)),
				costUsd: 0,
				costNote: 'self-hosted: no per-call price',
			};
		}
		default:
			return { ...base, images: await Promise.all(items.map((item, i) => lineFor(item, i, ''))), calls: 0, costUsd: 0 };
	}
}

/** Effect of an output against its input, measured as the AI nodes measure it. */
async function measuredEffect(input: string, output: string): Promise<Effect> {
	return effectBetween(await measureImage(readFileSync(input)), await measureImage(readFileSync(output)));
}

const requestedOf = (quantities: Quantity[]) => Object.fromEntries(quantities.map((q) => [q.attribute, q.percent]));

function apiyi(model: string): number {
	return costOf({ provider: 'apiyi', model, imageCount: 1, succeeded: true }).usd ?? 0;
}

function describeRequest(requested: Record<string, number> | undefined): string {
	return Object.entries(requested ?? {})
		.map(([k, v]) => `${k} ${v > 0 ? '+' : ''}${v} %`)
		.join(', ');
}

const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 1e6) / 1e6;

/**
 * The package as n8n would load it from dist/ (package.json plus a link to dist/, so the harness
 * cannot pick up the TypeScript sources), and the core-node stand-ins. Nodes built in dist/ but not
 * yet listed in package.json are added, and named in the report.
 */
function demoPackages(): { packageDirs: string[]; unregistered: string[] } {
	const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	if (!manifest.n8n.nodes.every((f) => existsSync(path.join(REPO, f)))) throw new Error('dist/ is missing or stale: run `npm run build` first');
	const built = readdirSync(path.join(REPO, 'dist', 'nodes'))
		.map((d) => `dist/nodes/${d}/${d}.node.js`)
		.filter((f) => existsSync(path.join(REPO, f)));
	const unregistered = built.filter((f) => !manifest.n8n.nodes.includes(f));
	const pkg = mkdtempSync(path.join(tmpdir(), 'demo-package-'));
	writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ ...manifest, n8n: { ...manifest.n8n, nodes: [...manifest.n8n.nodes, ...unregistered] } }));
	symlinkSync(path.join(REPO, 'dist'), path.join(pkg, 'dist'), 'dir');

	const core = path.join(__dirname, 'core-nodes');
	writeFileSync(
		path.join(core, 'package.json'),
		JSON.stringify({ name: 'n8n-nodes-base', version: '0.0.0-demo-stand-in', private: true, n8n: { n8nNodesApiVersion: 1, nodes: CORE_NODES.map((n) => `${n}.node.js`) } }),
	);
	return { packageDirs: [pkg, core], unregistered: unregistered.map((f) => path.basename(f, '.node.js')) };
}

/** Creates the output folder, or empties one a previous demo run made (marked with .demo-output). */
function prepareOutputFolder(out: string): void {
	if (existsSync(out)) {
		const entries = readdirSync(out);
		if (entries.length && !entries.includes(MARKER)) {
			throw new Error(`${out} exists and was not made by the demo; choose another folder with --out`);
		}
		rmSync(out, { recursive: true, force: true });
	}
	mkdirSync(out, { recursive: true });
	writeFileSync(path.join(out, MARKER), 'Made by `npm run demo`; the next run empties this folder.\n');
}

function findRepository(start: string): string {
	for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		const file = path.join(dir, 'package.json');
		if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === PACKAGE) return dir;
	}
	throw new Error(`Cannot find the ${PACKAGE} repository above ${start}`);
}

function argument(name: string): string | undefined {
	const i = process.argv.indexOf(name);
	return i > 0 ? process.argv[i + 1] : undefined;
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
