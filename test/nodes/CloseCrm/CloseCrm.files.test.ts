import { createHash, randomBytes } from 'crypto';

import { CloseCrmApi } from '../../../credentials/CloseCrmApi.credentials';
import { CloseCrm } from '../../../nodes/CloseCrm/CloseCrm.node';
import { FakeClose } from '../../fakes/close';
import type { BinaryMode } from '../../harness/binaryStore';
import { binaryDataService } from '../../harness/binaryStore';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';
import { useS3 } from '../../rig/useS3';

const s3 = useS3();
let close: FakeClose;

beforeAll(async () => {
	close = new FakeClose(s3);
	await close.start();
	// The fake serves its /go/file/ links itself (Close's are under https://app.close.com).
	close.fileOrigin = close.baseUrl;
	s3.tap.watchSecrets(close.apiKey, close.basicAuthorization, close.basicAuthorization.slice('Basic '.length));
});

afterAll(async () => {
	await close.stop();
});

function sha256(content: Buffer): string {
	return createHash('sha256').update(content).digest('hex');
}

function run(parameters: Record<string, unknown>, items: TestItem[], options: { binaryMode?: BinaryMode; continueOnFail?: boolean } = {}) {
	return runNode({
		nodeType: new CloseCrm(),
		parameters: { resource: 'file', options: {}, ...parameters },
		items,
		binaryMode: options.binaryMode ?? 'memory',
		credentialTypes: [new CloseCrmApi()],
		credentials: { closeCrmApi: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl } },
		continueOnFail: options.continueOnFail,
	});
}

function fileOf(filename: string, size: number, content_type = 'application/pdf') {
	return { filename, content: randomBytes(size), content_type };
}

async function contentOf(binary: { id?: string; data: string }): Promise<Buffer> {
	if (binary.id) return await (await binaryDataService()).getAsBuffer(binary as never);
	return Buffer.from(binary.data, 'base64');
}

describe('Close node: a lead\'s files', () => {
	it('lists every file on the lead\'s notes and emails, with the names Close shows, across pages', async () => {
		const leadId = `lead_${randomBytes(6).toString('hex')}`;
		const noteFiles = [fileOf('Angebot Müller.pdf', 300), fileOf('図面 📐.png', 200, 'image/png')];
		const note = await close.addActivityWithFiles('note', leadId, noteFiles);
		// 101 plain notes push the lead past one page of _limit=100.
		for (let index = 0; index < 101; index++) await close.addActivityWithFiles('note', leadId, []);
		const late = await close.addActivityWithFiles('note', leadId, [fileOf('late.txt', 10, 'text/plain')]);
		const email = await close.addActivityWithFiles('email', leadId, [fileOf('quote.xlsx', 120, 'application/vnd.ms-excel')], { subject: 'Your quote' });
		await close.addActivityWithFiles('note', 'lead_other', [fileOf('not-mine.pdf', 10)]);
		const before = close.requests.length;

		const result = await run({ operation: 'getMany', leadId }, [{ json: {} }]);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.filename)).toEqual(['Angebot Müller.pdf', '図面 📐.png', 'late.txt', 'quote.xlsx']);
		expect(result.items[0].json).toMatchObject({ url: note.attachments[0].url, size: 300, content_type: 'application/pdf', activityType: 'note', activityId: note.id, leadId });
		expect(result.items[2].json.activityId).toBe(late.id);
		expect(result.items[3].json).toMatchObject({ activityType: 'email', activityId: email.id, emailSubject: 'Your quote', size: 120 });
		expect(result.items.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const lists = close.requests.slice(before).map((request) => `${request.path} ${request.query.lead_id} ${request.query._skip} ${request.query._limit}`);
		expect(lists).toEqual([
			`/api/v1/activity/note/ ${leadId} 0 100`,
			`/api/v1/activity/note/ ${leadId} 100 100`,
			`/api/v1/activity/email/ ${leadId} 0 100`,
		]);
	});

	it('takes files from emails only when asked', async () => {
		const leadId = `lead_${randomBytes(6).toString('hex')}`;
		await close.addActivityWithFiles('note', leadId, [fileOf('n.pdf', 10)]);
		await close.addActivityWithFiles('email', leadId, [fileOf('e.pdf', 10)]);
		const result = await run({ operation: 'getMany', leadId, options: { activityTypes: ['email'] } }, [{ json: {} }]);
		expect(result.items.map((item) => item.json.filename)).toEqual(['e.pdf']);
	});

	it('refuses an empty Lead ID, naming the item', async () => {
		const result = await run({ operation: 'getMany', leadId: ' ' }, [{ json: {} }], { continueOnFail: true });
		expect(result.items[0].json.error).toBe('"Lead ID" of item 1 is empty');
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it.each<BinaryMode>(['memory', 'filesystem'])(
		'downloads a listed file into binary data: bytes, non-ASCII name, no key sent to the file storage (%s binary data)',
		async (binaryMode) => {
			const leadId = `lead_${randomBytes(6).toString('hex')}`;
			const name = 'Vertrag Ärger 契約 🧾.pdf';
			const file = fileOf(name, 180_001);
			await close.addActivityWithFiles('email', leadId, [file]);
			const listed = await run({ operation: 'getMany', leadId }, [{ json: {} }]);
			const tapBefore = s3.tap.requests.length;
			const closeBefore = close.requests.length;

			const result = await run(
				{ operation: 'download', url: listed.items[0].json.url, binaryPropertyName: 'file' },
				[{ json: { keep: 1 } }],
				{ binaryMode },
			);

			expect(result.error).toBeUndefined();
			const binary = result.items[0].binary!.file;
			expect(binary).toMatchObject({ fileName: name, mimeType: 'application/pdf' });
			expect(sha256(await contentOf(binary))).toBe(sha256(file.content));
			expect(result.items[0].json).toMatchObject({ fileName: name, size: file.content.length });
			// Close's link got the API key; the storage it redirected to got none.
			const link = close.requests.slice(closeBefore).find((request) => request.path.startsWith('/go/file/'))!;
			expect(link.status).toBe(302);
			const fetched = s3.tap.requests.slice(tapBefore);
			expect(fetched.map((request) => request.method)).toEqual(['GET']);
			expect(fetched[0].headers.authorization).toBeUndefined();
			expect(fetched[0].secretsSeen).toEqual([]);
			expect(result.input[0]).toEqual({ json: { keep: 1 } });
		},
	);

	it('names the file by the File Name option when given', async () => {
		const activity = await close.addActivityWithFiles('note', 'lead_named', [fileOf('a.pdf', 10)]);
		const result = await run({ operation: 'download', url: activity.attachments[0].url, binaryPropertyName: 'data', options: { fileName: 'renamed.pdf' } }, [{ json: {} }]);
		expect(result.items[0].binary!.data.fileName).toBe('renamed.pdf');
	});

	it('explains a file Close no longer has, and a URL that is not one, item by item', async () => {
		const result = await run(
			{ operation: 'download', url: '={{ $json.url }}', binaryPropertyName: 'data' },
			[{ json: { url: `${close.baseUrl}/go/file/persisted/orga_fake/activity.note/acti_gone/x/gone.pdf/` } }, { json: { url: 'not a url' } }],
			{ continueOnFail: true },
		);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.error).toMatch(/Close refused the download of "gone.pdf".*404/);
		expect(result.items[0].json.errorDescription).toMatch(/Get Many/);
		expect(result.items[1].json.error).toBe('"File URL" of item 2 is not a web address: "not a url"');
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
