import { BinaryDataService, InstanceSettings } from 'n8n-core';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { binaryDataRouter } from './binary-data';
import { Container, Logger } from './core-modules';

interface HarnessEnv {
	/** Temp folder holding n8n's settings folder and every run's binary storage. */
	root: string;
}

let env: HarnessEnv | undefined;

/**
 * Installs the process-wide n8n services once (per jest module registry, i.e. per
 * test file): a quiet logger, instance settings in a temp folder instead of
 * ~/.n8n, and the binary data router that sends each run to its own store.
 */
export function harnessEnv(): HarnessEnv {
	if (env) return env;
	const root = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));

	// N8N_LOG_LEVEL turns n8n's own logging back on when a test needs it.
	if (!process.env.N8N_LOG_LEVEL) {
		const [globalConfig, instanceConfig] = loggerArgs({ level: 'silent', outputs: [], scopes: [] });
		Container.set(Logger, new Logger(globalConfig, instanceConfig));
	}

	// Without this, the first node context creates ~/.n8n/config with a fresh encryption key.
	const settingsConfig = {
		n8nFolder: path.join(root, '.n8n'),
		userHome: root,
		encryptionKey: randomBytes(24).toString('base64'),
		enforceSettingsFilePermissions: false,
	};
	Container.set(
		InstanceSettings,
		new InstanceSettings(
			settingsConfig as ConstructorParameters<typeof InstanceSettings>[0],
			Container.get(Logger),
		),
	);

	Container.set(BinaryDataService, binaryDataRouter());
	env = { root };
	return env;
}

/** Removes the harness temp folder; the next run starts a fresh environment. */
export function disposeHarnessEnv(): void {
	if (!env) return;
	rmSync(env.root, { recursive: true, force: true });
	env = undefined;
}

// Also when only this module is used (run-workflow registers its own, fuller cleanup).
if (typeof afterAll === 'function') afterAll(disposeHarnessEnv);

// Logger only reads `logging` from its config objects.
function loggerArgs(logging: { level: string; outputs: string[]; scopes: string[] }) {
	return [{ logging }, {}] as unknown as ConstructorParameters<typeof Logger>;
}
