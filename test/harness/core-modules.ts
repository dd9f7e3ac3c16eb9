import type { Container as DiContainer } from '@n8n/di';
import type { BinaryDataService } from 'n8n-core';
import path from 'node:path';

/**
 * n8n-core's own copies of @n8n/di and @n8n/backend-common.
 *
 * The install holds two of each: n8n-core 2.41 nests @n8n/di 0.17 and
 * @n8n/backend-common 1.41 under node_modules/n8n-core/node_modules, while
 * @n8n/node-cli hoists older ones to the top. A plain `import '@n8n/di'` here would
 * get the top-level copy, a different Container, and n8n-core would never see
 * what the harness registers. So resolve them from n8n-core's folder (through
 * jest's require, to share jest's module instances with n8n-core).
 */
const coreDir = path.dirname(require.resolve('n8n-core'));

function requireFromCore<T>(id: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(id, { paths: [coreDir] })) as T;
}

export type CoreLogger = ConstructorParameters<typeof BinaryDataService>[2];
type LoggerClass = (new (...args: unknown[]) => CoreLogger) & { prototype: CoreLogger };

export const Container: typeof DiContainer = requireFromCore<{ Container: typeof DiContainer }>(
	'@n8n/di',
).Container;
export const Logger: LoggerClass = requireFromCore<{ Logger: LoggerClass }>(
	'@n8n/backend-common',
).Logger;
