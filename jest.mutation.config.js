/**
 * The jest run Stryker uses for each mutant: the transfer tests and the node tests, with the real S3.
 * Left out: the real-n8n e2e suite, the memory probes (each spawns an n8n process and measures memory,
 * not behaviour) and the reliability tables (the same code paths, run many times over).
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/reliability/', 'streaming\\.test\\.ts$'],
};
