import { randomBytes } from 'crypto';

import type { IDataObject } from 'n8n-workflow';

import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../../nodes/EspoCrm/EspoCrm.node';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import { randomFile } from '../../harness/fixtures';
import { loadOptionsContext } from '../../harness/loadOptionsContext';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';

const espo = new FakeEspoCrm({ sitePath: '/crm' });

beforeAll(async () => {
	await espo.start();
});

afterAll(async () => {
	await espo.stop();
});

function locator(mode: string, value: string) {
	return { __rl: true, mode, value };
}

async function run(parameters: IDataObject, items: TestItem[], typeVersion?: number) {
	return await runNode({
		nodeType: new EspoCrm(),
		parameters: { resource: 'attachment', ...parameters },
		items,
		credentialTypes: [new EspoCrmApi()],
		credentials: { espoCrmApi: espo.credentials('apiKey') as never },
		typeVersion,
	});
}

function listSearch(parameters: IDataObject) {
	return loadOptionsContext({
		nodeType: new EspoCrm(),
		parameters: { resource: 'attachment', ...parameters },
		credentialType: new EspoCrmApi(),
		credentials: espo.credentials('hmac') as never,
	});
}

function caseWithFile(name: string) {
	const record = espo.addRecord('Case', { name });
	const attachment = espo.addAttachment(randomBytes(64), 'report.pdf', 'application/pdf', { field: 'attachments', parentType: 'Case', parentId: record.id });
	record.attachmentsIds = [attachment.id];
	return { record, attachment };
}

describe('EspoCRM node: saved workflows keep their plain ids', () => {
	it('runs a typeVersion 2 upload with a string Record ID and Field Type as saved', async () => {
		const record = espo.addRecord('Case', { name: 'Saved at version 2' });
		const file = randomFile('v2.txt', 300, 'text/plain');
		const result = await run(
			{ operation: 'upload', entityType: locator('name', 'Case'), fieldType: 'attachmentMultiple', field: locator('name', 'attachments'), recordId: record.id, binaryPropertyName: 'data' },
			[{ files: { data: file.spec } }],
			2,
		);
		expect(result.error).toBeUndefined();
		expect(espo.record('Case', record.id)!.attachmentsIds).toEqual([result.items[0].json.id]);
	});

	it('shows plain text ids and Field Type up to typeVersion 2, pickers from 3', () => {
		const properties = new EspoCrm().description.properties.filter((property) => ['recordId', 'attachmentId', 'fieldType'].includes(property.name));
		const shapes = properties.map((property) => `${property.name}:${property.type}:${JSON.stringify(property.displayOptions?.show?.['@version'])}`);
		expect(shapes).toContain('recordId:string:[{"_cnd":{"lt":3}}]');
		expect(shapes).toContain('recordId:resourceLocator:[{"_cnd":{"gte":3}}]');
		expect(shapes).toContain('attachmentId:string:[{"_cnd":{"lt":3}}]');
		expect(shapes).toContain('attachmentId:resourceLocator:[{"_cnd":{"gte":3}}]');
		expect(shapes).toContain('fieldType:options:[{"_cnd":{"lt":3}}]');
		expect(new EspoCrm().description.defaultVersion).toBe(3);
	});
});

describe('EspoCRM node typeVersion 3: ids from resource locators', () => {
	it('uploads to a record given By URL, the field picked from the list, its type read from the metadata', async () => {
		const record = espo.addRecord('Case', { name: 'Picked by URL' });
		const file = randomFile('by-url.txt', 200, 'text/plain');
		const requestsBefore = espo.server.requests.length;
		const result = await run(
			{
				operation: 'upload',
				entityType: locator('list', 'Case'),
				field: locator('list', 'attachments'),
				recordId: locator('url', `${espo.siteUrl}/#Case/view/${record.id}`),
				binaryPropertyName: 'data',
			},
			[{ files: { data: file.spec } }],
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ fieldType: 'attachmentMultiple', recordId: record.id, linked: true });
		expect(espo.record('Case', record.id)!.attachmentsIds).toEqual([result.items[0].json.id]);
		// The field's type came from EspoCRM's metadata, not from a Field Type parameter: read once in the run,
		// for the type and for the upload limit (2 reads before the run shared the answer).
		const metadataReads = espo.server.requests
			.slice(requestsBefore)
			.filter((request) => request.path === '/crm/api/v1/Metadata' && request.query.key === 'entityDefs.Case.fields.attachments');
		expect(metadataReads).toHaveLength(1);
	});

	it('sets an Image field whose type only the metadata knows (From List record, By ID field)', async () => {
		const record = espo.addRecord('Case', { name: 'Photo case' });
		const file = randomFile('photo.png', 120, 'image/png');
		const result = await run(
			{ operation: 'upload', entityType: locator('list', 'Case'), field: locator('name', 'photoId'), recordId: locator('list', record.id), binaryPropertyName: 'data' },
			[{ files: { data: file.spec } }],
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ field: 'photo', fieldType: 'file' });
		expect(espo.record('Case', record.id)!.photoId).toBe(result.items[0].json.id);
	});

	it('refuses a field the entity type does not have, before uploading anything', async () => {
		const record = espo.addRecord('Case', { name: 'Wrong field' });
		const posts = espo.server.requests.filter((request) => request.method === 'POST').length;
		const result = await run(
			{ operation: 'upload', entityType: locator('list', 'Case'), field: locator('list', 'file'), recordId: locator('id', record.id), binaryPropertyName: 'data' },
			[{ files: { data: randomFile('x.txt', 10, 'text/plain').spec } }],
		);
		expect(result.error?.message).toBe('Case has no File, Image or Attachment-Multiple field "file" (item 1)');
		expect(espo.server.requests.filter((request) => request.method === 'POST').length).toBe(posts);
	});

	it('lists, downloads and deletes with ids from each mode', async () => {
		const { record, attachment } = caseWithFile('Three modes');
		const where = { entityType: locator('list', 'Case'), field: locator('list', 'attachments') };
		const listed = await run({ operation: 'getMany', ...where, recordId: locator('id', record.id) }, [{ json: {} }]);
		expect(listed.items.map((item) => item.json.id)).toEqual([attachment.id]);

		const downloaded = await run({ operation: 'download', ...where, recordId: locator('list', record.id), attachmentId: locator('list', attachment.id), binaryPropertyName: 'data' }, [{ json: {} }]);
		expect(downloaded.error).toBeUndefined();
		expect(downloaded.items[0].binary?.data.fileName).toBe('report.pdf');

		const deleted = await run({ operation: 'delete', ...where, recordId: locator('url', `${espo.siteUrl}/#Case/view/${record.id}`), attachmentId: locator('id', attachment.id) }, [{ json: {} }]);
		expect(deleted.error).toBeUndefined();
		expect(espo.record('Case', record.id)!.attachmentsIds).toEqual([]);
		expect(espo.attachments.has(attachment.id)).toBe(false);
	});
});

describe('EspoCRM Documents by locator (typeVersion 3)', () => {
	it('reads a Document given By URL and lists Documents by name', async () => {
		const document = espo.addRecord('Document', { name: 'Framework agreement' });
		espo.addRecord('Document', { name: 'Price list' });
		const read = await run({ resource: 'document', operation: 'get', documentId: locator('url', `${espo.siteUrl}/#Document/view/${document.id}`) }, [{ json: {} }]);
		expect(read.error).toBeUndefined();
		expect(read.items[0].json).toMatchObject({ id: document.id, name: 'Framework agreement' });

		const listed = await new EspoCrm().methods.listSearch.searchDocuments.call(listSearch({ resource: 'document', operation: 'get' }), 'framework');
		expect(listed.results).toEqual([{ name: 'Framework agreement', value: document.id, url: `${espo.siteUrl}/#Document/view/${document.id}` }]);
		expect(espo.server.requests.at(-1)!.path).toBe('/crm/api/v1/Document');
	});
});

describe('EspoCRM list searches', () => {
	it('lists records of the chosen entity type page by page, filtered by EspoCRM\'s text filter, each with its page URL', async () => {
		const made = Array.from({ length: 55 }, (_, index) => espo.addRecord('Case', { name: `Pump ${index}` }));
		espo.addRecord('Case', { name: 'Valve' });
		const context = listSearch({ operation: 'upload', entityType: locator('list', 'Case') });
		const first = await new EspoCrm().methods.listSearch.searchRecords.call(context, 'pump');
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toBe('50');
		const request = espo.server.requests.at(-1)!;
		expect(request.path).toBe('/crm/api/v1/Case');
		expect(request.query).toMatchObject({ textFilter: 'pump', maxSize: '50', offset: '0' });
		const second = await new EspoCrm().methods.listSearch.searchRecords.call(context, 'pump', first.paginationToken as string);
		expect(second.results).toHaveLength(5);
		expect(second.paginationToken).toBeUndefined();
		const all = [...first.results, ...second.results];
		expect(all.map((entry) => entry.value).sort()).toEqual(made.map((record) => record.id).sort());
		const one = all.find((entry) => entry.value === made[7].id)!;
		expect(one).toEqual({ name: 'Pump 7', value: made[7].id, url: `${espo.siteUrl}/#Case/view/${made[7].id}` });
	});

	it('lists nothing until an entity type is chosen', async () => {
		const result = await new EspoCrm().methods.listSearch.searchRecords.call(listSearch({ operation: 'upload' }));
		expect(result.results).toEqual([]);
	});

	it('lists the attachments of the chosen record\'s field by name, filtered', async () => {
		const { record, attachment } = caseWithFile('Attachments listed');
		const other = espo.addAttachment(randomBytes(8), 'notes.txt', 'text/plain', { field: 'attachments', parentType: 'Case', parentId: record.id });
		espo.record('Case', record.id)!.attachmentsIds = [attachment.id, other.id];
		const context = listSearch({ operation: 'delete', entityType: locator('list', 'Case'), field: locator('list', 'attachments'), recordId: locator('list', record.id) });
		const all = await new EspoCrm().methods.listSearch.searchAttachments.call(context);
		expect(all.results).toEqual([
			{ name: 'report.pdf', value: attachment.id },
			{ name: 'notes.txt', value: other.id },
		]);
		const filtered = await new EspoCrm().methods.listSearch.searchAttachments.call(context, 'NOTES');
		expect(filtered.results).toEqual([{ name: 'notes.txt', value: other.id }]);
	});

	it('offers every file field with its label and what it holds when Field Type is not asked (typeVersion 3)', async () => {
		const context = listSearch({ operation: 'upload', entityType: locator('list', 'Case') });
		const result = await new EspoCrm().methods.listSearch.searchFields.call(context);
		expect(result.results.map((entry) => [entry.name, entry.value])).toEqual([
			['Attachments (several files)', 'attachments'],
			['Photo (one image)', 'photo'],
		]);
		expect(espo.server.requests.some((request) => request.path === '/crm/api/v1/I18n')).toBe(true);
	});

	it('shows the label EspoCRM has for a field (its language data), the API name staying the value; searches labels too', async () => {
		espo.fieldLabels.Case.photo = 'Customer photo';
		try {
			const context = listSearch({ operation: 'upload', entityType: locator('list', 'Case') });
			const result = await new EspoCrm().methods.listSearch.searchFields.call(context, 'customer');
			expect(result.results).toEqual([{ name: 'Customer photo (one image)', value: 'photo', description: 'API name "photo", type image' }]);
		} finally {
			espo.fieldLabels.Case.photo = 'Photo';
		}
	});

	it('empties a picked field in the editor when the entity type changes (the field depends on it)', () => {
		const field = new EspoCrm().description.properties.find((property) => property.name === 'field')!;
		expect(field.typeOptions?.loadOptionsDependsOn).toContain('entityType.value');
	});
});
