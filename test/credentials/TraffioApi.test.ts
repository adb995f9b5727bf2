import { TraffioApi } from '../../credentials/TraffioApi.credentials';
import { FakeTraffio } from '../fakes/traffio';
import { runCredentialTest } from '../harness/credentialTest';
import type { S3Rig } from '../rig/useS3';

// The credential test only lists document types: the fake needs no storage for it.
const traffio = new FakeTraffio({} as S3Rig);

beforeAll(async () => {
	await traffio.start();
});

afterAll(async () => {
	await traffio.stop();
});

describe('Traffio credential', () => {
	it('passes its test with an active token, sent as a Bearer Authorization header', async () => {
		const before = traffio.requests.length;

		const outcome = await runCredentialTest(new TraffioApi(), { accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl });

		expect(outcome).toMatchObject({ status: 'OK', httpStatus: 200 });
		const sent = traffio.requests.slice(before);
		expect(sent.map((request) => [request.method, request.path])).toEqual([['GET', '/api_third_party/v1_document_type/document_type']]);
		expect(sent[0].headers.authorization).toBe(`Bearer ${traffio.accessToken}`);
	});

	it('accepts a base URL with a trailing slash', async () => {
		const outcome = await runCredentialTest(new TraffioApi(), { accessToken: traffio.accessToken, baseUrl: `${traffio.apiBaseUrl}/` });

		expect(outcome.status).toBe('OK');
	});

	it('fails clearly with a wrong or inactive token', async () => {
		const outcome = await runCredentialTest(new TraffioApi(), { accessToken: 'tk_revoked', baseUrl: traffio.apiBaseUrl });

		expect(outcome.status).toBe('Error');
		expect(outcome.httpStatus).toBe(401);
		expect(outcome.message).toMatch(/^Traffio refused the access token \(HTTP 401\)/);
		expect(outcome.message).not.toContain('tk_revoked');
	});

	it('defaults to Traffio\'s third-party API root', () => {
		const baseUrl = new TraffioApi().properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://app.traff.io/api_third_party');
	});
});
