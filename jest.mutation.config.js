/**
 * The jest run Stryker uses for each mutant: the tests of nodes/transfer and nodes/shared themselves
 * (test/transfer, test/shared) and the generic node's tests (the transfer layer end to end in n8n's
 * engine with the real S3, no CRM around it).
 * Stryker's jest runner loads every test file for every mutant (it filters by test name), and a file
 * that runs n8n's engine costs about a second to load: with all of test/nodes a mutant took about 4 s
 * on this 2-core machine (about 90 minutes for the two folders), so the CRM node tests, the real-n8n
 * e2e suite, the reliability tables (the same code paths many times over) and the memory probes and
 * the slow idle-timeout uploads (they measure, and kill nothing the others miss) are left out.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...base,
	roots: ['<rootDir>/test/transfer', '<rootDir>/test/shared', '<rootDir>/test/nodes/PresignedPostUpload'],
	testPathIgnorePatterns: ['/node_modules/', 'streaming\\.test\\.ts$', 'idleTimeout\\.test\\.ts$'],
};
