/**
 * The package inside REAL n8n, installed the way users install it (packed tarball into
 * <userFolder>/.n8n/nodes), in the oldest supported n8n on Node 20 and the newest n8n on Node 24.
 * First run installs both n8n versions into .cache/ (several minutes); later runs reuse them.
 */
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, PACKAGE_NAME, REPO_ROOT } from '../../scripts/n8n/e2e';
import { useS3 } from '../rig/useS3';
import { presignedPostUploadCase } from './cases/presignedPostUpload';
import { expectSuccess } from './expectSuccess';
import { CASE_TIMEOUT_MS, describeInN8n, packedPackage, SETUP_TIMEOUT_MS } from './inN8n';

const s3 = useS3();

interface N8nManifest {
	n8n?: { nodes?: string[]; credentials?: string[] };
}

function manifest(dir: string): N8nManifest {
	return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as N8nManifest;
}

/** The `name` of every credential class a credentials file exports. */
function credentialNamesIn(file: string): string[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, unknown>;
	return Object.values(exported)
		.filter((value): value is new () => { name: string } => typeof value === 'function')
		.map((Type) => new Type().name)
		.filter((name) => typeof name === 'string');
}

/** The type name and newest version of the node class a compiled node file exports. */
function nodeTypeIn(file: string): { name: string; version: number } {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(file) as Record<string, new () => { description: { name: string; version?: number | number[]; defaultVersion?: number } }>;
	const Type = Object.values(exported).find((value) => typeof value === 'function');
	if (!Type) throw new Error(`${file} exports no node class`);
	const { description } = new Type();
	const version = description.defaultVersion ?? description.version ?? 1;
	return { name: description.name, version: Array.isArray(version) ? Math.max(...version) : version };
}

describe('the packed package', () => {
	it(
		'holds only dist/, README.md, LICENSE and package.json, with every registered node and credential',
		async () => {
			const { files } = await packedPackage();
			const stray = files.filter((file) => !/^(dist\/.+|README\.md|LICENSE|package\.json)$/.test(file));
			expect(stray).toEqual([]);
			expect(files).toEqual(expect.arrayContaining(['package.json', 'LICENSE', 'README.md']));
			const { n8n } = manifest(REPO_ROOT);
			for (const registered of [...(n8n?.nodes ?? []), ...(n8n?.credentials ?? [])]) {
				expect(files).toContain(registered);
			}
			// Each node's icons are beside its compiled file (the build copies them).
			for (const node of n8n?.nodes ?? []) {
				const folder = node.slice(0, node.lastIndexOf('/') + 1);
				expect(files.some((file) => file.startsWith(folder) && file.endsWith('.svg'))).toBe(true);
			}
		},
		SETUP_TIMEOUT_MS,
	);
});

describeInN8n('S3 Presigned POST Upload', [presignedPostUploadCase(s3)], (suite) => {
	it('has no credential type whose name n8n already uses', async () => {
		const { install } = suite();
		const taken = new Map<string, string>();
		for (const builtIn of ['n8n-nodes-base', '@n8n/n8n-nodes-langchain']) {
			let dir: string;
			try {
				dir = join(install.dir, 'node_modules', builtIn);
				manifest(dir);
			} catch {
				continue;
			}
			// n8n's own lazy-loading index of its credential types, by name.
			const known = JSON.parse(readFileSync(join(dir, 'dist', 'known', 'credentials.json'), 'utf8')) as Record<string, unknown>;
			for (const name of Object.keys(known)) taken.set(name, builtIn);
			// Cross-check the index against the package.json list it was built from.
			expect(Object.keys(known).length).toBeGreaterThanOrEqual((manifest(dir).n8n?.credentials ?? []).length * 0.9);
		}
		expect(taken.size).toBeGreaterThan(300);

		const { files } = await packedPackage();
		const ours = files
			.filter((file) => /^dist\/credentials\/.+\.credentials\.js$/.test(file))
			.flatMap((file) => credentialNamesIn(join(REPO_ROOT, file)));
		const clashes = ours.filter((name) => taken.has(name)).map((name) => `${name} (also in ${taken.get(name)})`);
		expect(clashes).toEqual([]);
	});

	it(
		'loads every node the package registers (a workflow holding each one runs: no "Unrecognized node type")',
		async () => {
			const { sandbox } = suite();
			const { n8n } = manifest(REPO_ROOT);
			const nodes = (n8n?.nodes ?? []).map((file) => nodeTypeIn(join(REPO_ROOT, file)));
			expect(nodes.length).toBeGreaterThan(0);
			// n8n resolves the type of EVERY node of a workflow before running it, disabled or not:
			// one that did not load fails the run with "Unrecognized node type: <package>.<node>".
			const workflow = {
				name: 'Every node of the package',
				nodes: [
					{ parameters: {}, id: randomUUID(), name: 'Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
					...nodes.map(({ name, version }, index) => ({
						parameters: {},
						id: randomUUID(),
						name: `${name} ${index}`,
						type: `${PACKAGE_NAME}.${name}`,
						typeVersion: version,
						position: [220, index * 120],
						disabled: true,
					})),
				],
				connections: {},
			};
			const [id] = await sandbox.importWorkflows([workflow]);
			const result = await sandbox.execute(id);
			expect(result.stdout + result.stderr).not.toMatch(/Unrecognized node type|Class could not be found/);
			expectSuccess(result);
			expect(nodeOutput(result.run, 'Trigger')).toHaveLength(1);
		},
		CASE_TIMEOUT_MS,
	);

	it('is installed where the Community Nodes screen puts packages', () => {
		const { sandbox } = suite();
		const installed = JSON.parse(readFileSync(join(sandbox.nodesFolder, 'package.json'), 'utf8')) as {
			dependencies: Record<string, string>;
		};
		expect(Object.keys(installed.dependencies)).toEqual([PACKAGE_NAME]);
		const ownManifest = JSON.parse(readFileSync(join(sandbox.packageFolder, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(ownManifest.peerDependencies).toBeUndefined();
		expect(ownManifest.devDependencies).toBeUndefined();
	});
});
