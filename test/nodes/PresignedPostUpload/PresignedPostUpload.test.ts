import { randomUUID } from 'crypto';

import { PresignedPostUpload } from '../../../nodes/PresignedPostUpload/PresignedPostUpload.node';
import type { BinaryMode } from '../../harness/binaryStore';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';
import { objectExists, storedObject } from '../../rig/s3';
import { useS3 } from '../../rig/useS3';

const s3 = useS3();

function uploadParameters(form: { url: string; fields: Record<string, string> }, options = {}) {
	return {
		url: form.url,
		fields: JSON.stringify(form.fields),
		binaryPropertyName: 'data',
		options,
	};
}

async function formFor(prefix: string, maxBytes = 10 * 1024 * 1024, expires = 600, moreConditions: unknown[] = []) {
	return await s3.form({
		Key: `${prefix}\${filename}`,
		Conditions: [
			['starts-with', '$key', prefix],
			['content-length-range', 1, maxBytes],
			{ acl: 'private' },
			{ success_action_status: '201' },
			...(moreConditions as never[]),
		],
		Fields: { acl: 'private', success_action_status: '201' },
		Expires: expires,
	});
}

describe('S3 Presigned POST Upload node', () => {
	it.each<BinaryMode>(['memory', 'filesystem'])(
		'stores the bytes intact from %s binary data',
		async (mode) => {
			const prefix = `intact/${mode}/${randomUUID()}/`;
			const file = randomFile('report.pdf', 300_000, 'application/pdf');
			const form = await formFor(prefix);

			const result = await runNode({
				nodeType: new PresignedPostUpload(),
				parameters: uploadParameters(form),
				items: [{ files: { data: file.spec } }],
				binaryMode: mode,
			});

			expect(result.error).toBeUndefined();
			expect(result.input[0].binary!.data.id === undefined).toBe(mode === 'memory');
			const stored = await storedObject(s3.client, `${prefix}report.pdf`);
			expect(stored).toMatchObject({ size: file.size, sha256: file.sha256 });
			expect(result.items).toEqual([
				{
					json: {
						bucket: 'crm-attachments-test',
						key: `${prefix}report.pdf`,
						location: expect.stringContaining(encodeURIComponent(`${prefix}report.pdf`)),
						etag: expect.any(String),
						fileName: 'report.pdf',
						size: file.size,
						mimeType: 'application/pdf',
						binaryPropertyName: 'data',
					},
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	it('sends a Content-Length and no Authorization header to the storage host', async () => {
		const prefix = `headers/${randomUUID()}/`;
		const file = randomFile('a.bin', 70_000);
		const form = await formFor(prefix);
		const before = s3.tap.requests.length;

		await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: file.spec } }],
			binaryMode: 'filesystem',
		});

		const sent = s3.tap.requests.slice(before);
		expect(sent).toHaveLength(1);
		expect(sent[0].headers['content-length']).toBe(String(sent[0].bodyBytes));
		expect(sent[0].headers['transfer-encoding']).toBeUndefined();
		expect(sent[0].headers.authorization).toBeUndefined();
		expect(sent[0].status).toBe(201);
	});

	it('uploads every item of one execution and two files of one item, each under its own key', async () => {
		const prefix = `many/${randomUUID()}/`;
		const first = randomFile('one.txt', 1000, 'text/plain');
		const second = randomFile('two.txt', 2000, 'text/plain');
		const attachment = randomFile('two-b.csv', 3000, 'text/csv');
		const form = await formFor(prefix);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: { ...uploadParameters(form), binaryPropertyName: 'data, extra' },
			items: [
				{ files: { data: first.spec, extra: randomFile('one-b.txt', 10, 'text/plain').spec } },
				{ files: { data: second.spec, extra: attachment.spec } },
			],
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.key, item.pairedItem])).toEqual([
			[`${prefix}one.txt`, { item: 0 }],
			[`${prefix}one-b.txt`, { item: 0 }],
			[`${prefix}two.txt`, { item: 1 }],
			[`${prefix}two-b.csv`, { item: 1 }],
		]);
		expect(await storedObject(s3.client, `${prefix}two.txt`)).toMatchObject({ sha256: second.sha256 });
		expect(await storedObject(s3.client, `${prefix}two-b.csv`)).toMatchObject({ sha256: attachment.sha256 });
	});

	it('uses the Object Key and File Name options', async () => {
		const prefix = `options/${randomUUID()}/`;
		const file = randomFile('original.bin', 500);
		const form = await formFor(prefix);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form, { key: `${prefix}renamed/\${filename}`, fileName: 'final.bin' }),
			items: [{ files: { data: file.spec } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ key: `${prefix}renamed/final.bin`, fileName: 'final.bin' });
		expect(await storedObject(s3.client, `${prefix}renamed/final.bin`)).toMatchObject({ sha256: file.sha256 });
	});

	it.each(['Résumé café.pdf', '契約書 2024.docx', 'report 📎✅.xlsx'])(
		'stores %s under its own name, byte for byte, in filesystem binary mode',
		async (name) => {
			const prefix = `unicode/${randomUUID()}/`;
			const file = randomFile(name, 2_000, 'application/pdf');
			const form = await formFor(prefix);

			const result = await runNode({
				nodeType: new PresignedPostUpload(),
				parameters: uploadParameters(form),
				items: [{ files: { data: file.spec } }],
				binaryMode: 'filesystem',
			});

			expect(result.error).toBeUndefined();
			// S3 fills ${filename} from the file part's filename: the name must reach it as UTF-8, not mangled.
			expect(await storedObject(s3.client, `${prefix}${name}`)).toMatchObject({ size: file.size, sha256: file.sha256 });
			expect(result.items[0].json).toMatchObject({ key: `${prefix}${name}`, fileName: name });
		},
	);

	it('refuses a file outside the policy\'s size range before sending it, and stores nothing', async () => {
		const prefix = `oversize/${randomUUID()}/`;
		const form = await formFor(prefix, 1000);
		const before = s3.tap.requests.length;

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: randomFile('big.bin', 5000).spec } }],
		});

		expect(result.error?.message).toBe(
			'The upload form from the "Form URL" and "Form Fields" parameters accepts files up to 1000 bytes: "big.bin" (binary property "data", item 1) is 4.9 KB',
		);
		expect(s3.tap.requests.length).toBe(before);
		expect(await objectExists(s3.client, `${prefix}big.bin`)).toBe(false);
	});

	it('uploads a file of exactly the policy\'s largest size (the range is inclusive)', async () => {
		const prefix = `exact/${randomUUID()}/`;
		const form = await formFor(prefix, 1000);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: randomFile('edge.bin', 1000).spec } }],
		});

		expect(result.error).toBeUndefined();
		expect(await objectExists(s3.client, `${prefix}edge.bin`)).toBe(true);
	});

	it('reports an expired policy as S3 said it, with what to do', async () => {
		const prefix = `expired/${randomUUID()}/`;
		const form = await formFor(prefix, 1000, 1);
		await new Promise((resolve) => setTimeout(resolve, 2500));

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: randomFile('late.bin', 100).spec } }],
		});

		expect(result.error?.message).toMatch(/^S3 refused the upload of "late\.bin": AccessDenied/);
		expect(result.error?.message).toMatch(/expired/i);
		expect(result.error?.description).toMatch(/new form/);
		expect(await objectExists(s3.client, `${prefix}late.bin`)).toBe(false);
	});

	it('reports a tampered signature, and stores nothing', async () => {
		const prefix = `tampered/${randomUUID()}/`;
		const form = await formFor(prefix);
		const signature = form.fields['X-Amz-Signature'];
		form.fields['X-Amz-Signature'] = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: randomFile('forged.bin', 100).spec } }],
		});

		expect(result.error?.message).toMatch(/^S3 refused the upload of "forged\.bin": (SignatureDoesNotMatch|AccessDenied)/);
		expect(await objectExists(s3.client, `${prefix}forged.bin`)).toBe(false);
	});

	it('names the missing binary property and lists the ones the item has', async () => {
		const form = await formFor(`missing/${randomUUID()}/`);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: { ...uploadParameters(form), binaryPropertyName: 'attachment' },
			items: [{ files: { data: randomFile('x.txt', 10).spec, other: randomFile('y.txt', 10).spec } }],
		});

		expect(result.error?.message).toBe('Item 1 has no binary property "attachment"');
		expect(result.error?.description).toContain('"data", "other"');
	});

	it('refuses an empty file with a clear message', async () => {
		const form = await formFor(`empty/${randomUUID()}/`);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: { fileName: 'empty.txt', mimeType: 'text/plain', content: Buffer.alloc(0) } } }],
			binaryMode: 'filesystem',
		});

		expect(result.error?.message).toMatch(/"empty\.txt".*item 1 is empty \(0 bytes\)/);
	});

	it('refuses Form Fields that are not a JSON object before sending anything', async () => {
		const before = s3.tap.requests.length;
		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: { url: `${s3.tap.baseUrl}/crm-attachments-test`, fields: '["policy"]', binaryPropertyName: 'data', options: {} },
			items: [{ files: { data: randomFile('x.txt', 10).spec } }],
		});

		expect(result.error?.message).toBe('"Form Fields" of item 1 is not a JSON object');
		expect(s3.tap.requests.length).toBe(before);
	});

	it('with Continue On Fail, gives one output per input item: two uploads and one error in place', async () => {
		const prefix = `continue/${randomUUID()}/`;
		const form = await formFor(prefix);
		const items: TestItem[] = [
			{ files: { data: randomFile('first.txt', 10).spec } },
			{ files: { wrong: randomFile('second.txt', 10).spec } },
			{ files: { data: randomFile('third.txt', 10).spec } },
		];

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items,
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[1].json.error).toBe('Item 2 has no binary property "data"');
		expect(await objectExists(s3.client, `${prefix}first.txt`)).toBe(true);
		expect(await objectExists(s3.client, `${prefix}third.txt`)).toBe(true);
		expect(result.input[1].binary).toHaveProperty('wrong');
	});

	it('retries a storage that answers 503 SlowDown, then stores the file once', async () => {
		const prefix = `slowdown/${randomUUID()}/`;
		const file = randomFile('retry.bin', 20_000);
		const form = await formFor(prefix);
		const before = s3.tap.requests.length;
		s3.tap.injectFault({ status: 503, code: 'SlowDown', headers: { 'retry-after': '0' } });

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: file.spec } }],
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		expect(s3.tap.requests.slice(before).map((request) => request.status)).toEqual([503, 201]);
		expect(await storedObject(s3.client, `${prefix}retry.bin`)).toMatchObject({ sha256: file.sha256 });
	});

	it('retries with a fresh stream when the connection is reset mid-upload', async () => {
		const prefix = `reset/${randomUUID()}/`;
		const file = randomFile('reset.bin', 2_000_000);
		const form = await formFor(prefix);
		const before = s3.tap.requests.length;
		s3.tap.injectFault({ resetAfterBytes: 100_000 });

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: file.spec } }],
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		const attempts = s3.tap.requests.slice(before);
		expect(attempts).toHaveLength(2);
		expect(attempts[1].bodyBytes).toBe(Number(attempts[1].headers['content-length']));
		expect(await storedObject(s3.client, `${prefix}reset.bin`)).toMatchObject({ size: file.size, sha256: file.sha256 });
	});
});

describe('S3 Presigned POST Upload node with Concurrency', () => {
	afterEach(() => {
		s3.tap.barrier = undefined;
	});

	it('uploads several items at once and keeps the output in input order', async () => {
		const prefix = `parallel/${randomUUID()}/`;
		const files = Array.from({ length: 6 }, (_, index) => randomFile(`file-${index}.bin`, 30_000 + index));
		const form = await formFor(prefix);
		s3.tap.maxInFlight = 0;
		// Each upload is held until three are in flight: only a parallel client gets through at once.
		s3.tap.barrier = { size: 3, timeoutMs: 10_000 };

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form, { concurrency: 3 }),
			items: files.map((file) => ({ files: { data: file.spec } })),
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		expect(s3.tap.maxInFlight).toBe(3);
		expect(result.items.map((item) => [item.json.fileName, item.pairedItem])).toEqual(
			files.map((file, index) => [file.spec.fileName, { item: index }]),
		);
		for (const file of files) {
			expect(await storedObject(s3.client, `${prefix}${file.spec.fileName}`)).toMatchObject({ sha256: file.sha256 });
		}
	});

	it('sends one upload at a time by default', async () => {
		const prefix = `sequential/${randomUUID()}/`;
		const form = await formFor(prefix);
		s3.tap.maxInFlight = 0;
		s3.tap.barrier = { size: 2, timeoutMs: 300 };

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [0, 1, 2].map((index) => ({ files: { data: randomFile(`seq-${index}.bin`, 1000).spec } })),
		});

		expect(result.error).toBeUndefined();
		expect(s3.tap.maxInFlight).toBe(1);
	});

	it('with Continue On Fail and Concurrency, still gives one output per input item in order', async () => {
		const prefix = `parallel-errors/${randomUUID()}/`;
		const form = await formFor(prefix);

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form, { concurrency: 4 }),
			items: [
				{ files: { data: randomFile('a.bin', 100).spec } },
				{ files: { other: randomFile('b.bin', 100).spec } },
				{ files: { data: randomFile('c.bin', 100).spec } },
				{ files: { data: { fileName: 'd.bin', mimeType: 'text/plain', content: Buffer.alloc(0) } } },
				{ files: { data: randomFile('e.bin', 100).spec } },
			],
			continueOnFail: true,
		});

		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(result.items.map((item) => (item.json.error ? 'error' : item.json.fileName))).toEqual([
			'a.bin',
			'error',
			'c.bin',
			'error',
			'e.bin',
		]);
	});
});

describe('S3 Presigned POST Upload node with a form that asks for no XML answer', () => {
	it('reports bucket, key and location from the form when S3 answers 204 with no body', async () => {
		const prefix = `no-content/${randomUUID()}/`;
		const file = randomFile('quiet.bin', 2_000);
		const form = await s3.form({
			Key: `${prefix}\${filename}`,
			Conditions: [['starts-with', '$key', prefix]],
			Expires: 300,
		});
		const before = s3.tap.requests.length;

		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: file.spec } }],
		});

		expect(result.error).toBeUndefined();
		expect(s3.tap.requests.slice(before).map((request) => request.status)).toEqual([204]);
		expect(result.items[0].json).toMatchObject({
			bucket: 'crm-attachments-test',
			key: `${prefix}quiet.bin`,
			location: `${form.url.replace(/\/$/, '')}/${prefix.split('/').map(encodeURIComponent).join('/')}quiet.bin`,
		});
		expect(await storedObject(s3.client, `${prefix}quiet.bin`)).toMatchObject({ sha256: file.sha256 });
	});
});

describe('S3 Presigned POST Upload node and the file\'s Content-Type', () => {
	async function upload(prefix: string, conditions: unknown[], file = randomFile('offer.pdf', 20_000, 'application/pdf')) {
		const form = await formFor(prefix, undefined, undefined, conditions);
		const before = s3.tap.requests.length;
		const result = await runNode({
			nodeType: new PresignedPostUpload(),
			parameters: uploadParameters(form),
			items: [{ files: { data: file.spec } }],
			binaryMode: 'filesystem',
		});
		return { result, file, sent: s3.tap.requests.slice(before) };
	}

	async function expectStored(key: string, file: ReturnType<typeof randomFile>, contentType: string) {
		const stored = await storedObject(s3.client, key);
		expect([stored.size, stored.sha256, stored.contentType]).toEqual([file.size, file.sha256, contentType]);
	}

	it('stores the file under its own Content-Type when the policy allows any (starts-with "")', async () => {
		const prefix = `content-type/any/${randomUUID()}/`;
		const { result, file } = await upload(prefix, [['starts-with', '$Content-Type', '']]);

		expect(result.error).toBeUndefined();
		await expectStored(`${prefix}offer.pdf`, file, 'application/pdf');
	});

	it('stores the file under its own Content-Type when the policy\'s prefix or exact value matches it', async () => {
		const prefix = `content-type/prefix/${randomUUID()}/`;
		const prefixed = await upload(prefix, [['starts-with', '$Content-Type', 'application/']]);
		const exactPrefix = `content-type/exact/${randomUUID()}/`;
		const exact = await upload(exactPrefix, [{ 'Content-Type': 'application/pdf' }]);

		expect(prefixed.result.error).toBeUndefined();
		expect(exact.result.error).toBeUndefined();
		expect((await storedObject(s3.client, `${prefix}offer.pdf`)).contentType).toBe('application/pdf');
		expect((await storedObject(s3.client, `${exactPrefix}offer.pdf`)).contentType).toBe('application/pdf');
	});

	it('sends no Content-Type when the policy does not name it, so the upload still succeeds', async () => {
		const prefix = `content-type/unnamed/${randomUUID()}/`;
		const { result, file, sent } = await upload(prefix, []);

		expect(result.error).toBeUndefined();
		expect(sent.map((request) => request.status)).toEqual([201]);
		await expectStored(`${prefix}offer.pdf`, file, 'binary/octet-stream');
	});

	it('the storage does refuse a Content-Type field its policy does not name (the check above can fail)', async () => {
		const prefix = `content-type/refused/${randomUUID()}/`;
		const form = await s3.form({
			Key: `${prefix}\${filename}`,
			Conditions: [['starts-with', '$key', prefix]],
			Expires: 600,
		});
		const body = new FormData();
		for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
		body.append('Content-Type', 'application/pdf');
		body.append('file', new Blob([Buffer.from('%PDF-1.4')]), 'offer.pdf');

		const response = await fetch(form.url, { method: 'POST', body });

		expect(response.status).toBe(403);
		expect(await objectExists(s3.client, `${prefix}offer.pdf`)).toBe(false);
	});
});
