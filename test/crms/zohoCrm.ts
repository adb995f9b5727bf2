import { ZohoCrmOAuth2Api } from '../../credentials/ZohoCrmOAuth2Api.credentials';
import { ZohoCrm } from '../../nodes/ZohoCrm/ZohoCrm.node';
import { zohoCrmIfAlreadyAttached, zohoUploadCase } from '../e2e/cases/zohoCrm';
import { FakeZoho } from '../fakes/zoho';
import type { CrmEntry } from './crm';

const seeds = { module: 'Leads', recordId: '4150868000000224005' } as const;

export const zohoCrm = {
	label: 'Zoho CRM',
	node: ZohoCrm,
	credential: ZohoCrmOAuth2Api,
	create: () => new FakeZoho(),
	servers: (fake) => ({ accounts: fake.accounts, api: fake.api }),
	ports: { api: 5704, accounts: 5705 },
	sandboxCredentialId: 'sbxZohoCrm000001',
	seeds,
	parameters: { module: seeds.module, recordId: seeds.recordId },
	async seed(fake) {
		// As the fake's own start() does: the accounts server names the API's domain in its token answers.
		fake.accounts.apiDomain = fake.api.baseUrl;
		if (!fake.api.records.get(seeds.module)) fake.api.records.set(seeds.module, new Set());
		fake.api.records.get(seeds.module)!.add(seeds.recordId);
		fake.api.recordNames.set(`${seeds.module}/${seeds.recordId}`, 'Sandbox Lead');
	},
	url: (fake) => fake.api.baseUrl,
	credentialData: (fake) => fake.credentials() as Record<string, unknown>,
	async holdings(fake) {
		return fake.api.attachments.map((attachment) => ({
			id: attachment.id,
			name: attachment.fileName,
			size: attachment.data.length,
			sha256: attachment.linkUrl ? '' : attachment.sha256,
			mimeType: attachment.contentType,
			where: `${attachment.module} ${attachment.recordId}${attachment.linkUrl ? `, link ${attachment.linkUrl}` : ''}`,
		}));
	},
	// The fake client's Authorized Redirect URI: n8n's OAuth callback (N8N_HOST defaults to localhost),
	// so the credential's Connect / Reconnect goes through the fake accounts server's consent page.
	editorStarted(fake, editorUrl) {
		fake.accounts.consent.redirectUris.add(`${editorUrl}/rest/oauth2-credential/callback`);
	},
	e2eCases: () => [zohoUploadCase()],
	ifAlreadyAttached: zohoCrmIfAlreadyAttached,
} satisfies CrmEntry<FakeZoho>;
