import { CloseCrmApi } from '../../credentials/CloseCrmApi.credentials';
import { CloseCrm } from '../../nodes/CloseCrm/CloseCrm.node';
import { closeNoteCase } from '../e2e/cases/closeCrm';
import { closeCredentialCases } from '../e2e/credentialTest/close';
import { FakeClose } from '../fakes/close';
import type { CrmEntry, HeldFile } from './crm';
import { seedContent } from './seedContent';

/**
 * The files on the Close lead seeds.filesLeadId (the Close -> EspoCRM example moves them): office files,
 * since they become EspoCRM Documents; one with a non-ASCII name.
 */
export const CLOSE_SEED_FILES: Array<{ activity: 'note' | 'email'; filename: string; size: number; content_type: string }> = [
	{ activity: 'note', filename: 'Angebot Müller.pdf', size: 240_000, content_type: 'application/pdf' },
	{ activity: 'note', filename: 'Lieferplan.xlsx', size: 61_000, content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
	{ activity: 'email', filename: '見積書 Zoë 🚀.docx', size: 130_000, content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
];

const seeds = { leadId: 'lead_sandbox', contactId: 'cont_sandbox', filesLeadId: 'lead_sandbox_files' } as const;

export const close = {
	label: 'Close',
	node: CloseCrm,
	credential: CloseCrmApi,
	create: (s3) => new FakeClose(s3),
	servers: (fake) => ({ api: fake }),
	ports: { api: 5702 },
	sandboxCredentialId: 'sbxCloseCrm00001',
	seeds,
	parameters: { leadId: seeds.leadId, contactId: seeds.contactId },
	async seed(fake) {
		fake.leads.set(seeds.leadId, [seeds.contactId]);
		fake.leadNames.set(seeds.leadId, 'Sandbox Lead');
		fake.contactNames.set(seeds.contactId, 'Sandbox Contact');
		// A lead whose note and email carry files in S3, behind /go/file/ links the fake serves itself.
		fake.fileOrigin = fake.baseUrl;
		for (const activity of ['note', 'email'] as const) {
			const files = CLOSE_SEED_FILES.filter((file) => file.activity === activity).map(({ filename, size, content_type }) => ({
				filename,
				content_type,
				content: seedContent(filename, size),
			}));
			const fields = activity === 'email' ? { subject: 'Your quote', status: 'inbox' } : { note: 'Proposal and delivery plan' };
			await fake.addActivityWithFiles(activity, seeds.filesLeadId, files, fields);
		}
	},
	url: (fake) => fake.apiBaseUrl,
	credentialData: (fake) => ({ apiKey: fake.apiKey, baseUrl: fake.apiBaseUrl }),
	// Files handed out by /files/upload/ whose upload reached S3, with the activities using them.
	async holdings(fake, s3Object) {
		const held: HeldFile[] = [];
		for (const file of fake.files.values()) {
			const stored = await s3Object(file.key);
			if (!stored) continue;
			const activities = [...fake.notes, ...fake.emails]
				.filter((activity) => activity.attachments.some((attachment) => attachment.url === file.downloadUrl))
				.map((activity) => `${String(activity._type ?? 'activity').toLowerCase()} ${activity.id} on lead ${activity.lead_id}`);
			held.push({
				id: file.id,
				name: file.filename,
				size: stored.size,
				sha256: stored.sha256,
				mimeType: file.content_type,
				where: `${activities.length ? activities.join('; ') : 'uploaded, not attached to an activity yet'}, S3 key ${file.key}`,
				key: file.key,
			});
		}
		return held;
	},
	e2eCases: (s3) => [closeNoteCase(s3)],
	credentialTests: closeCredentialCases,
} satisfies CrmEntry<FakeClose>;
