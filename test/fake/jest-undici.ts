/**
 * @google/genai 3.x sends every Node request through Undici's global dispatcher, which it looks
 * up as globalThis[Symbol.for('undici.globalDispatcher.1')]. Jest runs tests in a vm context whose
 * globalThis lacks it, so SDK calls fail with "Undici globalDispatcher is not available".
 * This copies the real (main-context) dispatcher into the test context. Call it once per test file
 * that uses the SDK without httpOptions.fetch. Outside jest it changes nothing.
 */
import { runInThisContext } from 'node:vm';

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

export function shareUndiciDispatcher(): void {
	const main = runInThisContext('globalThis') as Record<symbol, unknown>;
	// Building Headers makes Node initialise Undici (and its global dispatcher) lazily.
	if (!main[DISPATCHER]) runInThisContext('new Headers()');
	const local = globalThis as unknown as Record<symbol, unknown>;
	if (!local[DISPATCHER]) local[DISPATCHER] = main[DISPATCHER];
}
