/**
 * Parameter validation in one style (after sharp's lib/is.js): small predicates and one
 * error builder, so every bad parameter reads "Expected <what> for <name> but received <value>".
 */
import { EngineError } from './errors';

/** Small type predicates used by every engine module. */
export const is = {
	defined: <T>(v: T | undefined | null): v is T => v !== undefined && v !== null,
	number: (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v),
	integer: (v: unknown): v is number => Number.isInteger(v),
	string: (v: unknown): v is string => typeof v === 'string',
	nonEmptyString: (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0,
	bool: (v: unknown): v is boolean => typeof v === 'boolean',
	plainObject: (v: unknown): v is Record<string, unknown> =>
		typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype,
	inRange: (v: number, min: number, max: number): boolean => v >= min && v <= max,
	inArray: <T>(v: unknown, list: readonly T[]): v is T => list.includes(v as T),
};

/** Renders a received value for an error message without dumping huge or secret data. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string') {
		// Cut by code points (never half an emoji) and show line breaks and control characters
		// escaped, so an echoed value cannot break the message's line or carry terminal codes.
		const points = [...value];
		const cut = points.length > 60 ? `${points.slice(0, 57).join('')}...` : value;
		return JSON.stringify(cut).replace(/[\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
	}
	if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
		return String(value);
	}
	if (Buffer.isBuffer(value)) return `a buffer of ${value.length} bytes`;
	if (Array.isArray(value)) return `an array of ${value.length} items`;
	return `an object`;
}

/**
 * The one builder for bad parameters.
 * @example throw invalidParameterError('brightness', 'a number between 0 and 4', -1)
 * // Expected a number between 0 and 4 for brightness but received -1
 */
export function invalidParameterError(name: string, expected: string, actual: unknown): EngineError {
	return new EngineError('invalidInput', `Expected ${expected} for ${name} but received ${describeValue(actual)}`, {
		parameter: name,
	});
}

/** Returns `value` if it is a finite number in [min, max], else throws the standard error. */
export function numberInRange(name: string, value: unknown, min: number, max: number): number {
	if (!is.number(value) || !is.inRange(value, min, max)) {
		throw invalidParameterError(name, `a number between ${min} and ${max}`, value);
	}
	return value;
}

/** Returns `value` if it is an integer in [min, max], else throws the standard error. */
export function integerInRange(name: string, value: unknown, min: number, max: number): number {
	if (!is.integer(value) || !is.inRange(value as number, min, max)) {
		throw invalidParameterError(name, `an integer between ${min} and ${max}`, value);
	}
	return value as number;
}

/** Returns `value` if it is one of `choices`, else throws the standard error. */
export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
	if (!is.inArray(value, choices)) {
		throw invalidParameterError(name, `one of ${choices.join(', ')}`, value);
	}
	return value;
}

/**
 * A parameter value as a number when it is one: numbers are returned as they are, numeric
 * strings (an expression that produced "42") are converted, and anything else is returned
 * unchanged, so the range check that follows reports what the user actually gave ("abc", not NaN).
 * @example numeric(' 42 ') // 42
 * @example numeric('abc') // 'abc'
 */
export function numeric(value: unknown): unknown {
	if (typeof value === 'string' && value.trim() !== '') {
		const number = Number(value);
		if (Number.isFinite(number)) return number;
	}
	return value;
}
