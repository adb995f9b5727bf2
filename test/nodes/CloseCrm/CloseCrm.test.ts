import { CloseCrmApi } from '../../../credentials/CloseCrmApi.credentials';
import { CloseCrm } from '../../../nodes/CloseCrm/CloseCrm.node';
import { closeThrottleDelayMs, readCloseFailure } from '../../../nodes/CloseCrm/transport';
import type { HandedOutFile } from '../../fakes/close';
import { FakeClose } from '../../fakes/close';
import type { BinaryMode } from '../../harness/binaryStore';
import { randomFile } from '../../harness/fixtures';
import type { RandomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { RunNodeOptions, TestItem } from '../../harness/runNode';
import { objectExists, storedObject } from '../../rig/s3';
import { useS3 } from '../../rig/useS3';
import { HttpsFront } from './httpsFront';

const s3 = useS3();
let close: FakeClose;

beforeAll(async () => {
	close = new FakeClose(s3);
	await close.start();
	s3.tap.watchSecrets(close.apiKey, close.basicAuthorization, close.basicAuthorization.slice('Basic '.length));
});

afterAll(async () => {
	await close.stop();
});

function run(parameters: Record<string, unknown>, items: TestItem[], extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		nodeType: new CloseCrm(),
		parameters: { binaryPropertyName: 'data', options: {}, ...parameters },
		items,
		credentialTypes: [new CloseCrmApi()],
		credentials: { closeCrmApi: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl } },
		...extra,
	});
}

const noteOn = (leadId: string, note = 'Signed contract attached') => ({ resource: 'note', operation: 'create', leadId, note });
const NOTE_PATH = /\/activity\/note\/$/;
const emailTo = (leadId: string, contactId: string) => ({
	resource: 'email',
	operation: 'create',
	leadId,
	contactId,
	to: 'anna@example.com',
	subject: 'Your quote',
	body: 'Attached.',
});

function handedOut(url: unknown): HandedOutFile {
	const file = close.files.get(url as string);
	if (!file) throw new Error(`the fake never handed out ${String(url)}`);
	return file;
}

async function expectStored(url: unknown, file: RandomFile) {
	expect(await storedObject(s3.client, handedOut(url).key)).toMatchObject({ size: file.size, sha256: file.sha256 });
}

/** Every request the storage host saw since `before` carried no credential of Close. */
function expectNoCredentialsSentToS3(before: number) {
	const sent = s3.tap.requests.slice(before);
	expect(sent.length).toBeGreaterThan(0);
	for (const request of sent) {
		expect(request.headers.authorization).toBeUndefined();
		expect(request.secretsSeen).toEqual([]);
	}
}

describe('Close node', () => {
	describe('File > Upload', () => {
		it.each<BinaryMode>(['memory', 'filesystem'])(
			'stores the bytes intact from %s binary data and outputs the attachment object Close takes',
			async (mode) => {
				const file = randomFile('proposal.pdf', 250_000, 'application/pdf');
				const before = close.requests.length;

				const result = await run({ resource: 'file', operation: 'upload' }, [{ files: { data: file.spec } }], { binaryMode: mode });

				expect(result.error).toBeUndefined();
				const asked = close.requests.slice(before).filter((request) => request.path.endsWith('/files/upload/'));
				expect(asked).toHaveLength(1);
				expect(asked[0].json).toEqual({ filename: 'proposal.pdf', content_type: 'application/pdf' });
				expect(asked[0].headers.authorization).toBe(close.basicAuthorization);
				expect(result.items).toEqual([
					{
						json: {
							url: expect.stringMatching(/^https:\/\/app\.close\.com\/go\/file\//),
							filename: 'proposal.pdf',
							size: file.size,
							content_type: 'application/pdf',
						},
						pairedItem: { item: 0 },
					},
				]);
				await expectStored(result.items[0].json.url, file);
			},
		);

		it('reads its credential from n8n once per run, and every request to Close still carries it', async () => {
			const files = [0, 1, 2, 3].map((index) => randomFile(`batch-${index}.txt`, 2000 + index, 'text/plain'));
			const before = close.requests.length;

			const result = await run(
				{ resource: 'file', operation: 'upload', options: { concurrency: 2 } },
				files.map((file) => ({ files: { data: file.spec } })),
			);

			expect(result.error).toBeUndefined();
			// In n8n every credential read is a database query and a decryption.
			expect(result.credentialsHelper.reads).toEqual(['closeCrmApi']);
			const asked = close.requests.slice(before);
			expect(asked).toHaveLength(files.length);
			for (const request of asked) expect(request.headers.authorization).toBe(close.basicAuthorization);
			for (const [index, file] of files.entries()) await expectStored(result.items[index].json.url, file);
		});

		it('asks for a new form when S3 says the first one expired, and stores the file once', async () => {
			const file = randomFile('late.csv', 40_000, 'text/csv');
			const before = close.requests.length;
			const tapBefore = s3.tap.requests.length;
			close.expiredFormsToHandOut = 1;

			const result = await run({ resource: 'file', operation: 'upload' }, [{ files: { data: file.spec } }]);

			expect(result.error).toBeUndefined();
			const asked = close.requests.slice(before).filter((request) => request.path.endsWith('/files/upload/'));
			expect(asked).toHaveLength(2);
			expect(s3.tap.requests.slice(tapBefore).map((request) => request.status)).toEqual([403, 201]);
			const forms = [...close.files.values()].slice(-2);
			expect(await objectExists(s3.client, forms[0].key)).toBe(false);
			expect(result.items[0].json.url).toBe(forms[1].downloadUrl);
			await expectStored(result.items[0].json.url, file);
		});

		it('asks for a new form first when the one it holds is older than 50 s, and uploads only once', async () => {
			const file = randomFile('slow.bin', 10_000);
			const before = close.requests.length;
			const tapBefore = s3.tap.requests.length;
			const realNow = Date.now.bind(Date);
			const formRequests = () => close.requests.slice(before).filter((request) => request.path.endsWith('/files/upload/')).length;
			// Once Close has seen the first form request, the clock reads 55 s later: the age check before the upload finds it old.
			const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + (formRequests() > 0 ? 55_000 : 0));
			try {
				const result = await run({ resource: 'file', operation: 'upload' }, [{ files: { data: file.spec } }]);

				expect(result.error).toBeUndefined();
				expect(close.requests.slice(before).filter((request) => request.path.endsWith('/files/upload/'))).toHaveLength(2);
				expect(s3.tap.requests.slice(tapBefore).map((request) => request.status)).toEqual([201]);
				const forms = [...close.files.values()].slice(-2);
				expect(result.items[0].json.url).toBe(forms[1].downloadUrl);
				await expectStored(result.items[0].json.url, file);
			} finally {
				clock.mockRestore();
			}
		});
	});

	describe('Note > Create', () => {
		it('uploads the file and adds a note to the lead with it attached', async () => {
			const file = randomFile('contract.pdf', 120_000, 'application/pdf');
			const notesBefore = close.notes.length;

			const result = await run(noteOn('lead_existing'), [{ files: { data: file.spec } }], { binaryMode: 'filesystem' });

			expect(result.error).toBeUndefined();
			const created = close.notes.slice(notesBefore);
			expect(created).toHaveLength(1);
			expect(created[0]).toMatchObject({
				lead_id: 'lead_existing',
				note: 'Signed contract attached',
				attachments: [{ url: expect.any(String), filename: 'contract.pdf', size: file.size, content_type: 'application/pdf' }],
			});
			await expectStored(created[0].attachments[0].url, file);
			expect(result.items).toEqual([
				{
					json: expect.objectContaining({
						id: created[0].id,
						lead_id: 'lead_existing',
						attachments: created[0].attachments,
						fileName: 'contract.pdf',
						size: file.size,
						mimeType: 'application/pdf',
					}),
					pairedItem: { item: 0 },
				},
			]);
		});

		it('adds one note per item when one execution carries several items', async () => {
			const files = [randomFile('a.txt', 1000, 'text/plain'), randomFile('b.txt', 2000, 'text/plain'), randomFile('c.txt', 3000, 'text/plain')];
			const notesBefore = close.notes.length;

			const result = await run(
				{ ...noteOn('lead_existing'), note: '={{ "note for " + $binary.data.fileName }}' },
				files.map((file) => ({ files: { data: file.spec } })),
			);

			expect(result.error).toBeUndefined();
			const created = close.notes.slice(notesBefore);
			expect(created.map((note) => [note.note, note.attachments.map((attachment) => attachment.filename)])).toEqual([
				['note for a.txt', ['a.txt']],
				['note for b.txt', ['b.txt']],
				['note for c.txt', ['c.txt']],
			]);
			for (const [index, file] of files.entries()) await expectStored(created[index].attachments[0].url, file);
			expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual(
				created.map((note, index) => [note.id, { item: index }]),
			);
		});

		it('attaches two files of one item to the same note', async () => {
			const first = randomFile('photo.jpg', 30_000, 'image/jpeg');
			const second = randomFile('plan.pdf', 50_000, 'application/pdf');
			const notesBefore = close.notes.length;

			const result = await run(
				{ ...noteOn('lead_existing'), binaryPropertyName: 'data, plan' },
				[{ files: { data: first.spec, plan: second.spec } }],
				{ binaryMode: 'filesystem' },
			);

			expect(result.error).toBeUndefined();
			const created = close.notes.slice(notesBefore);
			expect(created).toHaveLength(1);
			expect(created[0].attachments.map((attachment) => [attachment.filename, attachment.content_type, attachment.size])).toEqual([
				['photo.jpg', 'image/jpeg', first.size],
				['plan.pdf', 'application/pdf', second.size],
			]);
			await expectStored(created[0].attachments[0].url, first);
			await expectStored(created[0].attachments[1].url, second);
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json).toMatchObject({
				fileName: 'photo.jpg, plan.pdf',
				size: first.size + second.size,
				mimeType: 'image/jpeg, application/pdf',
			});
		});

		it('reports a lead that does not exist as Close\'s 404, naming the lead, before uploading anything', async () => {
			const notesBefore = close.notes.length;
			const before = close.requests.length;
			const tapBefore = s3.tap.requests.length;

			const result = await run(noteOn('lead_doesnotexist'), [{ files: { data: randomFile('x.txt', 10, 'text/plain').spec } }]);

			expect(result.error?.message).toBe(
				'Close refused the note on lead "lead_doesnotexist": Lead matching query does not exist. (HTTP 404)',
			);
			expect(result.error?.description).toMatch(/lead ids start with "lead_"/);
			expect(close.notes.length).toBe(notesBefore);
			// The lead is read first: no upload form asked for, nothing stored in S3 that no note points to.
			expect(close.requests.slice(before).map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
				'GET /api/v1/lead/lead_doesnotexist/ 404',
			]);
			expect(s3.tap.requests.length).toBe(tapBefore);
		});

		it('waits out Close\'s 429 (error.rate_reset) and then creates exactly one note', async () => {
			const file = randomFile('throttled.txt', 5000, 'text/plain');
			const before = close.requests.length;
			const notesBefore = close.notes.length;
			close.injectFault({
				method: 'POST',
				path: /\/activity\/note\/$/,
				status: 429,
				body: { error: { rate_reset: 1, message: 'API call count exceeded for this 15 second window', rate_limit_type: 'key' } },
			});

			const result = await run(noteOn('lead_existing'), [{ files: { data: file.spec } }]);

			expect(result.error).toBeUndefined();
			const sent = close.requests.slice(before);
			expect(sent.filter((request) => request.path.endsWith('/activity/note/')).map((request) => request.status)).toEqual([429, 200]);
			expect(sent.filter((request) => request.path.endsWith('/files/upload/'))).toHaveLength(1);
			const created = close.notes.slice(notesBefore);
			expect(created).toHaveLength(1);
			expect(created[0].attachments).toHaveLength(1);
			await expectStored(created[0].attachments[0].url, file);
		});

		it('waits out a 429 that carries its wait only in the RateLimit header (body without rate_reset), asking once more', async () => {
			const before = close.requests.length;
			const notesBefore = close.notes.length;
			// closeio-api tests/test_api.py test_retry_on_rate_limit: a 429 with body {} and only the header.
			close.injectFault({
				method: 'POST',
				path: NOTE_PATH,
				status: 429,
				headers: { RateLimit: 'limit=100, remaining=0, reset=1' },
				body: {},
				windowMs: 1000,
			});

			const result = await run(noteOn('lead_existing'), [{ files: { data: randomFile('header.txt', 500, 'text/plain').spec } }]);

			expect(result.error).toBeUndefined();
			expect(close.requests.slice(before).filter((request) => NOTE_PATH.test(request.path)).map((request) => request.status)).toEqual([429, 200]);
			expect(close.notes.slice(notesBefore)).toHaveLength(1);
		});

		it('holds every request when an answer\'s RateLimit header says nothing remains, so Close never has to answer 429', async () => {
			const files = [0, 1, 2].map((index) => randomFile(`paced-${index}.txt`, 300 + index, 'text/plain'));
			const before = close.requests.length;
			const notesBefore = close.notes.length;
			close.rateLimit = { limit: 2, windowMs: 1500 };
			try {
				// One item at a time: the pause comes from the answers' headers, not from a 429.
				const result = await run({ ...noteOn('lead_existing'), options: { concurrency: 1 } }, files.map((file) => ({ files: { data: file.spec } })));

				expect(result.error).toBeUndefined();
				const sent = close.requests.slice(before);
				expect(sent.map((request) => request.status).filter((status) => status === 429)).toEqual([]);
				// Each endpoint group had three requests against a limit of two: one window had to pass.
				expect(sent.filter((request) => NOTE_PATH.test(request.path))).toHaveLength(3);
				expect(close.notes.slice(notesBefore).map((note) => note.attachments[0].filename)).toEqual(files.map((file) => file.spec.fileName));
			} finally {
				close.rateLimit = { limit: 10_000, windowMs: 1000 };
			}
		});

		it('sends each attachment as Close\'s note takes it: url, filename and content_type', async () => {
			const file = randomFile('fields.pdf', 700, 'application/pdf');
			const before = close.requests.length;

			const result = await run(noteOn('lead_existing'), [{ files: { data: file.spec } }]);

			expect(result.error).toBeUndefined();
			const [sent] = close.requests.slice(before).filter((request) => NOTE_PATH.test(request.path));
			const attachments = (sent.json as { attachments: Array<Record<string, unknown>> }).attachments;
			expect(attachments).toEqual([
				{ url: expect.stringMatching(/^https:\/\/app\.close\.com\/go\/file\//), filename: 'fields.pdf', content_type: 'application/pdf' },
			]);
			// Close answers with the size it found and the file's persisted URL.
			expect(result.items[0].json.attachments).toEqual([
				expect.objectContaining({ filename: 'fields.pdf', size: file.size, url: expect.stringContaining('/go/file/persisted/') }),
			]);
		});

		it.each(['Résumé – Zoë.pdf', '履歴書.pdf', 'party 🎉.pdf'])(
			'keeps the non-ASCII name "%s" exactly, in the form request, the S3 object and the note',
			async (fileName) => {
				const file = randomFile(fileName, 900, 'application/pdf');
				const before = close.requests.length;
				const notesBefore = close.notes.length;

				const result = await run(noteOn('lead_existing'), [{ files: { data: file.spec } }], { binaryMode: 'filesystem' });

				expect(result.error).toBeUndefined();
				const [asked] = close.requests.slice(before).filter((request) => request.path.endsWith('/files/upload/'));
				expect(asked.json).toEqual({ filename: fileName, content_type: 'application/pdf' });
				const [note] = close.notes.slice(notesBefore);
				expect(note.attachments.map((attachment) => attachment.filename)).toEqual([fileName]);
				const stored = handedOut(note.attachments[0].url);
				expect(stored.key.endsWith(`/${fileName}`)).toBe(true);
				// The form's policy names the exact key and Content-Disposition: S3 stores nothing if either changed.
				await expectStored(note.attachments[0].url, file);
			},
		);

		it('pauses every item of the run when Close answers 429, so no other item runs into the limit', async () => {
			const files = [randomFile('first.txt', 1000, 'text/plain'), randomFile('second.txt', 1100, 'text/plain')];
			const before = close.requests.length;
			const notesBefore = close.notes.length;
			// Close's limit on the first note, refusing everything for the 1 s its rate_reset names.
			close.limitRateWhileHolding(
				{
					method: 'POST',
					path: NOTE_PATH,
					status: 429,
					body: { error: { rate_reset: 1, message: 'API call count exceeded for this 15 second window' } },
					windowMs: 1000,
				},
				// One item's lead read is answered only after the other item was told to wait.
				{ method: 'GET', path: /\/lead\// },
			);

			const result = await run(
				{ ...noteOn('lead_existing'), options: { concurrency: 2 } },
				files.map((file) => ({ files: { data: file.spec } })),
			);

			expect(result.error).toBeUndefined();
			expect(close.requests.slice(before).filter((request) => request.status === 429)).toHaveLength(1);
			const created = close.notes.slice(notesBefore);
			expect(created.map((note) => note.attachments[0].filename).sort()).toEqual(['first.txt', 'second.txt']);
		});

		it('with Continue On Fail, gives one output per input item, the failed one in place', async () => {
			const notesBefore = close.notes.length;
			const items: TestItem[] = [
				{ json: { lead: 'lead_existing' }, files: { data: randomFile('one.txt', 10, 'text/plain').spec } },
				{ json: { lead: 'lead_gone' }, files: { data: randomFile('two.txt', 10, 'text/plain').spec } },
				{ json: { lead: 'lead_existing' }, files: { other: randomFile('three.txt', 10, 'text/plain').spec } },
				{ json: { lead: 'lead_existing' }, files: { data: randomFile('four.txt', 10, 'text/plain').spec } },
			];

			const result = await run({ ...noteOn('={{ $json.lead }}') }, items, { continueOnFail: true });

			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(4);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
			expect(result.items[1].json.error).toMatch(/^Close refused the note on lead "lead_gone".*\(HTTP 404\)$/);
			expect(result.items[2].json.error).toBe('Item 3 has no binary property "data"');
			expect(close.notes.slice(notesBefore).map((note) => note.attachments[0].filename)).toEqual(['one.txt', 'four.txt']);
			expect(result.input[2].binary).toHaveProperty('other');
		});
	});

	describe('Email > Create', () => {
		it('creates a draft outgoing email on the lead with the file attached', async () => {
			const file = randomFile('quote.pdf', 64_000, 'application/pdf');
			const emailsBefore = close.emails.length;

			const result = await run(
				{
					resource: 'email',
					operation: 'create',
					leadId: 'lead_existing',
					contactId: 'cont_existing',
					to: 'anna@example.com, ben@example.com',
					subject: 'Your quote',
					body: 'Please find the quote attached.',
				},
				[{ files: { data: file.spec } }],
			);

			expect(result.error).toBeUndefined();
			const created = close.emails.slice(emailsBefore);
			expect(created).toHaveLength(1);
			expect(created[0]).toMatchObject({
				lead_id: 'lead_existing',
				contact_id: 'cont_existing',
				to: ['anna@example.com', 'ben@example.com'],
				subject: 'Your quote',
				body_text: 'Please find the quote attached.',
				status: 'draft',
				direction: 'outgoing',
				attachments: [{ filename: 'quote.pdf', size: file.size, content_type: 'application/pdf' }],
			});
			await expectStored(created[0].attachments[0].url, file);
			expect(result.items[0]).toMatchObject({
				json: { id: created[0].id, status: 'draft', fileName: 'quote.pdf', size: file.size, mimeType: 'application/pdf' },
				pairedItem: { item: 0 },
			});
		});
	});

	describe('Email > Create: checks before uploading', () => {
		it('refuses a contact that is not one of the lead\'s contacts, naming them, and uploads nothing', async () => {
			const emailsBefore = close.emails.length;
			const before = close.requests.length;
			const tapBefore = s3.tap.requests.length;

			const result = await run(
				{ ...emailTo('lead_existing', 'cont_other') },
				[{ files: { data: randomFile('quote.pdf', 5000, 'application/pdf').spec } }],
			);

			expect(result.error?.message).toBe(
				'Contact "cont_other" is not a contact of lead "lead_existing" (item 1); no file was uploaded',
			);
			expect(result.error?.description).toMatch(/This lead's contacts are: "cont_existing"\./);
			expect(close.emails.length).toBe(emailsBefore);
			const sent = close.requests.slice(before);
			expect(sent.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/v1/lead/lead_existing/']);
			expect(sent[0].query).toEqual({ _fields: 'id,contacts' });
			expect(s3.tap.requests.length).toBe(tapBefore);
		});

		it('refuses a lead id that would change the request path, without sending anything', async () => {
			const before = close.requests.length;

			const result = await run(
				{ ...emailTo('..', 'cont_existing') },
				[{ files: { data: randomFile('quote.pdf', 5000, 'application/pdf').spec } }],
			);

			expect(result.error?.message).toBe('".." is not a valid Lead ID (item 1)');
			expect(close.requests.length).toBe(before);
		});
	});

	describe('credentials', () => {
		it('fails with a clear 401 message for a wrong API key, and sends nothing to S3', async () => {
			const tapBefore = s3.tap.requests.length;

			const result = await runNode({
				nodeType: new CloseCrm(),
				parameters: { ...noteOn('lead_existing'), binaryPropertyName: 'data', options: {} },
				items: [{ files: { data: randomFile('x.txt', 10, 'text/plain').spec } }],
				credentialTypes: [new CloseCrmApi()],
				credentials: { closeCrmApi: { apiKey: 'api_wrongkey123', baseUrl: close.apiBaseUrl } },
			});

			expect(result.error?.message).toBe(
				'Close refused the note on lead "lead_existing": The API key is invalid or has been deleted. (HTTP 401)',
			);
			expect(result.error?.description).toMatch(/Open the Close credential/);
			expect(JSON.stringify(result.error)).not.toContain('api_wrongkey123');
			expect(s3.tap.requests.length).toBe(tapBefore);
		});

		it('never sends the API key or the Basic authorization to the storage host', async () => {
			const tapBefore = s3.tap.requests.length;

			const result = await run(
				{ ...noteOn('lead_existing'), binaryPropertyName: 'data, extra' },
				[
					{ files: { data: randomFile('s1.bin', 20_000).spec, extra: randomFile('s2.bin', 20_000).spec } },
					{ files: { data: randomFile('s3.bin', 20_000).spec, extra: randomFile('s4.bin', 20_000).spec } },
				],
				{ binaryMode: 'filesystem' },
			);

			expect(result.error).toBeUndefined();
			expect(s3.tap.requests.length - tapBefore).toBe(4);
			expectNoCredentialsSentToS3(tapBefore);
		});
	});

	describe('transport security', () => {
		it('refuses a plain-http S3 form when Close is reached over https, and sends the file nowhere', async () => {
			const front = new HttpsFront(close.baseUrl);
			await front.start();
			const before = close.requests.length;
			const tapBefore = s3.tap.requests.length;
			try {
				const result = await runNode({
					nodeType: new CloseCrm(),
					parameters: { ...noteOn('lead_existing'), binaryPropertyName: 'data', options: {} },
					items: [{ files: { data: randomFile('secret.pdf', 1000, 'application/pdf').spec } }],
					credentialTypes: [new CloseCrmApi()],
					credentials: { closeCrmApi: { apiKey: close.apiKey, baseUrl: `${front.baseUrl}/api/v1` } },
				});

				expect(result.error?.message).toMatch(/^The upload form from Close points to a plain-http URL .*; the file was not sent$/);
				expect(close.requests.slice(before).map((request) => request.path)).toEqual([
					'/api/v1/lead/lead_existing/',
					'/api/v1/files/upload/',
				]);
				expect(s3.tap.requests.length).toBe(tapBefore);
			} finally {
				await front.stop();
			}
		});
	});

	describe('Close\'s own error and throttle formats', () => {
		it('reads a 429\'s wait in the official client\'s order: RateLimit reset, Retry-After, RateLimit-Reset, then the deprecated body', () => {
			const all = { RateLimit: 'limit=100, remaining=0, reset=3', 'Retry-After': '5', 'RateLimit-Reset': '7' };
			const body = { error: { rate_reset: 9 } };
			expect(closeThrottleDelayMs({ statusCode: 429, headers: all, body })).toBe(3000);
			expect(closeThrottleDelayMs({ statusCode: 429, headers: { 'retry-after': '5', 'ratelimit-reset': '7' }, body })).toBe(5000);
			expect(closeThrottleDelayMs({ statusCode: 429, headers: { 'ratelimit-reset': '7' }, body })).toBe(7000);
			expect(closeThrottleDelayMs({ statusCode: 429, headers: {}, body: { error: { rate_reset: 2.5 } } })).toBe(2500);
			expect(closeThrottleDelayMs({ statusCode: 429, headers: {}, body: '{"error": {"rate_reset": 0}}' })).toBe(0);
			// A 429 that names no wait: Close's rate limit per key, and closeio-api's DEFAULT_RATE_LIMIT_DELAY (2 s) without a controller.
			expect(closeThrottleDelayMs({ statusCode: 429, headers: {}, body: 'slow down' })).toEqual({ limits: 'rate', fallbackWaitMs: 2000 });
			expect(closeThrottleDelayMs({ statusCode: 400, headers: all, body })).toBeUndefined();
			expect(closeThrottleDelayMs({ statusCode: 200, headers: all, body: {} })).toBeUndefined();
		});

		it('keeps field errors with their field names', () => {
			expect(
				readCloseFailure({ statusCode: 400, headers: {}, body: { errors: [], 'field-errors': { lead_id: 'Object does not exist.' } } }),
			).toEqual({ code: undefined, message: 'lead_id: Object does not exist.' });
		});
	});
});
