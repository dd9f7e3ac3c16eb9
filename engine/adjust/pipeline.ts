/**
 * Running an ordered list of steps on raw 8-bit pixels.
 *
 * Steps run in the order given. Per-channel tone steps (brightness, contrast, exposure, gamma,
 * temperature, tint, levels, curves) are not applied one by one: consecutive ones are composed
 * into one 256-entry table per channel, which gives exactly the same bytes as applying them in
 * turn, and the composed tables are applied while the next pass reads the pixels (or in one pass
 * at the end). Contrast needs the mean luma of the image as it is at that point; it is computed
 * through the pending tables without writing. Saturation, hue, grain, vignette and lut each make
 * one pass over the pixels; all but hue and lut are WebAssembly loops (kernels.ts).
 */
import { cubePass } from './cube';
import { gainLuts, huePass, temperatureGains, tintGains } from './colour';
import { brightnessTable, contrastTable, lumaWeightTables, pilMean, saturationPass } from './enhance';
import { grainPass } from './grain';
import { lutPass, withWorkspace, type StripPass, type Workspace } from './kernels';
import { channelLuts, curvesTable, levelsTable } from './levels';
import { composeLuts, isIdentityLuts, uniformLuts, type ChannelLuts } from './point-lut';
import { exposureTable, gammaTable } from './tone';
import type { AdjustStep } from './types';
import { vignettePass } from './vignette';
import { parseCube } from '../lut/cube-parse';

/**
 * Bytes per strip: small enough that a strip stays in the CPU cache from one pass to the next, so
 * a chain of passes reads and writes the image once.
 */
const STRIP_BYTES = 96 * 1024;
/** Strips run between two yields to the event loop (about 6 MB of pixels). */
const STRIPS_PER_YIELD = 64;

/**
 * Runs already validated steps, modifying `data` in place. Returns `data`. Consecutive pixel
 * passes (saturation, hue, grain, vignette, lut) run together strip by strip: each strip is copied
 * into a WebAssembly workspace (see kernels.ts), every pass of the group runs on it, and it is
 * copied back. Every pass works pixel by pixel (or row by row with the row's coordinates), so this
 * gives the same bytes as running them one after the other over the whole image. Contrast after a
 * pixel pass needs the mean of the whole image as that pass left it, so it ends the group. Yields
 * to the event loop every few strips so that other work (other images' decoding and encoding) is
 * not held up.
 *
 * @example const out = await runSteps(decoded, 6000, 4000, 3, validateSteps(steps));
 * @param data - the pixels, modified
 * @param width - pixels per row
 * @param height - rows
 * @param channels - 3 or 4
 * @param steps - steps returned by {@link validateSteps}
 * @param band - the rows to work on (default: all) and how to get the contrast mean
 * @returns `data`, holding the result (only the band's rows changed)
 */
export async function runSteps(
	data: Buffer,
	width: number,
	height: number,
	channels: 3 | 4,
	steps: readonly AdjustStep[],
	band: Band = wholeImage(width, height),
): Promise<Buffer> {
	return withWorkspace((ws) => runInWorkspace(ws, data, width, height, channels, steps, band));
}

/**
 * The rows one run of the steps works on (parallel.ts gives each worker thread a band of the
 * image; every step uses image-wide coordinates, so bands give the same bytes as the whole), and
 * how it learns the image-wide contrast mean from the sum of the lumas of its own pixels.
 */
export interface Band {
	/** First row. */
	y0: number;
	/** Row after the last. */
	y1: number;
	/** The integer mean luma of the whole image, given the sum over the band's pixels. */
	mean(sum: number): number | Promise<number>;
}

/**
 * The whole image as one band.
 *
 * @example runSteps(data, w, h, 3, steps, wholeImage(w, h));
 */
export function wholeImage(width: number, height: number): Band {
	return { y0: 0, y1: height, mean: (sum) => pilMean(sum, width * height) };
}

async function runInWorkspace(
	ws: Workspace,
	data: Buffer,
	width: number,
	height: number,
	channels: 3 | 4,
	steps: readonly AdjustStep[],
	band: Band,
): Promise<Buffer> {
	let pending: ChannelLuts | null = null;
	const fuse = (luts: ChannelLuts): void => {
		pending = composeLuts(pending, luts);
	};
	/** The tables to fold into the next pass, or null when there are none (or they change nothing). */
	const take = (): ChannelLuts | null => {
		const p: ChannelLuts | null = pending;
		pending = null;
		return p && !isIdentityLuts(p) ? p : null;
	};
	const strips = new StripRunner(ws, data, width, channels, band);
	const group: StripPass[] = [];
	/** A pass written in JavaScript, on a view of the strip; pending tables are applied first. */
	const viewPass = (pass: (view: Uint8Array) => void, pre: ChannelLuts | null): void => {
		if (pre) group.push(lutPass(ws, channels, pre));
		group.push((at, pixels) => pass(ws.bytes().subarray(at, at + pixels * channels)));
	};
	const flush = async (): Promise<void> => {
		if (group.length > 0) await strips.run(group, true);
		group.length = 0;
	};

	for (const step of steps) {
		switch (step.op) {
			case 'brightness':
				fuse(uniformLuts(brightnessTable(step.factor)));
				break;
			case 'contrast': {
				await flush();
				const mean = await band.mean(await lumaSum(ws, strips, channels, pending));
				fuse(uniformLuts(contrastTable(step.factor, mean)));
				break;
			}
			case 'exposure':
				fuse(uniformLuts(exposureTable(step.stops)));
				break;
			case 'gamma':
				fuse(uniformLuts(gammaTable(step.value)));
				break;
			case 'temperature':
				fuse(gainLuts(temperatureGains(step.percent)));
				break;
			case 'tint':
				fuse(gainLuts(tintGains(step.percent)));
				break;
			case 'levels':
				fuse(
					channelLuts(
						levelsTable({
							blackPoint: step.blackPoint ?? 0,
							whitePoint: step.whitePoint ?? 255,
							gamma: step.gamma ?? 1,
							outputBlack: step.outputBlack ?? 0,
							outputWhite: step.outputWhite ?? 255,
						}),
						step.channel ?? 'master',
					),
				);
				break;
			case 'curves':
				fuse(channelLuts(curvesTable(step.points), step.channel ?? 'master'));
				break;
			case 'saturation':
				group.push(saturationPass(ws, channels, step.factor, take()));
				break;
			case 'hue':
				// The hue tables fold the pending tables in themselves.
				viewPass(huePass(channels, step.degrees, take()), null);
				break;
			case 'grain':
				group.push(
					grainPass(
						ws,
						width,
						channels,
						{ strength: step.strength, size: step.size ?? 1, seed: step.seed ?? 0, monochrome: step.monochrome ?? true },
						take(),
					),
				);
				break;
			case 'vignette':
				group.push(
					vignettePass(ws, width, height, channels, { strength: step.strength, radius: step.radius ?? 1, softness: step.softness ?? 0.5 }, take()),
				);
				break;
			case 'lut': {
				const pre = take();
				viewPass(
					cubePass(channels, {
						lut: typeof step.cube === 'string' || Buffer.isBuffer(step.cube) ? parseCube(step.cube) : step.cube,
						strength: step.strength ?? 1,
						interpolation: step.interpolation ?? 'tetrahedral',
					}),
					pre,
				);
				break;
			}
		}
	}
	const rest = take();
	if (rest) group.push(lutPass(ws, channels, rest));
	await flush();
	return data;
}

/**
 * The sum of PIL's `convert('L')` lumas over the band, the pixels as they are after the pending
 * tables `pre` (if any), without modifying them: what `ImageEnhance.Contrast`'s mean is made of.
 */
async function lumaSum(ws: Workspace, strips: StripRunner, channels: 3 | 4, pre: ChannelLuts | null): Promise<number> {
	const weights = lumaWeightTables(pre);
	const lr = ws.put(weights.r);
	const lg = ws.put(weights.g);
	const lb = ws.put(weights.b);
	let sum = 0;
	await strips.run([(at, pixels) => (sum += ws.k.luma_sum(at, pixels, channels, lr, lg, lb))], false);
	return sum;
}

/**
 * Copies the band's rows through the workspace strip by strip (rows whole, about
 * {@link STRIP_BYTES} each), runs passes on each strip, and (when writing) copies it back.
 */
class StripRunner {
	private readonly rowBytes: number;
	private readonly stripRows: number;
	private readonly at: number;

	constructor(
		private readonly ws: Workspace,
		private readonly data: Buffer,
		private readonly width: number,
		channels: 3 | 4,
		private readonly band: Band,
	) {
		this.rowBytes = width * channels;
		this.stripRows = Math.max(1, Math.floor(STRIP_BYTES / this.rowBytes));
		this.at = ws.alloc(this.stripRows * this.rowBytes);
	}

	/** Runs the passes strip by strip, top to bottom, yielding every {@link STRIPS_PER_YIELD} strips. */
	async run(passes: readonly StripPass[], write: boolean): Promise<void> {
		const { ws, data, width, rowBytes, stripRows, at } = this;
		const { y0: first, y1: end } = this.band;
		let count = 0;
		for (let y0 = first; y0 < end; y0 += stripRows) {
			const y1 = Math.min(end, y0 + stripRows);
			const from = y0 * rowBytes;
			const to = y1 * rowBytes;
			ws.bytes().set(data.subarray(from, to), at);
			for (const pass of passes) pass(at, (y1 - y0) * width, y0, y1);
			if (write) data.set(ws.bytes().subarray(at, at + to - from), from);
			if (++count % STRIPS_PER_YIELD === 0 && y1 < end) await yieldToEventLoop();
		}
	}
}

function yieldToEventLoop(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
