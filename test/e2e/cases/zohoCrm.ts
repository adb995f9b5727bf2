import { createHash, randomBytes, randomUUID } from 'crypto';
import { readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeZoho } from '../../fakes/zoho';
import type { E2eCase } from '../inN8n';
import type { IfAlreadyAttachedCrm } from './ifAlreadyAttached';
import { expectSuccess } from '../expectSuccess';

const NODE = 'Zoho CRM';
const RECORD_ID = '4150868000000224005';

interface State {
	zoho: FakeZoho;
	credentialId: string;
	expired: string;
	fileName: string;
	size: number;
	sha256: string;
}

/**
 * examples/zoho-upload-attachment.json against the fake Zoho CRM and accounts server. The credential
 * is imported with an EXPIRED access token: real n8n must renew it (refresh_token grant) when Zoho
 * answers 401 INVALID_TOKEN, and the node then uploads the multipart file with the new token.
 */
export function zohoUploadCase(): E2eCase {
	return {
		title: 'Zoho CRM: renews an expired access token and attaches a file read from disk to a Lead',
		example: 'zoho-upload-attachment.json',
		async prepare(workflow, { files }) {
			const zoho = new FakeZoho();
			await zoho.start();
			const expired = zoho.accounts.issueAccessToken();
			zoho.accounts.expire(expired);

			// Accents and CJK: the multipart filename carries the raw UTF-8 name, as the SDK's form-data writes it.
			const fileName = `Angebot für Kunde 報告-${randomUUID().slice(0, 8)}.pdf`;
			const content = randomBytes(300_000 + Math.floor(Math.random() * 1000));
			writeFileSync(join(files, fileName), content);

			const credential = {
				id: `zoho${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'Zoho CRM e2e',
				type: 'zohoCrmOAuth2Api',
				data: zoho.credentials({ accessToken: expired }),
			};
			setParameters(workflow, 'Read File from Disk', { fileSelector: join(files, fileName) });
			setParameters(workflow, NODE, { module: 'Leads', recordId: RECORD_ID });
			setCredential(workflow, NODE, credential);
			const state: State = {
				zoho,
				credentialId: credential.id,
				expired,
				fileName,
				size: content.length,
				sha256: createHash('sha256').update(content).digest('hex'),
			};
			return { workflow, credentials: [credential], state: { ...state }, cleanup: async () => await zoho.stop() };
		},
		async verify(result, { state }, { sandbox }) {
			expectSuccess(result);
			const s = state as unknown as State;
			const seen = s.zoho.api.tokensSeen();

			// The expired token was refused, n8n renewed it with the refresh token, the upload went through once.
			expect(seen.map((request) => [request.method, request.path, request.status])).toEqual([
				['POST', `/crm/v8/Leads/${RECORD_ID}/Attachments`, 401],
				['POST', `/crm/v8/Leads/${RECORD_ID}/Attachments`, 200],
			]);
			expect(seen[0].token).toBe(s.expired);
			const tokenCalls = s.zoho.accounts.requests;
			expect(tokenCalls).toHaveLength(1);
			const grant = new URLSearchParams(tokenCalls[0].body.toString('utf8'));
			expect(grant.get('grant_type')).toBe('refresh_token');
			expect(grant.get('refresh_token')).toBe(s.zoho.accounts.refreshToken);
			const renewed = seen[1].token!;
			expect(renewed).not.toBe(s.expired);
			expect(s.zoho.accounts.isValid(renewed)).toBe(true);

			expect(s.zoho.api.attachments).toHaveLength(1);
			const [stored] = s.zoho.api.attachments;
			expect(stored).toMatchObject({ module: 'Leads', recordId: RECORD_ID, fileName: s.fileName, contentType: 'application/pdf', sha256: s.sha256 });
			expect(stored.data.length).toBe(s.size);

			expect(nodeOutput(result.run, NODE)).toEqual([
				expect.objectContaining({
					id: stored.id,
					code: 'SUCCESS',
					module: 'Leads',
					recordId: RECORD_ID,
					fileName: s.fileName,
					size: s.size,
					mimeType: 'application/pdf',
				}),
			]);
			const printed = result.stdout + result.stderr;
			for (const secret of [s.zoho.accounts.clientSecret, s.zoho.accounts.refreshToken, s.expired, renewed]) {
				expect(printed).not.toContain(secret);
			}

			// n8n saved the renewed token with the credential (read back decrypted from its database).
			const exported = join(sandbox.root, `zoho-credential-${randomUUID()}.json`);
			try {
				const exportRun = await sandbox.n8n(['export:credentials', `--id=${s.credentialId}`, '--decrypted', `--output=${exported}`]);
				expect(exportRun.stdout).toMatch(/Successfully exported 1 credential/);
				const [saved] = JSON.parse(readFileSync(exported, 'utf8')) as Array<{ data: { oauthTokenData: Record<string, unknown> } }>;
				expect(saved.data.oauthTokenData).toMatchObject({
					access_token: renewed,
					refresh_token: s.zoho.accounts.refreshToken,
					api_domain: s.zoho.api.baseUrl,
				});
			} finally {
				rmSync(exported, { force: true });
			}
		},
	};
}

/** examples/zoho-upload-attachment.json: a Lead's attachments, stored byte for byte by the fake. */
export function zohoCrmIfAlreadyAttached(): IfAlreadyAttachedCrm {
	const recordId = '4150868000000224005';
	return {
		label: 'Zoho CRM',
		example: 'zoho-upload-attachment.json',
		node: 'Zoho CRM',
		reader: 'Read File from Disk',
		files: [['Vertrag für Kunde 報告', 'pdf', 180_000]],
		async start(workflow) {
			const zoho = new FakeZoho();
			await zoho.start();
			setParameters(workflow, 'Zoho CRM', { module: 'Leads', recordId });
			const credential = {
				id: `zoho${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'Zoho CRM e2e (If Already Attached)',
				type: 'zohoCrmOAuth2Api',
				data: zoho.credentials(),
			};
			return {
				credential,
				held: async () =>
					zoho.api.attachments
						.filter((attachment) => attachment.module === 'Leads' && attachment.recordId === recordId)
						.map((attachment) => ({ id: attachment.id, name: attachment.fileName, sha256: attachment.sha256 })),
				async check(mode, firstIds) {
					const calls = zoho.api.requests.map((request) => `${request.method} ${request.path}`);
					const upload = `POST /crm/v8/Leads/${recordId}/Attachments`;
					expect(calls.filter((call) => call === upload)).toHaveLength(mode === 'skip' ? 1 : 2);
					expect(calls.filter((call) => call.startsWith('DELETE '))).toEqual(
						mode === 'skip' ? [] : firstIds.map((id) => `DELETE /crm/v8/Leads/${recordId}/Attachments/${id}`),
					);
				},
				stop: async () => await zoho.stop(),
			};
		},
	};
}
