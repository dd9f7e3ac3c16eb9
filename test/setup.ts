/**
 * Runs before every test file (jest setupFiles).
 * - The SDK reads provider env vars and would bypass the configuration under test.
 * - @google/genai looks up undici's global dispatcher on globalThis, which jest's sandbox lacks.
 */
import { clearProviderEnv } from './fake/test-images';
import { shareUndiciDispatcher } from './fake/jest-undici';

clearProviderEnv();
shareUndiciDispatcher();
