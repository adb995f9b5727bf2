import { randomUUID } from 'crypto';

import { FakeServer } from '../fakes/fakeServer';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import { storedObject } from '../rig/s3';
import { useS3 } from '../rig/useS3';
import { TestCrmApi, TestFormUpload } from './testNodes';

const s3 = useS3();
const API_KEY = `crm-key-${randomUUID()}`;

describe('presigned POST handshake with a credentialed API', () => {
	const api = new FakeServer('test CRM');
	let prefix = '';
	let extraConditions: unknown[] = [];

	beforeEach(() => {
		extraConditions = [];
	});

	beforeAll(async () => {
		api.route('GET', '/form', async (request) => {
			if (request.headers['x-api-key'] !== API_KEY) return { status: 401, body: { message: 'bad key' } };
			prefix = `handshake/${randomUUID()}/`;
			const form = await s3.form({
				Key: `${prefix}\${filename}`,
				Conditions: [['starts-with', '$key', prefix], ['content-length-range', 1, 1_000_000], ...extraConditions] as never,
				Expires: 300,
			});
			// Field names in lower case, as OnePageCRM hands them out (`policy`, `x-amz-signature`).
			const fields = Object.fromEntries(Object.entries(form.fields).map(([name, value]) => [name.toLowerCase(), value]));
			return { status: 200, body: { url: form.url, fields } };
		});
		await api.start();
	});

	afterAll(async () => await api.stop());

	async function uploadThroughApi(file: ReturnType<typeof randomFile>) {
		return await runNode({
			nodeType: new TestFormUpload(),
			parameters: { binaryPropertyName: 'data' },
			items: [{ files: { data: file.spec } }],
			binaryMode: 'filesystem',
			credentialTypes: [new TestCrmApi()],
			credentials: { testCrmApi: { apiKey: API_KEY, baseUrl: api.baseUrl } },
		});
	}

	it('sends the CRM credential to the CRM only: the storage host never sees it', async () => {
		const file = randomFile('contract.pdf', 120_000, 'application/pdf');
		const basicHeader = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`;
		s3.tap.watchSecrets(API_KEY, basicHeader);
		const before = s3.tap.requests.length;

		const result = await uploadThroughApi(file);

		expect(result.error).toBeUndefined();
		expect(api.requests[api.requests.length - 1].headers['x-api-key']).toBe(API_KEY);
		expect(api.requests[api.requests.length - 1].headers.authorization).toBe(basicHeader);
		const storageRequests = s3.tap.requests.slice(before);
		expect(storageRequests).toHaveLength(1);
		for (const request of storageRequests) {
			expect(request.headers.authorization).toBeUndefined();
			expect(request.headers['x-api-key']).toBeUndefined();
			expect(request.secretsSeen).toEqual([]);
		}
		expect(await storedObject(s3.client, `${prefix}contract.pdf`)).toMatchObject({ sha256: file.sha256 });
	});

	it('sends the file\'s Content-Type when the policy read from a lower-case `policy` field allows it', async () => {
		extraConditions = [['starts-with', '$Content-Type', 'image/']];
		const image = randomFile('scan.png', 5_000, 'image/png');

		const result = await uploadThroughApi(image);

		expect(result.error).toBeUndefined();
		const stored = await storedObject(s3.client, `${prefix}scan.png`);
		expect([stored.sha256, stored.contentType]).toEqual([image.sha256, 'image/png']);
	});

	it('the tap does detect a secret when one is sent (the check above can fail)', async () => {
		s3.tap.watchSecrets(API_KEY);
		const before = s3.tap.requests.length;
		await fetch(`${s3.tap.baseUrl}/crm-attachments-test`, { method: 'GET', headers: { 'x-api-key': API_KEY } });
		expect(s3.tap.requests.slice(before)[0].secretsSeen).toEqual([API_KEY]);
	});
});
