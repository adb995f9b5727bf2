/**
 * The jest run Stryker uses for each mutant: the tests of nodes/transfer and nodes/shared themselves
 * (test/transfer, test/shared) and the generic node's tests (the transfer layer end to end in n8n's
 * engine with the real S3, no CRM around it).
 * Stryker's jest runner loads every test file for every mutant (it filters by test name), and a file
 * that runs n8n's engine costs about a second to load: with all of test/nodes a mutant took about 4 s
 * on this 2-core machine (about 90 minutes for the two folders), so the CRM node tests, the real-n8n
 * e2e suite, the reliability tables (the same code paths many times over) and the memory probes and
 * the slow idle-timeout uploads (they measure, and kill nothing the others miss) are left out.
 *
 * MUTATION_TESTS=unit keeps only the tests that run without n8n's engine and S3 (they load in
 * milliseconds): for the files those tests cover fully, a mutant then costs well under a second.
 * `npm run test:mutation -- --mutate <files>` with it set is how the pure files were run; see
 * docs/reliability.md for which files ran with which set.
 */
const { readdirSync, readFileSync, statSync } = require('fs');
const { join, relative } = require('path');

const base = require('./jest.config');

const ROOTS = ['test/transfer', 'test/shared', 'test/nodes/PresignedPostUpload'];
const NEEDS_ENGINE = /\b(runNode|runMemoryProbe|useS3|createS3Rig)\b/;

function testFiles(dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return testFiles(path);
		return name.endsWith('.test.ts') ? [path] : [];
	});
}

const engineTests =
	process.env.MUTATION_TESTS === 'unit'
		? ROOTS.flatMap((root) => testFiles(join(__dirname, root)))
				.filter((path) => NEEDS_ENGINE.test(readFileSync(path, 'utf8')))
				.map((path) => `<rootDir>/${relative(__dirname, path).replace(/[.]/g, '\\.')}$`)
		: [];

/** @type {import('jest').Config} */
module.exports = {
	...base,
	roots: ROOTS.map((root) => `<rootDir>/${root}`),
	testPathIgnorePatterns: ['/node_modules/', 'streaming\\.test\\.ts$', 'idleTimeout\\.test\\.ts$', ...engineTests],
	...(process.env.MUTATION_TESTS === 'unit' ? { globalSetup: undefined, globalTeardown: undefined } : {}),
};
