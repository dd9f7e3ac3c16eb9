/**
 * Running an ordered list of steps on raw 8-bit pixels.
 *
 * Steps run in the order given. Per-channel tone steps (brightness, contrast, exposure, gamma,
 * temperature, tint, levels, curves) are not applied one by one: consecutive ones are composed
 * into one 256-entry table per channel, which gives exactly the same bytes as applying them in
 * turn, and the composed tables are applied while the next pass reads the pixels (or in one pass
 * at the end). Contrast needs the mean luma of the image as it is at that point; it is computed
 * through the pending tables without writing. Saturation, hue, grain, vignette and lut each make
 * one pass over the pixels.
 */
import { invalidParameterError, is } from '../core/validate';
import { applyCubeStep } from './cube';
import { applyHue, gainLuts, temperatureGains, tintGains } from './colour';
import { applySaturation, brightnessTable, contrastTable, pilContrastMean } from './enhance';
import { applyGrain } from './grain';
import { channelLuts, curvesTable, levelsTable } from './levels';
import { applyChannelLuts, composeLuts, isIdentityLuts, uniformLuts, type ChannelLuts } from './point-lut';
import { exposureTable, gammaTable } from './tone';
import type { AdjustStep } from './types';
import { validateSteps } from './validate-steps';
import { applyVignette } from './vignette';
import { parseCube } from '../lut/cube-parse';

/**
 * Applies the steps, in order, to raw interleaved 8-bit pixels and returns the result in a new
 * buffer (the input is not modified). Alpha (the 4th channel) is never changed. Used by
 * {@link adjustImage} and by other strategies that already hold decoded pixels.
 *
 * @example
 * const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
 * const out = await applyStepsToRaw(data, info.width, info.height, 3, [
 * 	{ op: 'exposure', stops: 0.5 },
 * 	{ op: 'contrast', factor: 1.2 },
 * ]);
 * @param raw - `width * height * channels` bytes, row by row, R G B (A)
 * @param width - pixels per row
 * @param height - rows
 * @param channels - 3 (RGB) or 4 (RGBA)
 * @param steps - the steps; checked with {@link validateSteps}
 * @returns the adjusted pixels, same size and layout
 * @throws {EngineError} kind 'invalidInput' for bad steps or a buffer of the wrong size
 */
export async function applyStepsToRaw(
	raw: Buffer,
	width: number,
	height: number,
	channels: 3 | 4,
	steps: AdjustStep[],
): Promise<Buffer> {
	checkRaw(raw, width, height, channels);
	const valid = validateSteps(steps);
	return runSteps(Buffer.from(raw), width, height, channels, valid);
}

function checkRaw(raw: unknown, width: number, height: number, channels: number): void {
	if (!is.integer(width) || width < 1) throw invalidParameterError('width', 'a positive integer', width);
	if (!is.integer(height) || height < 1) throw invalidParameterError('height', 'a positive integer', height);
	if (channels !== 3 && channels !== 4) throw invalidParameterError('channels', '3 or 4', channels);
	if (!Buffer.isBuffer(raw)) throw invalidParameterError('raw', 'a Buffer of 8-bit pixels', raw);
	if (raw.length !== width * height * channels) {
		throw invalidParameterError('raw', `${width * height * channels} bytes (${width}x${height}x${channels})`, raw);
	}
}

/**
 * Runs already validated steps, modifying `data` in place where it can. Returns the buffer that
 * holds the result: `data` itself, or a new buffer after a lut step. Yields to the event loop
 * between passes so that other work (other images' decoding and encoding) is not held up.
 *
 * @example const out = await runSteps(decoded, 6000, 4000, 3, validateSteps(steps));
 * @param data - the pixels, modified
 * @param width - pixels per row
 * @param height - rows
 * @param channels - 3 or 4
 * @param steps - steps returned by {@link validateSteps}
 * @returns the buffer holding the result
 */
export async function runSteps(
	data: Buffer,
	width: number,
	height: number,
	channels: 3 | 4,
	steps: readonly AdjustStep[],
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
	let passes = 0;
	const pass = async (run: (pre: ChannelLuts | null) => void): Promise<void> => {
		if (passes++ > 0) await yieldToEventLoop();
		run(take());
	};

	for (const step of steps) {
		switch (step.op) {
			case 'brightness':
				fuse(uniformLuts(brightnessTable(step.factor)));
				break;
			case 'contrast': {
				const mean = pilContrastMean(data, channels, pending);
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
				await pass((pre) => applySaturation(data, channels, step.factor, pre));
				break;
			case 'hue':
				await pass((pre) => applyHue(data, channels, step.degrees, pre));
				break;
			case 'grain':
				await pass((pre) =>
					applyGrain(
						data,
						width,
						height,
						channels,
						{
							strength: step.strength,
							size: step.size ?? 1,
							seed: step.seed ?? 0,
							monochrome: step.monochrome ?? true,
						},
						pre,
					),
				);
				break;
			case 'vignette':
				await pass((pre) =>
					applyVignette(
						data,
						width,
						height,
						channels,
						{ strength: step.strength, radius: step.radius ?? 1, softness: step.softness ?? 0.5 },
						pre,
					),
				);
				break;
			case 'lut':
				await pass((pre) => {
					data = applyCubeStep(
						data,
						channels,
						{
							lut: typeof step.cube === 'string' || Buffer.isBuffer(step.cube) ? parseCube(step.cube) : step.cube,
							strength: step.strength ?? 1,
							interpolation: step.interpolation ?? 'tetrahedral',
						},
						pre,
					);
				});
				break;
		}
	}
	const rest = take();
	if (rest) {
		if (passes > 0) await yieldToEventLoop();
		applyChannelLuts(data, channels, rest);
	}
	return data;
}

function yieldToEventLoop(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
