/**
 * `npm run test:unit`: the tests that need neither a real S3 (Ceph radosgw) nor a real n8n install,
 * so they run right after `npm ci` on any machine. A test file needs S3 when it uses the S3 rig.
 */
const { readdirSync, readFileSync, statSync } = require('fs');
const { join, relative } = require('path');

const base = require('./jest.config');

const NEEDS_S3 = /\b(useS3|createS3Rig)\b|rig\/s3['"]/;

function testFiles(dir) {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return testFiles(path);
		return name.endsWith('.test.ts') ? [path] : [];
	});
}

const needsS3 = testFiles(join(__dirname, 'test'))
	.filter((path) => NEEDS_S3.test(readFileSync(path, 'utf8')))
	.map((path) => `<rootDir>/${relative(__dirname, path).replace(/[.]/g, '\\.')}$`);

/** @type {import('jest').Config} */
module.exports = {
	...base,
	globalSetup: undefined,
	globalTeardown: undefined,
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/browser/', ...needsS3],
};
