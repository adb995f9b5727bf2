/**
 * Each CRM node inside REAL n8n (both versions of scripts/n8n/versions.env), against its fake CRM:
 * one example workflow per CRM from examples/, credentials imported through the n8n CLI.
 * To add a CRM: an example in examples/, a case in test/e2e/cases/, one line in the table below.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { useS3 } from '../rig/useS3';
import { closeNoteCase } from './cases/closeCrm';
import { closeToEspoCrmCase } from './cases/closeToEspoCrm';
import { espoCrmUploadCase } from './cases/espoCrm';
import { espoCrmDocumentCase } from './cases/espoCrmDocument';
import { ifAlreadyAttachedCases } from './cases/ifAlreadyAttached';
import { zohoToEspoCrmMigrationCase } from './cases/migration';
import { onePageCrmUploadCase } from './cases/onePageCrm';
import { traffioUploadCase } from './cases/traffio';
import { zohoUploadCase } from './cases/zohoCrm';
import { describeInN8n } from './inN8n';

const s3 = useS3();

const cases = [
	espoCrmUploadCase(),
	espoCrmDocumentCase(),
	onePageCrmUploadCase(s3),
	closeNoteCase(s3),
	traffioUploadCase(s3),
	zohoUploadCase(),
	zohoToEspoCrmMigrationCase(),
	closeToEspoCrmCase(s3),
	...ifAlreadyAttachedCases(s3),
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
		expect(expected).toHaveLength(5);
	});
});
