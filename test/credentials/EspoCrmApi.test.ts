import { createHmac } from 'crypto';

import { EspoCrmApi } from '../../credentials/EspoCrmApi.credentials';
import { hmacAuthorization, signedResourcePath } from '../../nodes/EspoCrm/hmacSignature';
import { FakeEspoCrm } from '../fakes/espoCrm';
import { runCredentialTest } from '../harness/credentialTest';

describe('EspoCRM API credential', () => {
	const espo = new FakeEspoCrm();

	beforeAll(async () => {
		await espo.start();
	});

	afterAll(async () => {
		await espo.stop();
	});

	it.each(['apiKey', 'hmac', 'basic'] as const)('passes the credential test with %s sign-in', async (mode) => {
		const before = espo.authModes.length;
		const outcome = await runCredentialTest(new EspoCrmApi(), espo.credentials(mode));
		expect(outcome).toMatchObject({ status: 'OK', httpStatus: 200 });
		expect(espo.authModes.slice(before)).toEqual([mode]);
		const request = espo.server.requests.at(-1)!;
		expect(request.path).toBe('/api/v1/App/user');
	});

	it.each([
		['a trailing slash', (url: string) => `${url}/`],
		['/api/v1', (url: string) => `${url}/api/v1`],
		['/api/v1/', (url: string) => `${url}/api/v1/`],
	])('accepts the site URL with %s', async (_label, variant) => {
		const outcome = await runCredentialTest(new EspoCrmApi(), espo.credentials('hmac', { baseUrl: variant(espo.siteUrl) }));
		expect(outcome.status).toBe('OK');
	});

	it('refuses a wrong HMAC secret with a clear message that does not contain the secret', async () => {
		const wrongSecret = `wrong${espo.secretKey}`;
		const outcome = await runCredentialTest(new EspoCrmApi(), espo.credentials('hmac', { secretKey: wrongSecret }));
		expect(outcome.status).toBe('Error');
		expect(outcome.httpStatus).toBe(401);
		expect(outcome.message).toMatch(/EspoCRM refused the sign-in.*secret key/);
		expect(outcome.message).not.toContain(wrongSecret);
		expect(outcome.message).not.toContain(espo.secretKey);
	});

	it.each([
		['apiKey', { apiKey: 'not-the-key' }],
		['basic', { password: 'not-the-password' }],
	] as const)('refuses a wrong %s credential', async (mode, overrides) => {
		const outcome = await runCredentialTest(new EspoCrmApi(), espo.credentials(mode, overrides));
		expect(outcome).toMatchObject({ status: 'Error', httpStatus: 401 });
		expect(outcome.message).toMatch(/EspoCRM refused the sign-in/);
	});

	it('says when the URL has no EspoCRM API', async () => {
		const outcome = await runCredentialTest(new EspoCrmApi(), espo.credentials('apiKey', { baseUrl: `${espo.siteUrl}/somewhere-else` }));
		expect(outcome).toMatchObject({ status: 'Error', httpStatus: 404 });
		expect(outcome.message).toMatch(/No EspoCRM API was found at this address/);
	});

	it('signs METHOD + " /" + the path after /api/v1 (query excluded) as hex HMAC-SHA256, like EspoCRM checks it', async () => {
		expect(signedResourcePath('https://crm.example.com/api/v1/Case/abc?select=id')).toBe('/Case/abc');
		expect(signedResourcePath('https://example.com/crm/api/v1/Attachment/file/x1')).toBe('/Attachment/file/x1');
		expect(signedResourcePath('/App/user', 'https://example.com/crm/api/v1')).toBe('/App/user');
		expect(signedResourcePath('Case/a%20b', 'https://example.com/api/v1/')).toBe('/Case/a%20b');
		const header = hmacAuthorization('put', '/Case/abc', 'KEY', 'SECRET');
		const expected = createHmac('sha256', 'SECRET').update('PUT /Case/abc').digest('hex');
		expect(Buffer.from(header, 'base64').toString('utf8')).toBe(`KEY:${expected}`);
	});

	it('skips certificate validation only when asked to (self-signed certificates)', async () => {
		const type = new EspoCrmApi();
		const strict = await type.authenticate(espo.credentials('apiKey'), { url: `${espo.siteUrl}/api/v1/App/user` });
		const lenient = await type.authenticate(espo.credentials('apiKey', { allowUnauthorizedCerts: true }), {
			url: `${espo.siteUrl}/api/v1/App/user`,
		});
		expect(strict.skipSslCertificateValidation).toBeUndefined();
		expect(lenient.skipSslCertificateValidation).toBe(true);
	});
});
