/**
 * Worker thread of parallel.ts: runs the steps on one band of rows of an image held in shared
 * memory, and asks the main thread for the image-wide contrast mean when a contrast step needs
 * it (each band sends the sum over its own pixels). Uses no sharp: only tables and the
 * WebAssembly loops, so an idle worker can be terminated at any time.
 */
import { parentPort } from 'node:worker_threads';
import { runSteps } from './pipeline';
import type { AdjustStep } from './types';

/** Main thread to worker: run a band; the answer to a `sum`; or give up (another band failed). */
export type ToWorker =
	| {
			type: 'run';
			id: number;
			pixels: SharedArrayBuffer;
			bytes: number;
			width: number;
			height: number;
			channels: 3 | 4;
			steps: AdjustStep[];
			y0: number;
			y1: number;
	  }
	| { type: 'mean'; id: number; mean: number }
	| { type: 'abort'; id: number };

/** Worker to main thread: a band's luma sum for the next contrast step, done, or failed. */
export type FromWorker = { type: 'sum'; id: number; sum: number } | { type: 'done'; id: number } | { type: 'failed'; id: number; message: string };

const port = parentPort;
const waiting = new Map<number, { resolve: (mean: number) => void; reject: (error: Error) => void }>();
const send = (message: FromWorker): void => port?.postMessage(message);

port?.on('message', (m: ToWorker) => {
	if (m.type !== 'run') {
		const wait = waiting.get(m.id);
		waiting.delete(m.id);
		if (m.type === 'mean') wait?.resolve(m.mean);
		else wait?.reject(new Error('another part of the image failed'));
		return;
	}
	const band = {
		y0: m.y0,
		y1: m.y1,
		mean: (sum: number): Promise<number> =>
			new Promise<number>((resolve, reject) => {
				waiting.set(m.id, { resolve, reject });
				send({ type: 'sum', id: m.id, sum });
			}),
	};
	runSteps(Buffer.from(m.pixels, 0, m.bytes), m.width, m.height, m.channels, m.steps, band).then(
		() => send({ type: 'done', id: m.id }),
		(error: unknown) => send({ type: 'failed', id: m.id, message: error instanceof Error ? error.message : String(error) }),
	);
});
