/**
 * Checks what one real-n8n run of the example workflows produced (.ci/e2e-n8n.sh): the execution
 * JSON n8n printed (`n8n execute --rawOutput`) and the files the workflows wrote, and, given an
 * earlier run in another binary data mode, that the deterministic results are bit-identical.
 *
 *   node check-outputs.js <work dir> <mode> [<earlier mode>]
 *
 * Reads <work>/files/input/*.png and large.jpg, <work>/files/pair/, <work>/files/output-<mode>/ and
 * <work>/runs/<mode>/<key>.json. Prints one line per check; exits 1 if any failed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { runSteps } from '../../engine/adjust/pipeline';
import { validateSteps } from '../../engine/adjust/validate-steps';
import { decodeRgb } from '../../engine/image/input';

interface Item {
	json: Record<string, any>;
	binary?: Record<string, { fileName?: string; mimeType?: string }>;
}

let failed = 0;
let passed = 0;
function check(ok: boolean, what: string, detail = ''): void {
	if (ok) passed++;
	else failed++;
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
}

/**
 * The IRun JSON in `n8n execute --rawOutput` output. n8n prints log lines before it and, racing
 * with its task runner, sometimes after it ("Registered runner ..."): the pretty-printed object
 * runs from a line "{" to the next line "}" at column 0.
 */
export function parseExecution(text: string): Record<string, any> {
	const start = text.search(/^\{$/m);
	if (start < 0) throw new Error('no execution JSON in the output');
	const end = text.slice(start).search(/^\}$/m);
	if (end < 0) throw new Error('the execution JSON in the output is not complete');
	return JSON.parse(text.slice(start, start + end + 1)) as Record<string, any>;
}

function nodeOutput(run: Record<string, any>, node: string): Item[] {
	const runs = run.data?.resultData?.runData?.[node] as Array<{ data?: { main?: Item[][] } }> | undefined;
	return runs?.at(-1)?.data?.main?.[0] ?? [];
}

async function image(file: string): Promise<{ width: number; height: number; format: string } | undefined> {
	try {
		const m = await sharp(file).metadata();
		await sharp(file).raw().toBuffer(); // decodes every pixel
		return { width: m.width, height: m.height, format: m.format };
	} catch {
		return undefined;
	}
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function meanAbsDiff(a: string, b: string): Promise<number> {
	const [x, y] = await Promise.all([a, b].map((f) => sharp(f).removeAlpha().raw().toBuffer()));
	if (x.length !== y.length) return Infinity;
	let sum = 0;
	for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
	return sum / x.length;
}

async function channelMeans(file: string): Promise<number[]> {
	return (await sharp(file).stats()).channels.slice(0, 3).map((c) => c.mean);
}

async function main(): Promise<void> {
	const [workDir, mode, earlier] = process.argv.slice(2);
	if (!mode) throw new Error('usage: check-outputs <work dir> <mode> [<earlier mode>]');
	const files = path.join(workDir, 'files');
	const out = path.join(files, `output-${mode}`);
	const before = earlier ? path.join(files, `output-${earlier}`) : undefined;
	const runsDir = path.join(workDir, 'runs', mode);
	const inputs = readdirSync(path.join(files, 'input')).filter((f) => f.endsWith('.png')).sort();
	const inputSize = new Map<string, { width: number; height: number }>();
	for (const f of inputs) inputSize.set(f.replace(/\.png$/, ''), (await image(path.join(files, 'input', f)))!);
	const run = (key: string) => {
		const file = path.join(runsDir, `${key}.json`);
		return existsSync(file) ? parseExecution(readFileSync(file, 'utf8')) : undefined;
	};
	const sameAsEarlier = (rel: string) => {
		if (!before) return;
		const [a, b] = [path.join(before, rel), path.join(out, rel)];
		check(existsSync(a) && existsSync(b) && sha(a) === sha(b), `${rel} is bit-identical to the ${earlier} run`);
	};
	const expectImage = async (rel: string, size: { width: number; height: number }) => {
		const info = await image(path.join(out, rel));
		check(info !== undefined && info.width === size.width && info.height === size.height, `${rel} decodes, ${size.width}x${size.height}`, info ? `${info.format} ${info.width}x${info.height}` : 'missing or not an image');
	};

	console.log(`checks for the ${mode} run:`);
	// Binary data really went through the mode under test (ids 'filesystem-v2:...' / 'database:...').
	const ids = readdirSync(runsDir)
		.filter((f) => f.endsWith('.json'))
		.flatMap((f) => [...readFileSync(path.join(runsDir, f), 'utf8').matchAll(/"id": "([a-z0-9-]+):/g)].map((m) => m[1]));
	check(ids.length > 0 && ids.every((id) => id.startsWith(mode)), `binary data stored in ${mode} mode`, `${ids.length} binaries: ${[...new Set(ids)].join(', ')}`);
	const quantified = run('quantified-edit');
	if (quantified) {
		const items = nodeOutput(quantified, 'Quantified Edit');
		check(!quantified.data.resultData.error && items.length === inputs.length, 'Quantified Edit: one result per image', `${items.length} items`);
		for (const item of items) {
			const j = item.json;
			check(j.effect?.brightnessPercent < 0 && j.effect?.warmthPercent > 0 && j.cost?.usd > 0, `Quantified Edit ${item.binary?.data?.fileName}: measured darker and warmer, priced`, `brightness ${j.effect?.brightnessPercent} %, warmth ${j.effect?.warmthPercent} %, $${j.cost?.usd}`);
		}
		for (const [stem, size] of inputSize) await expectImage(`1-quantified-edit/${stem}-edited.png`, size);
	}

	const replicate = run('replicate-approved-edit');
	if (replicate) {
		const items = nodeOutput(replicate, 'Replicate Approved Edit');
		check(!replicate.data.resultData.error && items.length === inputs.length && items.every((i) => i.json.applied === true), 'Replicate Approved Edit: learned once, applied to every image', `${items.length} items, verdict ${items[0]?.json.learned?.verdict}`);
		for (const [stem, size] of inputSize) {
			await expectImage(`2-replicate/${stem}-replicated.png`, size);
			sameAsEarlier(`2-replicate/${stem}-replicated.png`);
		}
		const cube = path.join(out, '2-replicate', 'learned-look.cube');
		check(existsSync(cube) && /^LUT_3D_SIZE \d+$/m.test(readFileSync(cube, 'utf8')), '2-replicate/learned-look.cube is a 3D .cube LUT');
		sameAsEarlier('2-replicate/learned-look.cube');
		// The learned edit replayed on the pair's own original must give back the approved colours.
		// (Not its exact pixels: the model's result was resampled to 1K and back, which a LUT cannot redo.)
		const replayed = path.join(out, '2-replicate', 'coffee-replicated.png');
		if (existsSync(replayed)) {
			const [approved, original] = [path.join(files, 'pair', 'approved.png'), path.join(files, 'pair', 'original.png')];
			const approvedMeans = await channelMeans(approved);
			const meanGap = Math.max(...(await channelMeans(replayed)).map((m, c) => Math.abs(m - approvedMeans[c])));
			check(meanGap < 0.5, 'coffee-replicated.png has the approved AI edit\'s colours', `largest channel mean gap ${meanGap.toFixed(2)} of 255; pixels differ by ${(await meanAbsDiff(replayed, approved)).toFixed(2)} on average, the original by ${(await meanAbsDiff(original, approved)).toFixed(2)}`);
		}
	}

	const multi = run('multi-sample');
	if (multi) {
		const items = nodeOutput(multi, 'Multi-Sample');
		check(!multi.data.resultData.error && items.length === inputs.length && items.every((i) => i.json.rank === 1), 'Multi-Sample: best variant of each image', `${items.length} items`);
		for (const item of items) {
			const name = item.binary?.data?.fileName ?? '?';
			const stem = name.replace(/-variant-\d+\.png$/, '');
			await expectImage(`3-multi-sample/${name}`, inputSize.get(stem) ?? { width: -1, height: -1 });
			const sheet = item.binary?.contactSheet?.fileName ?? '?';
			const info = await image(path.join(out, '3-multi-sample', sheet));
			check(info !== undefined, `3-multi-sample/${sheet} decodes`, info ? `${info.width}x${info.height}` : 'missing');
		}
	}

	const seeded = run('seeded-batch-sd-webui');
	if (seeded) {
		const items = nodeOutput(seeded, 'Seeded Generate');
		check(!seeded.data.resultData.error && items.length === inputs.length, 'Seeded Generate: one image per input', `${items.length} items`);
		for (const item of items) {
			const j = item.json;
			check(j.seedHonoured === 'exact' && j.reproducibility?.reproducible === true && j.reproducibility?.maxAbsDiff === 0, `Seeded Generate seed ${j.seed}: reproducible`, `maxAbsDiff ${j.reproducibility?.maxAbsDiff}`);
			const name = item.binary?.data?.fileName ?? '?';
			await expectImage(`4-seeded/${name}`, { width: 512, height: 512 });
			sameAsEarlier(`4-seeded/${name}`);
		}
	}

	const adjusted = run('adjust-large');
	if (adjusted) {
		const items = nodeOutput(adjusted, 'Deterministic Adjust');
		check(!adjusted.data.resultData.error && items.length === 1, 'Deterministic Adjust: the 3 MP photo adjusted', `${items.length} items`);
		const rel = '5-adjust/large-adjusted.png';
		await expectImage(rel, { width: 2000, height: 1500 });
		sameAsEarlier(rel);
		// In n8n the steps ran on worker threads (the image is above their threshold); here they run
		// on this one thread, from the TypeScript engine. The pixels must be the same.
		const workflow = JSON.parse(readFileSync(path.join(workDir, 'workflows', '5-adjust-large.json'), 'utf8')) as { nodes: Array<{ name: string; parameters: Record<string, string> }> };
		const steps = validateSteps(JSON.parse(workflow.nodes.find((n) => n.name === 'Deterministic Adjust')!.parameters.stepsJson));
		const input = await decodeRgb(readFileSync(path.join(files, 'input', 'large.jpg')));
		const expected = await runSteps(input.data, input.width, input.height, input.channels, steps);
		const written = existsSync(path.join(out, rel)) ? await sharp(path.join(out, rel)).raw().toBuffer() : Buffer.alloc(0);
		check(written.equals(expected), `${rel} has the pixels of the same steps run on one thread`);
	}

	console.log(`checks: ${passed} ok, ${failed} failed`);
	if (failed || passed === 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
