import { OnePageCrmApi } from '../../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../../nodes/OnePageCrm/OnePageCrm.node';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { TestItem } from '../../harness/runNode';
import { storedObject } from '../../rig/s3';
import { useS3 } from '../../rig/useS3';
// The Close engineer's self-signed https front; a candidate for test/harness.
import { HttpsFront } from '../CloseCrm/httpsFront';

const s3 = useS3();
let crm: OnePageCrmFake;

beforeAll(async () => {
	crm = new OnePageCrmFake(s3);
	await crm.start();
});
afterAll(async () => {
	await crm?.stop();
});

function credentials(overrides: Record<string, string> = {}) {
	return { onePageCrmApi: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl, ...overrides } };
}

async function upload(items: TestItem[], parameters: Record<string, unknown>, extra: { continueOnFail?: boolean; credentials?: Record<string, string> } = {}) {
	return await runNode({
		nodeType: new OnePageCrm(),
		parameters: { resource: 'attachment', operation: 'upload', binaryPropertyName: 'data', options: {}, ...parameters },
		items,
		binaryMode: 'filesystem',
		credentialTypes: [new OnePageCrmApi()],
		credentials: credentials(extra.credentials),
		continueOnFail: extra.continueOnFail,
	});
}

describe('OnePageCRM node: attachment upload', () => {
	it('stores the file intact in S3 and registers it on the note with the documented key and size', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const file = randomFile('proposal.pdf', 250_000, 'application/pdf');
		const before = crm.registrations.length;

		const result = await upload([{ files: { data: file.spec } }], { contactId, referenceType: 'note', referenceId: noteId });

		expect(result.error).toBeUndefined();
		const registration = crm.registrations.slice(before);
		expect(registration).toEqual([
			{
				reference_type: 'note',
				reference_id: noteId,
				contact_id: contactId,
				name: 'proposal.pdf',
				key: expect.stringMatching(new RegExp(`^${contactId}/\\d+/proposal\\.pdf$`)),
				size: file.size,
			},
		]);
		const key = registration[0].key as string;
		expect(await storedObject(s3.client, key)).toMatchObject({ size: file.size, sha256: file.sha256 });
		const [attachment] = crm.attachmentsOf('note', noteId);
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({
					id: attachment.id,
					filename: 'proposal.pdf',
					storage_provider: 'amazon',
					key,
					fileName: 'proposal.pdf',
					size: file.size,
					mimeType: 'application/pdf',
				}),
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('OnePageCRM node: several files and items', () => {
	it('uploads every item of one execution to its own record', async () => {
		const contactId = crm.seedContact();
		const targets = [crm.seedRecord('deal', contactId), crm.seedRecord('deal', contactId), crm.seedRecord('deal', contactId)];
		const files = targets.map((_, index) => randomFile(`quote-${index}.txt`, 1000 + index, 'text/plain'));

		const result = await upload(
			files.map((file, index) => ({ json: { dealId: targets[index] }, files: { data: file.spec } })),
			{ contactId, referenceType: 'deal', referenceId: '={{ $json.dealId }}' },
		);

		expect(result.error).toBeUndefined();
		// The spec's Attachment carries no record id: where each landed is what the fake stored.
		expect(result.items.map((item) => [item.json.fileName, crm.attachments.get(item.json.id as string)?.reference_id, item.pairedItem])).toEqual([
			['quote-0.txt', targets[0], { item: 0 }],
			['quote-1.txt', targets[1], { item: 1 }],
			['quote-2.txt', targets[2], { item: 2 }],
		]);
		for (const [index, dealId] of targets.entries()) {
			const [attachment] = crm.attachmentsOf('deal', dealId);
			expect(await storedObject(s3.client, attachment.key!)).toMatchObject({ sha256: files[index].sha256 });
		}
		expect(result.input[0].json).toEqual({ dealId: targets[0] });
	});

	it('reads its credential from n8n once per run, and every request to OnePageCRM still carries it', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const files = [0, 1, 2].map((index) => randomFile(`minutes-${index}.txt`, 3000 + index, 'text/plain'));
		const before = crm.requests.length;

		const result = await upload(
			files.map((file) => ({ files: { data: file.spec } })),
			{ contactId, referenceType: 'note', referenceId: noteId, options: { concurrency: 2 } },
		);

		expect(result.error).toBeUndefined();
		// In n8n every credential read is a database query and a decryption: one per run, not per request.
		expect(result.credentialsHelper.reads).toEqual(['onePageCrmApi']);
		const asked = crm.requests.slice(before);
		expect(asked).toHaveLength(2 * files.length);
		const expected = `Basic ${Buffer.from(`${crm.userId}:${crm.apiKey}`).toString('base64')}`;
		for (const request of asked) expect(request.headers.authorization).toBe(expected);
		expect(crm.attachmentsOf('note', noteId)).toHaveLength(files.length);
	});

	it('pauses every item of the run when OnePageCRM signals its rate limit, so no other item runs into it', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const files = [randomFile('first.txt', 2000, 'text/plain'), randomFile('second.txt', 2100, 'text/plain')];
		const before = crm.requests.length;
		// OnePageCRM's rate limit (403, plain text) on the first registration; like the real API, the fake
		// keeps refusing every request for the 1 s it asked the client to wait.
		crm.limitRateWhileHolding(
			{
				method: 'POST',
				path: /\/attachments$/,
				status: 403,
				headers: { 'content-type': 'text/plain', 'retry-after': '1' },
				body: 'Rate limit exceeded',
				windowMs: 1000,
			},
			// One item's form request is answered only after the other item was told to wait: that item then
			// has everything it needs to go on at once, and only the shared pause holds it back.
			{ method: 'GET', path: /\/attachments\/s3_form$/ },
		);

		const result = await upload(
			files.map((file) => ({ files: { data: file.spec } })),
			{ contactId, referenceType: 'note', referenceId: noteId, options: { concurrency: 2 } },
		);

		expect(result.error).toBeUndefined();
		// One refusal: the request that met the limit. Nothing else was sent while the limit lasted.
		expect(crm.requests.slice(before).filter((request) => request.status === 403)).toHaveLength(1);
		expect(crm.attachmentsOf('note', noteId).map((attachment) => attachment.filename).sort()).toEqual(['first.txt', 'second.txt']);
		expect(result.items.map((item) => [item.json.fileName, item.pairedItem])).toEqual([
			['first.txt', { item: 0 }],
			['second.txt', { item: 1 }],
		]);
	});

	it('uploads two files of one item as two attachments, one output each', async () => {
		const contactId = crm.seedContact();
		const meetingId = crm.seedRecord('meeting', contactId);
		const agenda = randomFile('agenda.txt', 3000, 'text/plain');
		const slides = randomFile('slides.pdf', 40_000, 'application/pdf');

		const result = await upload(
			[{ files: { data: agenda.spec, slides: slides.spec } }],
			{ contactId, referenceType: 'meeting', referenceId: meetingId, binaryPropertyName: 'data, slides' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.fileName, item.json.binaryPropertyName, item.pairedItem])).toEqual([
			['agenda.txt', 'data', { item: 0 }],
			['slides.pdf', 'slides', { item: 0 }],
		]);
		const attachments = crm.attachmentsOf('meeting', meetingId);
		expect(attachments.map((attachment) => attachment.filename)).toEqual(['agenda.txt', 'slides.pdf']);
		expect(new Set(attachments.map((attachment) => attachment.key)).size).toBe(2);
		expect(await storedObject(s3.client, attachments[1].key!)).toMatchObject({ size: slides.size, sha256: slides.sha256 });
	});

	it('uses the File Name option for the key, the form\'s filename and the registration', async () => {
		const contactId = crm.seedContact();
		const callId = crm.seedRecord('call', contactId);
		const before = crm.registrations.length;

		const result = await upload([{ files: { data: randomFile('rec.bin', 500).spec } }], {
			contactId,
			referenceType: 'call',
			referenceId: callId,
			options: { fileName: 'call-recording.mp3' },
		});

		expect(result.error).toBeUndefined();
		expect(crm.registrations.slice(before)[0]).toMatchObject({
			name: 'call-recording.mp3',
			key: expect.stringMatching(new RegExp(`^${contactId}/\\d+/call-recording\\.mp3$`)),
		});
	});

	it.each(['Résumé – café.pdf', '履歴書 2024.pdf', 'report 📄✅.pdf'])(
		'keeps the non-ASCII name %s in the S3 key and the registration, as UTF-8',
		async (name) => {
			const contactId = crm.seedContact();
			const noteId = crm.seedRecord('note', contactId);
			const file = randomFile(name, 700, 'application/pdf');
			const before = crm.registrations.length;

			const result = await upload([{ files: { data: file.spec } }], { contactId, referenceType: 'note', referenceId: noteId });

			expect(result.error).toBeUndefined();
			const [registration] = crm.registrations.slice(before);
			expect(registration.name).toBe(name);
			const key = registration.key as string;
			expect(key.split('/')).toEqual([contactId, expect.stringMatching(/^\d+$/), name]);
			// radosgw holds the object under the very same UTF-8 key the registration names.
			expect(await storedObject(s3.client, key)).toMatchObject({ size: file.size, sha256: file.sha256 });
			expect(crm.attachmentsOf('note', noteId)[0].filename).toBe(name);
			expect(result.items[0].json).toMatchObject({ fileName: name, filename: name, key });
		},
	);
});

describe('OnePageCRM node: refusals and failures', () => {
	it('fails the upload with a clear 401 message for wrong credentials, without the key in it', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const tapBefore = s3.tap.requests.length;

		const result = await upload([{ files: { data: randomFile('x.txt', 10).spec } }], { contactId, referenceType: 'note', referenceId: noteId }, {
			credentials: { apiKey: 'wrong-api-key-0000' },
		});

		expect(result.error?.message).toBe(
			`OnePageCRM refused the upload form for contact "${contactId}": authorization_data_not_found: Authorization data not found. Cannot find suitable authorization data or data provided is not complete. (HTTP 401)`,
		);
		expect(result.error?.description).toMatch(/User ID and API Key/);
		expect(JSON.stringify(result.error)).not.toContain('wrong-api-key-0000');
		expect(s3.tap.requests.length).toBe(tapBefore);
	});

	it('reports OnePageCRM\'s 404 for a record that does not exist, and registers nothing', async () => {
		const contactId = crm.seedContact();
		const before = crm.registrations.length;

		const result = await upload([{ files: { data: randomFile('x.txt', 10).spec } }], { contactId, referenceType: 'deal', referenceId: 'no-such-deal' });

		expect(result.error?.message).toBe(
			'OnePageCRM refused the attachment "x.txt" on deal "no-such-deal": resource_not_found: Resource not found. Deal with id no-such-deal was not found (HTTP 404)',
		);
		expect(result.error?.description).toMatch(/Check the id/);
		expect(crm.registrations.length).toBe(before);
	});

	it('reports OnePageCRM\'s 404 for a contact that does not exist, before any upload', async () => {
		const tapBefore = s3.tap.requests.length;
		const result = await upload([{ files: { data: randomFile('x.txt', 10).spec } }], { contactId: 'ghost', referenceType: 'note', referenceId: 'n1' });

		expect(result.error?.message).toMatch(/^OnePageCRM refused the upload form for contact "ghost": resource_not_found: .*Contact with id ghost was not found \(HTTP 404\)$/);
		expect(s3.tap.requests.length).toBe(tapBefore);
	});

	it('sends a contact id with path characters as a query value only', async () => {
		const before = crm.requests.length;
		const result = await upload([{ files: { data: randomFile('x.txt', 10).spec } }], { contactId: '../deals/x?y=1', referenceType: 'note', referenceId: 'n1' });

		expect(result.error?.message).toMatch(/HTTP 404/);
		const [request] = crm.requests.slice(before);
		expect(request).toMatchObject({ path: '/api/v3/attachments/s3_form', query: { contact_id: '../deals/x?y=1' } });
	});

	it('waits out OnePageCRM\'s 403 text throttle, then creates exactly one attachment', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		crm.throttle(1, /^\/api\/v3\/attachments$/);
		const before = crm.requests.length;

		const result = await upload([{ files: { data: randomFile('throttled.txt', 100).spec } }], { contactId, referenceType: 'note', referenceId: noteId });

		expect(result.error).toBeUndefined();
		const registrations = crm.requests.slice(before).filter((request) => request.method === 'POST' && request.path === '/api/v3/attachments');
		expect(registrations.map((request) => request.status)).toEqual([403, 201]);
		expect(crm.attachmentsOf('note', noteId)).toHaveLength(1);
		expect(result.items).toHaveLength(1);
	});

	it('treats a JSON 403 as a permission refusal, without retrying', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		crm.injectFault({
			path: /^\/api\/v3\/attachments\/s3_form$/,
			status: 403,
			body: { status: 403, message: 'Forbidden', error_name: 'forbidden', error_message: 'You may not add attachments to this contact' },
		});
		const before = crm.requests.length;

		const result = await upload([{ files: { data: randomFile('x.txt', 10).spec } }], { contactId, referenceType: 'note', referenceId: noteId });

		expect(result.error?.message).toBe(
			`OnePageCRM refused the upload form for contact "${contactId}": forbidden: Forbidden. You may not add attachments to this contact (HTTP 403)`,
		);
		expect(result.error?.description).toMatch(/role/);
		expect(crm.requests.slice(before)).toHaveLength(1);
	});

	it('keeps OnePageCRM\'s field errors in a 400 refusal of the registration', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		crm.injectFault({
			method: 'POST',
			path: /^\/api\/v3\/attachments$/,
			status: 400,
			body: { status: 400, message: 'Invalid request data', error_name: 'invalid_request_data', errors: { reference_id: 'is not valid', name: ['is too long'] } },
		});

		const result = await upload([{ files: { data: randomFile('x.txt', 10).spec } }], { contactId, referenceType: 'note', referenceId: noteId });

		expect(result.error?.message).toBe(
			`OnePageCRM refused the attachment "x.txt" on note "${noteId}": invalid_request_data: Invalid request data (reference_id is not valid; name is too long) (HTTP 400)`,
		);
	});

	it('refuses a file over 10 MB before any request', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const tapBefore = s3.tap.requests.length;
		const crmBefore = crm.requests.length;

		const result = await upload([{ files: { data: randomFile('huge.bin', 10_485_761).spec } }], { contactId, referenceType: 'note', referenceId: noteId });

		expect(result.error?.message).toBe('OnePageCRM accepts files up to 10 MB: "huge.bin" (binary property "data", item 1) is 10,485,761 bytes (10 MB + 1 byte)');
		expect(s3.tap.requests.length).toBe(tapBefore);
		expect(crm.requests.length).toBe(crmBefore);
	});

	it('accepts a file of exactly 10 MB', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const file = randomFile('limit.bin', 10_485_760);

		const result = await upload([{ files: { data: file.spec } }], { contactId, referenceType: 'note', referenceId: noteId });

		expect(result.error).toBeUndefined();
		const [attachment] = crm.attachmentsOf('note', noteId);
		expect(await storedObject(s3.client, attachment.key!)).toMatchObject({ size: file.size, sha256: file.sha256 });
	});

	it('refuses a file larger than the account\'s storage left, before the S3 upload', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const saved = crm.storageLeft;
		crm.storageLeft = 1000;
		const tapBefore = s3.tap.requests.length;
		try {
			const result = await upload([{ files: { data: randomFile('big.bin', 5000).spec } }], { contactId, referenceType: 'note', referenceId: noteId });

			expect(result.error?.message).toBe('The OnePageCRM account has 1000 bytes of storage left: "big.bin" (binary property "data", item 1) is 4.9 KB');
			expect(s3.tap.requests.length).toBe(tapBefore);
			expect(crm.attachmentsOf('note', noteId)).toHaveLength(0);
		} finally {
			crm.storageLeft = saved;
		}
	});

	it('sends no credential to S3: no Authorization header and no key anywhere in the upload', async () => {
		const contactId = crm.seedContact();
		const dealId = crm.seedRecord('deal', contactId);
		s3.tap.watchSecrets(crm.apiKey, crm.basicHeader, crm.basicHeader.slice('Basic '.length));
		const tapBefore = s3.tap.requests.length;

		const result = await upload(
			[{ files: { data: randomFile('a.txt', 2000).spec } }, { files: { data: randomFile('b.txt', 3000).spec } }],
			{ contactId, referenceType: 'deal', referenceId: dealId },
		);

		expect(result.error).toBeUndefined();
		const sent = s3.tap.requests.slice(tapBefore);
		expect(sent).toHaveLength(2);
		for (const request of sent) {
			expect(request.headers.authorization).toBeUndefined();
			expect(request.secretsSeen).toEqual([]);
			expect(request.status).toBe(201);
		}
		expect(JSON.stringify(result.items)).not.toContain(crm.apiKey);
	});

	it('with Continue On Fail, gives one output per input item with the failure in place', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const items: TestItem[] = [
			{ json: { noteId }, files: { data: randomFile('first.txt', 10).spec } },
			{ json: { noteId: 'missing-note' }, files: { data: randomFile('second.txt', 10).spec } },
			{ json: { noteId }, files: { other: randomFile('third.txt', 10).spec } },
			{ json: { noteId }, files: { data: randomFile('fourth.txt', 10).spec } },
		];

		const result = await upload(items, { contactId, referenceType: 'note', referenceId: '={{ $json.noteId }}' }, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0].json.fileName).toBe('first.txt');
		expect(result.items[1].json.error).toMatch(/resource_not_found.*\(HTTP 404\)/);
		expect(result.items[2].json.error).toBe('Item 3 has no binary property "data"');
		expect(result.items[3].json.fileName).toBe('fourth.txt');
		expect(crm.attachmentsOf('note', noteId).map((attachment) => attachment.filename)).toEqual(['first.txt', 'fourth.txt']);
	});

	it('refuses a plain-http S3 form when OnePageCRM is reached over https, before sending the file', async () => {
		const contactId = crm.seedContact();
		const noteId = crm.seedRecord('note', contactId);
		const front = new HttpsFront(crm.baseUrl);
		await front.start();
		const tapBefore = s3.tap.requests.length;
		const before = crm.registrations.length;
		try {
			const result = await upload([{ files: { data: randomFile('secret.pdf', 1000, 'application/pdf').spec } }], { contactId, referenceType: 'note', referenceId: noteId }, {
				credentials: { baseUrl: `${front.baseUrl}/api/v3` },
			});

			expect(result.error?.message).toMatch(/^The upload form from OnePageCRM points to a plain-http URL \(http:\/\/127\.0\.0\.1:\d+\); the file was not sent$/);
			expect(s3.tap.requests.length).toBe(tapBefore);
			expect(crm.registrations.length).toBe(before);
		} finally {
			await front.stop();
		}
	});
});
