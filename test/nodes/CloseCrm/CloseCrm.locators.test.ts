import type { IDataObject } from 'n8n-workflow';

import { CloseCrmApi } from '../../../credentials/CloseCrmApi.credentials';
import { CloseCrm } from '../../../nodes/CloseCrm/CloseCrm.node';
import { FakeClose } from '../../fakes/close';
import { randomFile } from '../../harness/fixtures';
import { loadOptionsContext } from '../../harness/loadOptionsContext';
import { runNode } from '../../harness/runNode';
import { useS3 } from '../../rig/useS3';

// The rig is filled in before the tests run; the fake keeps a reference to it.
const close = new FakeClose(useS3());
beforeAll(async () => await close.start());
afterAll(async () => await close.stop());

const credentials = () => ({ apiKey: close.apiKey, baseUrl: close.apiBaseUrl });

async function run(parameters: IDataObject, typeVersion?: number) {
	const file = randomFile('quote.pdf', 300, 'application/pdf');
	return await runNode({
		nodeType: new CloseCrm(),
		parameters: { binaryPropertyName: 'data', options: {}, ...parameters },
		items: [{ files: { data: file.spec } }],
		credentialTypes: [new CloseCrmApi()],
		credentials: { closeCrmApi: credentials() },
		typeVersion,
	});
}

function listSearch(parameters: IDataObject) {
	return loadOptionsContext({ nodeType: new CloseCrm(), parameters, credentialType: new CloseCrmApi(), credentials: credentials() });
}

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });
const methods = () => new CloseCrm().methods.listSearch;

function seedLead(name: string, contacts: Array<[string, string]> = []): string {
	const id = `lead_${Math.random().toString(36).slice(2, 12)}`;
	close.leads.set(id, contacts.map(([contactId]) => contactId));
	close.leadNames.set(id, name);
	for (const [contactId, contactName] of contacts) close.contactNames.set(contactId, contactName);
	return id;
}

describe('Close node: Lead ID and Contact ID in saved and new workflows', () => {
	it('adds a note to a lead given as a plain string at typeVersion 2', async () => {
		const leadId = seedLead('Saved workflow lead');
		const result = await run({ resource: 'note', operation: 'create', leadId, note: 'v2' }, 2);
		expect(result.error).toBeUndefined();
		expect(close.notes.at(-1)).toMatchObject({ lead_id: leadId, note: 'v2' });
	});

	it('adds a note to a lead given By URL, and an email to a lead From List and its contact By ID (typeVersion 3)', async () => {
		const leadId = seedLead('Locator lead', [['cont_locator1', 'Anna Locator']]);
		const noted = await run({ resource: 'note', operation: 'create', leadId: locator('url', `https://app.close.com/lead/${leadId}/`), note: 'v3' });
		expect(noted.error).toBeUndefined();
		expect(close.notes.at(-1)).toMatchObject({ lead_id: leadId, note: 'v3' });

		const emailed = await run({
			resource: 'email',
			operation: 'create',
			leadId: locator('list', leadId),
			contactId: locator('id', 'cont_locator1'),
			to: 'anna@example.com',
			subject: 'Quote',
			body: 'Attached.',
		});
		expect(emailed.error).toBeUndefined();
		expect(close.emails.at(-1)).toMatchObject({ lead_id: leadId, contact_id: 'cont_locator1' });
	});

	it('keeps one Lead ID parameter for Note and Email → Create and File → Get Many', () => {
		const leadIds = new CloseCrm().description.properties.filter((property) => property.name === 'leadId');
		expect(leadIds).toHaveLength(2);
		for (const property of leadIds) {
			expect(property.displayOptions?.show).toMatchObject({ resource: ['note', 'email', 'file'], operation: ['create', 'getMany'] });
		}
	});
});

describe('Close list searches', () => {
	it('lists leads by name page by page (query, _skip, has_more), each linking to its page', async () => {
		const ids = Array.from({ length: 103 }, (_, index) => seedLead(`Quasar Industries ${index}`));
		const first = await methods().searchLeads.call(listSearch({ resource: 'note', operation: 'create' }), 'quasar');
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('100');
		const request = close.requests.at(-1)!;
		expect(request.path).toBe('/api/v1/lead/');
		expect(request.query).toMatchObject({ query: 'quasar', _skip: '0', _limit: '100' });
		const second = await methods().searchLeads.call(listSearch({ resource: 'note', operation: 'create' }), 'quasar', first.paginationToken as string);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results].map((entry) => entry.value).sort()).toEqual([...ids].sort());
		expect(second.results.find((entry) => entry.value === ids[102])).toEqual({
			name: 'Quasar Industries 102',
			value: ids[102],
			url: `https://app.close.com/lead/${ids[102]}/`,
		});
	});

	it('lists the chosen lead\'s contacts, filtered by name', async () => {
		const leadId = seedLead('Contacts lead', [['cont_a1', 'Ben Lister'], ['cont_b2', 'Cora Lister']]);
		const context = listSearch({ resource: 'email', operation: 'create', leadId: locator('url', `https://app.close.com/lead/${leadId}/`) });
		const all = await methods().searchContacts.call(context);
		expect(all.results).toEqual([
			{ name: 'Ben Lister', value: 'cont_a1' },
			{ name: 'Cora Lister', value: 'cont_b2' },
		]);
		expect(close.requests.at(-1)!.path).toBe(`/api/v1/lead/${leadId}/`);
		expect((await methods().searchContacts.call(context, 'cora')).results).toEqual([{ name: 'Cora Lister', value: 'cont_b2' }]);
	});
});
