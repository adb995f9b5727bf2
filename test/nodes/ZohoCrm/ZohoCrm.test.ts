import '../../harness/environment';

import { createHash } from 'crypto';
import { Readable } from 'stream';

import { LoadOptionsContext } from 'n8n-core';
import type { INode, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { ZohoCrmOAuth2Api } from '../../../credentials/ZohoCrmOAuth2Api.credentials';
import { ZohoCrm } from '../../../nodes/ZohoCrm/ZohoCrm.node';
import type { BinaryMode } from '../../harness/binaryStore';
import { TestCredentialsHelper } from '../../harness/credentialsHelper';
import { randomFile } from '../../harness/fixtures';
import type { TestItem } from '../../harness/runNode';
import { runNode } from '../../harness/runNode';
import { ATTACHMENT_FIELDS } from '../../../nodes/ZohoCrm/actions/attachment/attachedFiles';
import type { DispositionStyle } from '../../fakes/zoho';
import { ATTACHMENT_MODEL_FIELDS, FakeZoho } from '../../fakes/zoho';

const zoho = new FakeZoho();
const LEAD = '4150868000000224005';
const OTHER_LEAD = '4150868000000224006';

beforeAll(async () => {
	await zoho.start();
});

afterAll(async () => {
	await zoho.stop();
});

beforeEach(() => {
	zoho.api.dispositionStyle = 'rfc5987';
	zoho.api.pageTokensFromPage = 11;
	zoho.api.clearRateLimit();
	zoho.api.requests.length = 0;
	zoho.accounts.requests.length = 0;
	zoho.api.attachments.length = 0;
	zoho.api.clearFaults();
	zoho.api.workDriveWithoutIntegration = false;
});

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

async function run(
	parameters: Record<string, unknown>,
	items: TestItem[] = [{}],
	options: { credentials?: ReturnType<FakeZoho['credentials']>; continueOnFail?: boolean; binaryMode?: BinaryMode } = {},
) {
	return await runNode({
		nodeType: new ZohoCrm(),
		parameters: { resource: 'attachment', ...parameters },
		items,
		binaryMode: options.binaryMode ?? 'memory',
		credentialTypes: [new ZohoCrmOAuth2Api()],
		credentials: { zohoCrmOAuth2Api: options.credentials ?? zoho.credentials() },
		continueOnFail: options.continueOnFail,
	});
}

function uploadParameters(recordId = LEAD, module = 'Leads', extra: Record<string, unknown> = {}) {
	return { operation: 'upload', module, recordId, binaryPropertyName: 'data', options: {}, ...extra };
}

function uploads() {
	return zoho.api.requestsTo('POST', /\/Attachments$/);
}

describe('Zoho CRM node: upload', () => {
	it.each<BinaryMode>(['memory', 'filesystem'])(
		'stores the bytes intact from %s binary data, streamed as multipart with a Content-Length',
		async (mode) => {
			const file = randomFile('quote.pdf', 350_000, 'application/pdf');

			const result = await run(uploadParameters(), [{ json: { lead: 1 }, files: { data: file.spec } }], { binaryMode: mode });

			expect(result.error).toBeUndefined();
			expect(zoho.api.attachments).toHaveLength(1);
			const stored = zoho.api.attachments[0];
			expect(stored).toMatchObject({ module: 'Leads', recordId: LEAD, fileName: 'quote.pdf', contentType: 'application/pdf' });
			expect(stored.data.length).toBe(file.size);
			expect(stored.sha256).toBe(file.sha256);
			const [request] = uploads();
			expect(request.path).toBe(`/crm/v8/Leads/${LEAD}/Attachments`);
			expect(Number(request.headers['content-length'])).toBe(request.body.length);
			expect(request.headers['transfer-encoding']).toBeUndefined();
			expect(request.headers.authorization).toMatch(/^Zoho-oauthtoken 1000\./);
			expect(result.items).toEqual([
				{
					json: {
						id: stored.id,
						code: 'SUCCESS',
						message: 'attachment uploaded successfully',
						status: 'success',
						details: expect.objectContaining({ id: stored.id }),
						module: 'Leads',
						recordId: LEAD,
						fileName: 'quote.pdf',
						size: file.size,
						mimeType: 'application/pdf',
						binaryPropertyName: 'data',
					},
					pairedItem: { item: 0 },
				},
			]);
			expect(result.input[0].json).toEqual({ lead: 1 });
		},
	);

	it('uploads several files of one item and names them with the File Name option', async () => {
		const first = randomFile('a.txt', 1000, 'text/plain');
		const second = randomFile('b.csv', 2000, 'text/csv');

		const result = await run(
			uploadParameters(LEAD, 'Leads', { binaryPropertyName: 'one, two', options: { fileName: 'first.txt, second.csv' } }),
			[{ files: { one: first.spec, two: second.spec } }],
		);

		expect(result.error).toBeUndefined();
		expect(zoho.api.attachments.map((attachment) => [attachment.fileName, attachment.sha256])).toEqual([
			['first.txt', first.sha256],
			['second.csv', second.sha256],
		]);
		expect(result.items.map((item) => item.json.fileName)).toEqual(['first.txt', 'second.csv']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('URL-encodes module and record IDs into single path segments', async () => {
		const file = randomFile('plan.pdf', 500, 'application/pdf');

		const result = await run(uploadParameters('site/7?draft', 'Projects_Custom'), [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(zoho.api.attachments[0]).toMatchObject({ module: 'Projects_Custom', recordId: 'site/7?draft', sha256: file.sha256 });
		expect(uploads()[0].path).toBe('/crm/v8/Projects_Custom/site%2F7%3Fdraft/Attachments');
	});

	it('refuses an .exe file before sending any request', async () => {
		const file = randomFile('setup.exe', 1000);

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }]);

		expect(result.error?.message).toMatch(/Zoho CRM does not accept \.exe files: "setup\.exe"/);
		expect(zoho.api.requests).toHaveLength(0);
		expect(zoho.accounts.requests).toHaveLength(0);
	});

	it('refuses a file over 100 MB before sending any request', async () => {
		const size = 100 * 1024 * 1024 + 1;
		const spec = {
			fileName: 'huge.zip',
			mimeType: 'application/zip',
			content: {
				size,
				stream: () => {
					const chunk = Buffer.alloc(1024 * 1024);
					let left = size;
					return new Readable({
						read() {
							if (left <= 0) {
								this.push(null);
								return;
							}
							const next = chunk.subarray(0, Math.min(chunk.length, left));
							left -= next.length;
							this.push(next);
						},
					});
				},
			},
		};

		const result = await run(uploadParameters(), [{ files: { data: spec } }], { binaryMode: 'filesystem' });

		expect(result.error?.message).toMatch(/Zoho CRM accepts files up to 100 MB: "huge\.zip".* is 104,857,601 bytes \(100 MB \+ 1 byte\)$/);
		expect(zoho.api.requests).toHaveLength(0);
	});

	it('waits out a 429 and then attaches the file exactly once', async () => {
		const file = randomFile('retry.bin', 20_000);
		zoho.api.injectFault({
			method: 'POST',
			path: /Attachments$/,
			status: 429,
			headers: { 'retry-after': '0' },
			body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'The number of requests exceeded the limit', status: 'error' },
		});

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(uploads().map((request) => request.status)).toEqual([429, 200]);
		expect(uploads()[1].body.length).toBe(Number(uploads()[1].headers['content-length']));
		expect(zoho.api.attachments).toHaveLength(1);
		expect(zoho.api.attachments[0].sha256).toBe(file.sha256);
	});

	it('says in plain words that WorkDrive keeps the files when Zoho answers INTEGRATION_NOT_ENABLED', async () => {
		zoho.api.workDriveWithoutIntegration = true;
		const file = randomFile('report.pdf', 1000, 'application/pdf');

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }]);

		expect(result.error?.message).toBe(
			`Zoho CRM refused the upload of "report.pdf" to Leads record ${LEAD}: INTEGRATION_NOT_ENABLED: Zoho WorkDrive integration is not enabled: this Zoho CRM organisation keeps its attachments in Zoho WorkDrive, and the WorkDrive integration does not accept files through the API for this account (HTTP 400)`,
		);
		expect(result.error?.description).toMatch(/WorkDrive integration .*Attach Link/);
		expect(zoho.api.attachments).toHaveLength(0);
	});

	it('keeps Zoho\'s code and message for a record that does not exist', async () => {
		const file = randomFile('a.pdf', 100, 'application/pdf');

		const result = await run(uploadParameters('999'), [{ files: { data: file.spec } }]);

		expect(result.error?.message).toBe(
			'Zoho CRM refused the upload of "a.pdf" to Leads record 999: INVALID_DATA: the related id given seems to be invalid (details: {"resource_path_index":1}) (HTTP 400)',
		);
		expect(result.error?.description).toMatch(/Record ID/);
	});

	it('with Continue On Fail gives one output per input item, failed ones paired with their error', async () => {
		const good = randomFile('good.pdf', 1000, 'application/pdf');
		const exe = randomFile('bad.exe', 1000);
		const other = randomFile('other.pdf', 1000, 'application/pdf');

		const result = await run(
			{ operation: 'upload', module: 'Leads', recordId: '={{ $json.recordId }}', binaryPropertyName: 'data', options: {} },
			[
				{ json: { recordId: LEAD }, files: { data: good.spec } },
				{ json: { recordId: LEAD }, files: { data: exe.spec } },
				{ json: { recordId: '404' }, files: { data: other.spec } },
				{ json: { recordId: OTHER_LEAD } },
			],
			{ continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0].json.id).toBe(zoho.api.attachments[0].id);
		expect(result.items[1].json.error).toMatch(/does not accept \.exe/);
		expect(result.items[2].json.error).toMatch(/INVALID_DATA/);
		expect(result.items[3].json.error).toMatch(/has no binary property "data"/);
		expect(zoho.api.attachments).toHaveLength(1);
	});
});

describe('Zoho CRM node: token renewal', () => {
	it('renews an expired access token through n8n and then uploads with the new token', async () => {
		const expired = zoho.accounts.issueAccessToken();
		zoho.accounts.expire(expired);
		const file = randomFile('after-refresh.pdf', 120_000, 'application/pdf');

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }], {
			credentials: zoho.credentials({ accessToken: expired }),
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		const seen = zoho.api.tokensSeen();
		expect(seen.map((request) => [request.method, request.status])).toEqual([
			['POST', 401],
			['POST', 200],
		]);
		expect(seen[0].token).toBe(expired);
		expect(zoho.accounts.requests).toHaveLength(1);
		const tokenCall = new URLSearchParams(zoho.accounts.requests[0].body.toString('utf8'));
		expect(tokenCall.get('grant_type')).toBe('refresh_token');
		expect(tokenCall.get('refresh_token')).toBe(zoho.accounts.refreshToken);
		const newToken = seen[1].token!;
		expect(newToken).not.toBe(expired);
		expect(zoho.accounts.isValid(newToken)).toBe(true);
		expect(zoho.api.attachments).toHaveLength(1);
		expect(zoho.api.attachments[0].sha256).toBe(file.sha256);
		expect(result.credentialsHelper.updates).toHaveLength(1);
		const saved = result.credentialsHelper.updates[0].data.oauthTokenData as Record<string, unknown>;
		expect(saved.access_token).toBe(newToken);
		expect(saved.refresh_token).toBe(zoho.accounts.refreshToken);
		expect(saved.api_domain).toBe(zoho.api.baseUrl);
	});

	it('reads its credential once per run, and items refused together with an expired token share one renewal', async () => {
		const expired = zoho.accounts.issueAccessToken();
		zoho.accounts.expire(expired);
		const files = [0, 1, 2, 3].map((index) => randomFile(`batch-${index}.pdf`, 4000 + index, 'application/pdf'));

		const result = await run(
			uploadParameters(LEAD, 'Leads', { options: { concurrency: 4 } }),
			files.map((file) => ({ files: { data: file.spec } })),
			{ credentials: zoho.credentials({ accessToken: expired }) },
		);

		expect(result.error).toBeUndefined();
		// In n8n every credential read is a database query and a decryption: one for the run, and the
		// renewal's two (n8n's token refresh reads it, then the node reads the renewed token back).
		expect(result.credentialsHelper.reads).toEqual(['zohoCrmOAuth2Api', 'zohoCrmOAuth2Api', 'zohoCrmOAuth2Api']);
		// One token request for the run, though up to four uploads came back with 401 at once.
		expect(zoho.accounts.requests).toHaveLength(1);
		const seen = zoho.api.tokensSeen();
		const renewedToken = seen.find((request) => request.status === 200)!.token;
		expect(seen.filter((request) => request.status === 200).every((request) => request.token === renewedToken)).toBe(true);
		expect(seen.filter((request) => request.status === 401).every((request) => request.token === expired)).toBe(true);
		expect(zoho.api.attachments.map((attachment) => attachment.sha256).sort()).toEqual(files.map((file) => file.sha256).sort());
	});

	it('reports a refused renewal clearly, without any secret in the message', async () => {
		const expired = zoho.accounts.issueAccessToken();
		zoho.accounts.expire(expired);
		const credentials = zoho.credentials({ accessToken: expired, clientSecret: 'wrong-client-secret-value' });
		const file = randomFile('x.pdf', 100, 'application/pdf');

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }], { credentials });

		expect(result.error?.message).toBe(
			'Zoho refused to renew the access token of the Zoho CRM credential: invalid_client_secret',
		);
		expect(result.error?.description).toMatch(/Reconnect the credential/);
		const everything = JSON.stringify(result.error) + JSON.stringify(result.items);
		for (const secret of ['wrong-client-secret-value', zoho.accounts.clientSecret, zoho.accounts.refreshToken, expired]) {
			expect(everything).not.toContain(secret);
		}
		expect(zoho.api.attachments).toHaveLength(0);
	});

	it('fails clearly when Zoho refuses even the renewed token, after one renewal', async () => {
		const expired = zoho.accounts.issueAccessToken();
		zoho.accounts.expire(expired);
		zoho.accounts.accessTokenLifetimeMs = 0;
		try {
			const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true }, [{}], {
				credentials: zoho.credentials({ accessToken: expired }),
			});

			expect(result.error?.message).toMatch(/^Zoho CRM refused the attachment list of Leads record .*: INVALID_TOKEN: invalid oauth token \(HTTP 401\)$/);
			expect(result.error?.description).toMatch(/Reconnect the credential.*Data Center/);
			expect(zoho.accounts.requests).toHaveLength(1);
			expect(zoho.api.requests.map((request) => request.status)).toEqual([401, 401]);
		} finally {
			zoho.accounts.accessTokenLifetimeMs = 3_600_000;
		}
	});

	it('calls the API domain that the token response names, not the credential\'s', async () => {
		const credentials = zoho.credentials({ apiDomain: 'http://127.0.0.1:1' });

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true }, [{}], { credentials });

		expect(result.error).toBeUndefined();
		expect(zoho.api.requests).toHaveLength(1);
	});

	it('falls back to the data centre\'s API domain when the token response names none', async () => {
		const credentials = zoho.credentials({ tokenData: { api_domain: undefined } });
		// Another live server as the credential's API domain: the request must land there.
		const elsewhere = zoho.credentials({ tokenData: { api_domain: undefined }, apiDomain: zoho.accounts.baseUrl });

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true }, [{}], { credentials });
		const misdirected = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true }, [{}], {
			credentials: elsewhere,
		});

		expect(result.error).toBeUndefined();
		expect(zoho.api.requests).toHaveLength(1);
		expect(zoho.accounts.requests.map((request) => request.path)).toEqual([`/crm/v8/Leads/${LEAD}/Attachments`]);
		expect(misdirected.error?.message).toMatch(/^Zoho CRM refused the attachment list of Leads record .*\(HTTP 404\)$/);
	});

	it('never puts credential values into error messages', async () => {
		const credentials = zoho.credentials();
		const token = (credentials.oauthTokenData as Record<string, string>).access_token;
		zoho.api.injectFault({
			method: 'GET',
			path: /Attachments$/,
			status: 403,
			body: { code: 'NO_PERMISSION', details: { token }, message: `permission denied for ${token}`, status: 'error' },
		});

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true }, [{}], { credentials });

		expect(result.error?.message).toMatch(/^Zoho CRM refused the attachment list of Leads record .*: NO_PERMISSION: permission denied for \[redacted\]/);
		expect(JSON.stringify(result.error)).not.toContain(token);
		expect(JSON.stringify(result.error)).not.toContain(zoho.accounts.clientSecret);
	});
});

describe('Zoho CRM node: module list', () => {
	async function loadModules(credentials: ReturnType<FakeZoho['credentials']>, withoutRefreshHelper = false) {
		const node: INode = {
			id: 'zoho',
			name: 'Zoho CRM',
			type: 'n8n-nodes-crm-attachments.zohoCrm',
			typeVersion: 1,
			position: [0, 0],
			parameters: { resource: 'attachment', operation: 'upload' },
			credentials: { zohoCrmOAuth2Api: { id: 'zoho-id', name: 'Zoho' } },
		};
		const nodeType = new ZohoCrm();
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: {
				getByName: () => nodeType,
				getByNameAndVersion: () => nodeType,
				getKnownTypes: () => ({}),
			} as never,
		});
		const credentialsHelper = new TestCredentialsHelper([new ZohoCrmOAuth2Api()], { zohoCrmOAuth2Api: credentials });
		const additionalData = { credentialsHelper, currentNodeParameters: node.parameters } as unknown as IWorkflowExecuteAdditionalData;
		const context = new LoadOptionsContext(workflow, node, additionalData, 'module');
		// n8n versions before the refreshOAuth2Token helper.
		if (withoutRefreshHelper) delete (context.helpers as Partial<typeof context.helpers>).refreshOAuth2Token;
		return { options: await nodeType.methods.loadOptions.getAttachmentModules.call(context), credentialsHelper };
	}

	it('lists only modules whose records take attachments, by label with the API name as value', async () => {
		const { options } = await loadModules(zoho.credentials());

		// Calls is among v8's modules with attachments (docs v8 upload-attachment.html, "Supported modules").
		expect(options.map((option) => [option.name, option.value])).toEqual([
			['Calls', 'Calls'],
			['Contacts', 'Contacts'],
			['Deals', 'Deals'],
			['Leads', 'Leads'],
			['Sales Orders', 'Sales_Orders'],
			['Site Visits', 'Projects_Custom'],
		]);
		expect(zoho.api.requests[0].path).toBe('/crm/v8/settings/modules');
	});

	it('renews an expired token while loading the list', async () => {
		const expired = zoho.accounts.issueAccessToken();
		zoho.accounts.expire(expired);

		const { options, credentialsHelper } = await loadModules(zoho.credentials({ accessToken: expired }));

		expect(options).toHaveLength(6);
		expect(zoho.api.requests.map((request) => request.status)).toEqual([401, 200]);
		expect(credentialsHelper.updates).toHaveLength(1);
	});

	it('renews an expired token through n8n\'s own 401 handling where n8n lacks refreshOAuth2Token', async () => {
		const expired = zoho.accounts.issueAccessToken();
		zoho.accounts.expire(expired);

		const { options, credentialsHelper } = await loadModules(zoho.credentials({ accessToken: expired }), true);

		expect(options).toHaveLength(6);
		expect(zoho.accounts.requests).toHaveLength(1);
		const renewed = (credentialsHelper.updates[0].data.oauthTokenData as Record<string, string>).access_token;
		// n8n signs its own requests with "Bearer", which this fake Zoho refuses like an expired token:
		// only the node's request after the renewal, with Zoho's scheme and the new token, succeeds.
		const seen = zoho.api.tokensSeen();
		expect(seen.slice(0, -1).every((request) => request.status === 401 && request.token !== renewed)).toBe(true);
		expect(seen[seen.length - 1]).toMatchObject({ path: '/crm/v8/settings/modules', status: 200, token: renewed });
	});
});

describe('Zoho CRM node: link, list, download, delete', () => {
	it('attaches a link with its title', async () => {
		const result = await run({
			operation: 'attachLink',
			module: 'Deals',
			recordId: '4150868000000300001',
			url: 'https://example.com/contract.pdf',
			options: { title: 'Signed contract' },
		});

		expect(result.error).toBeUndefined();
		expect(zoho.api.attachments).toHaveLength(1);
		expect(zoho.api.attachments[0]).toMatchObject({
			module: 'Deals',
			linkUrl: 'https://example.com/contract.pdf',
			title: 'Signed contract',
		});
		// As the SDK's uploadUrlAttachments: attachmentUrl and title as query parameters, no body.
		expect(uploads()[0].query).toEqual({ attachmentUrl: 'https://example.com/contract.pdf', title: 'Signed contract' });
		expect(uploads()[0].body.length).toBe(0);
		expect(result.items[0].json).toMatchObject({
			id: zoho.api.attachments[0].id,
			code: 'SUCCESS',
			url: 'https://example.com/contract.pdf',
			title: 'Signed contract',
		});
	});

	it('refuses a link that is not a web address, before any request', async () => {
		const result = await run({ operation: 'attachLink', module: 'Deals', recordId: '4150868000000300001', url: 'ftp://x', options: {} });

		expect(result.error?.message).toMatch(/"URL" of item 1 is not a web address/);
		expect(zoho.api.requests).toHaveLength(0);
	});

	it('lists attachments across pages with Return All', async () => {
		for (let index = 0; index < 205; index++) zoho.api.addAttachment('Leads', LEAD, `f${index}.txt`, Buffer.from(`file ${index}`));
		zoho.api.addAttachment('Leads', OTHER_LEAD, 'elsewhere.txt', Buffer.from('x'));

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(zoho.api.requests.map((request) => request.query)).toEqual([
			{ fields: ATTACHMENT_FIELDS, page: '1', per_page: '200' },
			{ fields: ATTACHMENT_FIELDS, page: '2', per_page: '200' },
		]);
		expect(result.items).toHaveLength(205);
		expect(result.items[204].json).toMatchObject({ File_Name: 'f204.txt', module: 'Leads', recordId: LEAD });
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('stops at the limit, following pages only as far as needed', async () => {
		for (let index = 0; index < 5; index++) zoho.api.addAttachment('Leads', LEAD, `f${index}.txt`, Buffer.from('x'));

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: false, limit: 2 });

		expect(result.items.map((item) => item.json.File_Name)).toEqual(['f0.txt', 'f1.txt']);
		expect(zoho.api.requests).toHaveLength(1);
		expect(zoho.api.requests[0].query).toEqual({ fields: ATTACHMENT_FIELDS, page: '1', per_page: '2' });
	});

	it('gives no items for a record without attachments (Zoho answers 204)', async () => {
		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	it.each<BinaryMode>(['memory', 'filesystem'])('downloads what was uploaded (%s), with Zoho\'s file name', async (mode) => {
		const file = randomFile('Angebot für Kunde.pdf', 250_000, 'application/pdf');
		await run(uploadParameters(), [{ files: { data: file.spec } }]);
		const id = zoho.api.attachments[0].id;

		const result = await run(
			{ operation: 'download', module: 'Leads', recordId: LEAD, attachmentId: id, binaryPropertyName: 'file' },
			[{}],
			{ binaryMode: mode },
		);

		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json).toMatchObject({
			id,
			fileName: 'Angebot für Kunde.pdf',
			size: file.size,
			mimeType: 'application/pdf',
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const binary = item.binary!.file;
		expect(binary.fileName).toBe('Angebot für Kunde.pdf');
		let content: Buffer;
		if (binary.id) {
			const { binaryDataService } = await import('../../harness/binaryStore');
			content = await (await binaryDataService()).getAsBuffer(binary);
		} else {
			content = Buffer.from(binary.data, 'base64');
		}
		expect(sha256(content)).toBe(file.sha256);
	});

	it('deletes an attachment, and keeps Zoho\'s error for one that is gone', async () => {
		const kept = zoho.api.addAttachment('Leads', LEAD, 'keep.txt', Buffer.from('k'));
		const doomed = zoho.api.addAttachment('Leads', LEAD, 'doomed.txt', Buffer.from('d'));

		const result = await run({ operation: 'delete', module: 'Leads', recordId: LEAD, attachmentId: doomed.id });

		expect(result.error).toBeUndefined();
		expect(zoho.api.attachments).toEqual([kept]);
		expect(result.items[0].json).toMatchObject({ id: doomed.id, deleted: true, code: 'SUCCESS' });

		const again = await run({ operation: 'delete', module: 'Leads', recordId: LEAD, attachmentId: doomed.id });
		expect(again.error?.message).toBe(
			`Zoho CRM refused the deletion of attachment ${doomed.id} of Leads record ${LEAD}: INVALID_DATA: the related id given seems to be invalid (details: {"id":"${doomed.id}"}) (HTTP 400)`,
		);
	});

	it('names a module that takes no attachments with Zoho\'s code', async () => {
		const result = await run({ operation: 'getMany', module: 'Visits', recordId: '1', returnAll: true });

		expect(result.error?.message).toMatch(/INVALID_MODULE: the module name given seems to be invalid .*\(HTTP 400\)/);
		expect(result.error?.description).toMatch(/Choose the module from the "Module" list/);
	});
});

describe('Zoho CRM node: vendor contract (Zoho SDK 8.0 and v8 docs)', () => {
	it('answers a route Zoho does not have as Zoho does (INVALID_URL_PATTERN 404), e.g. the old /crm/v2 path', async () => {
		const token = zoho.accounts.issueAccessToken();
		const response = await fetch(`${zoho.api.baseUrl}/crm/v2/Leads/${LEAD}/Attachments`, {
			headers: { Authorization: `Zoho-oauthtoken ${token}` },
		});

		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ code: 'INVALID_URL_PATTERN', status: 'error' });
	});

	it('sends no JSON-only Accept header when downloading a file', async () => {
		const stored = zoho.api.addAttachment('Leads', LEAD, 'scan.png', Buffer.from('png'), 'image/png');

		await run({ operation: 'download', module: 'Leads', recordId: LEAD, attachmentId: stored.id, binaryPropertyName: 'data' });

		expect(zoho.api.requests[0].headers.accept).not.toBe('application/json');
	});

	it('calls API v8 for every operation, as the official SDK does', async () => {
		const file = randomFile('v8.txt', 100, 'text/plain');
		await run(uploadParameters(), [{ files: { data: file.spec } }]);
		const id = zoho.api.attachments[0].id;
		await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true });
		await run({ operation: 'download', module: 'Leads', recordId: LEAD, attachmentId: id, binaryPropertyName: 'data' });
		await run({ operation: 'delete', module: 'Leads', recordId: LEAD, attachmentId: id });

		expect(zoho.api.requests.map((request) => [request.method, request.path, request.status])).toEqual([
			['POST', `/crm/v8/Leads/${LEAD}/Attachments`, 200],
			['GET', `/crm/v8/Leads/${LEAD}/Attachments`, 200],
			['GET', `/crm/v8/Leads/${LEAD}/Attachments/${id}`, 200],
			['DELETE', `/crm/v8/Leads/${LEAD}/Attachments/${id}`, 200],
		]);
	});

	it('asks the list for the SDK Attachment model\'s fields (mandatory since v3) and passes them on', async () => {
		zoho.api.addAttachment('Leads', LEAD, 'plan.pdf', Buffer.from('plan'), 'application/pdf');

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true });

		expect(result.error).toBeUndefined();
		const asked = String(zoho.api.requests[0].query.fields).split(',');
		expect(asked.every((field) => ATTACHMENT_MODEL_FIELDS.includes(field))).toBe(true);
		expect(asked).toEqual(expect.arrayContaining(['id', 'File_Name', 'Size', 'Created_Time', 'Owner', 'Parent_Id', '$link_url', '$type']));
		expect(result.items[0].json).toMatchObject({ File_Name: 'plan.pdf', Size: '4', $type: 'Attachment', $link_url: null });
	});

	it('follows next_page_token where Zoho pages by token', async () => {
		zoho.api.pageTokensFromPage = 2;
		for (let index = 0; index < 405; index++) zoho.api.addAttachment('Leads', LEAD, `t${index}.txt`, Buffer.from('t'));

		const result = await run({ operation: 'getMany', module: 'Leads', recordId: LEAD, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(405);
		const queries = zoho.api.requests.map((request) => request.query);
		expect(queries[0]).toMatchObject({ page: '1', per_page: '200' });
		expect(queries[1].page).toBeUndefined();
		expect(queries[1].page_token).toEqual(expect.any(String));
		expect(queries[2].page_token).toEqual(expect.any(String));
		expect(zoho.api.requests.map((request) => request.status)).toEqual([200, 200, 200]);
	});

	const names = ['Crème brûlée & "Café".pdf', '報告書 2024年.xlsx', '🚀 launch plan.txt'];

	it.each(names)('uploads %s with its UTF-8 name in the multipart filename, as the SDK\'s form-data does', async (name) => {
		const file = randomFile(name, 2_000, 'application/octet-stream');

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(zoho.api.attachments).toHaveLength(1);
		expect(zoho.api.attachments[0].sha256).toBe(file.sha256);
		const raw = uploads()[0].body.toString('utf8', 0, 600);
		expect(raw).toContain(`filename=`);
		expect(result.items[0].json.fileName).toBe(name);
	});

	const styles: DispositionStyle[] = ['rfc5987', 'rawUtf8', 'quoted'];
	it.each(styles.flatMap((style) => ['Crème brûlée.pdf', '報告書 2024年.xlsx', '🚀 launch plan.txt'].map((name) => [style, name])))(
		'downloads with the exact name when Content-Disposition is %s: %s',
		async (style, name) => {
			zoho.api.dispositionStyle = style as DispositionStyle;
			const stored = zoho.api.addAttachment('Leads', LEAD, name, Buffer.from('content'), 'application/pdf');

			const result = await run({ operation: 'download', module: 'Leads', recordId: LEAD, attachmentId: stored.id, binaryPropertyName: 'data' });

			expect(result.error).toBeUndefined();
			expect(result.items[0].json.fileName).toBe(name);
			expect(result.items[0].binary!.data.fileName).toBe(name);
		},
	);

	it('waits for the window Zoho\'s X-RATELIMIT headers announce instead of running into TOO_MANY_REQUESTS', async () => {
		zoho.api.limitRate(1, 1_500);
		const first = randomFile('one.bin', 1_000);
		const second = randomFile('two.bin', 1_000);

		const result = await run(uploadParameters(LEAD, 'Leads', { binaryPropertyName: 'a,b' }), [
			{ files: { a: first.spec, b: second.spec } },
		]);

		expect(result.error).toBeUndefined();
		expect(uploads().map((request) => request.status)).toEqual([200, 200]);
		expect(zoho.api.attachments.map((attachment) => attachment.sha256)).toEqual([first.sha256, second.sha256]);
	});

	it('waits out TOO_MANY_REQUESTS without Retry-After and attaches once', async () => {
		const file = randomFile('busy.bin', 1_000);
		zoho.api.injectFault({
			method: 'POST',
			path: /Attachments$/,
			status: 429,
			body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'The number of requests exceeded the limit', status: 'error' },
		});

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(uploads().map((request) => request.status)).toEqual([429, 200]);
		expect(zoho.api.attachments).toHaveLength(1);
	});

	it('treats TOO_MANY_REQUESTS in the body as a throttle whatever the HTTP status', async () => {
		const file = randomFile('busy.bin', 1_000);
		zoho.api.injectFault({
			method: 'POST',
			path: /Attachments$/,
			status: 400,
			headers: { 'retry-after': '0' },
			body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'The concurrency limit exceeded', status: 'error' },
		});

		const result = await run(uploadParameters(), [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(uploads().map((request) => request.status)).toEqual([400, 200]);
		expect(zoho.api.attachments).toHaveLength(1);
	});
});
