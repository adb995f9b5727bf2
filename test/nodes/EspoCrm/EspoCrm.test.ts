import { createHash, randomBytes } from 'crypto';

import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../../nodes/EspoCrm/EspoCrm.node';
import type { FakeEspoRecord } from '../../fakes/espoCrm';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import type { BinaryMode } from '../../harness/binaryStore';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';

type AuthMode = 'apiKey' | 'hmac' | 'basic';

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

interface RunOptions {
	parameters: Record<string, unknown>;
	items: TestItem[];
	mode?: AuthMode;
	credentials?: Record<string, unknown>;
	binaryMode?: BinaryMode;
	continueOnFail?: boolean;
	typeVersion?: number;
}

/** These cases set Field Type, as workflows saved at typeVersion 2 do (3 reads it from the metadata). */
async function run(options: RunOptions) {
	return await runNode({
		nodeType: new EspoCrm(),
		parameters: { resource: 'attachment', ...options.parameters },
		items: options.items,
		binaryMode: options.binaryMode ?? 'memory',
		credentialTypes: [new EspoCrmApi()],
		credentials: { espoCrmApi: { ...espo.credentials(options.mode ?? 'apiKey'), ...(options.credentials ?? {}) } as never },
		continueOnFail: options.continueOnFail,
		typeVersion: options.typeVersion ?? 2,
	});
}

function locator(value: string, mode: 'list' | 'name' = 'name') {
	return { __rl: true, mode, value };
}

function uploadTo(entityType: string, field: string, fieldType: 'file' | 'attachmentMultiple', recordId: string) {
	return {
		operation: 'upload',
		entityType: locator(entityType),
		field: locator(field, 'list'),
		fieldType,
		recordId,
		binaryPropertyName: 'data',
		options: {},
	};
}

function caseWithAttachments(count: number): FakeEspoRecord {
	const record = espo.addRecord('Case', { name: 'Broken pump' });
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const attachment = espo.addAttachment(randomBytes(100 + index), `existing-${index}.txt`, 'text/plain', {
			field: 'attachments',
			parentType: 'Case',
			parentId: record.id,
		});
		ids.push(attachment.id);
	}
	record.attachmentsIds = ids;
	return record;
}

function allSecrets(): string[] {
	return [espo.apiKey, espo.hmacApiKey, espo.secretKey, espo.password];
}

function expectNoSecrets(value: unknown): void {
	const text = JSON.stringify(value);
	for (const secret of allSecrets()) expect(text).not.toContain(secret);
}

describe('EspoCRM node: upload', () => {
	it.each<[AuthMode, BinaryMode]>([
		['apiKey', 'memory'],
		['hmac', 'filesystem'],
		['basic', 'memory'],
	])('uploads to a File field with %s sign-in (%s binary data): bytes intact, fileId set', async (mode, binaryMode) => {
		const document = espo.addRecord('Document', { name: 'Contract' });
		const file = randomFile('contract.pdf', 150_001, 'application/pdf');
		const authBefore = espo.authModes.length;

		const result = await run({
			mode,
			binaryMode,
			parameters: uploadTo('Document', 'file', 'file', document.id),
			items: [{ files: { data: file.spec } }],
		});

		expect(result.error).toBeUndefined();
		expect(new Set(espo.authModes.slice(authBefore))).toEqual(new Set([mode]));
		const attachmentId = espo.record('Document', document.id)!.fileId as string;
		const stored = espo.attachments.get(attachmentId)!;
		expect(stored).toMatchObject({ name: 'contract.pdf', type: 'application/pdf', size: file.size, relatedType: 'Document', field: 'file', role: 'Attachment' });
		expect(sha256(stored.content)).toBe(file.sha256);

		const post = espo.server.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/Attachment').at(-1)!;
		expect(Number(post.headers['content-length'])).toBe(post.body.length);
		expect(post.headers['transfer-encoding']).toBeUndefined();

		expect(result.items).toEqual([
			{
				json: expect.objectContaining({
					id: attachmentId,
					entityType: 'Document',
					field: 'file',
					fieldType: 'file',
					recordId: document.id,
					linked: true,
					replacedAttachmentId: null,
					fileName: 'contract.pdf',
					size: file.size,
					mimeType: 'application/pdf',
					attachment: expect.objectContaining({ id: attachmentId, name: 'contract.pdf' }),
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('returns the attachment id without linking when no record id is given (for a later create)', async () => {
		const file = randomFile('later.txt', 10, 'text/plain');
		const putsBefore = espo.server.requestsTo('PUT', /.*/).length;
		const result = await run({
			parameters: uploadTo('Document', 'file', 'file', ''),
			items: [{ files: { data: file.spec } }],
		});
		expect(result.error).toBeUndefined();
		const id = result.items[0].json.id as string;
		expect(espo.attachments.get(id)).toMatchObject({ relatedType: 'Document', relatedId: null, field: 'file' });
		expect(result.items[0].json).toMatchObject({ linked: false, recordId: null });
		expect(espo.server.requestsTo('PUT', /.*/).length).toBe(putsBefore);
	});

	it('keeps existing attachments when adding to an Attachment-Multiple field (two there, three after)', async () => {
		const record = caseWithAttachments(2);
		const existing = [...(record.attachmentsIds as string[])];
		const file = randomFile('photo.jpg', 40_000, 'image/jpeg');

		const result = await run({
			mode: 'hmac',
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: file.spec } }],
		});

		expect(result.error).toBeUndefined();
		const ids = espo.record('Case', record.id)!.attachmentsIds as string[];
		expect(ids).toHaveLength(3);
		expect(ids.slice(0, 2)).toEqual(existing);
		expect(sha256(espo.attachments.get(ids[2])!.content)).toBe(file.sha256);
		expect(espo.attachments.get(ids[2])).toMatchObject({ parentType: 'Case', parentId: record.id, field: 'attachments' });
		expect(espo.unlinked.filter((entry) => entry.id === record.id)).toEqual([]);
		expect(result.items[0].json).toMatchObject({ id: ids[2], linked: true, attachmentIds: ids });
	});

	it('keeps every attachment when three items add files to the same record in one execution (two there, five after)', async () => {
		const record = caseWithAttachments(2);
		const files = [0, 1, 2].map((index) => randomFile(`scan-${index}.png`, 5_000 + index, 'image/png'));

		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: files.map((file) => ({ files: { data: file.spec } })),
		});

		expect(result.error).toBeUndefined();
		const ids = espo.record('Case', record.id)!.attachmentsIds as string[];
		expect(ids).toHaveLength(5);
		expect(ids.slice(2).map((id) => sha256(espo.attachments.get(id)!.content))).toEqual(files.map((file) => file.sha256));
		expect(espo.unlinked.filter((entry) => entry.id === record.id)).toEqual([]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('keeps every attachment when six items add files to one record with Concurrency 4 (two there, eight after)', async () => {
		const record = caseWithAttachments(2);
		const files = [0, 1, 2, 3, 4, 5].map((index) => randomFile(`parallel-${index}.png`, 4_000 + index, 'image/png'));

		const result = await run({
			parameters: { ...uploadTo('Case', 'attachments', 'attachmentMultiple', record.id), options: { concurrency: 4 } },
			items: files.map((file) => ({ files: { data: file.spec } })),
		});

		expect(result.error).toBeUndefined();
		const ids = espo.record('Case', record.id)!.attachmentsIds as string[];
		expect(ids).toHaveLength(8);
		expect(new Set(ids.slice(2).map((id) => sha256(espo.attachments.get(id)!.content)))).toEqual(
			new Set(files.map((file) => file.sha256)),
		);
		expect(espo.unlinked.filter((entry) => entry.id === record.id)).toEqual([]);
		expect(result.items.map((item) => [item.json.fileName, item.pairedItem])).toEqual(
			files.map((file, index) => [file.spec.fileName, { item: index }]),
		);
	});

	it('pauses every item of the run when EspoCRM answers 429, so no other item runs into the limit', async () => {
		const records = [caseWithAttachments(1), caseWithAttachments(1)];
		const files = records.map((_, index) => randomFile(`limited-${index}.png`, 3_000 + index, 'image/png'));
		const before = espo.server.requests.length;
		// EspoCRM (or its proxy) limits the rate on the first upload and refuses everything for the 1 s it asked for.
		espo.server.limitRateWhileHolding(
			{
				method: 'POST',
				path: /\/Attachment$/,
				status: 429,
				headers: { 'retry-after': '1' },
				body: { message: 'Too many requests' },
				windowMs: 1000,
			},
			// One item's first read is answered only after the other item was told to wait.
			{ method: 'GET', path: /\/Case\// },
		);

		const result = await run({
			parameters: { ...uploadTo('Case', 'attachments', 'attachmentMultiple', '={{ $json.recordId }}'), options: { concurrency: 2 } },
			items: records.map((record, index) => ({ json: { recordId: record.id }, files: { data: files[index].spec } })),
		});

		expect(result.error).toBeUndefined();
		expect(espo.server.requests.slice(before).filter((request) => request.status === 429)).toHaveLength(1);
		for (const [index, record] of records.entries()) {
			const ids = espo.record('Case', record.id)!.attachmentsIds as string[];
			expect(ids).toHaveLength(2);
			expect(sha256(espo.attachments.get(ids[1])!.content)).toBe(files[index].sha256);
		}
	});

	it('uploads several files of one item to an Attachment-Multiple field', async () => {
		const record = caseWithAttachments(1);
		const a = randomFile('a.txt', 11, 'text/plain');
		const b = randomFile('b.txt', 12, 'text/plain');
		const result = await run({
			parameters: { ...uploadTo('Case', 'attachments', 'attachmentMultiple', record.id), binaryPropertyName: 'first, second' },
			items: [{ files: { first: a.spec, second: b.spec } }],
		});
		expect(result.error).toBeUndefined();
		expect(espo.record('Case', record.id)!.attachmentsIds).toHaveLength(3);
		expect(result.items.map((item) => item.json.fileName)).toEqual(['a.txt', 'b.txt']);
	});

	it('refuses a field the record does not show, before uploading anything', async () => {
		const record = caseWithAttachments(2);
		const attachmentsBefore = espo.attachments.size;
		const result = await run({
			parameters: uploadTo('Case', 'attachmnets', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('x.txt', 5, 'text/plain').spec } }],
		});
		expect(result.error?.message).toMatch(/has no Attachment-Multiple field "attachmnets"/);
		expect(espo.attachments.size).toBe(attachmentsBefore);
		expect((espo.record('Case', record.id)!.attachmentsIds as string[]).length).toBe(2);
	});

	it.each([
		['a trailing slash', (url: string) => `${url}/`],
		['/api/v1', (url: string) => `${url}/api/v1`],
		['/api/v1/', (url: string) => `${url}/api/v1/`],
		['spaces around it', (url: string) => `  ${url}  `],
	])('works with the site URL given with %s', async (_label, variant) => {
		const record = caseWithAttachments(0);
		const result = await run({
			mode: 'hmac',
			credentials: { baseUrl: variant(espo.siteUrl) },
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('v.txt', 9, 'text/plain').spec } }],
		});
		expect(result.error).toBeUndefined();
		expect(espo.record('Case', record.id)!.attachmentsIds).toHaveLength(1);
	});

	it('refuses a wrong HMAC secret with a clear message and no secret in it', async () => {
		const record = caseWithAttachments(0);
		const wrongSecret = `nope${espo.secretKey}`;
		const result = await run({
			mode: 'hmac',
			credentials: { secretKey: wrongSecret },
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('w.txt', 9, 'text/plain').spec } }],
		});
		expect(result.error?.message).toMatch(/^EspoCRM refused the read of Case record ".+": the credential was not accepted \(HTTP 401\)$/);
		expect((result.error as { description?: string }).description).toMatch(/secret key \(HMAC\)/);
		expect(JSON.stringify(result.error)).not.toContain(wrongSecret);
		expectNoSecrets(result.error);
	});
});

describe('EspoCRM node: retries', () => {
	afterEach(() => espo.server.clearFaults());

	it('sends a fresh, complete body when EspoCRM asks to retry an upload (503), and links the file once', async () => {
		const record = caseWithAttachments(2);
		const file = randomFile('retry.bin', 70_001);
		espo.server.injectFault({ method: 'POST', path: /\/Attachment$/, status: 503, headers: { 'Retry-After': '0' } });
		const postsBefore = espo.server.requestsTo('POST', /\/Attachment$/).length;

		const result = await run({
			binaryMode: 'filesystem',
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: file.spec } }],
		});

		expect(result.error).toBeUndefined();
		const posts = espo.server.requestsTo('POST', /\/Attachment$/).slice(postsBefore);
		expect(posts.map((post) => post.status)).toEqual([503, 200]);
		expect(posts[0].body.length).toBe(posts[1].body.length);
		expect(Number(posts[1].headers['content-length'])).toBe(posts[1].body.length);
		const ids = espo.record('Case', record.id)!.attachmentsIds as string[];
		expect(ids).toHaveLength(3);
		expect(sha256(espo.attachments.get(ids[2])!.content)).toBe(file.sha256);
	});

	it('does not repeat an upload EspoCRM may have processed (500): the error says so', async () => {
		const record = caseWithAttachments(1);
		espo.server.injectFault({ method: 'POST', path: /\/Attachment$/, status: 500, headers: { 'X-Status-Reason': 'Internal problem' } });
		const postsBefore = espo.server.requestsTo('POST', /\/Attachment$/).length;
		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('x.bin', 100).spec } }],
		});
		expect(result.error?.message).toMatch(/EspoCRM failed while handling the upload of "x\.bin".*Internal problem \(HTTP 500\)/);
		expect(espo.server.requestsTo('POST', /\/Attachment$/).length - postsBefore).toBe(1);
		expect(espo.record('Case', record.id)!.attachmentsIds).toHaveLength(1);
	});
});

function attachmentPosts() {
	return espo.server.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/Attachment');
}

describe('EspoCRM node: upload limits (Tools/Attachment/DetailsObtainer, RecordHooks/Attachment/BeforeCreate)', () => {
	afterEach(() => {
		espo.attachmentUploadMaxSize = 256;
		delete espo.entityDefs.Case.fields.attachments.maxFileSize;
		espo.server.clearFaults();
		espo.proxyBodyLimitBytes = 0;
	});

	it("refuses a file over the field's Max File Size before sending a byte of it", async () => {
		espo.setField('Case', 'attachments', { type: 'attachmentMultiple', maxFileSize: 0.05 });
		const record = caseWithAttachments(2);
		const postsBefore = attachmentPosts().length;
		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('big.zip', 60_000, 'application/zip').spec } }],
		});
		expect(result.error?.message).toMatch(/^EspoCRM would refuse the upload of "big\.zip" \(.+\): the file is larger than this EspoCRM server accepts for field "attachments" of Case/);
		expect((result.error as { description?: string }).description).toMatch(/Max File Size" \(0\.05 MB\)/);
		expect(attachmentPosts().length).toBe(postsBefore);
		expect((espo.record('Case', record.id)!.attachmentsIds as string[]).length).toBe(2);
	});

	it('refuses a file over attachmentUploadMaxSize (whole MB, read from GET Settings) before sending it', async () => {
		espo.attachmentUploadMaxSize = 1;
		const record = caseWithAttachments(0);
		const postsBefore = attachmentPosts().length;
		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('big.zip', 1024 * 1024 + 1, 'application/zip').spec } }],
		});
		// 1 MB + 1 byte rounds to "1.0 MB", the limit itself: the message shows the exact size.
		expect(result.error?.message).toBe(
			'EspoCRM would refuse the upload of "big.zip" (1,048,577 bytes (1.0 MB + 1 byte)): the file is larger than this EspoCRM server accepts for field "attachments" of Case (1.0 MB)',
		);
		expect((result.error as { description?: string }).description).toMatch(/"attachmentUploadMaxSize" setting \(1 MB\)/);
		expect(attachmentPosts().length).toBe(postsBefore);
		expect(espo.server.requestsTo('GET', /\/api\/v1\/Settings$/).length).toBeGreaterThan(0);
	});

	it('declares the file size, so EspoCRM itself refuses a file over its limit when the limit cannot be read (HTTP 403)', async () => {
		espo.setField('Case', 'attachments', { type: 'attachmentMultiple', maxFileSize: 0.05 });
		espo.server.injectFault({ method: 'GET', path: /\/Metadata$/, status: 403, headers: { 'X-Status-Reason': '' } });
		const record = caseWithAttachments(2);
		const file = randomFile('big.zip', 60_000, 'application/zip');
		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: file.spec } }],
		});
		expect((attachmentPosts().at(-1)!.json as { size?: number }).size).toBe(file.size);
		expect(result.error?.message).toMatch(/EspoCRM refused the upload of "big\.zip" \(.+\): the file is larger than this EspoCRM server accepts: Attachment size exceeds `attachmentUploadMaxSize`\. \(HTTP 403\)/);
		expect((result.error as { description?: string }).description).toMatch(/attachmentUploadMaxSize/);
		expect((espo.record('Case', record.id)!.attachmentsIds as string[]).length).toBe(2);
	});

	it("says clearly that a proxy in front of EspoCRM refused the body (HTTP 413)", async () => {
		espo.proxyBodyLimitBytes = 50_000;
		const record = caseWithAttachments(1);
		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('big.zip', 60_000, 'application/zip').spec } }],
		});
		expect(result.error?.message).toMatch(/EspoCRM refused the upload of "big\.zip" \(.+\): the file is larger than this EspoCRM server accepts.*\(HTTP 413\)/);
		expect((result.error as { description?: string }).description).toMatch(/client_max_body_size/);
	});
});

describe('EspoCRM node: what the server reads and sends (checked against its source)', () => {
	it('sends relatedType for a File field and parentType for an Attachment-Multiple field, never the ids CreateInputFilter clears', async () => {
		const document = espo.addRecord('Document', { name: 'Contract' });
		await run({ parameters: uploadTo('Document', 'file', 'file', document.id), items: [{ files: { data: randomFile('a.pdf', 10, 'application/pdf').spec } }] });
		const toFile = attachmentPosts().at(-1)!.json as Record<string, unknown>;
		const record = caseWithAttachments(0);
		await run({ parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id), items: [{ files: { data: randomFile('b.txt', 10, 'text/plain').spec } }] });
		const toMultiple = attachmentPosts().at(-1)!.json as Record<string, unknown>;
		expect(toFile).toMatchObject({ relatedType: 'Document', field: 'file', role: 'Attachment', name: 'a.pdf', type: 'application/pdf', size: 10 });
		expect(toMultiple).toMatchObject({ parentType: 'Case', field: 'attachments', role: 'Attachment', size: 10 });
		for (const body of [toFile, toMultiple]) {
			expect(body).not.toHaveProperty('relatedId');
			expect(body).not.toHaveProperty('parentId');
		}
		expect(toFile).not.toHaveProperty('parentType');
		expect(toMultiple).not.toHaveProperty('relatedType');
	});

	it('says that EspoCRM deleted the file a File field held before an upload replaced it', async () => {
		const old = espo.addAttachment(randomBytes(20), 'old.pdf', 'application/pdf', { field: 'file', relatedType: 'Document' });
		const document = espo.addRecord('Document', { name: 'Contract', fileId: old.id });
		const result = await run({
			parameters: uploadTo('Document', 'file', 'file', document.id),
			items: [{ files: { data: randomFile('new.pdf', 30, 'application/pdf').spec } }],
		});
		expect(result.error).toBeUndefined();
		expect(espo.attachments.has(old.id)).toBe(false);
		expect(espo.record('Document', document.id)!.fileId).toBe(result.items[0].json.id);
		expect(result.items[0].json).toMatchObject({ replacedAttachmentId: old.id, replacedAttachmentDeleted: true });
	});

	it.each([
		['accents', 'Überweisung Café Zürich.pdf'],
		['CJK', '請求書 2024年.pdf'],
		['emoji', 'receipt 🧾✅.pdf'],
		['a quote EspoCRM does not escape', 'say "hi" now.pdf'],
	])('keeps a file name with %s exactly, up and down (raw UTF-8 in Content-Disposition)', async (_label, name) => {
		const record = caseWithAttachments(0);
		const file = randomFile(name, 2_048, 'application/pdf');
		const uploaded = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: file.spec } }],
		});
		expect(uploaded.error).toBeUndefined();
		const attachmentId = uploaded.items[0].json.id as string;
		expect(espo.attachments.get(attachmentId)!.name).toBe(name);

		const result = await run({ parameters: { operation: 'download', attachmentId, binaryPropertyName: 'data' }, items: [{ json: {} }] });
		const download = espo.server.requestsTo('GET', /\/Attachment\/file\//).at(-1)!;
		expect(download.status).toBe(200);
		expect(result.items[0].binary!.data.fileName).toBe(name);
		expect(result.items[0].json).toMatchObject({ fileName: name });
	});

	it("keeps EspoCRM's reason and message label when it refuses a link (Record/Access/LinkCheck)", async () => {
		const record = caseWithAttachments(1);
		espo.server.injectFault({
			method: 'PUT',
			path: /\/Case\//,
			status: 403,
			headers: { 'X-Status-Reason': "Can't relate with non-existing record. entity type: Case, link: attachments." },
			body: { messageTranslation: { label: 'cannotRelateNonExisting', scope: null, data: { foreignEntityType: 'Attachment' } } },
		});
		const result = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: randomFile('c.txt', 10, 'text/plain').spec } }],
		});
		expect(result.error?.message).toContain("Can't relate with non-existing record");
		expect(result.error?.message).toContain('cannotRelateNonExisting');
	});

	it("names the entity type EspoCRM does not know (its 404 for a missing controller)", async () => {
		const result = await run({
			parameters: { operation: 'getMany', entityType: locator('Nonexistent'), field: locator('attachments'), fieldType: 'attachmentMultiple', recordId: 'abc' },
			items: [{ json: {} }],
		});
		expect(result.error?.message).toMatch(/Controller 'Nonexistent' does not exist\. \(HTTP 404\)/);
	});
});

describe('EspoCRM node: continue on fail', () => {
	it('gives N items out for N in, failed ones as errors paired to their input', async () => {
		const record = caseWithAttachments(1);
		const result = await run({
			continueOnFail: true,
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [
				{ files: { data: randomFile('ok-1.txt', 10, 'text/plain').spec } },
				{ json: { note: 'no file' } },
				{ files: { data: randomFile('ok-2.txt', 10, 'text/plain').spec } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[1].json.error).toMatch(/Item 2 has no binary property "data"/);
		expect(espo.record('Case', record.id)!.attachmentsIds).toHaveLength(3);
		expect(result.input[1]).toEqual({ json: { note: 'no file' } });
	});

	it('keeps one error item per failed item when the credential is wrong, without secrets', async () => {
		const record = caseWithAttachments(0);
		const result = await run({
			continueOnFail: true,
			mode: 'apiKey',
			credentials: { apiKey: `bad${espo.apiKey}` },
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [
				{ files: { data: randomFile('a.txt', 10, 'text/plain').spec } },
				{ files: { data: randomFile('b.txt', 10, 'text/plain').spec } },
			],
		});
		expect(result.items).toHaveLength(2);
		for (const item of result.items) expect(item.json.error).toMatch(/HTTP 401/);
		expectNoSecrets(result.items);
		expect(JSON.stringify(result.items)).not.toContain(`bad${espo.apiKey}`);
	});
});

describe('EspoCRM node: get many, download, delete', () => {
	it('lists the attachments of a field with names, types and sizes', async () => {
		const record = caseWithAttachments(2);
		const result = await run({
			parameters: {
				operation: 'getMany',
				entityType: locator('Case'),
				field: locator('attachments'),
				fieldType: 'attachmentMultiple',
				recordId: record.id,
			},
			items: [{ json: {} }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual(
			(record.attachmentsIds as string[]).map((id, index) =>
				expect.objectContaining({ id, name: `existing-${index}.txt`, type: 'text/plain', size: 100 + index, recordId: record.id }),
			),
		);
	});

	it.each<BinaryMode>(['memory', 'filesystem'])('downloads exactly what was uploaded (%s binary data)', async (binaryMode) => {
		const record = caseWithAttachments(0);
		const file = randomFile('report final.pdf', 123_457, 'application/pdf');
		const uploaded = await run({
			parameters: uploadTo('Case', 'attachments', 'attachmentMultiple', record.id),
			items: [{ files: { data: file.spec } }],
		});
		const attachmentId = uploaded.items[0].json.id as string;

		const result = await run({
			mode: 'hmac',
			binaryMode,
			parameters: { operation: 'download', attachmentId, binaryPropertyName: 'data' },
			items: [{ json: {} }],
		});
		expect(result.error).toBeUndefined();
		const binary = result.items[0].binary!.data;
		expect(binary).toMatchObject({ fileName: 'report final.pdf', mimeType: 'application/pdf' });
		expect(result.items[0].json).toMatchObject({ id: attachmentId, fileName: 'report final.pdf', size: file.size });
		let content: Buffer;
		if (binary.id) {
			const { binaryDataService } = await import('../../harness/binaryStore');
			content = await (await binaryDataService()).getAsBuffer(binary);
		} else {
			content = Buffer.from(binary.data, 'base64');
		}
		expect(sha256(content)).toBe(file.sha256);
	});

	it('reports a missing attachment on download clearly', async () => {
		const result = await run({
			parameters: { operation: 'download', attachmentId: 'doesnotexist', binaryPropertyName: 'data' },
			items: [{ json: {} }],
		});
		expect(result.error?.message).toMatch(/EspoCRM refused the download of attachment "doesnotexist".*\(HTTP 404\)/);
	});

	it('deletes an attachment: unlinked from the record and deleted, the others kept', async () => {
		const record = caseWithAttachments(3);
		const [first, second, third] = record.attachmentsIds as string[];
		const result = await run({
			mode: 'basic',
			parameters: {
				operation: 'delete',
				entityType: locator('Case'),
				field: locator('attachments'),
				fieldType: 'attachmentMultiple',
				recordId: record.id,
				attachmentId: second,
			},
			items: [{ json: {} }],
		});
		expect(result.error).toBeUndefined();
		expect(espo.record('Case', record.id)!.attachmentsIds).toEqual([first, third]);
		expect(espo.attachments.has(second)).toBe(false);
		expect(espo.attachments.has(first) && espo.attachments.has(third)).toBe(true);
		expect(espo.deleted).toContain(second);
		expect(result.items[0].json).toMatchObject({ id: second, deleted: true, attachmentIds: [first, third] });
	});

	it('deletes the file of a File field: the field emptied and the attachment deleted', async () => {
		const attachment = espo.addAttachment(randomBytes(20), 'old.pdf', 'application/pdf', { field: 'file', relatedType: 'Document' });
		const document = espo.addRecord('Document', { name: 'Old', fileId: attachment.id });
		const result = await run({
			parameters: {
				operation: 'delete',
				entityType: locator('Document'),
				field: locator('file'),
				fieldType: 'file',
				recordId: document.id,
				attachmentId: attachment.id,
			},
			items: [{ json: {} }],
		});
		expect(result.error).toBeUndefined();
		expect(espo.record('Document', document.id)!.fileId).toBeNull();
		expect(espo.attachments.has(attachment.id)).toBe(false);
		// File/Saver::removePrevious deleted it when the field was emptied: the DELETE finds it gone.
		expect(result.items[0].json).toMatchObject({ id: attachment.id, deleted: true, alreadyRemoved: true });
	});

	it('refuses to delete an attachment that is not in the field, deleting nothing', async () => {
		const record = caseWithAttachments(2);
		const stranger = espo.addAttachment(randomBytes(5), 'other.txt', 'text/plain');
		const result = await run({
			parameters: {
				operation: 'delete',
				entityType: locator('Case'),
				field: locator('attachments'),
				fieldType: 'attachmentMultiple',
				recordId: record.id,
				attachmentId: stranger.id,
			},
			items: [{ json: {} }],
		});
		expect(result.error?.message).toMatch(/is not in field "attachments"/);
		expect(espo.attachments.has(stranger.id)).toBe(true);
		expect(espo.record('Case', record.id)!.attachmentsIds).toHaveLength(2);
	});
});
