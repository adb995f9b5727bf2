import { OnePageCrmApi } from '../../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../../nodes/OnePageCrm/OnePageCrm.node';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';
import { storedObject } from '../../rig/s3';
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
afterEach(() => crm.clearFaults());

const REGISTER = /\/api\/v3\/attachments$/;

async function upload(items: TestItem[], parameters: Record<string, unknown>, options: Record<string, unknown> = {}) {
	return await runNode({
		nodeType: new OnePageCrm(),
		parameters: { resource: 'attachment', operation: 'upload', binaryPropertyName: 'data', ...parameters, options },
		items,
		binaryMode: 'filesystem',
		credentialTypes: [new OnePageCrmApi()],
		credentials: { onePageCrmApi: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl } },
	});
}

function aNote() {
	const contactId = crm.seedContact();
	const noteId = crm.seedRecord('note', contactId);
	return { contactId, referenceType: 'note', referenceId: noteId };
}

describe('OnePageCRM upload: If Already Attached', () => {
	it('Skip: a second run attaches nothing and outputs the attached file marked skipped', async () => {
		const note = aNote();
		const file = randomFile('contract.pdf', 4000, 'application/pdf');

		const first = await upload([{ files: { data: file.spec } }], note, { ifAlreadyAttached: 'skip' });
		const registrationsAfterFirst = crm.requestsTo('POST', REGISTER).length;
		const second = await upload([{ files: { data: file.spec } }], note, { ifAlreadyAttached: 'skip' });

		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		const attachments = crm.attachmentsOf('note', note.referenceId);
		expect(attachments).toHaveLength(1);
		expect(crm.requestsTo('POST', REGISTER)).toHaveLength(registrationsAfterFirst);
		expect(first.items[0].json.skipped).toBeUndefined();
		expect(second.items).toEqual([
			{
				json: expect.objectContaining({ id: attachments[0].id, filename: 'contract.pdf', skipped: true, fileName: 'contract.pdf', size: file.size }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('Skip: a file of the same name but another size is uploaded, the same file is not', async () => {
		const note = aNote();
		const attached = randomFile('report.csv', 1000, 'text/csv');
		await upload([{ files: { data: attached.spec } }], note, { ifAlreadyAttached: 'skip' });

		const result = await upload(
			[{ files: { data: attached.spec } }, { files: { data: randomFile('report.csv', 1001, 'text/csv').spec } }],
			note,
			{ ifAlreadyAttached: 'skip' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.skipped ?? false)).toEqual([true, false]);
		expect(crm.attachmentsOf('note', note.referenceId).map((attachment) => attachment.size).sort()).toEqual([1000, 1001]);
	});

	it('Replace: the record ends with one attachment, holding the newest content', async () => {
		const note = aNote();
		const older = randomFile('price-list.xlsx', 3000);
		const newer = randomFile('price-list.xlsx', 3000);
		const first = await upload([{ files: { data: older.spec } }], note, { ifAlreadyAttached: 'replace' });

		const second = await upload([{ files: { data: newer.spec } }], note, { ifAlreadyAttached: 'replace' });

		expect(second.error).toBeUndefined();
		const attachments = crm.attachmentsOf('note', note.referenceId);
		expect(attachments).toHaveLength(1);
		expect(attachments[0].id).toBe(second.items[0].json.id);
		expect(await storedObject(s3.client, attachments[0].key)).toMatchObject({ sha256: newer.sha256 });
		expect(second.items[0].json.replacedAttachmentIds).toEqual([first.items[0].json.id]);
		expect(crm.requestsTo('DELETE', /\/attachments\//).map((request) => request.path)).toContain(`/api/v3/attachments/${String(first.items[0].json.id)}`);
	});

	it('Skip with Concurrency: two items with the same file for one record attach it once', async () => {
		const note = aNote();
		const file = randomFile('scan.png', 2500, 'image/png');

		const result = await upload(
			[{ files: { data: file.spec } }, { files: { data: file.spec } }],
			note,
			{ ifAlreadyAttached: 'skip', concurrency: 2 },
		);

		expect(result.error).toBeUndefined();
		expect(crm.attachmentsOf('note', note.referenceId)).toHaveLength(1);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// Which item takes the record's lock first is not fixed: one uploads, the other finds that file.
		expect(result.items.map((item) => item.json.skipped ?? false).sort()).toEqual([false, true]);
		expect(result.items[0].json.id).toBeDefined();
		expect(result.items[1].json.id).toBe(result.items[0].json.id);
	});

	it('a registration whose answer is lost after OnePageCRM made it: one attachment and a success output', async () => {
		const note = aNote();
		const file = randomFile('lost-answer.txt', 1200, 'text/plain');
		crm.injectFault({ method: 'POST', path: REGISTER, reset: true, afterHandling: true });

		const result = await upload([{ files: { data: file.spec } }], note);

		expect(result.error).toBeUndefined();
		const attachments = crm.attachmentsOf('note', note.referenceId);
		expect(attachments).toHaveLength(1);
		expect(crm.registrations.filter((body) => body.reference_id === note.referenceId)).toHaveLength(1);
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ id: attachments[0].id, confirmedByLookup: true, fileName: 'lost-answer.txt' }), pairedItem: { item: 0 } },
		]);
	});

	it('a registration reset before OnePageCRM made it is sent again once the record shows it missing', async () => {
		const note = aNote();
		const file = randomFile('never-arrived.txt', 1300, 'text/plain');
		const before = crm.requestsTo('POST', REGISTER).length;
		crm.injectFault({ method: 'POST', path: REGISTER, reset: true });

		const result = await upload([{ files: { data: file.spec } }], note, { ifAlreadyAttached: 'skip' });

		expect(result.error).toBeUndefined();
		const attachments = crm.attachmentsOf('note', note.referenceId);
		expect(attachments).toHaveLength(1);
		expect(crm.requestsTo('POST', REGISTER).length - before).toBe(2);
		expect(await storedObject(s3.client, attachments[0].key)).toMatchObject({ sha256: file.sha256 });
		expect(result.items[0].json).toMatchObject({ id: attachments[0].id });
		expect(result.items[0].json.confirmedByLookup).toBeUndefined();
	});
});
