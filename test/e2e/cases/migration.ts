import { createHash, randomBytes, randomUUID } from 'crypto';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import { FakeZoho } from '../../fakes/zoho';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';
import { caseHoldingAnAttachment } from './espoCrm';

const LIST = 'List Zoho Attachments';
const DOWNLOAD = 'Download Zoho Attachment';
const UPLOAD = 'Upload to EspoCRM';
const ZOHO_RECORD_ID = '4150868000000224006';

interface Seeded {
	id: string;
	fileName: string;
	mimeType: string;
	size: number;
	sha256: string;
}

interface State {
	zoho: FakeZoho;
	espo: FakeEspoCrm;
	caseId: string;
	existingId: string;
	seeded: Seeded[];
}

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * examples/zoho-to-espocrm-migration.json against both fakes: a Zoho Lead's two attachments are
 * listed, downloaded to binary and added to an EspoCRM Case's Attachment-Multiple field, next to
 * the attachment the Case already had.
 */
export function zohoToEspoCrmMigrationCase(): E2eCase {
	return {
		title: 'Migration: copies a Zoho CRM record\'s attachments, byte for byte, to an EspoCRM Case',
		example: 'zoho-to-espocrm-migration.json',
		async prepare(workflow) {
			const zoho = new FakeZoho();
			const espo = new FakeEspoCrm();
			await Promise.all([zoho.start(), espo.start()]);
			// Raw UTF-8 bytes after filename*=UTF-8'' (one form the Zoho SDK's downloader.js reads; Zoho's exact form is unverified).
			zoho.api.dispositionStyle = 'rawUtf8';

			const suffix = randomUUID().slice(0, 8);
			const seeded: Seeded[] = [
				{ fileName: `site-plan-${suffix}.pdf`, mimeType: 'application/pdf', data: randomBytes(220_000) },
				{ fileName: `Überweisung 報告 🚀 ${suffix}.png`, mimeType: 'image/png', data: randomBytes(90_000) },
			].map(({ fileName, mimeType, data }) => {
				const attachment = zoho.api.addAttachment('Leads', ZOHO_RECORD_ID, fileName, data, mimeType);
				return { id: attachment.id, fileName, mimeType, size: data.length, sha256: sha256(data) };
			});

			const { record, existing } = caseHoldingAnAttachment(espo, 'Migrated lead');

			const zohoCredential = {
				id: `zoho${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'Zoho CRM e2e (migration)',
				type: 'zohoCrmOAuth2Api',
				data: zoho.credentials(),
			};
			const espoCredential = {
				id: `espo${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'EspoCRM e2e (migration)',
				type: 'espoCrmApi',
				data: espo.credentials('hmac'),
			};
			setParameters(workflow, LIST, { module: 'Leads', recordId: ZOHO_RECORD_ID });
			setCredential(workflow, LIST, zohoCredential);
			setCredential(workflow, DOWNLOAD, zohoCredential);
			setParameters(workflow, UPLOAD, { recordId: record.id });
			setCredential(workflow, UPLOAD, espoCredential);
			const state: State = { zoho, espo, caseId: record.id, existingId: existing.id, seeded };
			return {
				workflow,
				credentials: [zohoCredential, espoCredential],
				state: { ...state },
				cleanup: async () => {
					await Promise.all([zoho.stop(), espo.stop()]);
				},
			};
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as unknown as State;

			// Zoho: one list, one download per attachment; nothing uploaded or deleted there.
			expect(s.zoho.api.requests.map((request) => [request.method, request.path, request.status])).toEqual([
				['GET', `/crm/v8/Leads/${ZOHO_RECORD_ID}/Attachments`, 200],
				...s.seeded.map((file) => ['GET', `/crm/v8/Leads/${ZOHO_RECORD_ID}/Attachments/${file.id}`, 200]),
			]);
			expect(s.zoho.api.attachments).toHaveLength(2);

			// EspoCRM: both files, byte-identical, in the Case's field next to the attachment it had.
			const output = nodeOutput(result.run, UPLOAD);
			expect(output).toHaveLength(2);
			const ids = output.map((item) => item.id as string);
			s.seeded.forEach((file, index) => {
				const stored = s.espo.attachments.get(ids[index]);
				expect(stored).toBeDefined();
				expect(stored).toMatchObject({ name: file.fileName, type: file.mimeType, size: file.size, field: 'attachments' });
				expect(sha256(stored!.content)).toBe(file.sha256);
				expect(output[index]).toMatchObject({ fileName: file.fileName, size: file.size, mimeType: file.mimeType, recordId: s.caseId, linked: true });
			});
			const attachmentsIds = s.espo.record('Case', s.caseId)!.attachmentsIds as string[];
			expect([...attachmentsIds].sort()).toEqual([s.existingId, ...ids].sort());
			expect(s.espo.attachments.has(s.existingId)).toBe(true);
			expect(s.espo.unlinked).toEqual([]);

			expect(nodeOutput(result.run, LIST).map((item) => item.File_Name)).toEqual(s.seeded.map((file) => file.fileName));
			expect(nodeOutput(result.run, DOWNLOAD).map((item) => [item.fileName, item.size, item.mimeType])).toEqual(
				s.seeded.map((file) => [file.fileName, file.size, file.mimeType]),
			);

			const printed = result.stdout + result.stderr;
			const tokens = [...s.zoho.accounts.accessTokens.keys()];
			for (const secret of [s.zoho.accounts.clientSecret, s.zoho.accounts.refreshToken, ...tokens, s.espo.hmacApiKey, s.espo.secretKey]) {
				expect(printed).not.toContain(secret);
			}
		},
	};
}
