/** Tests run on Node 24 (node_modules/.bin/node, see package.json `node24`). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// Type errors are caught by `npm run typecheck`; jest only transpiles.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
	},
	setupFiles: ['<rootDir>/test/setup.ts'],
	testTimeout: 60000,
	// n8n-core keeps timers and sockets (e.g. its DI container) alive after a run.
	forceExit: true,
};
