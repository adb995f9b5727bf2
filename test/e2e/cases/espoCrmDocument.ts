import { createHash, randomBytes, randomUUID } from 'crypto';

import type { ExecuteResult } from '../../../scripts/n8n/e2e';
import { setCredential, setParameters } from '../../../scripts/n8n/e2e';
import type { FormRun } from '../../../scripts/n8n/formSubmission';
import { formRunResult, runFormWorkflow } from '../../../scripts/n8n/formSubmission';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

const NODE = 'EspoCRM';

interface DocumentState {
	espo: FakeEspoCrm;
	accountId: string;
	fileName: string;
	documentName: string;
	content: Buffer;
	form?: FormRun;
}

/**
 * examples/espocrm-document-from-form.json against the fake EspoCRM: the workflow is published, n8n
 * started, and its form (Form Trigger, production URL) opened and submitted with a file as a browser
 * does; the file becomes a Document with that file, named as entered and linked to the account.
 */
export function espoCrmDocumentCase(): E2eCase {
	return {
		title: 'EspoCRM: a file submitted on an n8n form becomes a Document linked to an account',
		example: 'espocrm-document-from-form.json',
		async prepare(workflow) {
			const espo = new FakeEspoCrm();
			await espo.start();
			const account = espo.addRecord('Account', { name: 'Acme Pumps' });
			const credential = {
				id: `espo${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'EspoCRM e2e',
				type: 'espoCrmApi',
				data: espo.credentials('apiKey'),
			};
			setParameters(workflow, NODE, { relatedRecords: { accounts: account.id } });
			setCredential(workflow, NODE, credential);
			const state: DocumentState = {
				espo,
				accountId: account.id,
				fileName: `Rahmenvertrag Müller 契約 ${randomUUID().slice(0, 8)}.pdf`,
				documentName: 'Rahmenvertrag 2026 (signed)',
				content: randomBytes(260_000),
			};
			return { workflow, credentials: [credential], state: state as unknown as Record<string, unknown>, cleanup: async () => await espo.stop() };
		},
		async run(id, prepared, { sandbox }): Promise<ExecuteResult> {
			const s = prepared.state as unknown as DocumentState;
			s.form = await runFormWorkflow(sandbox, id, prepared.workflow, {
				files: { 'Contract file': { name: s.fileName, content: s.content, mimeType: 'application/pdf' } },
				text: { 'Document name': s.documentName },
			});
			return formRunResult(s.form);
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as unknown as DocumentState;
			// One Document, created by this submission, holding the submitted bytes under the file's own name.
			const documents = [...(s.espo.records.get('Document')?.values() ?? [])];
			expect(documents).toHaveLength(1);
			const document = documents[0];
			expect(document).toMatchObject({ name: s.documentName, type: 'Contract', status: 'Active' });
			const stored = s.espo.attachments.get(document.fileId as string)!;
			expect(stored).toMatchObject({ name: s.fileName, type: 'application/pdf', size: s.content.length, relatedType: 'Document', relatedId: document.id, field: 'file' });
			expect(createHash('sha256').update(stored.content).digest('hex')).toBe(createHash('sha256').update(s.content).digest('hex'));
			expect(s.espo.linkedIds('Document', document.id as string, 'accounts')).toEqual([s.accountId]);
			expect(s.espo.linkedIds('Account', s.accountId, 'documents')).toEqual([document.id]);
			expect(result.stdout).not.toContain(s.espo.apiKey);
		},
	};
}
