import { CloseCrmApi } from '../../credentials/CloseCrmApi.credentials';
import { FakeClose } from '../fakes/close';
import { runCredentialTest } from '../harness/credentialTest';
import type { S3Rig } from '../rig/useS3';

// The credential test only reaches GET /me/: the fake needs no storage for it.
const close = new FakeClose({} as S3Rig);

beforeAll(async () => {
	await close.start();
});

afterAll(async () => {
	await close.stop();
});

describe('Close credential', () => {
	it('passes its test with a valid API key, sent as HTTP Basic user name with an empty password', async () => {
		const before = close.requests.length;

		const outcome = await runCredentialTest(new CloseCrmApi(), { apiKey: close.apiKey, baseUrl: close.apiBaseUrl });

		expect(outcome).toMatchObject({ status: 'OK', httpStatus: 200 });
		const sent = close.requests.slice(before);
		expect(sent.map((request) => [request.method, request.path])).toEqual([['GET', '/api/v1/me/']]);
		expect(sent[0].headers.authorization).toBe(`Basic ${Buffer.from(`${close.apiKey}:`).toString('base64')}`);
	});

	it('accepts a base URL with a trailing slash', async () => {
		const outcome = await runCredentialTest(new CloseCrmApi(), { apiKey: close.apiKey, baseUrl: `${close.apiBaseUrl}/` });

		expect(outcome.status).toBe('OK');
	});

	it('fails clearly with a wrong API key', async () => {
		const outcome = await runCredentialTest(new CloseCrmApi(), { apiKey: 'api_wrong', baseUrl: close.apiBaseUrl });

		expect(outcome.status).toBe('Error');
		expect(outcome.httpStatus).toBe(401);
		expect(outcome.message).toMatch(/^Close refused the API key \(HTTP 401\)/);
		expect(outcome.message).not.toContain('api_wrong');
	});

	it('defaults to Close\'s public API root', () => {
		const baseUrl = new CloseCrmApi().properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://api.close.com/api/v1');
	});
});
