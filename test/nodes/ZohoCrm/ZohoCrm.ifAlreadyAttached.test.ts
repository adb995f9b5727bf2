import '../../harness/environment';

import { ZohoCrmOAuth2Api } from '../../../credentials/ZohoCrmOAuth2Api.credentials';
import { ZohoCrm } from '../../../nodes/ZohoCrm/ZohoCrm.node';
import { randomFile } from '../../harness/fixtures';
import type { TestItem } from '../../harness/runNode';
import { runNode } from '../../harness/runNode';
import { FakeZoho } from '../../fakes/zoho';

const zoho = new FakeZoho();
const UPLOAD = /\/Attachments$/;
let recordsMade = 0;

beforeAll(async () => {
	await zoho.start();
});
afterAll(async () => {
	await zoho.stop();
});
afterEach(() => zoho.api.clearFaults());

/** A Leads record of its own for each test. */
function aLead(): string {
	// Zoho ids exceed Number's exact range: built as text.
	const id = `41508680000009${String(recordsMade++).padStart(5, '0')}`;
	zoho.api.records.get('Leads')!.add(id);
	return id;
}

async function upload(recordId: string, items: TestItem[], options: Record<string, unknown> = {}) {
	return await runNode({
		nodeType: new ZohoCrm(),
		parameters: { resource: 'attachment', operation: 'upload', module: 'Leads', recordId, binaryPropertyName: 'data', options },
		items,
		binaryMode: 'filesystem',
		credentialTypes: [new ZohoCrmOAuth2Api()],
		credentials: { zohoCrmOAuth2Api: zoho.credentials() },
	});
}

const attachedTo = (recordId: string) => zoho.api.attachments.filter((attachment) => attachment.recordId === recordId);
const uploadsTo = (recordId: string) => zoho.api.requestsTo('POST', UPLOAD).filter((request) => request.path.includes(`/${recordId}/`));

describe('Zoho CRM upload: If Already Attached', () => {
	it('Skip: a second run attaches nothing and outputs the attached file marked skipped', async () => {
		const lead = aLead();
		const file = randomFile('offer.pdf', 5000, 'application/pdf');

		const first = await upload(lead, [{ files: { data: file.spec } }], { ifAlreadyAttached: 'skip' });
		const second = await upload(lead, [{ files: { data: file.spec } }], { ifAlreadyAttached: 'skip' });

		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(attachedTo(lead)).toHaveLength(1);
		expect(uploadsTo(lead)).toHaveLength(1);
		expect(second.items).toEqual([
			{
				json: expect.objectContaining({ id: attachedTo(lead)[0].id, skipped: true, fileName: 'offer.pdf', size: file.size }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Skip: a file of the same name but another size is uploaded, the same file is not', async () => {
		const lead = aLead();
		const attached = randomFile('notes.txt', 700, 'text/plain');
		await upload(lead, [{ files: { data: attached.spec } }], { ifAlreadyAttached: 'skip' });

		const result = await upload(
			lead,
			[{ files: { data: attached.spec } }, { files: { data: randomFile('notes.txt', 701, 'text/plain').spec } }],
			{ ifAlreadyAttached: 'skip' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.skipped ?? false)).toEqual([true, false]);
		expect(attachedTo(lead).map((attachment) => attachment.data.length).sort()).toEqual([700, 701]);
	});

	it('Replace: the record ends with one attachment, holding the newest content', async () => {
		const lead = aLead();
		const older = randomFile('plan.docx', 2048);
		const newer = randomFile('plan.docx', 2048);
		const first = await upload(lead, [{ files: { data: older.spec } }], { ifAlreadyAttached: 'replace' });

		const second = await upload(lead, [{ files: { data: newer.spec } }], { ifAlreadyAttached: 'replace' });

		expect(second.error).toBeUndefined();
		const [only, ...others] = attachedTo(lead);
		expect(others).toEqual([]);
		expect(only.sha256).toBe(newer.sha256);
		expect(second.items[0].json).toMatchObject({ id: only.id, replacedAttachmentIds: [first.items[0].json.id] });
		expect(zoho.api.requestsTo('DELETE', /\/Attachments\//).map((request) => request.path)).toContain(
			`/crm/v8/Leads/${lead}/Attachments/${String(first.items[0].json.id)}`,
		);
	});

	it('Skip with Concurrency: two items with the same file for one record attach it once', async () => {
		const lead = aLead();
		const file = randomFile('photo.jpg', 3333, 'image/jpeg');

		const result = await upload(lead, [{ files: { data: file.spec } }, { files: { data: file.spec } }], {
			ifAlreadyAttached: 'skip',
			concurrency: 2,
		});

		expect(result.error).toBeUndefined();
		expect(attachedTo(lead)).toHaveLength(1);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// Which item takes the record's lock first is not fixed: one uploads, the other finds that file.
		expect(result.items.map((item) => item.json.skipped ?? false).sort()).toEqual([false, true]);
		expect(result.items[0].json.id).toBeDefined();
		expect(result.items[1].json.id).toBe(result.items[0].json.id);
	});

	it('an upload whose answer is lost after Zoho attached the file: one attachment and a success output', async () => {
		const lead = aLead();
		const file = randomFile('lost-answer.csv', 1500, 'text/csv');
		zoho.api.injectFault({ method: 'POST', path: UPLOAD, reset: true, afterHandling: true });

		const result = await upload(lead, [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(attachedTo(lead)).toHaveLength(1);
		expect(uploadsTo(lead)).toHaveLength(1);
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ id: attachedTo(lead)[0].id, confirmedByLookup: true }), pairedItem: { item: 0 } },
		]);
	});

	it('an upload reset before Zoho attached the file is sent again once the record shows it missing', async () => {
		const lead = aLead();
		const file = randomFile('never-arrived.csv', 1600, 'text/csv');
		zoho.api.injectFault({ method: 'POST', path: UPLOAD, reset: true });

		const result = await upload(lead, [{ files: { data: file.spec } }]);

		expect(result.error).toBeUndefined();
		expect(uploadsTo(lead)).toHaveLength(2);
		const [only, ...others] = attachedTo(lead);
		expect(others).toEqual([]);
		expect(only.sha256).toBe(file.sha256);
		expect(result.items[0].json).toMatchObject({ id: only.id });
	});
});
