/**
 * Runs the fake provider (test/fake) as a standalone process for the real-n8n end-to-end run
 * (.ci/e2e-n8n.sh): it listens on 127.0.0.1 (random free port), writes its base URL to the file
 * given as the first argument (and to stdout), and stays up until SIGTERM / SIGINT.
 *
 *   node <build>/test/e2e/fake-server.js /tmp/fake-url.txt
 *
 * Settings: FAKE_VARIANCE (relative spread of the fake Gemini edit, default 0.05, like a real model
 * that never applies exactly what was asked) and FAKE_SEED (the fake's PRNG seed, default 1).
 */
import { writeFileSync } from 'node:fs';
import { startFakeProvider } from '../fake';

async function main(): Promise<void> {
	const urlFile = process.argv[2];
	const fake = await startFakeProvider({
		variance: Number(process.env.FAKE_VARIANCE ?? 0.05),
		seed: Number(process.env.FAKE_SEED ?? 1),
	});
	if (urlFile) writeFileSync(urlFile, `${fake.url}\n`);
	console.log(fake.url);
	const stop = (): void => {
		const { calls, byRoute } = fake.stats();
		console.log(`fake provider: ${calls} calls ${JSON.stringify(byRoute)}`);
		void fake.close().then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
