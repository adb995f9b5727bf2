import { createHash } from 'crypto';

import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../../nodes/EspoCrm/EspoCrm.node';
import { FakeEspoCrm } from '../../fakes/espoCrm';
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

type FieldType = 'file' | 'attachmentMultiple';

async function upload(
	target: { entityType: string; field: string; fieldType: FieldType; recordId: string },
	items: TestItem[],
	options: Record<string, unknown>,
) {
	return await runNode({
		nodeType: new EspoCrm(),
		parameters: {
			resource: 'attachment',
			operation: 'upload',
			entityType: { __rl: true, mode: 'name', value: target.entityType },
			field: { __rl: true, mode: 'name', value: target.field },
			fieldType: target.fieldType,
			recordId: target.recordId,
			binaryPropertyName: 'data',
			options,
		},
		items,
		binaryMode: 'filesystem',
		credentialTypes: [new EspoCrmApi()],
		credentials: { espoCrmApi: espo.credentials('apiKey') as never },
	});
}

function aCase() {
	const record = espo.addRecord('Case', { name: 'Leaking valve' });
	return { entityType: 'Case', field: 'attachments', fieldType: 'attachmentMultiple' as const, recordId: record.id };
}

const idsOn = (recordId: string) => (espo.record('Case', recordId)!.attachmentsIds as string[] | undefined) ?? [];
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('EspoCRM upload: If Already Attached', () => {
	it('Skip (Attachment-Multiple): a second run attaches nothing and outputs the attached file marked skipped', async () => {
		const target = aCase();
		const file = randomFile('photo-1.jpg', 4000, 'image/jpeg');

		const first = await upload(target, [{ files: { data: file.spec } }], { ifAlreadyAttached: 'skip' });
		const attachmentsAfterFirst = espo.attachments.size;
		const second = await upload(target, [{ files: { data: file.spec } }], { ifAlreadyAttached: 'skip' });

		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(idsOn(target.recordId)).toEqual([first.items[0].json.id]);
		// Nothing uploaded at all: no orphaned attachment either.
		expect(espo.attachments.size).toBe(attachmentsAfterFirst);
		expect(second.items).toEqual([
			{ json: expect.objectContaining({ id: first.items[0].json.id, skipped: true, fileName: 'photo-1.jpg', size: file.size }), pairedItem: { item: 0 } },
		]);
	});

	it('Skip: a file of the same name but another size is uploaded, the same file is not', async () => {
		const target = aCase();
		const attached = randomFile('log.txt', 900, 'text/plain');
		await upload(target, [{ files: { data: attached.spec } }], { ifAlreadyAttached: 'skip' });

		const result = await upload(
			target,
			[{ files: { data: attached.spec } }, { files: { data: randomFile('log.txt', 901, 'text/plain').spec } }],
			{ ifAlreadyAttached: 'skip' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.skipped ?? false)).toEqual([true, false]);
		expect(idsOn(target.recordId).map((id) => espo.attachments.get(id)!.size).sort()).toEqual([900, 901]);
	});

	it('Replace (Attachment-Multiple): one attachment with the newest content; the old one unlinked and deleted, others kept', async () => {
		const target = aCase();
		const other = randomFile('other.txt', 100, 'text/plain');
		const older = randomFile('quote.pdf', 2500, 'application/pdf');
		const newer = randomFile('quote.pdf', 2500, 'application/pdf');
		const first = await upload(target, [{ files: { data: other.spec } }, { files: { data: older.spec } }], {});
		const oldId = first.items[1].json.id as string;

		const second = await upload(target, [{ files: { data: newer.spec } }], { ifAlreadyAttached: 'replace' });

		expect(second.error).toBeUndefined();
		const ids = idsOn(target.recordId);
		expect(ids).toEqual([first.items[0].json.id, second.items[0].json.id]);
		expect(sha256(espo.attachments.get(ids[1])!.content)).toBe(newer.sha256);
		expect(espo.attachments.has(oldId)).toBe(false);
		expect(espo.deleted).toContain(oldId);
		expect(second.items[0].json).toMatchObject({ replacedAttachmentIds: [oldId], replacedAttachmentsDeleted: true });
	});

	it('Skip (File field): the Document keeps its file when the same file comes again', async () => {
		const document = espo.addRecord('Document', { name: 'Terms' });
		const target = { entityType: 'Document', field: 'file', fieldType: 'file' as const, recordId: document.id };
		const file = randomFile('terms.pdf', 3000, 'application/pdf');
		const first = await upload(target, [{ files: { data: file.spec } }], { ifAlreadyAttached: 'skip' });
		const attachmentsAfterFirst = espo.attachments.size;

		const second = await upload(target, [{ files: { data: file.spec } }], { ifAlreadyAttached: 'skip' });

		expect(second.error).toBeUndefined();
		expect(espo.record('Document', document.id)!.fileId).toBe(first.items[0].json.id);
		expect(espo.attachments.size).toBe(attachmentsAfterFirst);
		expect(second.items[0].json).toMatchObject({ id: first.items[0].json.id, skipped: true });
	});

	it('Skip with Concurrency: two items with the same file for one record attach it once', async () => {
		const target = aCase();
		const file = randomFile('scan.png', 2200, 'image/png');

		const result = await upload(target, [{ files: { data: file.spec } }, { files: { data: file.spec } }], {
			ifAlreadyAttached: 'skip',
			concurrency: 2,
		});

		expect(result.error).toBeUndefined();
		expect(idsOn(target.recordId)).toHaveLength(1);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// Which item takes the record's lock first is not fixed: one uploads, the other finds that file.
		expect(result.items.map((item) => item.json.skipped ?? false).sort()).toEqual([false, true]);
		expect(result.items[0].json.id).toBeDefined();
		expect(result.items[1].json.id).toBe(result.items[0].json.id);
	});
});
