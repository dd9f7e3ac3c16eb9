/**
 * The 'lut' step: a `.cube` colour LUT, applied by the LUT module (engine/lut), which owns
 * parsing, checking and interpolation. This file only adapts the step to it: in place, a strip of rows at a time.
 */
import { prepareLut, type LutInterpolation } from '../lut/apply';
import type { CubeLut } from '../lut/types';
import { applyChannelLuts, type ChannelLuts } from './point-lut';

/** Resolved lut-step parameters: the table is already parsed and checked. */
export interface CubeParameters {
	lut: CubeLut;
	strength: number;
	interpolation: LutInterpolation;
}

/**
 * Prepares the LUT (checked and tabled once) and returns a pass that applies the pending tables
 * (if any) and then the LUT, in place, to a range of rows.
 *
 * @example cubeRows((y0, y1) => raw.subarray(y0 * 18000, y1 * 18000), 3, { lut: parseCube(text), strength: 1, interpolation: 'tetrahedral' }, null)(0, 4000);
 * @param rows - the bytes of rows y0..y1-1 (a view into the image)
 * @param channels - 3 or 4
 * @param p - the parsed table, strength and interpolation
 * @param pre - tables to apply first, or null
 * @throws {EngineError} kind 'invalidInput' if the LUT module refuses the table
 */
export function cubeRows(
	rows: (y0: number, y1: number) => Uint8Array,
	channels: 3 | 4,
	p: CubeParameters,
	pre: ChannelLuts | null,
): (y0: number, y1: number) => void {
	const apply = prepareLut(p.lut, { interpolation: p.interpolation, strength: p.strength });
	return (y0, y1) => {
		const view = rows(y0, y1);
		if (pre) applyChannelLuts(view, channels, pre);
		apply(view, view, channels);
	};
}
