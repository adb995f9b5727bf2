import { createHash, randomBytes, randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../inN8n';

const NODE = 'EspoCRM';

/**
 * examples/espocrm-document-from-file.json against the fake EspoCRM: one file becomes a Document
 * with that file, linked to the account, in one node.
 */
export function espoCrmDocumentCase(): E2eCase {
	return {
		title: 'EspoCRM: creates a Document from a file, linked to an account',
		example: 'espocrm-document-from-file.json',
		async prepare(workflow, { files }) {
			const espo = new FakeEspoCrm();
			await espo.start();
			const account = espo.addRecord('Account', { name: 'Acme Pumps' });
			const fileName = `Rahmenvertrag Müller 契約 ${randomUUID().slice(0, 8)}.pdf`;
			const content = randomBytes(260_000);
			writeFileSync(join(files, fileName), content);
			const credential = {
				id: `espo${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'EspoCRM e2e',
				type: 'espoCrmApi',
				data: espo.credentials('apiKey'),
			};
			setParameters(workflow, 'Read File from Disk', { fileSelector: join(files, fileName) });
			setParameters(workflow, NODE, { relatedRecords: { accounts: account.id } });
			setCredential(workflow, NODE, credential);
			return {
				workflow,
				credentials: [credential],
				state: { espo, accountId: account.id, fileName, size: content.length, sha256: createHash('sha256').update(content).digest('hex') },
				cleanup: async () => await espo.stop(),
			};
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as { espo: FakeEspoCrm; accountId: string; fileName: string; size: number; sha256: string };
			const [output] = nodeOutput(result.run, NODE);
			const documentId = output.id as string;
			const document = s.espo.record('Document', documentId)!;
			expect(document).toMatchObject({ name: s.fileName, type: 'Contract', status: 'Active' });
			const stored = s.espo.attachments.get(document.fileId as string)!;
			expect(stored).toMatchObject({ name: s.fileName, type: 'application/pdf', size: s.size, relatedType: 'Document', relatedId: documentId, field: 'file' });
			expect(createHash('sha256').update(stored.content).digest('hex')).toBe(s.sha256);
			expect(s.espo.linkedIds('Document', documentId, 'accounts')).toEqual([s.accountId]);
			expect(output).toMatchObject({ fileName: s.fileName, size: s.size, linked: { accounts: [s.accountId] } });
			expect(result.stdout + result.stderr).not.toContain(s.espo.apiKey);
		},
	};
}
