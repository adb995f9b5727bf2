import { TraffioApi } from '../../credentials/TraffioApi.credentials';
import { Traffio } from '../../nodes/Traffio/Traffio.node';
import { traffioUploadCase } from '../e2e/cases/traffio';
import { traffioCredentialCases } from '../e2e/credentialTest/traffio';
import { FakeTraffio } from '../fakes/traffio';
import type { CrmEntry, HeldFile } from './crm';

const seeds = { personId: '15', documentTypeId: 6 } as const;

export const traffio = {
	label: 'Traffio',
	node: Traffio,
	credential: TraffioApi,
	create: (s3) => new FakeTraffio(s3),
	servers: (fake) => ({ api: fake }),
	ports: { api: 5703 },
	sandboxCredentialId: 'sbxTraffio000001',
	seeds,
	parameters: { personId: seeds.personId, documentTypeId: seeds.documentTypeId },
	async seed(fake) {
		if (!fake.persons.has(seeds.personId)) fake.persons.set(seeds.personId, '1');
	},
	url: (fake) => fake.apiBaseUrl,
	credentialData: (fake) => ({ accessToken: fake.accessToken, baseUrl: fake.apiBaseUrl }),
	async holdings(fake, s3Object) {
		const held: HeldFile[] = [];
		for (const file of fake.files) {
			const stored = await s3Object(file.file_name);
			held.push({
				id: String(file.file_id),
				name: file.file_name.slice(file.file_name.lastIndexOf('/') + 1),
				size: stored?.size ?? file.stored.size,
				sha256: stored?.sha256 ?? '(missing in S3)',
				mimeType: file.stored.contentType,
				where: `person ${file.person_id}, document type ${file.document_type_id}, S3 key ${file.file_name}`,
				key: file.file_name,
			});
		}
		return held;
	},
	e2eCases: (s3) => [traffioUploadCase(s3)],
	credentialTests: traffioCredentialCases,
} satisfies CrmEntry<FakeTraffio>;
