import { PutObjectCommand } from '@aws-sdk/client-s3';

import { OnePageCrmApi } from '../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../nodes/OnePageCrm/OnePageCrm.node';
import { onePageCrmIfAlreadyAttached, onePageCrmUploadCase } from '../e2e/cases/onePageCrm';
import { onePageCrmCredentialCases } from '../e2e/credentialTest/onePageCrm';
import { OnePageCrmFake } from '../fakes/onePageCrm';
import { TEST_BUCKET } from '../rig/s3';
import type { CrmEntry, HeldFile } from './crm';
import { seedContent } from './seedContent';

const seeds = { contactId: '5f1e00000000000000000001', referenceTypes: ['deal', 'note', 'call', 'meeting'], referenceId: '5f1e0000000000000000d001' } as const;

export const onePageCrm = {
	label: 'OnePageCRM',
	node: OnePageCrm,
	credential: OnePageCrmApi,
	create: (s3) => new OnePageCrmFake(s3),
	// The same order as the fake's own start(): its file host first.
	servers: (fake) => ({ files: fake.fileHost, api: fake }),
	ports: { api: 5701, files: 5707 },
	sandboxCredentialId: 'sbxOnePageCrm001',
	seeds,
	parameters: { contactId: seeds.contactId, referenceId: seeds.referenceId },
	async seed(fake, s3) {
		fake.contacts.add(seeds.contactId);
		fake.contactNames.set(seeds.contactId, { first_name: 'Sandbox', last_name: 'Contact', company_name: 'Sandbox Ltd' });
		// One id for a deal, a note, a call and a meeting of the contact: any reference type works.
		for (const type of seeds.referenceTypes) {
			fake.records.set(`${type}:${seeds.referenceId}`, {
				id: seeds.referenceId,
				type,
				contact_id: seeds.contactId,
				...(type === 'deal' ? { name: 'Sandbox deal' } : { text: `Sandbox ${type}` }),
			});
		}
		// A file already on the seeded note (its bytes in S3 under the attachment's key), so the note's
		// attachment list (Download, Delete, ...) has an entry before any example has uploaded one.
		const noteFile = { filename: 'sandbox-brief.pdf', size: 90_000, contentType: 'application/pdf' };
		const noteAttachmentId = fake.seedAttachment(seeds.contactId, 'note', seeds.referenceId, noteFile.filename);
		const noteAttachment = fake.attachments.get(noteAttachmentId)!;
		const noteContent = seedContent(noteFile.filename, noteFile.size);
		await s3.client.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: noteAttachment.key, Body: noteContent, ContentType: noteFile.contentType }));
		noteAttachment.size = noteContent.length;
	},
	url: (fake) => fake.apiBaseUrl,
	credentialData: (fake) => ({ userId: fake.userId, apiKey: fake.apiKey, baseUrl: fake.apiBaseUrl }),
	async holdings(fake, s3Object) {
		const held: HeldFile[] = [];
		for (const attachment of fake.attachments.values()) {
			const where = `${attachment.reference_type} ${attachment.reference_id} (contact ${attachment.contact_id})`;
			if (attachment.storage_provider !== 'amazon') {
				held.push({ id: attachment.id, name: attachment.filename, size: 0, sha256: '', where: `${where}, link ${attachment.external_url ?? ''}` });
				continue;
			}
			const stored = await s3Object(attachment.key);
			held.push({
				id: attachment.id,
				name: attachment.custom_filename ?? attachment.filename,
				size: stored?.size ?? attachment.size ?? 0,
				sha256: stored?.sha256 ?? '(missing in S3)',
				mimeType: stored?.contentType,
				where: `${where}, S3 key ${attachment.key}`,
				key: attachment.key,
			});
		}
		return held;
	},
	e2eCases: (s3) => [onePageCrmUploadCase(s3)],
	ifAlreadyAttached: onePageCrmIfAlreadyAttached,
	credentialTests: onePageCrmCredentialCases,
} satisfies CrmEntry<OnePageCrmFake>;
