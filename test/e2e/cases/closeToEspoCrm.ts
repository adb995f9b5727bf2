import { createHash, randomBytes, randomUUID } from 'crypto';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeClose } from '../../fakes/close';
import type { CloseActivity } from '../../fakes/close';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import type { S3Rig } from '../../rig/useS3';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

const LIST = 'List Lead Files';
const DOWNLOAD = 'Download File';
const CREATE = 'Create EspoCRM Document';

interface Seeded {
	fileName: string;
	mimeType: string;
	size: number;
	sha256: string;
	url: string;
	activity: CloseActivity;
	kind: 'note' | 'email';
}

interface State {
	close: FakeClose;
	espo: FakeEspoCrm;
	leadId: string;
	accountId: string;
	otherAccountId: string;
	seeded: Seeded[];
	/** A file on another lead: it must not move. */
	otherLeadUrl: string;
	tapBefore: number;
}

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * examples/close-lead-files-to-espocrm.json against the fake Close (files in a real S3) and the fake
 * EspoCRM: every file on a lead's notes and emails is listed, downloaded and made a Document linked
 * to the account, under the name Close shows, byte for byte.
 */
export function closeToEspoCrmCase(s3: S3Rig): E2eCase {
	return {
		title: 'Migration: moves a Close lead\'s note and email files, byte for byte, to EspoCRM Documents linked to an account',
		example: 'close-lead-files-to-espocrm.json',
		async prepare(workflow) {
			const close = new FakeClose(s3);
			const espo = new FakeEspoCrm();
			await Promise.all([close.start(), espo.start()]);
			// The fake serves its /go/file/ links itself (Close's are under https://app.close.com).
			close.fileOrigin = close.baseUrl;
			s3.tap.watchSecrets(close.apiKey, close.basicAuthorization.slice('Basic '.length));

			const suffix = randomUUID().slice(0, 8);
			const leadId = `lead_${randomBytes(8).toString('hex')}`;
			const file = (filename: string, size: number, content_type: string) => ({ filename, content: randomBytes(size), content_type });
			const noteFiles = [
				file(`Angebot Müller ${suffix}.pdf`, 240_000, 'application/pdf'),
				file(`Lieferplan ${suffix}.xlsx`, 61_000, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
			];
			const emailFiles = [file(`見積書 Zoë 🚀 ${suffix}.docx`, 130_000, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')];
			const note = await close.addActivityWithFiles('note', leadId, noteFiles, { note: 'Proposal and delivery plan' });
			// A note without files and another lead's file: neither gives a Document.
			await close.addActivityWithFiles('note', leadId, [], { note: 'Called, no answer' });
			const email = await close.addActivityWithFiles('email', leadId, emailFiles, { subject: 'Your quote', status: 'inbox' });
			const other = await close.addActivityWithFiles('note', `lead_other_${suffix}`, [file('not-this-lead.pdf', 1000, 'application/pdf')]);
			const seeded: Seeded[] = [
				...noteFiles.map((f, index) => ({ f, url: note.attachments[index].url, activity: note, kind: 'note' as const })),
				...emailFiles.map((f, index) => ({ f, url: email.attachments[index].url, activity: email, kind: 'email' as const })),
			].map(({ f, url, activity, kind }) => ({
				fileName: f.filename,
				mimeType: f.content_type,
				size: f.content.length,
				sha256: sha256(f.content),
				url,
				activity,
				kind,
			}));

			const account = espo.addRecord('Account', { name: `Acme Pumps ${suffix}` });
			const otherAccount = espo.addRecord('Account', { name: 'Someone else' });

			const closeCredential = {
				id: `close${randomUUID().replace(/-/g, '').slice(0, 11)}`,
				name: 'Close e2e (to EspoCRM)',
				type: 'closeCrmApi',
				data: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl },
			};
			const espoCredential = {
				id: `espo${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'EspoCRM e2e (from Close)',
				type: 'espoCrmApi',
				data: espo.credentials('hmac'),
			};
			setParameters(workflow, LIST, { leadId });
			setCredential(workflow, LIST, closeCredential);
			setCredential(workflow, DOWNLOAD, closeCredential);
			setParameters(workflow, CREATE, { 'relatedRecords.accounts': account.id });
			setCredential(workflow, CREATE, espoCredential);
			const state: State = {
				close,
				espo,
				leadId,
				accountId: account.id,
				otherAccountId: otherAccount.id,
				seeded,
				otherLeadUrl: other.attachments[0].url,
				tapBefore: s3.tap.requests.length,
			};
			return {
				workflow,
				credentials: [closeCredential, espoCredential],
				state: { ...state },
				cleanup: async () => {
					await Promise.all([close.stop(), espo.stop()]);
				},
			};
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as unknown as State;

			// Close: the lead's notes and emails listed once each, then one link per file, all with the key.
			const linkPaths = s.seeded.map((file) => new URL(file.url).pathname);
			const closeSeen = s.close.requests.map((request) => `${request.method} ${request.path.startsWith('/go/file/') ? request.rawPath : request.path} ${request.status}`);
			expect([...closeSeen].sort()).toEqual(
				['GET /api/v1/activity/note/ 200', 'GET /api/v1/activity/email/ 200', ...linkPaths.map((path) => `GET ${path} 302`)].sort(),
			);
			for (const request of s.close.requests) {
				expect(request.headers.authorization).toBe(s.close.basicAuthorization);
				if (request.path.startsWith('/api/v1/activity/')) expect(request.query.lead_id).toBe(s.leadId);
			}
			expect(closeSeen.join('\n')).not.toContain(new URL(s.otherLeadUrl).pathname);

			// The file storage: one GET per file, no credential of any kind.
			const toS3 = s3.tap.requests.slice(s.tapBefore);
			expect(toS3.map((request) => [request.method, request.status])).toEqual(s.seeded.map(() => ['GET', 200]));
			for (const request of toS3) {
				expect(request.headers.authorization).toBeUndefined();
				expect(request.secretsSeen).toEqual([]);
			}

			// EspoCRM: one Document per file, named as Close shows it, holding the same bytes, linked to the account.
			const output = nodeOutput(result.run, CREATE);
			expect(output).toHaveLength(s.seeded.length);
			const documents = s.espo.records.get('Document') ?? new Map();
			expect(documents.size).toBe(s.seeded.length);
			s.seeded.forEach((file, index) => {
				const documentId = output[index].id as string;
				const document = s.espo.record('Document', documentId)!;
				expect(document).toMatchObject({
					name: file.fileName,
					description: `Migrated from Close: ${file.kind} ${file.activity.id} on lead ${s.leadId}`,
				});
				const stored = s.espo.attachments.get(document.fileId as string)!;
				expect(stored).toMatchObject({ name: file.fileName, type: file.mimeType, size: file.size, relatedType: 'Document', relatedId: documentId, field: 'file' });
				expect(sha256(stored.content)).toBe(file.sha256);
				expect(s.espo.linkedIds('Document', documentId, 'accounts')).toEqual([s.accountId]);
				expect(output[index]).toMatchObject({ fileName: file.fileName, size: file.size, mimeType: file.mimeType, linked: { accounts: [s.accountId] } });
			});
			expect(s.espo.linkedIds('Account', s.accountId, 'documents').sort()).toEqual(output.map((item) => item.id as string).sort());
			expect(s.espo.linkedIds('Account', s.otherAccountId, 'documents')).toEqual([]);

			expect(nodeOutput(result.run, LIST).map((item) => [item.filename, item.activityType, item.activityId])).toEqual(
				s.seeded.map((file) => [file.fileName, file.kind, file.activity.id]),
			);
			expect(nodeOutput(result.run, DOWNLOAD).map((item) => [item.fileName, item.size, item.mimeType])).toEqual(
				s.seeded.map((file) => [file.fileName, file.size, file.mimeType]),
			);

			// No secret in what n8n printed, and Close's key never went to EspoCRM.
			const printed = result.stdout + result.stderr;
			for (const secret of [s.close.apiKey, s.close.basicAuthorization.slice('Basic '.length), s.espo.hmacApiKey, s.espo.secretKey]) {
				expect(printed).not.toContain(secret);
			}
			for (const request of s.espo.server.requests) expect(JSON.stringify(request.headers)).not.toContain(s.close.apiKey);
		},
	};
}
