import type { IDataObject } from 'n8n-workflow';

import { OnePageCrmApi } from '../../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../../nodes/OnePageCrm/OnePageCrm.node';
import type { ReferenceType } from '../../fakes/onePageCrm';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { loadOptionsContext } from '../../harness/loadOptionsContext';
import { runNode } from '../../harness/runNode';

// No file is uploaded here: the attachments are put into the fake, so no S3 is needed.
const crm = new OnePageCrmFake(undefined);

beforeAll(async () => {
	await crm.start();
});
afterAll(async () => {
	await crm.stop();
});

const credentials = () => ({ userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl });

async function run(operation: string, parameters: IDataObject, typeVersion?: number) {
	return await runNode({
		nodeType: new OnePageCrm(),
		parameters: { resource: 'attachment', operation, ...parameters },
		items: [{ json: {} }],
		credentialTypes: [new OnePageCrmApi()],
		credentials: { onePageCrmApi: credentials() },
		typeVersion,
	});
}

function listSearch(parameters: IDataObject) {
	return loadOptionsContext({
		nodeType: new OnePageCrm(),
		parameters: { resource: 'attachment', ...parameters },
		credentialType: new OnePageCrmApi(),
		credentials: credentials(),
	});
}

function locator(mode: string, value: string) {
	return { __rl: true, mode, value };
}

function attachmentOn(contactId: string, referenceType: ReferenceType, referenceId: string, filename: string): string {
	return crm.seedAttachment(contactId, referenceType, referenceId, filename);
}

const methods = () => new OnePageCrm().methods.listSearch;

describe('OnePageCRM node: ids in saved and new workflows', () => {
	it('renames with a plain string Attachment ID at typeVersion 2', async () => {
		const contactId = crm.seedContact({ first_name: 'Ada', last_name: 'Byron' });
		const noteId = crm.seedRecord('note', contactId, { text: 'Call notes' });
		const id = attachmentOn(contactId, 'note', noteId, 'old.pdf');
		const result = await run('rename', { attachmentId: id, newName: 'New name.pdf' }, 2);
		expect(result.error).toBeUndefined();
		expect(crm.attachments.get(id)!.custom_filename).toBe('New name.pdf');
	});

	it('runs typeVersion 3 operations with locator values in each mode', async () => {
		const contactId = crm.seedContact({ first_name: 'Grace', last_name: 'Hopper' });
		const dealId = crm.seedRecord('deal', contactId, { name: 'Compiler deal' });
		const id = attachmentOn(contactId, 'deal', dealId, 'spec.pdf');

		const listed = await run('getMany', { referenceType: 'deal', referenceId: locator('list', dealId), returnAll: true });
		expect(listed.items.map((item) => item.json.id)).toEqual([id]);

		const renamed = await run('rename', { referenceType: 'deal', referenceId: locator('list', dealId), attachmentId: locator('list', id), newName: 'Spec v2.pdf' });
		expect(renamed.error).toBeUndefined();
		expect(crm.attachments.get(id)!.custom_filename).toBe('Spec v2.pdf');

		const pinned = await run('pin', { attachmentId: locator('id', id) });
		expect(pinned.error).toBeUndefined();
		expect(crm.attachments.get(id)!.pinned).toBe(true);

		const linked = await run('attachLink', {
			contactId: locator('list', contactId),
			referenceType: 'deal',
			referenceId: locator('id', dealId),
			linkType: 'google_drive',
			url: 'https://drive.google.com/file/d/1AbC/view',
			name: 'Drive file',
		});
		expect(linked.error).toBeUndefined();
		expect([...crm.attachments.values()].some((attachment) => attachment.reference_id === dealId && attachment.storage_provider === 'google_drive')).toBe(true);

		const deleted = await run('delete', { attachmentId: locator('list', id) });
		expect(deleted.error).toBeUndefined();
		expect(crm.attachments.has(id)).toBe(false);
	});
});

describe('OnePageCRM list searches', () => {
	it('lists contacts by name page by page, searched by OnePageCRM', async () => {
		const ids = Array.from({ length: 105 }, (_, index) => crm.seedContact({ first_name: 'Zed', last_name: `Tester ${index}`, company_name: 'Acme' }));
		const first = await methods().searchContacts.call(listSearch({ operation: 'upload' }), 'zed tester');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('2');
		const request = crm.requests.at(-1)!;
		expect(request.path).toBe('/api/v3/contacts');
		expect(request.query).toMatchObject({ search: 'zed tester', page: '1', per_page: '100' });
		const second = await methods().searchContacts.call(listSearch({ operation: 'upload' }), 'zed tester', first.paginationToken as string);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results].map((entry) => entry.value).sort()).toEqual([...ids].sort());
		expect(second.results.find((entry) => entry.value === ids[104])!.name).toBe('Zed Tester 104 (Acme)');
	});

	it('lists the chosen contact\'s records of the chosen type, deals searched by OnePageCRM, notes filtered here', async () => {
		const contactId = crm.seedContact({ first_name: 'Alan', last_name: 'Turing' });
		const otherContact = crm.seedContact({ first_name: 'Other' });
		const deal = crm.seedRecord('deal', contactId, { name: 'Enigma service' });
		crm.seedRecord('deal', contactId, { name: 'Bombe upgrade' });
		crm.seedRecord('deal', otherContact, { name: 'Enigma elsewhere' });
		const note = crm.seedRecord('note', contactId, { text: 'Met at Bletchley\nsecond line' });
		crm.seedRecord('note', contactId, { text: 'Something else' });

		const deals = await methods().searchRecords.call(listSearch({ operation: 'upload', contactId: locator('list', contactId), referenceType: 'deal' }), 'enigma');
		expect(deals.results).toEqual([{ name: 'Enigma service', value: deal }]);
		expect(crm.requests.at(-1)!.query).toMatchObject({ contact_id: contactId, search: 'enigma' });

		const notes = await methods().searchRecords.call(listSearch({ operation: 'upload', contactId: locator('id', contactId), referenceType: 'note' }), 'bletchley');
		expect(notes.results).toEqual([{ name: 'Met at Bletchley', value: note }]);
		expect(crm.requests.at(-1)!.path).toBe('/api/v3/notes');
		expect(crm.requests.at(-1)!.query.contact_id).toBe(contactId);
	});

	it('lists contacts for "From" = contact, and the chosen record\'s attachments by name', async () => {
		const contactId = crm.seedContact({ first_name: 'Unique', last_name: 'Person' });
		const contacts = await methods().searchRecords.call(listSearch({ operation: 'getMany', referenceType: 'contact' }), 'unique person');
		expect(contacts.results).toEqual([{ name: 'Unique Person', value: contactId }]);

		const callId = crm.seedRecord('call', contactId, { text: 'Follow-up' });
		const a = attachmentOn(contactId, 'call', callId, 'minutes.docx');
		const b = attachmentOn(contactId, 'call', callId, 'quote.pdf');
		const context = listSearch({ operation: 'download', referenceType: 'call', referenceId: locator('list', callId) });
		const all = await methods().searchAttachments.call(context);
		expect(all.results.map((entry) => [entry.name, entry.value]).sort()).toEqual([['minutes.docx', a], ['quote.pdf', b]]);
		const filtered = await methods().searchAttachments.call(context, 'QUOTE');
		expect(filtered.results).toEqual([{ name: 'quote.pdf', value: b }]);
		expect(crm.requests.at(-1)!.path).toBe(`/api/v3/calls/${callId}`);
	});
});
