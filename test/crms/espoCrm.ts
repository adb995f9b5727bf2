import { createHash } from 'crypto';

import { EspoCrmApi } from '../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../nodes/EspoCrm/EspoCrm.node';
import { espoCrmIfAlreadyAttached, espoCrmUploadCase } from '../e2e/cases/espoCrm';
import { espoCrmDocumentCase } from '../e2e/cases/espoCrmDocument';
import { espoCrmCredentialCases } from '../e2e/credentialTest/espoCrm';
import { FakeEspoCrm } from '../fakes/espoCrm';
import type { CrmEntry } from './crm';

const seeds = { entityType: 'Case', caseId: 'sandboxcase000001', documentId: 'sandboxdoc0000001', accountId: 'sandboxacct000001' } as const;

export const espoCrm = {
	label: 'EspoCRM',
	node: EspoCrm,
	credential: EspoCrmApi,
	create: () => new FakeEspoCrm(),
	servers: (fake) => ({ site: fake.server }),
	ports: { site: 5706 },
	sandboxCredentialId: 'sbxEspoCrm000001',
	seeds,
	parameters: { entityType: seeds.entityType, recordId: seeds.caseId },
	async seed(fake) {
		const existing = Buffer.from('Pump serial number: P-2291\n');
		const kase = fake.addRecord('Case', { id: seeds.caseId, name: 'Broken pump' });
		const note = fake.addAttachment(existing, 'serial-number.txt', 'text/plain', {
			field: 'attachments',
			parentType: 'Case',
			parentId: kase.id,
		});
		kase.attachmentsIds = [note.id];
		fake.addRecord('Document', { id: seeds.documentId, name: 'Signed contract' });
		// The account the Documents example links its new Document to.
		fake.addRecord('Account', { id: seeds.accountId, name: 'Acme Pumps' });
	},
	url: (fake) => fake.siteUrl,
	credentialData: (fake) => fake.credentials('hmac'),
	async holdings(fake) {
		return [...fake.attachments.values()].map((attachment) => {
			const parent = attachment.parentId
				? `${attachment.parentType} ${attachment.parentId}`
				: attachment.relatedId
					? `${attachment.relatedType} ${attachment.relatedId}`
					: 'not linked to a record';
			return {
				id: attachment.id,
				name: attachment.name,
				size: attachment.content.length,
				sha256: createHash('sha256').update(attachment.content).digest('hex'),
				mimeType: attachment.type ?? undefined,
				where: `${parent}${attachment.field ? `, field ${attachment.field}` : ''}`,
			};
		});
	},
	e2eCases: () => [espoCrmUploadCase(), espoCrmDocumentCase()],
	ifAlreadyAttached: espoCrmIfAlreadyAttached,
	credentialTests: espoCrmCredentialCases,
} satisfies CrmEntry<FakeEspoCrm>;
