import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// sharp is a native runtime dependency, so this pack is for self-hosted n8n: n8n's lint config
// for packages that do not target n8n Cloud, with two deliberate, documented exceptions below.
export default [
	...configWithoutCloudSupport,
	{ ignores: ['dist/**', 'node_modules/**', 'bench/.cache/**', 'demo-output/**', 'jest.config.js', 'gulpfile.js', 'eslint.config.mjs', 'test/harness/fixture-package/**'] },
	{
		files: ['package.json'],
		rules: {
			// The pack needs sharp (native image codec) and @google/genai at run time; n8n's own
			// installer installs `dependencies` for self-hosted instances. This is why it is not
			// a Cloud/verified package (README: "Why self-hosted only").
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// The engine is plain TypeScript that imports nothing from n8n: it throws EngineError,
		// and nodes/shared/errors.ts turns every one into NodeApiError / NodeOperationError.
		files: ['engine/**/*.ts'],
		rules: {
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		// Tests, benchmarks and the demo talk to the console and use dev-only packages.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			// Tests read loosely typed output JSON.
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
];
