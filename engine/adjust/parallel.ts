/**
 * Running the steps on several threads. The pixels are copied into shared memory and split into
 * bands of rows, one per worker thread (pass-worker.ts); each band runs the same steps with
 * image-wide coordinates (grain draws, vignette distances), so the bytes are exactly those of one
 * thread. A contrast step needs the mean luma of the whole image: every band sends the sum over
 * its pixels, and the mean goes back to all of them.
 *
 * Why: the pixel loops are the slowest part of an adjustment (a six-step chain on a 24 MP photo
 * is ~0.4 s of CPU against ~0.3 s for decoding and encoding) and would otherwise all run on the one
 * JavaScript thread n8n has, leaving the other cores to libvips alone.
 *
 * The threads start on first use (one per core, at most {@link MAX_THREADS}), never keep the
 * process alive, and stop after {@link IDLE_MS} without work. They do not use sharp, so stopping
 * them is always safe. Small images, chains of tone steps only, and the engine run from its
 * TypeScript sources (tests) use the calling thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseCube } from '../lut/cube-parse';
import { pilMean } from './enhance';
import type { FromWorker, ToWorker } from './pass-worker';
import { runSteps } from './pipeline';
import type { AdjustStep } from './types';

/** The compiled worker script (absent when the engine runs from its TypeScript sources). */
const WORKER_FILE = join(__dirname, 'pass-worker.js');
/** Below this many pixels, handing the image over costs more than the threads save. */
const MIN_PARALLEL_PIXELS = 1_000_000;
/**
 * Steps that make a pass of their own over the pixels. Chains of tone steps only (one table per
 * channel, and contrast's mean) cost less than copying the image to the threads and back.
 */
const PIXEL_PASSES: ReadonlySet<AdjustStep['op']> = new Set(['saturation', 'hue', 'grain', 'vignette', 'lut']);
/** Fewest rows per band. */
const MIN_BAND_ROWS = 64;
/** Most threads, whatever the core count (the loops are limited by memory beyond that). */
const MAX_THREADS = 4;
/** Threads and spare shared buffers are let go after this long without work. */
const IDLE_MS = 20_000;
/** Shared buffers kept for reuse (mapping fresh memory costs 60-250 ms per 72 MB on VMs); larger ones are not kept. */
const MAX_SPARE = 2;
const MAX_SPARE_BYTES = 256 * 1024 * 1024;

/**
 * Runs validated steps on several threads when the image is large enough, else on this one.
 * Same contract and same bytes as {@link runSteps}: `data` is modified and returned.
 *
 * @example const out = await runStepsInParallel(decoded, 6000, 4000, 3, validateSteps(steps));
 * @param data - the pixels, modified
 * @param width - pixels per row
 * @param height - rows
 * @param channels - 3 or 4
 * @param steps - steps returned by validateSteps
 * @returns `data`, holding the result
 */
export async function runStepsInParallel(
	data: Buffer,
	width: number,
	height: number,
	channels: 3 | 4,
	steps: readonly AdjustStep[],
): Promise<Buffer> {
	const count = Math.min(MAX_THREADS, availableParallelism(), Math.floor(height / MIN_BAND_ROWS));
	if (width * height < MIN_PARALLEL_PIXELS || count < 2 || !steps.some((s) => PIXEL_PASSES.has(s.op)) || !existsSync(WORKER_FILE)) {
		return runSteps(data, width, height, channels, steps);
	}
	running++;
	clearTimeout(idleTimer);
	const shared = takeShared(data.length);
	try {
		Buffer.from(shared, 0, data.length).set(data);
		await runBands(threadsFor(count), { shared, bytes: data.length, width, height, channels, steps: cloneable(steps) });
		data.set(Buffer.from(shared, 0, data.length));
		return data;
	} finally {
		if (spare.length < MAX_SPARE && shared.byteLength <= MAX_SPARE_BYTES) spare.push(shared);
		if (--running === 0) idleTimer = setTimeout(stopPassThreads, IDLE_MS).unref();
	}
}

/**
 * Stops the threads and lets the spare buffers go (they start again on the next run).
 *
 * @example afterAll(stopPassThreads);
 */
export async function stopPassThreads(): Promise<void> {
	spare.length = 0;
	const stopping = threads.map((t) => t.worker.terminate());
	threads = [];
	await Promise.all(stopping);
}

/**
 * Worker threads running now (0 before the first large image and after they were let go).
 *
 * @example passThreadCount(); // 2 on a 2-core machine during a batch
 */
export function passThreadCount(): number {
	return threads.length;
}

interface Image {
	shared: SharedArrayBuffer;
	bytes: number;
	width: number;
	height: number;
	channels: 3 | 4;
	steps: AdjustStep[];
}

/** One band's messages: its luma sums, and its end (null when done). */
interface Job {
	onSum(sum: number): void;
	settle(error: Error | null): void;
}

/** A worker thread and the bands it is running. */
class PassThread {
	readonly worker: Worker;
	readonly jobs = new Map<number, Job>();

	constructor() {
		this.worker = new Worker(WORKER_FILE);
		this.worker.unref();
		this.worker.on('message', (m: FromWorker) => {
			const job = this.jobs.get(m.id);
			if (!job) return;
			if (m.type === 'sum') return job.onSum(m.sum);
			this.jobs.delete(m.id);
			job.settle(m.type === 'done' ? null : new Error(`Adjusting the pixels failed: ${m.message}`));
		});
		this.worker.on('error', (error) => this.gone(error));
		this.worker.on('exit', (code) => this.gone(new Error(`Adjusting the pixels failed: the worker thread stopped (exit code ${code})`)));
	}

	post(message: ToWorker): void {
		this.worker.postMessage(message);
	}

	/** The thread died: its bands fail, and it is not used again. */
	private gone(error: Error): void {
		threads = threads.filter((t) => t !== this);
		const jobs = [...this.jobs.values()];
		this.jobs.clear();
		for (const job of jobs) job.settle(error);
	}
}

let threads: PassThread[] = [];
let running = 0;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
const spare: SharedArrayBuffer[] = [];

function threadsFor(count: number): PassThread[] {
	while (threads.length < count) threads.push(new PassThread());
	return threads.slice(0, count);
}

/** A spare shared buffer of at least `bytes`, or a new one. */
function takeShared(bytes: number): SharedArrayBuffer {
	const i = spare.findIndex((s) => s.byteLength >= bytes);
	return i >= 0 ? spare.splice(i, 1)[0] : new SharedArrayBuffer(bytes);
}

/** Steps as they can cross to a thread: `.cube` text and files parsed here, once. */
function cloneable(steps: readonly AdjustStep[]): AdjustStep[] {
	return steps.map((s) => (s.op === 'lut' && (typeof s.cube === 'string' || Buffer.isBuffer(s.cube)) ? { ...s, cube: parseCube(s.cube) } : s));
}

/**
 * Runs the image's bands, one per thread, answering the contrast-mean rounds. Settles only when
 * every band has (so the shared buffer is free again); if one fails, the others are told to stop.
 */
async function runBands(bandThreads: PassThread[], image: Image): Promise<void> {
	const { width, height } = image;
	const n = bandThreads.length;
	const rows = Math.ceil(height / n);
	const ids = bandThreads.map(() => nextId++);
	const rounds: Array<{ total: number; count: number }> = [];
	const roundOf = new Array<number>(n).fill(0);
	let failed = false;
	const bands = bandThreads.map(
		(thread, b) =>
			new Promise<Error | null>((settleBand) => {
				thread.jobs.set(ids[b], {
					onSum: (sum) => {
						const round = (rounds[roundOf[b]++] ??= { total: 0, count: 0 });
						round.total += sum;
						if (++round.count < n) return;
						const mean = pilMean(round.total, width * height);
						bandThreads.forEach((t, k) => t.post({ type: 'mean', id: ids[k], mean }));
					},
					settle: (error) => {
						if (error && !failed) {
							failed = true;
							bandThreads.forEach((t, k) => k !== b && t.post({ type: 'abort', id: ids[k] }));
						}
						settleBand(error);
					},
				});
				const y0 = b * rows;
				thread.post({ type: 'run', id: ids[b], pixels: image.shared, bytes: image.bytes, width, height, channels: image.channels, steps: image.steps, y0, y1: Math.min(height, y0 + rows) });
			}),
	);
	const error = (await Promise.all(bands)).find((e) => e !== null);
	if (error) throw error;
}
