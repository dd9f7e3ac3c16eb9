/**
 * Steps on several threads (engine/adjust/parallel.ts) give the bytes of one thread. The worker
 * threads run compiled JavaScript, so this suite uses the built package in dist/ (`npm test` builds
 * it first); from the TypeScript sources the engine always runs on one thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { AdjustStep } from '../../engine/adjust';
import { PHOTOS, SIX_STEPS } from './helpers';

const DIST = join(__dirname, '..', '..', 'dist', 'engine', 'adjust');

type Runner = (data: Buffer, width: number, height: number, channels: 3 | 4, steps: readonly AdjustStep[]) => Promise<Buffer>;
interface Built {
	runStepsInParallel: Runner;
	stopPassThreads: () => Promise<void>;
	passThreadCount: () => number;
	runSteps: Runner;
	validateSteps: (steps: unknown) => AdjustStep[];
}

function built(): Built {
	if (!existsSync(join(DIST, 'pass-worker.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this suite');
	/* eslint-disable @typescript-eslint/no-require-imports -- the compiled package, loaded at run time */
	return {
		...(require(join(DIST, 'parallel')) as Pick<Built, 'runStepsInParallel' | 'stopPassThreads' | 'passThreadCount'>),
		...(require(join(DIST, 'pipeline')) as Pick<Built, 'runSteps'>),
		...(require(join(DIST, 'validate-steps')) as Pick<Built, 'validateSteps'>),
	};
	/* eslint-enable @typescript-eslint/no-require-imports */
}

const CUBE = ['LUT_3D_SIZE 2', '0 0 0.1', '1 0 0', '0 0.9 0', '1 1 0', '0 0 1', '1 0 1', '0 1 1', '1 1 0.95'].join('\n');

const CHAINS: Record<string, AdjustStep[]> = {
	'six steps and a second contrast': [...SIX_STEPS, { op: 'contrast', factor: 0.8 }],
	'colour and coarse grain, hue, vignette': [
		{ op: 'grain', strength: 40, size: 3, seed: 11, monochrome: false },
		{ op: 'hue', degrees: 25 },
		{ op: 'grain', strength: 30, seed: 4_000_000_000, monochrome: false },
		{ op: 'vignette', strength: -50, radius: 0.8, softness: 1 },
	],
	'.cube given as a file (Buffer) and as text': [
		{ op: 'levels', blackPoint: 12, whitePoint: 240 },
		{ op: 'lut', cube: Buffer.from(CUBE), strength: 0.7 },
		{ op: 'saturation', factor: 0.6 },
		{ op: 'lut', cube: CUBE, interpolation: 'trilinear' },
	],
};

let engine: Built;
let photo: { data: Buffer; width: number; height: number };
let photoAlpha: Buffer;
beforeAll(async () => {
	engine = built();
	// 1500 x 1001 (1.5 MP, above the threshold for threads; an odd row count splits unevenly).
	const base = sharp(PHOTOS[2]).resize(1500, 1001, { fit: 'fill' });
	const { data, info } = await base.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
	photo = { data, width: info.width, height: info.height };
	photoAlpha = await base.clone().ensureAlpha(0.4).raw().toBuffer();
});
afterAll(async () => {
	await engine?.stopPassThreads();
});

describe.each([3, 4] as const)('%p channels: threads give the bytes of one thread', (channels) => {
	test.each(Object.keys(CHAINS))('%s', async (name) => {
		const pixels = channels === 3 ? photo.data : photoAlpha;
		const steps = engine.validateSteps(CHAINS[name]);
		const one = await engine.runSteps(Buffer.from(pixels), photo.width, photo.height, channels, steps);
		const many = await engine.runStepsInParallel(Buffer.from(pixels), photo.width, photo.height, channels, steps);
		expect(one.equals(pixels)).toBe(false);
		expect(many.equals(one)).toBe(true);
		// The threads really ran (this machine kind has 2 cores; one thread per core, at most 4).
		expect(engine.passThreadCount()).toBe(Math.min(4, availableParallelism()));
	});
});

test('runs of different chains at the same time do not affect each other', async () => {
	const names = Object.keys(CHAINS);
	const steps = names.map((name) => engine.validateSteps(CHAINS[name]));
	const expected = await Promise.all(steps.map((s) => engine.runSteps(Buffer.from(photo.data), photo.width, photo.height, 3, s)));
	const together = await Promise.all([...steps, ...steps].map((s) => engine.runStepsInParallel(Buffer.from(photo.data), photo.width, photo.height, 3, s)));
	together.forEach((out, i) => expect(out.equals(expected[i % names.length])).toBe(true));
});

test('a failing band fails the run with the cause; the next run works, also after the threads were stopped', async () => {
	// Unvalidated steps reach the threads here: a LUT with too few values fails in every band.
	const broken = [{ op: 'contrast', factor: 1.2 }, { op: 'lut', cube: { lut3d: { size: 2, data: new Float32Array(3), domainMin: [0, 0, 0], domainMax: [1, 1, 1] } } }] as AdjustStep[];
	await expect(engine.runStepsInParallel(Buffer.from(photo.data), photo.width, photo.height, 3, broken)).rejects.toThrow(/Adjusting the pixels failed: .*lut/i);
	const steps = engine.validateSteps(CHAINS['six steps and a second contrast']);
	const one = await engine.runSteps(Buffer.from(photo.data), photo.width, photo.height, 3, steps);
	expect((await engine.runStepsInParallel(Buffer.from(photo.data), photo.width, photo.height, 3, steps)).equals(one)).toBe(true);
	await engine.stopPassThreads();
	expect(engine.passThreadCount()).toBe(0);
	expect((await engine.runStepsInParallel(Buffer.from(photo.data), photo.width, photo.height, 3, steps)).equals(one)).toBe(true);
});

test('chains of tone steps only, and images under 1 MP, stay on the calling thread', async () => {
	await engine.stopPassThreads();
	const tones = engine.validateSteps([{ op: 'exposure', stops: 0.4 }, { op: 'contrast', factor: 1.3 }, { op: 'levels', blackPoint: 9 }]);
	const one = await engine.runSteps(Buffer.from(photo.data), photo.width, photo.height, 3, tones);
	expect((await engine.runStepsInParallel(Buffer.from(photo.data), photo.width, photo.height, 3, tones)).equals(one)).toBe(true);
	const small = photo.data.subarray(0, photo.width * 600 * 3);
	const steps = engine.validateSteps(CHAINS['six steps and a second contrast']);
	const smallOne = await engine.runSteps(Buffer.from(small), photo.width, 600, 3, steps);
	expect((await engine.runStepsInParallel(Buffer.from(small), photo.width, 600, 3, steps)).equals(smallOne)).toBe(true);
	expect(engine.passThreadCount()).toBe(0);
});
