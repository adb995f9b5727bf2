/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	globalSetup: '<rootDir>/test/rig/globalSetup.ts',
	globalTeardown: '<rootDir>/test/rig/globalTeardown.ts',
	testTimeout: 120000,
	// Engine tests share one radosgw; two workers match the machine's two cores.
	maxWorkers: 2,
	// n8n-core leaves timers running after a workflow ends; they hold no test state.
	forceExit: true,
	transform: {
		'^.+\\.ts$': ['ts-jest', { diagnostics: false }],
	},
};
