/**
 * The 'lut' step: a `.cube` colour LUT, applied by the LUT module (engine/lut), which owns
 * parsing, checking and interpolation. This file only adapts the step to it.
 */
import { applyLut, type LutInterpolation } from '../lut/apply';
import type { CubeLut } from '../lut/types';
import { applyChannelLuts, type ChannelLuts } from './point-lut';

/** Resolved lut-step parameters: the table is already parsed and checked. */
export interface CubeParameters {
	lut: CubeLut;
	strength: number;
	interpolation: LutInterpolation;
}

/**
 * Applies the pending tables (if any) and then the LUT. The LUT module writes a new buffer.
 *
 * @example const graded = applyCubeStep(raw, 3, { lut: parseCube(text), strength: 1, interpolation: 'tetrahedral' }, null);
 * @param data - interleaved RGB or RGBA pixels; modified in place when `pre` is given
 * @param channels - 3 or 4
 * @param p - the parsed table, strength and interpolation
 * @param pre - tables to apply first, or null
 * @returns the graded pixels (a new buffer)
 * @throws {EngineError} kind 'invalidInput' if the LUT module refuses the table
 */
export function applyCubeStep(data: Buffer, channels: 3 | 4, p: CubeParameters, pre: ChannelLuts | null): Buffer {
	if (pre) applyChannelLuts(data, channels, pre);
	return applyLut(data, channels, p.lut, { interpolation: p.interpolation, strength: p.strength });
}
