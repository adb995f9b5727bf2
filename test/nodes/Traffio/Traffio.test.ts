import type { IDataObject, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';

import { TraffioApi } from '../../../credentials/TraffioApi.credentials';
import { Traffio } from '../../../nodes/Traffio/Traffio.node';
import { DOCUMENT_TYPES, FakeTraffio } from '../../fakes/traffio';
import { HttpsFront } from '../CloseCrm/httpsFront';
import type { BinaryMode } from '../../harness/binaryStore';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import type { RunNodeOptions, TestItem } from '../../harness/runNode';
import { storedObject } from '../../rig/s3';
import { useS3 } from '../../rig/useS3';

const s3 = useS3();
let traffio: FakeTraffio;

beforeAll(async () => {
	traffio = new FakeTraffio(s3);
	await traffio.start();
	s3.tap.watchSecrets(traffio.accessToken, traffio.bearerAuthorization);
});

afterAll(async () => {
	await traffio.stop();
});

function run(parameters: Record<string, unknown>, items: TestItem[], extra: Partial<RunNodeOptions> = {}) {
	return runNode({
		nodeType: new Traffio(),
		parameters: { resource: 'personFile', operation: 'upload', binaryPropertyName: 'data', options: {}, ...parameters },
		items,
		credentialTypes: [new TraffioApi()],
		credentials: { traffioApi: { accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl } },
		...extra,
	});
}

const requestsTo = (before: number, path: string) =>
	traffio.requests.slice(before).filter((request) => request.path.endsWith(path));

describe('Traffio node', () => {
	describe('Person File > Upload', () => {
		it.each<BinaryMode>(['memory', 'filesystem'])(
			'runs the three steps and stores the bytes intact from %s binary data',
			async (mode) => {
				const file = randomFile('licence.pdf', 180_000, 'application/pdf');
				const before = traffio.requests.length;
				const filesBefore = traffio.files.length;

				const result = await run(
					{ personId: '15', options: { fileTitle: 'Driver licence', fileDescription: 'Front and back' } },
					[{ files: { data: file.spec } }],
					{ binaryMode: mode },
				);

				expect(result.error).toBeUndefined();
				const sent = traffio.requests.slice(before);
				expect(sent.map((request) => request.path)).toEqual([
					'/api_third_party/v1_upload/s3_upload_person_file',
					'/api_third_party/v1_files/person_file',
				]);
				for (const request of sent) expect(request.headers.authorization).toBe(traffio.bearerAuthorization);
				expect(sent[0].json).toEqual({ file_type: 'application/pdf', person_id: 15 });
				const form = traffio.forms[traffio.forms.length - 1];
				const key = `${form.keyPrefix}licence.pdf`;
				expect(sent[1].json).toEqual({
					document_type_id: 6,
					file_name: key,
					file_title: 'Driver licence',
					file_description: 'Front and back',
					person_id: 15,
				});
				expect(await storedObject(s3.client, key)).toMatchObject({ size: file.size, sha256: file.sha256 });
				expect(traffio.files.slice(filesBefore)).toHaveLength(1);
				expect(result.items).toEqual([
					{
						json: {
							file_id: traffio.files[filesBefore].file_id,
							person_id: '15',
							document_type_id: 6,
							file_name: key,
							file_title: 'Driver licence',
							file_description: 'Front and back',
							file_url: `https://files.traff.io/${key}`,
							fileName: 'licence.pdf',
							size: file.size,
							mimeType: 'application/pdf',
						},
						pairedItem: { item: 0 },
					},
				]);
			},
		);

		it('posts the MIME type it asked the form for, so the policy\'s Content-Type condition holds', async () => {
			const file = randomFile('site-photo.jpg', 45_000, 'image/jpeg');
			const before = traffio.requests.length;
			const tapBefore = s3.tap.requests.length;

			const result = await run({ personId: '15' }, [{ files: { data: file.spec } }], { binaryMode: 'filesystem' });

			expect(result.error).toBeUndefined();
			const asked = requestsTo(before, '/s3_upload_person_file')[0].json as IDataObject;
			const form = traffio.forms[traffio.forms.length - 1];
			expect(asked.file_type).toBe('image/jpeg');
			expect(form.formInputs['Content-Type']).toBe('image/jpeg');
			const stored = await storedObject(s3.client, `${form.keyPrefix}site-photo.jpg`);
			expect(stored).toMatchObject({ contentType: 'image/jpeg', sha256: file.sha256 });
			expect(s3.tap.requests.slice(tapBefore).map((request) => request.status)).toEqual([204]);
		});

		it.each(['Führerschein – Zoë.pdf', '運転免許証.pdf', 'licence 🚚.pdf'])(
			'keeps the non-ASCII name "%s" exactly at the end of the S3 key and in file_name',
			async (fileName) => {
				const file = randomFile(fileName, 1500, 'application/pdf');
				const filesBefore = traffio.files.length;

				const result = await run({ personId: '15' }, [{ files: { data: file.spec } }], { binaryMode: 'filesystem' });

				expect(result.error).toBeUndefined();
				const form = traffio.forms[traffio.forms.length - 1];
				// [seed] file_name is the key sent to S3: the prefix Traffio gave, then the file's own name.
				const [registered] = traffio.files.slice(filesBefore);
				expect(registered.file_name).toBe(`${form.keyPrefix}${fileName}`);
				expect(await storedObject(s3.client, registered.file_name)).toMatchObject({ size: file.size, sha256: file.sha256 });
				expect(result.items[0].json).toMatchObject({ file_name: registered.file_name, fileName });
			},
		);

		it('registers each item\'s file when one execution carries several items', async () => {
			const files = [randomFile('a.txt', 1000, 'text/plain'), randomFile('b.png', 2000, 'image/png'), randomFile('c.csv', 3000, 'text/csv')];
			const filesBefore = traffio.files.length;

			const result = await run({ personId: '15' }, files.map((file) => ({ files: { data: file.spec } })));

			expect(result.error).toBeUndefined();
			const registered = traffio.files.slice(filesBefore);
			expect(registered.map((record) => record.file_name.split('/').pop())).toEqual(['a.txt', 'b.png', 'c.csv']);
			for (const [index, file] of files.entries()) {
				expect(await storedObject(s3.client, registered[index].file_name)).toMatchObject({ sha256: file.sha256, contentType: file.spec.mimeType });
			}
			expect(result.items.map((item) => [item.json.file_id, item.pairedItem])).toEqual(
				registered.map((record, index) => [record.file_id, { item: index }]),
			);
		});

		it('uploads and registers two files of one item, each with its own form', async () => {
			const first = randomFile('front.jpg', 30_000, 'image/jpeg');
			const second = randomFile('back.pdf', 40_000, 'application/pdf');
			const before = traffio.requests.length;
			const filesBefore = traffio.files.length;

			const result = await run(
				{ personId: '15', binaryPropertyName: 'data, back', documentTypeId: 2 },
				[{ files: { data: first.spec, back: second.spec } }],
				{ binaryMode: 'filesystem' },
			);

			expect(result.error).toBeUndefined();
			expect(requestsTo(before, '/s3_upload_person_file').map((request) => (request.json as IDataObject).file_type)).toEqual([
				'image/jpeg',
				'application/pdf',
			]);
			const registered = traffio.files.slice(filesBefore);
			expect(registered.map((record) => [record.file_name.split('/').pop(), record.document_type_id])).toEqual([
				['front.jpg', 2],
				['back.pdf', 2],
			]);
			expect(await storedObject(s3.client, registered[0].file_name)).toMatchObject({ sha256: first.sha256 });
			expect(await storedObject(s3.client, registered[1].file_name)).toMatchObject({ sha256: second.sha256 });
			expect(result.items.map((item) => [item.json.fileName, item.pairedItem])).toEqual([
				['front.jpg', { item: 0 }],
				['back.pdf', { item: 0 }],
			]);
		});

		it('reports a person that does not exist as Traffio\'s 404, naming the person', async () => {
			const tapBefore = s3.tap.requests.length;

			const result = await run({ personId: '999' }, [{ files: { data: randomFile('x.txt', 10, 'text/plain').spec } }]);

			expect(result.error?.message).toBe(
				'Traffio refused the upload form for "x.txt" on person "999": Person 999 not found (HTTP 404)',
			);
			expect(result.error?.description).toMatch(/person .* may not exist/);
			expect(s3.tap.requests.length).toBe(tapBefore);
		});

		it('waits out a 429 on the registration and then registers exactly one file', async () => {
			const file = randomFile('throttled.txt', 5000, 'text/plain');
			const before = traffio.requests.length;
			const filesBefore = traffio.files.length;
			traffio.injectFault({
				method: 'POST',
				path: /\/v1_files\/person_file$/,
				status: 429,
				headers: { 'retry-after': '1' },
				body: { status: 'error', message: 'Too many requests' },
			});

			const result = await run({ personId: '15' }, [{ files: { data: file.spec } }]);

			expect(result.error).toBeUndefined();
			expect(requestsTo(before, '/person_file').map((request) => request.status)).toEqual([429, 200]);
			expect(requestsTo(before, '/s3_upload_person_file')).toHaveLength(1);
			const registered = traffio.files.slice(filesBefore);
			expect(registered).toHaveLength(1);
			expect(await storedObject(s3.client, registered[0].file_name)).toMatchObject({ sha256: file.sha256 });
		});

		it('with Continue On Fail, gives one output per input item, the failed ones in place', async () => {
			const filesBefore = traffio.files.length;
			const items: TestItem[] = [
				{ json: { person: '15' }, files: { data: randomFile('one.txt', 10, 'text/plain').spec } },
				{ json: { person: '404' }, files: { data: randomFile('two.txt', 10, 'text/plain').spec } },
				{ json: { person: '' }, files: { data: randomFile('three.txt', 10, 'text/plain').spec } },
				{ json: { person: '15' }, files: { data: randomFile('four.txt', 10, 'text/plain').spec } },
			];

			const result = await run({ personId: '={{ $json.person }}' }, items, { continueOnFail: true });

			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(4);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
			expect(result.items[1].json.error).toMatch(/^Traffio refused the upload form for "two\.txt" on person "404".*\(HTTP 404\)$/);
			expect(result.items[2].json.error).toBe('"Person ID" of item 3 is empty');
			expect(traffio.files.slice(filesBefore).map((record) => record.file_name.split('/').pop())).toEqual(['one.txt', 'four.txt']);
		});

		it('refuses the plain-http S3 form when Traffio is reached over https, and sends the file nowhere', async () => {
			const front = new HttpsFront(traffio.baseUrl);
			await front.start();
			const before = traffio.requests.length;
			const tapBefore = s3.tap.requests.length;
			try {
				const result = await runNode({
					nodeType: new Traffio(),
					parameters: { resource: 'personFile', operation: 'upload', personId: '15', binaryPropertyName: 'data', options: {} },
					items: [{ files: { data: randomFile('secret.pdf', 1000, 'application/pdf').spec } }],
					credentialTypes: [new TraffioApi()],
					credentials: { traffioApi: { accessToken: traffio.accessToken, baseUrl: `${front.baseUrl}/api_third_party` } },
				});

				expect(result.error?.message).toMatch(/^The upload form from Traffio points to a plain-http URL .*; the file was not sent$/);
				expect(requestsTo(before, '/s3_upload_person_file')).toHaveLength(1);
				expect(requestsTo(before, '/person_file')).toHaveLength(0);
				expect(s3.tap.requests.length).toBe(tapBefore);
			} finally {
				await front.stop();
			}
		});
	});

	describe('Document Type', () => {
		it('lists the document types (Get Many) and offers them in the Document Type list', async () => {
			const result = await run({ resource: 'documentType', operation: 'getMany', returnAll: true }, [{ json: {} }]);

			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json)).toEqual(DOCUMENT_TYPES);

			const limited = await run({ resource: 'documentType', operation: 'getMany', returnAll: false, limit: 2 }, [{ json: {} }]);
			expect(limited.items).toHaveLength(2);

			const context = {
				getNode: () => ({ name: 'Traffio', type: 'traffio', typeVersion: 1, parameters: {} }),
				getCredentials: async () => ({ accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl }),
				helpers: {
					async httpRequestWithAuthentication(_type: string, options: IHttpRequestOptions) {
						const response = await fetch(options.url, {
							method: options.method,
							headers: { authorization: traffio.bearerAuthorization },
						});
						return { statusCode: response.status, headers: {}, body: await response.json() };
					},
				},
			} as unknown as ILoadOptionsFunctions;
			const options = await new Traffio().methods.loadOptions.getDocumentTypes.call(context);
			expect(options).toEqual([
				{ name: 'Induction Record', value: 9 },
				{ name: 'Licence', value: 2 },
				{ name: 'Person File', value: 6 },
			]);
		});
	});

	describe('credentials', () => {
		it('fails with a clear 401 message for a wrong token, and sends nothing to S3', async () => {
			const tapBefore = s3.tap.requests.length;

			const result = await runNode({
				nodeType: new Traffio(),
				parameters: { resource: 'personFile', operation: 'upload', personId: '15', binaryPropertyName: 'data', options: {} },
				items: [{ files: { data: randomFile('x.txt', 10, 'text/plain').spec } }],
				credentialTypes: [new TraffioApi()],
				credentials: { traffioApi: { accessToken: 'tk_wrongtoken', baseUrl: traffio.apiBaseUrl } },
			});

			expect(result.error?.message).toBe(
				'Traffio refused the upload form for "x.txt" on person "15": Access token is invalid or inactive (HTTP 401)',
			);
			expect(result.error?.description).toMatch(/A Manager can create a new token/);
			expect(JSON.stringify(result.error)).not.toContain('tk_wrongtoken');
			expect(s3.tap.requests.length).toBe(tapBefore);
		});

		it('never sends the access token or the Bearer header to the storage host', async () => {
			const tapBefore = s3.tap.requests.length;

			const result = await run(
				{ personId: '15', binaryPropertyName: 'data, extra' },
				[
					{ files: { data: randomFile('s1.bin', 20_000).spec, extra: randomFile('s2.bin', 20_000).spec } },
					{ files: { data: randomFile('s3.bin', 20_000).spec, extra: randomFile('s4.bin', 20_000).spec } },
				],
				{ binaryMode: 'filesystem' },
			);

			expect(result.error).toBeUndefined();
			const sent = s3.tap.requests.slice(tapBefore);
			expect(sent).toHaveLength(4);
			for (const request of sent) {
				expect(request.headers.authorization).toBeUndefined();
				expect(request.secretsSeen).toEqual([]);
			}
		});
	});
});
