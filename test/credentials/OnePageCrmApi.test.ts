import { OnePageCrmApi } from '../../credentials/OnePageCrmApi.credentials';
import { OnePageCrmFake } from '../fakes/onePageCrm';
import { runCredentialTest } from '../harness/credentialTest';

let crm: OnePageCrmFake;

beforeAll(async () => {
	crm = new OnePageCrmFake(undefined);
	await crm.start();
	crm.seedContact();
});
afterAll(async () => {
	await crm?.stop();
});

describe('OnePageCRM API credential', () => {
	it('defaults the base URL to OnePageCRM\'s API v3', () => {
		const baseUrl = new OnePageCrmApi().properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://app.onepagecrm.com/api/v3');
		const apiKey = new OnePageCrmApi().properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions).toEqual({ password: true });
	});

	it('passes with the right user ID and API key, sent as HTTP Basic to a cheap endpoint', async () => {
		const before = crm.requests.length;

		const outcome = await runCredentialTest(new OnePageCrmApi(), { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl });

		expect(outcome).toMatchObject({ status: 'OK', httpStatus: 200 });
		const [request] = crm.requests.slice(before);
		expect(request).toMatchObject({ method: 'GET', path: '/api/v3/contacts', query: { per_page: '1' } });
		expect(request.headers.authorization).toBe(crm.basicHeader);
	});

	it('accepts a base URL with a trailing slash', async () => {
		const outcome = await runCredentialTest(new OnePageCrmApi(), { userId: crm.userId, apiKey: crm.apiKey, baseUrl: `${crm.apiBaseUrl}/` });
		expect(outcome.status).toBe('OK');
	});

	it('fails with a clear message for a wrong API key, without repeating the key', async () => {
		const wrongKey = 'not-the-right-key-123';
		const outcome = await runCredentialTest(new OnePageCrmApi(), { userId: crm.userId, apiKey: wrongKey, baseUrl: crm.apiBaseUrl });

		expect(outcome).toMatchObject({ status: 'Error', httpStatus: 401 });
		expect(outcome.message).toMatch(/OnePageCRM refused the User ID and API Key \(HTTP 401\)/);
		expect(outcome.message).toMatch(/Apps > API/);
		expect(outcome.message).not.toContain(wrongKey);
	});

	it('fails with a clear message for a wrong user ID', async () => {
		const outcome = await runCredentialTest(new OnePageCrmApi(), { userId: 'someone-else', apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl });
		expect(outcome).toMatchObject({ status: 'Error', httpStatus: 401 });
	});

	it('tells a base URL without the API apart from wrong credentials', async () => {
		const outcome = await runCredentialTest(new OnePageCrmApi(), { userId: crm.userId, apiKey: crm.apiKey, baseUrl: `${crm.baseUrl}/api/v9` });
		expect(outcome).toMatchObject({ status: 'Error', httpStatus: 404 });
		expect(outcome.message).toMatch(/no API at this Base URL/);
	});
});
