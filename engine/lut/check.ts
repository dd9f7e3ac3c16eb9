/**
 * Structural checks for {@link CubeLut} objects handed to the engine by code (not parsed from a
 * file): the same errors whether a table came from {@link parseCube}, from {@link learnLut} or
 * was built by hand.
 */
import { invalidParameterError, is } from '../core/validate';
import type { CubeLut, Lut1D, Lut3D, Rgb } from './types';

/** Largest 3D grid the engine applies or writes (256^3 points, 201 MB of float32). */
export const MAX_LUT3D_SIZE = 256;
/** Largest 1D table the engine applies or writes. */
export const MAX_LUT1D_SIZE = 1_048_576;

/**
 * Checks that `lut` is a well-formed {@link CubeLut}: at least one table, sizes in range, data
 * arrays of the right length holding only finite numbers, and each domain minimum below its
 * maximum.
 *
 * @example checkCubeLut(parseCube(text)); // returns the same object when it is valid
 * @param lut - the value to check
 * @param name - the parameter name used in error messages; default `'lut'`
 * @returns `lut`, typed
 * @throws {EngineError} kind 'invalidInput' naming the first problem found
 */
export function checkCubeLut(lut: unknown, name = 'lut'): CubeLut {
	if (!is.plainObject(lut)) throw invalidParameterError(name, 'a LUT object with lut3d and/or lut1d', lut);
	const value = lut as Partial<CubeLut>;
	if (value.lut1d === undefined && value.lut3d === undefined) {
		throw invalidParameterError(name, 'a LUT object with lut3d and/or lut1d', lut);
	}
	if (value.title !== undefined && !is.string(value.title)) {
		throw invalidParameterError(`${name}.title`, 'a string', value.title);
	}
	if (value.comments !== undefined) {
		if (!Array.isArray(value.comments) || !value.comments.every(is.string)) {
			throw invalidParameterError(`${name}.comments`, 'an array of strings', value.comments);
		}
	}
	if (value.lut1d !== undefined) checkLut1d(value.lut1d, `${name}.lut1d`);
	if (value.lut3d !== undefined) checkLut3d(value.lut3d, `${name}.lut3d`);
	return value as CubeLut;
}

function checkLut1d(lut: unknown, name: string): asserts lut is Lut1D {
	if (!is.plainObject(lut)) throw invalidParameterError(name, 'a 1D LUT object', lut);
	const size = lut.size;
	if (!is.integer(size) || size < 2 || size > MAX_LUT1D_SIZE) {
		throw invalidParameterError(`${name}.size`, `an integer between 2 and ${MAX_LUT1D_SIZE}`, size);
	}
	checkData(lut.data, size * 3, `${name}.data`);
	checkRange(lut.inputMin, lut.inputMax, `${name}.inputMin`, `${name}.inputMax`);
}

function checkLut3d(lut: unknown, name: string): asserts lut is Lut3D {
	if (!is.plainObject(lut)) throw invalidParameterError(name, 'a 3D LUT object', lut);
	const size = lut.size;
	if (!is.integer(size) || size < 2 || size > MAX_LUT3D_SIZE) {
		throw invalidParameterError(`${name}.size`, `an integer between 2 and ${MAX_LUT3D_SIZE}`, size);
	}
	checkData(lut.data, size * size * size * 3, `${name}.data`);
	checkRange(lut.domainMin, lut.domainMax, `${name}.domainMin`, `${name}.domainMax`);
}

function checkData(data: unknown, length: number, name: string): void {
	if (!(data instanceof Float32Array) || data.length !== length) {
		throw invalidParameterError(name, `a Float32Array of ${length} values`, describeArray(data));
	}
	for (let i = 0; i < length; i++) {
		const v = data[i];
		// v - v is 0 for finite numbers and NaN for NaN and infinities (and needs no call).
		if (v - v !== 0) {
			throw invalidParameterError(name, 'finite numbers only', `${data[i]} at index ${i}`);
		}
	}
}

function checkRange(min: unknown, max: unknown, minName: string, maxName: string): void {
	const isTriple = (v: unknown): v is Rgb =>
		Array.isArray(v) && v.length === 3 && v.every((x) => is.number(x));
	if (!isTriple(min)) throw invalidParameterError(minName, 'an array of 3 finite numbers', min);
	if (!isTriple(max)) throw invalidParameterError(maxName, 'an array of 3 finite numbers', max);
	for (let c = 0; c < 3; c++) {
		if (!(min[c] < max[c])) {
			throw invalidParameterError(maxName, `values above ${minName} (${min.join(' ')})`, max.join(' '));
		}
	}
}

function describeArray(data: unknown): unknown {
	if (ArrayBuffer.isView(data)) {
		return `a ${data.constructor.name} of ${(data as unknown as { length: number }).length} values`;
	}
	return data;
}
