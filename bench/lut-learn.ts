/**
 * Benchmark of the LUT engine at 24 MP (6000 x 4000): learning a LUT from a before/after pair
 * (without and with decoding the files) and applying a 33^3 LUT, each next to baselines measured
 * in the same run on the same data, so the ratios hold on any machine.
 *
 * Run from the project root (Node 24 strips types, but cannot resolve the engine's extension-less
 * imports of .ts files, so compile first):
 *   npx tsc --rootDir . --outDir bench/.cache/build --module commonjs --target es2022 \
 *     --esModuleInterop --skipLibCheck --strict bench/lut-learn.ts
 *   node_modules/.bin/node bench/.cache/build/bench/lut-learn.js
 *
 * The 24 MP picture is the three fixture photos (test/fixtures/photos) scaled up side by side,
 * with deterministic noise (so neighbouring pixels differ, as in a camera file), saved as JPEG q90.
 * The "approved" file is the same picture through a warm film-look LUT, also JPEG q90.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { applyLut } from '../engine/lut/apply';
import { learnLut, learnLutFromFiles } from '../engine/lut/learn';
import { filmLookLut } from '../test/lut/helpers';

const WIDTH = 6000;
const HEIGHT = 4000;
const RUNS = 3;
/** Run from the project root. */
const PHOTOS = path.resolve('test', 'fixtures', 'photos');

async function makePicture(): Promise<Buffer> {
	const third = Math.round(WIDTH / 3);
	const tiles = await Promise.all(
		['astronaut', 'coffee', 'chelsea'].map((name, i) =>
			sharp(fs.readFileSync(path.join(PHOTOS, `${name}.png`)))
				.removeAlpha()
				.resize(i === 2 ? WIDTH - 2 * third : third, HEIGHT, { fit: 'cover' })
				.raw()
				.toBuffer(),
		),
	);
	const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
	let seed = 1;
	for (let y = 0; y < HEIGHT; y++) {
		let x0 = 0;
		tiles.forEach((tile, i) => {
			const w = i === 2 ? WIDTH - 2 * third : third;
			for (let x = 0; x < w; x++) {
				for (let c = 0; c < 3; c++) {
					seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
					const v = tile[(y * w + x) * 3 + c] + ((seed >>> 16) % 7) - 3;
					raw[(y * WIDTH + x0 + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
				}
			}
			x0 += w;
		});
	}
	return raw;
}

function encodeJpeg(raw: Buffer): Promise<Buffer> {
	return sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
		.jpeg({ quality: 90, optimiseCoding: false })
		.toBuffer();
}

async function decodeRaw(jpeg: Buffer): Promise<Buffer> {
	return sharp(jpeg).raw().toBuffer();
}

/** Best of RUNS timings in ms (the least disturbed by other work on the machine). */
async function time(run: () => unknown): Promise<number> {
	let best = Infinity;
	for (let i = 0; i < RUNS; i++) {
		const start = performance.now();
		await run();
		best = Math.min(best, performance.now() - start);
	}
	return best;
}

async function main(): Promise<void> {
	console.log(`Preparing a ${WIDTH}x${HEIGHT} pair ...`);
	const raw = await makePicture();
	const look = filmLookLut(33);
	const originalJpeg = await encodeJpeg(raw);
	const approvedJpeg = await encodeJpeg(applyLut(raw, 3, look));
	const original = { data: await decodeRaw(originalJpeg), width: WIDTH, height: HEIGHT, channels: 3 as const };
	const approved = { data: await decodeRaw(approvedJpeg), width: WIDTH, height: HEIGHT, channels: 3 as const };

	// Baselines.
	const copy = await time(() => Buffer.from(original.data));
	const onePass = await time(() => {
		let sum = 0;
		const data = original.data;
		for (let i = 0; i < data.length; i++) sum += data[i];
		return sum;
	});
	const sharpRoundTrip = await time(async () =>
		sharp(originalJpeg).jpeg({ quality: 90, optimiseCoding: false }).toBuffer(),
	);
	const decodeBoth = await time(() => Promise.all([decodeRaw(originalJpeg), decodeRaw(approvedJpeg)]));

	// The engine.
	let report = learnLut(original, approved).report;
	const learnRaw = await time(() => {
		report = learnLut(original, approved).report;
	});
	const learnFiles = await time(() => learnLutFromFiles(originalJpeg, approvedJpeg));
	const out = Buffer.alloc(original.data.length);
	const applyNew = await time(() => applyLut(original.data, 3, look));
	const applyInto = await time(() => applyLut(original.data, 3, look, { output: out }));
	const applyTrilinear = await time(() => applyLut(original.data, 3, look, { interpolation: 'trilinear', output: out }));

	const row = (label: string, ms: number) =>
		console.log(
			`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / copy).toFixed(2).padStart(6)} x copy  ${(ms / sharpRoundTrip).toFixed(2).padStart(6)} x sharp JPEG round trip`,
		);
	console.log(`\n${WIDTH}x${HEIGHT} (${((WIDTH * HEIGHT) / 1e6).toFixed(0)} MP), best of ${RUNS} runs, Node ${process.version}`);
	console.log('Baselines');
	row('copy of the raw RGB image into a new buffer', copy);
	row('one pass summing every byte', onePass);
	row('sharp decode + encode of the JPEG (q90)', sharpRoundTrip);
	row('sharp decode of both JPEGs to raw', decodeBoth);
	console.log('LUT engine');
	row('learnLut, raw pair in memory (no decode)', learnRaw);
	row('learnLutFromFiles, two JPEGs (decode to ~1 MP incl.)', learnFiles);
	row('applyLut 33^3 tetrahedral, new output buffer', applyNew);
	row('applyLut 33^3 tetrahedral, into an existing buffer', applyInto);
	row('applyLut 33^3 trilinear, into an existing buffer', applyTrilinear);
	console.log(
		`\nLearned from the JPEG pair: mean ΔE2000 ${report.meanDeltaE.toFixed(2)}, p95 ${report.p95DeltaE.toFixed(2)}, ` +
			`${(report.shareOver10 * 100).toFixed(2)} % > 10, coverage ${(report.coverage * 100).toFixed(1)} %, ${report.verdict}`,
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
