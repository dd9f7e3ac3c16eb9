/**
 * Throughput of the Deterministic Adjust engine on 24 MP photos, measured in one run against
 * (a) PIL (bench/pil-brightness.py: open, ImageEnhance.Brightness(0.85), save quality 90),
 * (b) sharp decode + encode alone (JPEG q90, optimiseCoding off: the floor for any sharp pipeline),
 * (b') sharp decode to a raw buffer, then encode from it, nothing in between: the floor for any
 *     pipeline that works on the pixels outside libvips (the engine's steps run between the two),
 * (c) the engine with brightness 0.85 (JPEG q90),
 * (d) the engine with a six-step chain (JPEG q90),
 * and checks that (c) produces exactly PIL's pixels before encoding.
 *
 * Run from the repository root (Node 24 from node_modules; the engine is TypeScript, so it is
 * compiled into the git-ignored bench/.cache first; passing a file to tsc ignores tsconfig.json):
 *
 *   npx tsc --outDir bench/.cache/adjust-build --rootDir . --module commonjs --target es2022 \
 *     --moduleResolution node --esModuleInterop --skipLibCheck --strict --types node bench/adjust-throughput.ts \
 *   && node_modules/.bin/node bench/.cache/adjust-build/bench/adjust-throughput.js [--images 6] [--concurrency 3] [--rounds 2]
 *
 * Batch throughput: the images are processed by a pool of `--concurrency` jobs (default 3); sharp
 * decodes and encodes on libuv threads while JavaScript runs the pixel passes, so images overlap.
 * Each figure is the best of `--rounds` rounds (default 2). PIL runs one process, one image after
 * the other (the script as people write it), and, for reference, with one process per core.
 *
 * Test photos: the three photos in test/fixtures/photos, each enlarged to 6000 x 4000 (lanczos3,
 * mirrored for the second three), with seeded sensor-like noise added so that the JPEG has the
 * entropy of a camera file (about 5 MB at q90), cached in bench/.cache.
 *
 * Fresh memory: every path that hands pixels to JavaScript needs one 72 MB raw buffer per 24 MP
 * image, newly mapped by the allocator (sharp allocates it; it cannot be reused), and libvips
 * cannot stream through it: (b') shows what that costs before any step runs. The benchmark also
 * prints what touching 72 MB of fresh memory costs on the machine: 60-70 ms on one 2-core VM of
 * this project's CI kind, ~250 ms on another (vs ~20 ms on typical hardware); it weighs on the
 * raw path and PIL alike. Running Node and Python with GLIBC_TUNABLES=glibc.malloc.hugetlb=1
 * (glibc >= 2.35: transparent huge pages for large allocations) removes most of it; try both:
 *
 *   GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node_modules/.bin/node bench/.cache/adjust-build/bench/adjust-throughput.js
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { adjustImage, applyStepsToRaw, type AdjustStep } from '../engine/adjust';

const ROOT = resolve(__dirname, __dirname.includes(join('.cache', 'adjust-build')) ? '../../../..' : '..');
const CACHE = join(ROOT, 'bench', '.cache');
const PHOTO_DIR = join(ROOT, 'test', 'fixtures', 'photos');
const PIL_SCRIPT = join(ROOT, 'bench', 'pil-brightness.py');
const PYTHON = '/usr/bin/python3';
const WIDTH = 6000;
const HEIGHT = 4000;

const BRIGHTNESS: AdjustStep[] = [{ op: 'brightness', factor: 0.85 }];
const SIX_STEPS: AdjustStep[] = [
	{ op: 'exposure', stops: 0.3 },
	{ op: 'contrast', factor: 1.15 },
	{ op: 'saturation', factor: 1.2 },
	{ op: 'temperature', percent: 15 },
	{ op: 'vignette', strength: 30 },
	{ op: 'grain', strength: 20, seed: 7 },
];
const JPEG_OUT = { format: 'jpeg', quality: 90 } as const;

function option(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A 6000x4000 q90 JPEG made from a real photo plus seeded noise (mulberry32), cached. */
async function benchPhoto(index: number): Promise<string> {
	const file = join(CACHE, `photo-${WIDTH}x${HEIGHT}-${index}.jpg`);
	if (existsSync(file)) return file;
	const sources = readdirSync(PHOTO_DIR)
		.filter((f) => f.endsWith('.png'))
		.sort();
	let pipeline = sharp(join(PHOTO_DIR, sources[index % sources.length])).resize(WIDTH, HEIGHT, {
		fit: 'cover',
		kernel: 'lanczos3',
	});
	if (index >= sources.length) pipeline = pipeline.flop();
	const data = await pipeline.removeAlpha().raw().toBuffer();
	let state = (index + 1) * 7919;
	for (let i = 0; i < data.length; i += 3) {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		const u = (t ^ (t >>> 14)) >>> 0;
		// luminance noise (sum of 4 bytes, sd ~4 levels) plus a little chroma noise
		const n = (((u & 255) + ((u >>> 8) & 255) + ((u >>> 16) & 255) + (u >>> 24) - 510) / 148) * 4;
		for (let c = 0; c < 3; c++) {
			const v = data[i + c] + n + (((u >>> (c * 3)) & 7) - 3.5) * 0.6;
			data[i + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
		}
	}
	await sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
	return file;
}

/** Runs `fn` over the items with at most `concurrency` in flight; returns the wall time in seconds. */
async function pool<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<unknown>): Promise<number> {
	const started = process.hrtime.bigint();
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) {
			const i = next++;
			await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return Number(process.hrtime.bigint() - started) / 1e9;
}

function runPil(files: string[], outDir: string, processes: number, dump?: string): { total: number; times: number[] } {
	const args = [PIL_SCRIPT, '--out', outDir, '--processes', String(processes), ...(dump ? ['--dump', dump] : []), ...files];
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- benchmark: PIL is the baseline
	const out = execFileSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
	return JSON.parse(out.trim().split('\n')[0]) as { total: number; times: number[] };
}

async function main(): Promise<void> {
	const count = option('images', 6);
	const concurrency = option('concurrency', 3);
	const rounds = option('rounds', 2);
	mkdirSync(CACHE, { recursive: true });
	const pilOut = join(CACHE, 'pil-out');
	rmSync(pilOut, { recursive: true, force: true });
	mkdirSync(pilOut, { recursive: true });

	console.log(
		`Node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), ` +
			`sharp.concurrency() ${sharp.concurrency()}, ${cpus().length} CPUs, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, ` +
			`GLIBC_TUNABLES ${process.env.GLIBC_TUNABLES ?? '(unset)'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
	);
	let touch = Infinity;
	for (let k = 0; k < 3; k++) {
		const started = process.hrtime.bigint();
		Buffer.allocUnsafe(WIDTH * HEIGHT * 3).fill(k + 1);
		touch = Math.min(touch, Number(process.hrtime.bigint() - started) / 1e6);
	}
	console.log(`Writing a fresh ${((WIDTH * HEIGHT * 3) / 1e6).toFixed(0)} MB buffer takes ${touch.toFixed(0)} ms here (page faults).`);
	const files: string[] = [];
	for (let i = 0; i < count; i++) files.push(await benchPhoto(i));
	const inputs = files.map((f) => readFileSync(f));
	const mb = inputs.reduce((a, b) => a + b.length, 0) / inputs.length / 1e6;
	console.log(`${count} photos ${WIDTH}x${HEIGHT}, JPEG q90, ${mb.toFixed(1)} MB on average; batch concurrency ${concurrency}; best of ${rounds} rounds\n`);

	// Warm up JIT and sharp once (not timed).
	await adjustImage(inputs[0], SIX_STEPS, JPEG_OUT);

	// Rounds are interleaved (every measurement once per round, best of the rounds kept), so that a
	// change in the machine's load affects all of them alike.
	const decodeEncode = (input: Buffer): Promise<Buffer> => sharp(input).jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
	const rawRoundTrip = async (input: Buffer): Promise<Buffer> => {
		const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
		return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
			.jpeg({ quality: 90, optimiseCoding: false })
			.toBuffer();
	};
	const measurements: Record<string, () => Promise<number>> = {
		pilSerial: async () => runPil(files, pilOut, 1).total,
		pilParallel: async () => runPil(files, pilOut, cpus().length).total,
		floor: () => pool(inputs, concurrency, decodeEncode),
		rawTrip: () => pool(inputs, concurrency, rawRoundTrip),
		brightness: () => pool(inputs, concurrency, (input) => adjustImage(input, BRIGHTNESS, JPEG_OUT)),
		six: () => pool(inputs, concurrency, (input) => adjustImage(input, SIX_STEPS, JPEG_OUT)),
		// Single-image latency: two images, one at a time.
		floorOne: () => pool(inputs.slice(0, 2), 1, decodeEncode),
		brightnessOne: () => pool(inputs.slice(0, 2), 1, (input) => adjustImage(input, BRIGHTNESS, JPEG_OUT)),
		sixOne: () => pool(inputs.slice(0, 2), 1, (input) => adjustImage(input, SIX_STEPS, JPEG_OUT)),
	};
	const results: Record<string, number> = {};
	for (let r = 0; r < rounds; r++) {
		for (const [name, measure] of Object.entries(measurements)) {
			results[name] = Math.min(results[name] ?? Infinity, await measure());
		}
	}
	const { pilSerial, pilParallel, floor, rawTrip, brightness, six, floorOne, brightnessOne, sixOne } = results;

	const perImage = (seconds: number, n = count): string => `${((seconds / n) * 1000).toFixed(0).padStart(5)} ms/image`;
	const rate = (seconds: number, n = count): string => `${(n / seconds).toFixed(2).padStart(5)} images/s`;
	const rows: Array<[string, number, number?]> = [
		['(a) PIL brightness 0.85, 1 process', pilSerial],
		[`(a') PIL brightness 0.85, ${cpus().length} processes`, pilParallel],
		['(b) sharp decode + encode alone', floor, floorOne],
		["(b') sharp decode to raw + encode from raw", rawTrip],
		['(c) engine: brightness 0.85', brightness, brightnessOne],
		['(d) engine: six steps', six, sixOne],
	];
	console.log('Batch throughput (and single-image latency):');
	for (const [name, seconds, one] of rows) {
		console.log(`  ${name.padEnd(40)} ${perImage(seconds)}  ${rate(seconds)}${one === undefined ? '' : `   latency ${perImage(one, 2)}`}`);
	}
	console.log('\nRatios (batch throughput):');
	console.log(`  engine brightness vs PIL (1 process):      ${(pilSerial / brightness).toFixed(2)}x faster (target >= 3)`);
	console.log(`  engine brightness vs PIL (${cpus().length} processes):     ${(pilParallel / brightness).toFixed(2)}x faster`);
	console.log(`  six steps vs sharp decode+encode floor:    ${(six / floor).toFixed(2)}x the floor's time (target <= 2)`);
	console.log(`  brightness vs sharp decode+encode floor:   ${(brightness / floor).toFixed(2)}x`);
	console.log(`  raw round trip (b') vs the floor:          ${(rawTrip / floor).toFixed(2)}x (no steps yet)`);
	console.log(`  six steps vs the raw round trip (b'):      ${(six / rawTrip).toFixed(2)}x`);
	console.log(`  latency: six steps ${(sixOne / floorOne).toFixed(2)}x the floor, brightness ${(brightnessOne / floorOne).toFixed(2)}x`);

	// Exactness: PIL's pre-encode pixels of image 0 against the engine's.
	runPil(files.slice(0, 1), pilOut, 1, pilOut);
	const pilDecoded = await sharp(join(pilOut, 'pil-decoded.png')).raw().toBuffer();
	const pilEnhanced = await sharp(join(pilOut, 'pil-enhanced.png')).raw().toBuffer();
	const sharpDecoded = await sharp(inputs[0]).raw().toBuffer();
	const fromPilDecode = await applyStepsToRaw(pilDecoded, WIDTH, HEIGHT, 3, BRIGHTNESS);
	// (c) exactly as timed, written losslessly instead of as JPEG:
	const asTimed = await adjustImage(inputs[0], BRIGHTNESS, { format: 'png' });
	const fromEngine = await sharp(asTimed.data).raw().toBuffer();
	const differing = (a: Buffer, b: Buffer): number => {
		let n = 0;
		for (let i = 0; i < a.length; i += 3) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
		return n;
	};
	const decodeDiff = differing(pilDecoded, sharpDecoded);
	const exactPil = differing(fromPilDecode, pilEnhanced);
	const exactEngine = differing(fromEngine, pilEnhanced);
	console.log('\nPixels before encoding, image 0 (24,000,000 pixels):');
	console.log(`  PIL's JPEG decode vs sharp's:                           ${decodeDiff} differing pixels`);
	console.log(`  engine brightness on PIL's decode vs PIL's enhanced:    ${exactPil} differing pixels`);
	console.log(`  adjustImage (c), written as PNG, vs PIL's enhanced:     ${exactEngine} differing pixels`);
	writeFileSync(
		join(CACHE, 'last-result.json'),
		JSON.stringify({ pilSerial, pilParallel, floor, rawTrip, brightness, six, floorOne, brightnessOne, sixOne, count, concurrency, decodeDiff, exactPil, exactEngine }, null, 2),
	);
	if (exactPil !== 0 || (decodeDiff === 0 && exactEngine !== 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
