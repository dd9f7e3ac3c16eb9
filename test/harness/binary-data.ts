import { BinaryDataService, ErrorReporter } from 'n8n-core';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

import { Container, Logger } from './core-modules';
import { MemoryDatabaseManager } from './memory-database-manager';

export type BinaryDataMode = 'filesystem' | 'database';

/** One run's binary data store. */
export interface RunBinaryData {
	mode: BinaryDataMode;
	service: BinaryDataService;
	/** Folder of the filesystem manager (n8n also keeps it in database mode; stays empty there). */
	storagePath: string;
	/** Set in database mode. */
	database?: MemoryDatabaseManager;
}

type ServiceConfig = ConstructorParameters<typeof BinaryDataService>[0];

/**
 * Builds a real n8n-core BinaryDataService for one run. 'filesystem' is n8n-core's
 * own manager on `storagePath` (ids 'filesystem-v2:...'); 'database' adds
 * MemoryDatabaseManager under the 'database' mode, as n8n's cli does with its
 * DatabaseManager (ids 'database:<uuid>').
 */
export async function createRunBinaryData(
	mode: BinaryDataMode,
	storagePath: string,
): Promise<RunBinaryData> {
	const config = {
		mode,
		availableModes: [mode],
		localStoragePath: storagePath,
		signingSecret: randomBytes(32).toString('hex'),
		dbMaxFileSize: 512,
	} as ServiceConfig;
	const service = new BinaryDataService(
		config,
		Container.get(ErrorReporter),
		Container.get(Logger),
	);
	await service.init();
	if (mode === 'filesystem') return { mode, service, storagePath };

	const database = new MemoryDatabaseManager(config.dbMaxFileSize);
	await database.init();
	service.setManager('database', database);
	return { mode, service, storagePath, database };
}

const currentRun = new AsyncLocalStorage<BinaryDataService>();

/** Runs `fn` with `service` as the BinaryDataService every n8n helper call inside it reaches. */
export async function withBinaryData<T>(
	service: BinaryDataService,
	fn: () => Promise<T>,
): Promise<T> {
	return await currentRun.run(service, fn);
}

/**
 * n8n-core's helpers fetch BinaryDataService from the DI container on every call,
 * so one container entry has to serve runs that may overlap. This stand-in forwards
 * each call to the service of the run it happens in (tracked with AsyncLocalStorage).
 */
export function binaryDataRouter(): BinaryDataService {
	return new Proxy({} as BinaryDataService, {
		get(_target, property) {
			const service = currentRun.getStore();
			if (!service) {
				throw new Error(
					`BinaryDataService.${String(property)} was called outside a harness run; ` +
						'read binaries with result.binary() instead',
				);
			}
			const value: unknown = Reflect.get(service, property);
			return typeof value === 'function' ? value.bind(service) : value;
		},
	});
}
