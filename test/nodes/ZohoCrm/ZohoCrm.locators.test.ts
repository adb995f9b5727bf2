import type { IDataObject } from 'n8n-workflow';

import { ZohoCrmOAuth2Api } from '../../../credentials/ZohoCrmOAuth2Api.credentials';
import { ZohoCrm } from '../../../nodes/ZohoCrm/ZohoCrm.node';
import { FakeZoho } from '../../fakes/zoho';
import { randomFile } from '../../harness/fixtures';
import { loadOptionsContext } from '../../harness/loadOptionsContext';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';

const zoho = new FakeZoho();
beforeAll(async () => await zoho.start());
afterAll(async () => await zoho.stop());

async function run(parameters: IDataObject, items: TestItem[] = [{}], typeVersion?: number) {
	return await runNode({
		nodeType: new ZohoCrm(),
		parameters: { resource: 'attachment', ...parameters },
		items,
		credentialTypes: [new ZohoCrmOAuth2Api()],
		credentials: { zohoCrmOAuth2Api: zoho.credentials() },
		typeVersion,
	});
}

function listSearch(parameters: IDataObject) {
	return loadOptionsContext({
		nodeType: new ZohoCrm(),
		parameters: { resource: 'attachment', ...parameters },
		credentialType: new ZohoCrmOAuth2Api(),
		credentials: zoho.credentials(),
	});
}

const locator = (mode: string, value: string) => ({ __rl: true, mode, value });
const methods = () => new ZohoCrm().methods.listSearch;

function seedLead(name: string): string {
	const id = String(4150868000000900000n + BigInt(Math.floor(Math.random() * 1e9)));
	zoho.api.records.get('Leads')!.add(id);
	zoho.api.recordNames.set(`Leads/${id}`, name);
	return id;
}

describe('Zoho CRM node: Record ID and Attachment ID in saved and new workflows', () => {
	it('uploads to a plain string Record ID at typeVersion 2', async () => {
		const lead = seedLead('Version two');
		const result = await run({ operation: 'upload', module: 'Leads', recordId: lead, binaryPropertyName: 'data', options: {} }, [{ files: { data: randomFile('v2.txt', 40, 'text/plain').spec } }], 2);
		expect(result.error).toBeUndefined();
		expect(zoho.api.attachments.filter((attachment) => attachment.recordId === lead)).toHaveLength(1);
	});

	it('uploads By URL, downloads an attachment From List and deletes it By ID (typeVersion 3)', async () => {
		const lead = seedLead('Version three');
		const file = randomFile('contract.pdf', 120, 'application/pdf');
		const uploaded = await run(
			{ operation: 'upload', module: 'Leads', recordId: locator('url', `https://crm.zoho.com/crm/org123456789/tab/Leads/${lead}`), binaryPropertyName: 'data', options: {} },
			[{ files: { data: file.spec } }],
		);
		expect(uploaded.error).toBeUndefined();
		const stored = zoho.api.attachments.find((attachment) => attachment.recordId === lead)!;
		expect(stored.fileName).toBe('contract.pdf');

		const downloaded = await run({ operation: 'download', module: 'Leads', recordId: locator('list', lead), attachmentId: locator('list', stored.id), binaryPropertyName: 'data' });
		expect(downloaded.error).toBeUndefined();
		expect(downloaded.items[0].binary?.data.fileName).toBe('contract.pdf');

		const deleted = await run({ operation: 'delete', module: 'Leads', recordId: locator('id', lead), attachmentId: locator('id', stored.id) });
		expect(deleted.error).toBeUndefined();
		expect(zoho.api.attachments.some((attachment) => attachment.id === stored.id)).toBe(false);
	});
});

describe('Zoho CRM list searches', () => {
	it('lists the module\'s records by name, page by page, and searches them by word', async () => {
		const ids = Array.from({ length: 205 }, (_, index) => seedLead(`Nebula Prospect ${index}`));
		const context = listSearch({ operation: 'upload', module: 'Leads' });
		const first = await methods().searchRecords.call(context, 'nebula');
		expect(first.results).toHaveLength(200);
		expect(first.paginationToken).toBe('page:2');
		const request = zoho.api.requests.at(-1)!;
		expect(request.path).toBe('/crm/v8/Leads/search');
		expect(request.query).toMatchObject({ word: 'nebula', page: '1', per_page: '200', fields: 'id,Full_Name' });
		const second = await methods().searchRecords.call(context, 'nebula', first.paginationToken as string);
		expect(second.paginationToken).toBeUndefined();
		expect([...first.results, ...second.results].map((entry) => entry.value).sort()).toEqual([...ids].sort());
		expect(second.results.find((entry) => entry.value === ids[204])!.name).toBe('Nebula Prospect 204');

		const unfiltered = await methods().searchRecords.call(context);
		expect(zoho.api.requests.at(-1)!.path).toBe('/crm/v8/Leads');
		expect(unfiltered.results.length).toBeGreaterThan(0);
	});

	it('lists nothing when the search finds nothing (Zoho\'s 204)', async () => {
		const result = await methods().searchRecords.call(listSearch({ operation: 'upload', module: 'Leads' }), 'no such lead anywhere');
		expect(result).toEqual({ results: [], paginationToken: undefined });
		expect(zoho.api.requests.at(-1)!.status).toBe(204);
	});

	it('lists the chosen record\'s attachments by file name, filtered', async () => {
		const lead = seedLead('Attachments listed');
		await run(
			{ operation: 'upload', module: 'Leads', recordId: lead, binaryPropertyName: 'a,b', options: {} },
			[{ files: { a: randomFile('minutes.txt', 10, 'text/plain').spec, b: randomFile('offer.pdf', 10, 'application/pdf').spec } }],
		);
		const context = listSearch({ operation: 'download', module: 'Leads', recordId: locator('list', lead) });
		const all = await methods().searchAttachments.call(context);
		expect(all.results.map((entry) => entry.name).sort()).toEqual(['minutes.txt', 'offer.pdf']);
		const filtered = await methods().searchAttachments.call(context, 'OFFER');
		expect(filtered.results.map((entry) => entry.name)).toEqual(['offer.pdf']);
		expect(zoho.api.requests.at(-1)!.path).toBe(`/crm/v8/Leads/${lead}/Attachments`);
	});
});
