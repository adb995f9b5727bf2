/**
 * The CRM registry (test/crms/registry.ts) against what n8n loads (package.json's n8n lists, which stay
 * hand-written as n8n requires) and against itself (ports, credential ids, examples).
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INodeTypeDescription } from 'n8n-workflow';

import { STATUS_PORT } from '../../scripts/sandbox/sandbox';
import type { CrmEntry } from './crm';
import { credentialTypeOf, crmEntries, nodeTypeOf } from './registry';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[]; credentials: string[] } };
const entries = crmEntries();

describe('the CRM registry', () => {
	it('holds every CRM node and credential package.json registers, and no other', () => {
		expect(entries.map(([, entry]) => `dist/nodes/${entry.node.name}/${entry.node.name}.node.js`).sort()).toEqual(
			pkg.n8n.nodes.filter((path) => !path.includes('/PresignedPostUpload/')).sort(),
		);
		expect(entries.map(([, entry]) => `dist/credentials/${entry.credential.name}.credentials.js`).sort()).toEqual([...pkg.n8n.credentials].sort());
	});

	it.each(entries)('%s: its node uses its credential', (_name, entry) => {
		const description = new entry.node().description as INodeTypeDescription;
		const credentials = description.credentials ?? [];
		expect(credentials.map((credential) => credential.name)).toContain(credentialTypeOf(entry));
	});

	it.each(entries)('%s: names a port for each of its servers, and no other', (_name, entry) => {
		// Made, not started: a fake's servers exist before they listen (and these need no S3 to be made).
		const servers = entry.servers(entry.create(undefined as unknown as Parameters<CrmEntry['create']>[0]));
		expect(Object.keys(servers).sort()).toEqual(Object.keys(entry.ports).sort());
	});

	it.each(entries)("%s: has credential Test cases when its credential has a test request", (_name, entry) => {
		const tested = new entry.credential().test !== undefined;
		expect((entry.credentialTests ?? []).length > 0).toBe(tested);
	});

	it.each(entries)('%s: takes part in the If Already Attached re-runs exactly when its node offers the option', (_name, entry) => {
		const offered = JSON.stringify(new entry.node().description.properties).includes('"name":"ifAlreadyAttached"');
		expect(entry.ifAlreadyAttached !== undefined).toBe(offered);
	});

	it('gives every sandbox server its own port, and every sandbox credential its own id', () => {
		const ports = [STATUS_PORT, ...entries.flatMap(([, entry]) => Object.values(entry.ports))];
		expect(new Set(ports).size).toBe(ports.length);
		const ids = entries.map(([, entry]) => entry.sandboxCredentialId);
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{16}$/);
	});

	it.each(entries)("%s: its real-n8n cases run examples that hold its node", (_name, entry) => {
		// The cases are only listed here, not run: no S3 is needed to read their example files.
		const cases = entry.e2eCases(undefined as unknown as Parameters<CrmEntry['e2eCases']>[0]);
		expect(cases.length).toBeGreaterThan(0);
		for (const testCase of cases) {
			const path = join(ROOT, 'examples', testCase.example);
			expect(existsSync(path)).toBe(true);
			const workflow = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Array<{ type: string }> };
			expect(workflow.nodes.map((node) => node.type)).toContain(`${pkg.name}.${nodeTypeOf(entry)}`);
		}
	});
});
