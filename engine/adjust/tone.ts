/**
 * Exposure and gamma: per-channel tone mappings, each one 256-entry table.
 */
import { clampLevel } from './point-lut';
import { linearGainTable } from './transfer';

/**
 * Exposure in stops: linear-light values (sRGB decoded) times `2^stops`, clipped at white, encoded
 * back and rounded to the nearest level. 0 stops maps every level to itself.
 *
 * @example exposureTable(1)[128]; // 176
 * @param stops - -5..5 (validated by the caller)
 * @returns a 256-entry table
 */
export function exposureTable(stops: number): Uint8Array {
	return linearGainTable(2 ** stops);
}

/**
 * Gamma: `255 * (v / 255)^(1 / value)`, rounded half up. 1 maps every level to itself; above 1
 * brightens the mid-tones, below 1 darkens them. Black and white stay where they are.
 *
 * @example gammaTable(2.2)[128]; // 186
 * @param value - 0.1..10 (validated by the caller)
 * @returns a 256-entry table
 */
export function gammaTable(value: number): Uint8Array {
	const t = new Uint8Array(256);
	const exponent = 1 / value;
	for (let v = 0; v < 256; v++) t[v] = clampLevel(255 * (v / 255) ** exponent);
	return t;
}
