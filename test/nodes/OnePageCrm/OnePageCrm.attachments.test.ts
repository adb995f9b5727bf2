import { OnePageCrmApi } from '../../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../../nodes/OnePageCrm/OnePageCrm.node';
import type { IBinaryData } from 'n8n-workflow';

import type { ReferenceType } from '../../fakes/onePageCrm';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { binaryDataService } from '../../harness/binaryStore';
import type { BinaryMode } from '../../harness/binaryStore';
import { randomFile } from '../../harness/fixtures';
import type { RandomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';
import { sha256 } from '../../rig/s3';
import { useS3 } from '../../rig/useS3';

const s3 = useS3();
let crm: OnePageCrmFake;

beforeAll(async () => {
	crm = new OnePageCrmFake(s3);
	await crm.start();
});
afterAll(async () => {
	await crm?.stop();
});

async function run(
	operation: string,
	parameters: Record<string, unknown>,
	items: TestItem[] = [{ json: {} }],
	continueOnFail = false,
	binaryMode: BinaryMode = 'memory',
) {
	return await runNode({
		nodeType: new OnePageCrm(),
		parameters: { resource: 'attachment', operation, ...parameters },
		items,
		binaryMode,
		credentialTypes: [new OnePageCrmApi()],
		credentials: { onePageCrmApi: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl } },
		continueOnFail,
	});
}

/** The bytes of an output binary, wherever n8n keeps them (inline or in its binary store). */
async function outputBytes(binary: IBinaryData): Promise<Buffer> {
	return binary.id ? await (await binaryDataService()).getAsBuffer(binary) : Buffer.from(binary.data, 'base64');
}

/** Uploads files through the node itself, so every attachment below is real (stored in radosgw). */
async function uploaded(referenceType: ReferenceType, files: RandomFile[]) {
	return await uploadedTo(referenceType, files);
}

/** A stored attachment put straight into the fake (for listings too long to upload one by one). */
function seededAttachment(contactId: string, referenceType: ReferenceType, referenceId: string, name: string, pinnedAt: string): string {
	return crm.seedAttachment(contactId, referenceType, referenceId, name, pinnedAt);
}

/** The raw answer of the fake to a request, as the real API would get it (no node involved). */
async function rawRequest(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await fetch(`${crm.apiBaseUrl}${path}`, {
		method,
		headers: { authorization: crm.basicHeader, 'content-type': 'application/json', accept: 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function uploadedTo(referenceType: ReferenceType, files: RandomFile[]) {
	const contactId = crm.seedContact();
	const referenceId = crm.seedRecord(referenceType, contactId);
	const result = await run(
		'upload',
		{ contactId, referenceType, referenceId, binaryPropertyName: 'data', options: {} },
		files.map((file) => ({ files: { data: file.spec } })),
	);
	expect(result.error).toBeUndefined();
	return { contactId, referenceId, ids: result.items.map((item) => item.json.id as string) };
}

describe('OnePageCRM fake: follows the vendor spec, not our node', () => {
	it('has no GET /attachments/{id} (the spec has PATCH and DELETE only) and answers it with the 4XX envelope', async () => {
		const { ids } = await uploaded('note', [randomFile('x.txt', 10)]);

		const answer = await rawRequest('GET', `/attachments/${ids[0]}`);

		expect(answer.status).toBe(404);
		expect(answer.json).toMatchObject({ status: 404, error_name: expect.any(String), error_message: expect.any(String) });
	});

	it('renames only with the spec\'s {attachment: {custom_filename}} body', async () => {
		const { ids } = await uploaded('note', [randomFile('y.txt', 10)]);

		const unwrapped = await rawRequest('PATCH', `/attachments/${ids[0]}`, { custom_filename: 'Flat.txt' });
		expect(unwrapped.status).toBe(400);
		expect(crm.attachments.get(ids[0])?.custom_filename).toBeNull();

		const wrapped = await rawRequest('PATCH', `/attachments/${ids[0]}`, { attachment: { custom_filename: 'Wrapped.txt' } });
		expect(wrapped.status).toBe(200);
		expect(wrapped.json.data).toMatchObject({ id: ids[0], custom_filename: 'Wrapped.txt', storage_provider: 'amazon' });
	});

	it('refuses a link registration without key, as POST /attachments requires it', async () => {
		const contactId = crm.seedContact();
		const dealId = crm.seedRecord('deal', contactId);

		const answer = await rawRequest('POST', '/attachments', {
			reference_type: 'deal',
			reference_id: dealId,
			contact_id: contactId,
			name: 'x',
			link_type: 'dropbox',
			external_url: 'https://www.dropbox.com/s/abc/x.pdf',
		});

		expect(answer.status).toBe(400);
		expect(crm.attachmentsOf('deal', dealId)).toEqual([]);
	});
});

describe('OnePageCRM node: attach a link', () => {
	it('attaches a Google Drive link to a deal with the key POST /attachments requires', async () => {
		const contactId = crm.seedContact();
		const dealId = crm.seedRecord('deal', contactId);
		const url = 'https://drive.google.com/file/d/1AbC/view';
		const before = crm.registrations.length;

		const result = await run('attachLink', { contactId, referenceType: 'deal', referenceId: dealId, linkType: 'google_drive', url, name: 'Contract' });

		expect(result.error).toBeUndefined();
		expect(crm.registrations.slice(before)).toEqual([
			{
				reference_type: 'deal',
				reference_id: dealId,
				contact_id: contactId,
				name: 'Contract',
				key: expect.stringMatching(new RegExp(`^${contactId}/\\d+/Contract$`)),
				link_type: 'google_drive',
				external_url: url,
			},
		]);
		const [attachment] = crm.attachmentsOf('deal', dealId);
		expect(attachment).toMatchObject({ storage_provider: 'google_drive', external_url: url });
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({ id: attachment.id, storage_provider: 'google_drive', url, filename: 'Contract' }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('refuses a URL that is not a web address before calling OnePageCRM', async () => {
		const before = crm.requests.length;
		const result = await run('attachLink', { contactId: 'c', referenceType: 'deal', referenceId: 'd', linkType: 'dropbox', url: 'file:///etc/passwd', name: 'x' });

		expect(result.error?.message).toBe('"URL" of item 1 is not a web address');
		expect(crm.requests.length).toBe(before);
	});
});

describe('OnePageCRM node: list attachments', () => {
	it('lists the attachments of a note, with Limit', async () => {
		const files = [randomFile('a.txt', 10), randomFile('b.txt', 20), randomFile('c.txt', 30)];
		const { referenceId, ids } = await uploaded('note', files);

		const all = await run('getMany', { referenceType: 'note', referenceId, returnAll: true });
		const some = await run('getMany', { referenceType: 'note', referenceId, returnAll: false, limit: 2 });

		expect(all.error).toBeUndefined();
		expect(all.items.map((item) => [item.json.id, item.json.filename, item.json.size, item.json.storage_provider, item.pairedItem])).toEqual([
			[ids[0], 'a.txt', 10, 'amazon', { item: 0 }],
			[ids[1], 'b.txt', 20, 'amazon', { item: 0 }],
			[ids[2], 'c.txt', 30, 'amazon', { item: 0 }],
		]);
		expect(some.items.map((item) => item.json.id)).toEqual(ids.slice(0, 2));
		expect(crm.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/v3/notes/${referenceId}` });
	});

	it('lists the attachments pinned on a contact, most recently pinned first', async () => {
		const files = Array.from({ length: 3 }, (_, index) => randomFile(`p${index}.txt`, 10 + index));
		const { contactId, ids } = await uploaded('call', files);
		for (const id of ids) expect((await run('pin', { attachmentId: id })).error).toBeUndefined();

		const result = await run('getMany', { referenceType: 'contact', referenceId: contactId, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.id, item.json.pinned])).toEqual([...ids].reverse().map((id) => [id, true]));
		expect(crm.requests.at(-1)).toMatchObject({ path: `/api/v3/contacts/${contactId}/pinned_attachments`, query: { page: '1', per_page: '100' } });
	});

	it('pages through pinned attachments with per_page at the spec\'s maximum of 100 and max_page beside data', async () => {
		const contactId = crm.seedContact();
		const callId = crm.seedRecord('call', contactId);
		const ids = Array.from({ length: 230 }, (_, index) =>
			seededAttachment(contactId, 'call', callId, `s${index}.txt`, new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString()),
		);
		const before = crm.requests.length;

		const result = await run('getMany', { referenceType: 'contact', referenceId: contactId, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual([...ids].reverse());
		expect(crm.requests.slice(before).map((request) => request.query)).toEqual([
			{ page: '1', per_page: '100' },
			{ page: '2', per_page: '100' },
			{ page: '3', per_page: '100' },
		]);
	});

	it('reports a deal that does not exist as OnePageCRM\'s 404', async () => {
		const result = await run('getMany', { referenceType: 'deal', referenceId: 'nope', returnAll: true });

		expect(result.error?.message).toBe(
			'OnePageCRM refused the attachments of deal "nope": resource_not_found: Resource not found. Deal with id nope was not found (HTTP 404)',
		);
	});

	it('URL-encodes ids in paths, so an id can never reach another endpoint', async () => {
		const before = crm.requests.length;
		const result = await run('getMany', { referenceType: 'deal', referenceId: '../attachments/x?y=1', returnAll: true });

		expect(result.error?.message).toMatch(/HTTP 404/);
		const [request] = crm.requests.slice(before);
		expect(request.path).toBe('/api/v3/deals/..%2Fattachments%2Fx%3Fy%3D1');
		expect(request.query).toEqual({});
	});
});

describe('OnePageCRM node: download', () => {
	it('reads the file\'s fresh url from its record (no GET /attachments/{id}) and streams it intact, without sending credentials to the file host', async () => {
		const file = randomFile('report.csv', 120_000, 'text/csv');
		const { referenceId, ids } = await uploaded('deal', [file]);
		const hostBefore = crm.fileHost.requests.length;
		const crmBefore = crm.requests.length;

		const result = await run('download', { referenceType: 'deal', referenceId, attachmentId: ids[0], binaryPropertyName: 'file' }, undefined, false, 'filesystem');

		expect(result.error).toBeUndefined();
		expect(crm.requests.slice(crmBefore).map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([`GET /api/v3/deals/${referenceId} 200`]);
		const [fetched] = crm.fileHost.requests.slice(hostBefore);
		expect(fetched.status).toBe(200);
		expect(fetched.headers.authorization).toBeUndefined();
		expect(JSON.stringify(fetched.headers)).not.toContain(crm.apiKey);
		const [item] = result.items;
		// In n8n's filesystem store: the file went to disk, not into the item's JSON.
		expect(item.binary!.file.id).toEqual(expect.any(String));
		expect(sha256(await outputBytes(item.binary!.file))).toBe(file.sha256);
		expect(item.json).toMatchObject({ id: ids[0], storage_provider: 'amazon', fileName: 'report.csv', size: file.size, mimeType: 'text/csv' });
		expect(item.binary!.file).toMatchObject({ fileName: 'report.csv', mimeType: 'text/csv' });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('downloads a file pinned on a contact, from the contact\'s pinned attachments', async () => {
		const file = randomFile('pinned.bin', 5000);
		const { contactId, ids } = await uploaded('meeting', [file]);
		expect((await run('pin', { attachmentId: ids[0] })).error).toBeUndefined();
		const crmBefore = crm.requests.length;

		const result = await run('download', { referenceType: 'contact', referenceId: contactId, attachmentId: ids[0], binaryPropertyName: 'data' });

		expect(result.error).toBeUndefined();
		expect(crm.requests.slice(crmBefore).map((request) => request.path)).toEqual([`/api/v3/contacts/${contactId}/pinned_attachments`]);
		expect(sha256(await outputBytes(result.items[0].binary!.data))).toBe(file.sha256);
	});

	it('names the file after its custom name once renamed', async () => {
		const file = randomFile('raw.bin', 1000);
		const { referenceId, ids } = await uploaded('note', [file]);
		expect((await run('rename', { attachmentId: ids[0], newName: 'Final contract.pdf' })).error).toBeUndefined();

		const result = await run('download', { referenceType: 'note', referenceId, attachmentId: ids[0], binaryPropertyName: 'data' });

		expect(result.items[0].binary!.data).toMatchObject({ fileName: 'Final contract.pdf', mimeType: 'application/pdf' });
		expect(sha256(await outputBytes(result.items[0].binary!.data))).toBe(file.sha256);
	});

	it.each([
		['no Content-Disposition', 'none'],
		['raw UTF-8 bytes in Content-Disposition', 'rawUtf8'],
		['an RFC 5987 filename*', 'rfc5987'],
	] as const)('keeps a non-ASCII file name when the storage sends %s', async (_label, style) => {
		const name = 'Résumé 履歴書 📄.pdf';
		const file = randomFile(name, 2000, 'application/pdf');
		const { referenceId, ids } = await uploaded('note', [file]);
		crm.fileNameHeader = style;
		try {
			const result = await run('download', { referenceType: 'note', referenceId, attachmentId: ids[0], binaryPropertyName: 'data' });

			expect(result.error).toBeUndefined();
			expect(result.items[0].binary!.data).toMatchObject({ fileName: name, mimeType: 'application/pdf' });
			expect(result.items[0].json.fileName).toBe(name);
			expect(sha256(await outputBytes(result.items[0].binary!.data))).toBe(file.sha256);
		} finally {
			crm.fileNameHeader = 'none';
		}
	});

	it('asks for the record when a workflow saved before "From" and "Record ID" gives only the attachment id', async () => {
		const { ids } = await uploaded('note', [randomFile('old.txt', 10)]);
		const before = crm.requests.length;

		// n8n itself flags the now-required Record ID on the node: the workflow does not start.
		await expect(run('download', { attachmentId: ids[0], binaryPropertyName: 'data' })).rejects.toThrow(/workflow has issues/);
		expect(crm.requests.length).toBe(before);
	});

	it('explains why the record is needed when Record ID comes out empty from an expression', async () => {
		const { ids } = await uploaded('note', [randomFile('old.txt', 10)]);
		const before = crm.requests.length;

		const result = await run('download', { referenceType: 'note', referenceId: '={{ $json.parentId }}', attachmentId: ids[0], binaryPropertyName: 'data' });

		expect(result.error?.message).toBe('"Record ID" of item 1 is empty');
		expect(result.error?.description).toMatch(/cannot read an attachment by its ID alone/);
		expect(crm.requests.length).toBe(before);
	});

	it('says when the attachment is not on the given record', async () => {
		const { referenceId } = await uploaded('note', [randomFile('here.txt', 10)]);

		const result = await run('download', { referenceType: 'note', referenceId, attachmentId: 'elsewhere', binaryPropertyName: 'data' });

		expect(result.error?.message).toBe(`OnePageCRM has no attachment "elsewhere" on note "${referenceId}"`);
	});

	it('reports an expired download address as the storage said it, with what to do', async () => {
		const { referenceId, ids } = await uploaded('deal', [randomFile('late.txt', 10)]);
		crm.urlLifetimeMs = -1000;
		try {
			const result = await run('download', { referenceType: 'deal', referenceId, attachmentId: ids[0], binaryPropertyName: 'data' });

			expect(result.error?.message).toBe('OnePageCRM\'s file storage refused the download of "late.txt": AccessDenied: Request has expired (HTTP 403)');
			expect(result.error?.description).toMatch(/fresh address/);
		} finally {
			crm.urlLifetimeMs = 60_000;
		}
	});

	it('tells a link from a file by storage_provider, and explains that a link has no file to download', async () => {
		const contactId = crm.seedContact();
		const dealId = crm.seedRecord('deal', contactId);
		const link = await run('attachLink', { contactId, referenceType: 'deal', referenceId: dealId, linkType: 'dropbox', url: 'https://www.dropbox.com/s/abc/x.pdf', name: 'x.pdf' });
		expect(link.error).toBeUndefined();
		const hostBefore = crm.fileHost.requests.length;

		const result = await run('download', { referenceType: 'deal', referenceId: dealId, attachmentId: link.items[0].json.id, binaryPropertyName: 'data' });

		expect(result.error?.message).toBe('The attachment "x.pdf" is a Dropbox link, not a file stored in OnePageCRM');
		expect(result.error?.description).toContain('https://www.dropbox.com/s/abc/x.pdf');
		expect(crm.fileHost.requests.length).toBe(hostBefore);
	});
});

describe('OnePageCRM node: rename, pin, unpin, delete', () => {
	it('renames an attachment with the spec\'s {attachment: {custom_filename}} body', async () => {
		const { ids } = await uploaded('meeting', [randomFile('m.txt', 10)]);
		const before = crm.requests.length;

		const result = await run('rename', { attachmentId: ids[0], newName: 'Minutes – 会議.txt' });

		expect(result.error).toBeUndefined();
		const [request] = crm.requests.slice(before);
		expect(request).toMatchObject({ method: 'PATCH', path: `/api/v3/attachments/${ids[0]}`, status: 200 });
		expect(request.json).toEqual({ attachment: { custom_filename: 'Minutes – 会議.txt' } });
		expect(crm.attachments.get(ids[0])?.custom_filename).toBe('Minutes – 会議.txt');
		expect(result.items[0].json).toMatchObject({ id: ids[0], custom_filename: 'Minutes – 会議.txt', filename: 'm.txt' });
	});

	it('pins and unpins an attachment', async () => {
		const { ids } = await uploaded('deal', [randomFile('d.txt', 10)]);

		const pinned = await run('pin', { attachmentId: ids[0] });
		expect(pinned.items[0].json).toMatchObject({ id: ids[0], pinned: true, pinned_at: expect.any(String) });
		expect(crm.attachments.get(ids[0])?.pinned).toBe(true);
		expect(crm.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/api/v3/attachments/${ids[0]}/pin` });

		const unpinned = await run('unpin', { attachmentId: ids[0] });
		expect(unpinned.items[0].json).toMatchObject({ id: ids[0], pinned: false });
		expect(crm.attachments.get(ids[0])?.pinned).toBe(false);
		expect(crm.requests.at(-1)).toMatchObject({ method: 'PATCH', path: `/api/v3/attachments/${ids[0]}/unpin` });
	});

	it('deletes an attachment', async () => {
		const { ids } = await uploaded('note', [randomFile('gone.txt', 10)]);

		const result = await run('delete', { attachmentId: ids[0] });

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { deleted: true, id: ids[0] }, pairedItem: { item: 0 } }]);
		expect(crm.attachments.has(ids[0])).toBe(false);
		expect(crm.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/api/v3/attachments/${ids[0]}` });
	});

	it('with Continue On Fail, deletes what exists and reports the rest in place', async () => {
		const { ids } = await uploaded('note', [randomFile('one.txt', 10), randomFile('two.txt', 10)]);
		const items = [{ json: { id: ids[0] } }, { json: { id: 'missing' } }, { json: { id: ids[1] } }];

		const result = await run('delete', { attachmentId: '={{ $json.id }}' }, items, true);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.deleted ?? null, item.pairedItem])).toEqual([
			[true, { item: 0 }],
			[null, { item: 1 }],
			[true, { item: 2 }],
		]);
		expect(result.items[1].json.error).toBe(
			'OnePageCRM refused the deletion of attachment "missing": resource_not_found: Resource not found. Attachment with id missing was not found (HTTP 404)',
		);
	});
});

describe('OnePageCRM node: throttle (spec components.responses.403)', () => {
	it('waits out a 403 with a plain-text body, then repeats the request', async () => {
		const { ids } = await uploaded('deal', [randomFile('t.txt', 10)]);
		crm.throttle(1);
		const before = crm.requests.length;

		const result = await run('pin', { attachmentId: ids[0] });

		expect(result.error).toBeUndefined();
		expect(crm.requests.slice(before).map((request) => request.status)).toEqual([403, 200]);
	});

	it('takes a JSON 403 as a refusal, not as the throttle: no repeat', async () => {
		const { ids } = await uploaded('deal', [randomFile('f.txt', 10)]);
		crm.injectFault({
			path: /\/pin$/,
			status: 403,
			headers: { 'content-type': 'application/json' },
			body: { status: 403, message: 'Forbidden', error_name: 'forbidden', error_message: 'You cannot edit this attachment' },
		});
		const before = crm.requests.length;

		const result = await run('pin', { attachmentId: ids[0] });

		expect(result.error?.message).toMatch(/forbidden: Forbidden\. You cannot edit this attachment \(HTTP 403\)/);
		expect(crm.requests.slice(before).map((request) => request.status)).toEqual([403]);
	});
});
