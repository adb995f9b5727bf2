import { createHash } from 'crypto';

import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../../nodes/EspoCrm/EspoCrm.node';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import type { BinaryMode } from '../../harness/binaryStore';
import { binaryDataService } from '../../harness/binaryStore';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';

const espo = new FakeEspoCrm();

beforeAll(async () => {
	await espo.start();
});

afterAll(async () => {
	await espo.stop();
});

function sha256(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}

async function run(parameters: Record<string, unknown>, items: TestItem[], options: { binaryMode?: BinaryMode; continueOnFail?: boolean } = {}) {
	return await runNode({
		nodeType: new EspoCrm(),
		parameters: { resource: 'document', ...parameters },
		items,
		binaryMode: options.binaryMode ?? 'memory',
		credentialTypes: [new EspoCrmApi()],
		credentials: { espoCrmApi: espo.credentials('hmac') as never },
		continueOnFail: options.continueOnFail,
	});
}

function createParameters(extra: Record<string, unknown> = {}) {
	return { operation: 'create', binaryPropertyName: 'data', name: '', relatedRecords: {}, options: {}, ...extra };
}

async function contentOf(binary: { id?: string; data: string }): Promise<Buffer> {
	if (binary.id) return await (await binaryDataService()).getAsBuffer(binary as never);
	return Buffer.from(binary.data, 'base64');
}

describe('EspoCRM node: Document resource', () => {
	it.each<BinaryMode>(['memory', 'filesystem'])(
		'creates a Document from a binary file in one step, in a folder, linked to accounts and contacts (%s binary data)',
		async (binaryMode) => {
			const folder = espo.addRecord('DocumentFolder', { name: 'Contracts' });
			const account = espo.addRecord('Account', { name: 'Acme' });
			const contacts = [espo.addRecord('Contact', { name: 'Ann' }), espo.addRecord('Contact', { name: 'Bob' })];
			const name = 'Vertrag Müller 契約 📄.pdf';
			const file = randomFile(name, 70_001, 'application/pdf');
			const before = espo.server.requests.length;

			const result = await run(
				createParameters({
					relatedRecords: { accounts: account.id, contacts: `${contacts[0].id}, ${contacts[1].id}` },
					options: { folderId: folder.id, type: 'Contract' },
				}),
				[{ json: { form: 'contract' }, files: { data: file.spec } }],
				{ binaryMode },
			);

			expect(result.error).toBeUndefined();
			const documentId = result.items[0].json.id as string;
			const document = espo.record('Document', documentId)!;
			expect(document).toMatchObject({ name, folderId: folder.id, type: 'Contract', status: 'Active' });
			expect(document.publishDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			const attachment = espo.attachments.get(document.fileId as string)!;
			expect(attachment).toMatchObject({ name, type: 'application/pdf', size: file.size, relatedType: 'Document', relatedId: documentId, field: 'file', role: 'Attachment' });
			expect(sha256(attachment.content)).toBe(file.sha256);
			// `accounts` is a link-multiple field: linked in the create request; `contacts` has no such field,
			// so EspoCRM takes only one id there: linked afterwards through the relation route.
			const requests = espo.server.requests.slice(before);
			const create = requests.find((request) => request.method === 'POST' && request.path.endsWith('/api/v1/Document'))!;
			expect(create.json).toMatchObject({ name, fileId: attachment.id, folderId: folder.id, accountsIds: [account.id] });
			expect(create.json).not.toHaveProperty('contactsIds');
			const link = requests.find((request) => request.path.endsWith(`/Document/${documentId}/contacts`))!;
			expect(link.json).toEqual({ ids: [contacts[0].id, contacts[1].id] });
			expect(espo.linkedIds('Document', documentId, 'accounts')).toEqual([account.id]);
			expect(espo.linkedIds('Document', documentId, 'contacts').sort()).toEqual(contacts.map((contact) => contact.id).sort());
			expect(espo.linkedIds('Account', account.id, 'documents')).toEqual([documentId]);
			expect(result.items[0].json).toMatchObject({ fileName: name, size: file.size, linked: { accounts: [account.id], contacts: [contacts[0].id, contacts[1].id] } });
			expect(result.items[0].pairedItem).toEqual({ item: 0 });
			expect(result.items[0].json).not.toHaveProperty('form');
		},
	);

	it('names the Document after the Name parameter and sends the publish date given', async () => {
		const file = randomFile('scan.pdf', 100, 'application/pdf');
		const result = await run(createParameters({ name: 'Signed NDA', options: { publishDate: '2026-01-31', status: 'Draft' } }), [{ files: { data: file.spec } }]);
		expect(result.error).toBeUndefined();
		expect(espo.record('Document', result.items[0].json.id as string)).toMatchObject({ name: 'Signed NDA', publishDate: '2026-01-31', status: 'Draft' });
	});

	it('refuses a link the server does not define, before uploading anything', async () => {
		const saved = espo.entityDefs.Document.links!.leads;
		delete espo.entityDefs.Document.links!.leads;
		const before = espo.attachments.size;
		try {
			const refused = await run(createParameters({ relatedRecords: { leads: 'x' } }), [{ files: { data: randomFile('b.pdf', 10, 'application/pdf').spec } }], { continueOnFail: true });
			expect(refused.items[0].json.error).toMatch(/Documents have no link "leads".*item 1/);
			expect(refused.items[0].json.errorDescription).toMatch(/"accounts", "opportunities", "contacts".*Nothing was uploaded/);
			expect(espo.attachments.size).toBe(before);
		} finally {
			espo.entityDefs.Document.links!.leads = saved;
		}
	});

	it('says the Document exists when only a later link fails', async () => {
		const result = await run(
			createParameters({ relatedRecords: { opportunities: 'nosuchopportunity' } }),
			[{ files: { data: randomFile('deal.pdf', 10, 'application/pdf').spec } }],
			{ continueOnFail: true },
		);
		const created = [...espo.records.get('Document')!.values()].find((document) => document.name === 'deal.pdf')!;
		expect(result.items[0].json.error).toMatch(/linking Document .* "opportunities".*404/);
		expect(result.items[0].json.errorDescription).toContain(`was created (ID "${created.id}")`);
	});

	it('keeps EspoCRM\'s refusal of a related record that does not exist and names the stored attachment', async () => {
		const result = await run(
			createParameters({ relatedRecords: { accounts: 'nosuchaccount' } }),
			[{ files: { data: randomFile('offer.pdf', 10, 'application/pdf').spec } }],
			{ continueOnFail: true },
		);
		expect(result.items[0].json.error).toMatch(/Can't relate with non-existing record/);
		const attachmentId = espo.server.requestsTo('POST', /\/api\/v1\/Attachment$/).at(-1)!;
		expect(attachmentId.status).toBe(200);
		const stored = [...espo.attachments.values()].find((attachment) => attachment.name === 'offer.pdf')!;
		expect(result.items[0].json.errorDescription).toContain(`attachment "${stored.id}"`);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it("refuses a file type outside Document's accept list with EspoCRM's words, item by item", async () => {
		const result = await run(
			createParameters(),
			[{ files: { data: randomFile('setup.exe', 10, 'application/x-msdownload').spec } }, { files: { data: randomFile('ok.txt', 10, 'text/plain').spec } }],
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.error).toMatch(/Not allowed file type/);
		expect(result.items[1].json.id).toBeDefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('gets a Document and lists the Documents of a folder, page by page', async () => {
		const folder = espo.addRecord('DocumentFolder', { name: 'Many' });
		const ids = new Set<string>();
		for (let index = 0; index < 205; index++) ids.add(espo.addRecord('Document', { name: `doc ${index}`, folderId: folder.id, createdAt: `2026-01-01 00:00:${String(index % 60).padStart(2, '0')}` }).id);
		espo.addRecord('Document', { name: 'elsewhere' });

		const all = await run({ operation: 'getMany', returnAll: true, filters: { folderId: folder.id } }, [{ json: {} }]);
		expect(all.error).toBeUndefined();
		expect(new Set(all.items.map((item) => item.json.id))).toEqual(ids);
		const pages = espo.server.requestsTo('GET', /\/api\/v1\/Document$/).slice(-2);
		expect(pages.map((page) => [page.query.maxSize, page.query.offset, page.query['where[0][attribute]'], page.query['where[0][value]']])).toEqual([
			['200', '0', 'folderId', folder.id],
			['200', '200', 'folderId', folder.id],
		]);

		const limited = await run({ operation: 'getMany', returnAll: false, limit: 3, filters: { folderId: folder.id } }, [{ json: {} }]);
		expect(limited.items).toHaveLength(3);
		expect(espo.server.requestsTo('GET', /\/api\/v1\/Document$/).at(-1)!.query.maxSize).toBe('3');

		const id = [...ids][0];
		const one = await run({ operation: 'get', documentId: id }, [{ json: {} }]);
		expect(one.items[0].json).toMatchObject({ id, name: 'doc 0', folderId: folder.id, folderName: 'Many' });
	});

	it.each<BinaryMode>(['memory', 'filesystem'])('downloads the file of a Document, bytes and non-ASCII name intact (%s binary data)', async (binaryMode) => {
		const name = 'Angebot Ärger 報告 🧾.pdf';
		const file = randomFile(name, 90_003, 'application/pdf');
		const created = await run(createParameters(), [{ files: { data: file.spec } }]);
		const documentId = created.items[0].json.id as string;

		const result = await run(
			{ operation: 'download', documentId, binaryPropertyName: 'file' },
			[{ json: { keep: true }, files: { data: randomFile('input.txt', 5, 'text/plain').spec } }],
			{ binaryMode },
		);
		expect(result.error).toBeUndefined();
		const download = espo.server.requestsTo('GET', /\/Attachment\/file\//).at(-1)!;
		expect(download.path).toContain(espo.record('Document', documentId)!.fileId as string);
		const binary = result.items[0].binary!.file;
		expect(binary).toMatchObject({ fileName: name, mimeType: 'application/pdf' });
		expect(sha256(await contentOf(binary))).toBe(file.sha256);
		expect(result.items[0].binary!.data).toBeDefined();
		expect(result.items[0].json).toMatchObject({ id: documentId, fileName: name, size: file.size });
		expect(result.input[0].binary!.file).toBeUndefined();
	});

	it('says which Document has no file, and what to check', async () => {
		const empty = espo.addRecord('Document', { name: 'empty' });
		const result = await run(
			{ operation: 'download', documentId: empty.id, binaryPropertyName: 'data' },
			[{ json: {} }, { json: {} }],
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[1].json.error).toBe(`Document "${empty.id}" has no file to download (item 2)`);
		expect(result.items[1].json.errorDescription).toMatch(/"file" field is empty/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});

	it('reports an unknown Document with the fix', async () => {
		const result = await run({ operation: 'get', documentId: 'nosuchdocument' }, [{ json: {} }]);
		expect(result.error?.message).toMatch(/Document "nosuchdocument".*404/);
		expect(result.error?.description).toMatch(/check "Document ID"/);
	});
});
