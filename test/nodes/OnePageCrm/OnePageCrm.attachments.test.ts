import { OnePageCrmApi } from '../../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../../nodes/OnePageCrm/OnePageCrm.node';
import type { IBinaryData } from 'n8n-workflow';

import type { ReferenceType } from '../../fakes/onePageCrm';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { binaryDataService } from '../../harness/binaryStore';
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

async function run(operation: string, parameters: Record<string, unknown>, items: TestItem[] = [{ json: {} }], continueOnFail = false) {
	return await runNode({
		nodeType: new OnePageCrm(),
		parameters: { resource: 'attachment', operation, ...parameters },
		items,
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

describe('OnePageCRM node: attach a link', () => {
	it('attaches a Google Drive link to a deal', async () => {
		const contactId = crm.seedContact();
		const dealId = crm.seedRecord('deal', contactId);
		const url = 'https://drive.google.com/file/d/1AbC/view';
		const before = crm.registrations.length;

		const result = await run('attachLink', { contactId, referenceType: 'deal', referenceId: dealId, linkType: 'google_drive', url, name: 'Contract' });

		expect(result.error).toBeUndefined();
		expect(crm.registrations.slice(before)).toEqual([
			{ reference_type: 'deal', reference_id: dealId, contact_id: contactId, link_type: 'google_drive', external_url: url, name: 'Contract' },
		]);
		const [attachment] = crm.attachmentsOf('deal', dealId);
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({ id: attachment.id, link_type: 'google_drive', external_url: url, filename: 'Contract' }),
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
		expect(all.items.map((item) => [item.json.id, item.json.filename, item.json.size, item.pairedItem])).toEqual([
			[ids[0], 'a.txt', 10, { item: 0 }],
			[ids[1], 'b.txt', 20, { item: 0 }],
			[ids[2], 'c.txt', 30, { item: 0 }],
		]);
		expect(some.items.map((item) => item.json.id)).toEqual(ids.slice(0, 2));
		expect(crm.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/v3/notes/${referenceId}` });
	});

	it('lists the attachments pinned on a contact, across pages', async () => {
		const files = Array.from({ length: 3 }, (_, index) => randomFile(`p${index}.txt`, 10 + index));
		const { contactId, ids } = await uploaded('call', files);
		for (const id of ids) expect((await run('pin', { attachmentId: id })).error).toBeUndefined();

		const result = await run('getMany', { referenceType: 'contact', referenceId: contactId, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.id, item.json.pinned])).toEqual(ids.map((id) => [id, true]));
		expect(crm.requests.at(-1)).toMatchObject({ path: `/api/v3/contacts/${contactId}/pinned_attachments`, query: { page: '1', per_page: '100' } });
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
	it('downloads the file intact from a fresh url, without sending credentials to the file host', async () => {
		const file = randomFile('report.csv', 120_000, 'text/csv');
		const { ids } = await uploaded('deal', [file]);
		const hostBefore = crm.fileHost.requests.length;
		const crmBefore = crm.requests.length;

		const result = await run('download', { attachmentId: ids[0], binaryPropertyName: 'file' });

		expect(result.error).toBeUndefined();
		expect(crm.requests.slice(crmBefore).map((request) => `${request.method} ${request.path}`)).toEqual([`GET /api/v3/attachments/${ids[0]}`]);
		const [fetched] = crm.fileHost.requests.slice(hostBefore);
		expect(fetched.headers.authorization).toBeUndefined();
		expect(JSON.stringify(fetched.headers)).not.toContain(crm.apiKey);
		const [item] = result.items;
		expect(sha256(await outputBytes(item.binary!.file))).toBe(file.sha256);
		expect(item.json).toMatchObject({ id: ids[0], fileName: 'report.csv', size: file.size, mimeType: 'text/csv' });
		expect(item.binary!.file).toMatchObject({ fileName: 'report.csv', mimeType: 'text/csv' });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('names the file after its custom name once renamed', async () => {
		const file = randomFile('raw.bin', 1000);
		const { ids } = await uploaded('note', [file]);
		expect((await run('rename', { attachmentId: ids[0], newName: 'Final contract.pdf' })).error).toBeUndefined();

		const result = await run('download', { attachmentId: ids[0], binaryPropertyName: 'data' });

		expect(result.items[0].binary!.data).toMatchObject({ fileName: 'Final contract.pdf', mimeType: 'application/pdf' });
		expect(sha256(await outputBytes(result.items[0].binary!.data))).toBe(file.sha256);
	});

	it('reports an expired download address as the storage said it, with what to do', async () => {
		const { ids } = await uploaded('deal', [randomFile('late.txt', 10)]);
		crm.urlLifetimeMs = -1000;
		try {
			const result = await run('download', { attachmentId: ids[0], binaryPropertyName: 'data' });

			expect(result.error?.message).toBe('OnePageCRM\'s file storage refused the download of "late.txt": AccessDenied: Request has expired (HTTP 403)');
			expect(result.error?.description).toMatch(/fresh address/);
		} finally {
			crm.urlLifetimeMs = 60_000;
		}
	});

	it('explains that a link attachment has no file to download', async () => {
		const contactId = crm.seedContact();
		const dealId = crm.seedRecord('deal', contactId);
		const link = await run('attachLink', { contactId, referenceType: 'deal', referenceId: dealId, linkType: 'dropbox', url: 'https://www.dropbox.com/s/abc/x.pdf', name: 'x.pdf' });

		const result = await run('download', { attachmentId: link.items[0].json.id, binaryPropertyName: 'data' });

		expect(result.error?.message).toBe('The attachment "x.pdf" is a dropbox link, not a file stored in OnePageCRM');
		expect(result.error?.description).toContain('https://www.dropbox.com/s/abc/x.pdf');
	});
});

describe('OnePageCRM node: rename, pin, unpin, delete', () => {
	it('renames an attachment with custom_filename', async () => {
		const { ids } = await uploaded('meeting', [randomFile('m.txt', 10)]);
		const before = crm.requests.length;

		const result = await run('rename', { attachmentId: ids[0], newName: 'Minutes.txt' });

		expect(result.error).toBeUndefined();
		expect(crm.requests.slice(before)[0]).toMatchObject({ method: 'PATCH', path: `/api/v3/attachments/${ids[0]}`, json: { custom_filename: 'Minutes.txt' } });
		expect(crm.attachments.get(ids[0])?.custom_filename).toBe('Minutes.txt');
		expect(result.items[0].json).toMatchObject({ id: ids[0], custom_filename: 'Minutes.txt', filename: 'm.txt' });
	});

	it('pins and unpins an attachment', async () => {
		const { ids } = await uploaded('deal', [randomFile('d.txt', 10)]);

		const pinned = await run('pin', { attachmentId: ids[0] });
		expect(pinned.items[0].json).toMatchObject({ id: ids[0], pinned: true });
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

	it('waits out a 403 text throttle on a read', async () => {
		const { ids } = await uploaded('deal', [randomFile('t.txt', 10)]);
		crm.throttle(1);
		const before = crm.requests.length;

		const result = await run('pin', { attachmentId: ids[0] });

		expect(result.error).toBeUndefined();
		expect(crm.requests.slice(before).map((request) => request.status)).toEqual([403, 200]);
	});
});
