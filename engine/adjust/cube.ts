/**
 * The 'lut' step: a `.cube` colour LUT, applied by the LUT module (engine/lut), which owns
 * parsing, checking and interpolation. This file only adapts the step to it: in place, a strip at a time.
 */
import { prepareLut, type LutInterpolation } from '../lut/apply';
import type { CubeLut } from '../lut/types';

/** Resolved lut-step parameters: the table is already parsed and checked. */
export interface CubeParameters {
	lut: CubeLut;
	strength: number;
	interpolation: LutInterpolation;
}

/**
 * Prepares the LUT (checked and tabled once) and returns a pass that applies it, in place, to the
 * pixels of a strip.
 *
 * @example cubePass(3, { lut: parseCube(text), strength: 1, interpolation: 'tetrahedral' })(strip);
 * @param channels - 3 or 4
 * @param p - the parsed table, strength and interpolation
 * @throws {EngineError} kind 'invalidInput' if the LUT module refuses the table
 */
export function cubePass(channels: 3 | 4, p: CubeParameters): (view: Uint8Array) => void {
	const apply = prepareLut(p.lut, { interpolation: p.interpolation, strength: p.strength });
	return (view) => apply(view, view, channels);
}
