/**
 * Each CRM node inside REAL n8n (both versions of scripts/n8n/versions.env), against its fake CRM:
 * each CRM's own example workflows (its entry's e2eCases in test/crms/), then the workflows that cross
 * CRMs, credentials imported through the n8n CLI. A new CRM brings its cases in its registry entry.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { crmEntries } from '../crms/registry';
import { useS3 } from '../rig/useS3';
import { closeToEspoCrmCase } from './cases/closeToEspoCrm';
import { ifAlreadyAttachedCases } from './cases/ifAlreadyAttached';
import { zohoToEspoCrmMigrationCase } from './cases/migration';
import { describeInN8n } from './inN8n';

const s3 = useS3();

const cases = [
	...crmEntries().flatMap(([, entry]) => entry.e2eCases(s3)),
	zohoToEspoCrmMigrationCase(),
	closeToEspoCrmCase(s3),
	...ifAlreadyAttachedCases(crmEntries().flatMap(([, entry]) => (entry.ifAlreadyAttached ? [entry.ifAlreadyAttached] : [])), s3),
];

describeInN8n('CRM nodes', cases);

describe('the real-n8n cases', () => {
	it('run every CRM node the package registers (the generic node has its own file)', () => {
		const root = join(__dirname, '..', '..');
		const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };
		const registered = pkg.n8n.nodes
			.map((path) => path.split('/').slice(-2)[0])
			.filter((folder) => folder !== 'PresignedPostUpload');
		const typesInExamples = new Set(
			cases.flatMap((testCase) => {
				const workflow = JSON.parse(readFileSync(join(root, 'examples', testCase.example), 'utf8')) as { nodes: Array<{ type: string }> };
				return workflow.nodes.map((node) => node.type);
			}),
		);
		const expected = registered.map((folder) => `${pkg.name}.${folder.charAt(0).toLowerCase()}${folder.slice(1)}`);
		expect(expected.filter((type) => !typesInExamples.has(type))).toEqual([]);
		expect(expected).toHaveLength(crmEntries().length);
	});
});
