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

	beforeAll(async () => {
		api.route('GET', '/form', async (request) => {
			if (request.headers['x-api-key'] !== API_KEY) return { status: 401, body: { message: 'bad key' } };
			prefix = `handshake/${randomUUID()}/`;
			const form = await s3.form({
				Key: `${prefix}\${filename}`,
				Conditions: [['starts-with', '$key', prefix], ['content-length-range', 1, 1_000_000]],
				Expires: 300,
			});
			return { status: 200, body: form };
		});
		await api.start();
	});

	afterAll(async () => await api.stop());

	it('sends the CRM credential to the CRM only: the storage host never sees it', async () => {
		const file = randomFile('contract.pdf', 120_000, 'application/pdf');
		const basicHeader = `Basic ${Buffer.from(`${API_KEY}:`).toString('base64')}`;
		s3.tap.watchSecrets(API_KEY, basicHeader);
		const before = s3.tap.requests.length;

		const result = await runNode({
			nodeType: new TestFormUpload(),
			parameters: { binaryPropertyName: 'data' },
			items: [{ files: { data: file.spec } }],
			binaryMode: 'filesystem',
			credentialTypes: [new TestCrmApi()],
			credentials: { testCrmApi: { apiKey: API_KEY, baseUrl: api.baseUrl } },
		});

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

	it('the tap does detect a secret when one is sent (the check above can fail)', async () => {
		s3.tap.watchSecrets(API_KEY);
		const before = s3.tap.requests.length;
		await fetch(`${s3.tap.baseUrl}/crm-attachments-test`, { method: 'GET', headers: { 'x-api-key': API_KEY } });
		expect(s3.tap.requests.slice(before)[0].secretsSeen).toEqual([API_KEY]);
	});
});
