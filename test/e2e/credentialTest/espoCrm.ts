import { createHmac } from 'crypto';

import type { FakeEspoCrm } from '../../fakes/espoCrm';
import type { CredentialCase } from './cases';
import { header, WRONG } from './cases';

/** EspoCRM's HMAC header: base64("<api key>:<hex HMAC-SHA256 of "METHOD /path" with the secret>"). */
function espoHmac(apiKey: string, secret: string, method: string, path: string): string {
	const digest = createHmac('sha256', secret).update(`${method} ${path}`, 'utf8').digest('hex');
	return Buffer.from(`${apiKey}:${digest}`, 'utf8').toString('base64');
}

/** The credential Test button against the fake EspoCRM (X-Api-Key, HMAC, Espo-Authorization). */
export const espoCrmCredentialCases: Array<CredentialCase<FakeEspoCrm>> = [
	{
		title: 'EspoCRM API (API key mode): right key',
		data: (fake) => fake.credentials('apiKey'),
		expected: 'OK',
		server: (fake) => fake.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, fake) => expect(header(request, 'x-api-key')).toBe(fake.apiKey),
		secrets: (fake) => [fake.apiKey],
	},
	{
		title: 'EspoCRM API (API key mode): wrong key',
		data: (fake) => fake.credentials('apiKey', { apiKey: WRONG }),
		expected: 'Error',
		refusedWith: 401,
		server: (fake) => fake.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request) => expect(header(request, 'x-api-key')).toBe(WRONG),
		secrets: (fake) => [WRONG, fake.apiKey],
	},
	{
		title: 'EspoCRM API (HMAC mode): right key and secret',
		data: (fake) => fake.credentials('hmac'),
		expected: 'OK',
		server: (fake) => fake.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, fake) => {
			expect(header(request, 'x-hmac-authorization')).toBe(espoHmac(fake.hmacApiKey, fake.secretKey, 'GET', '/App/user'));
			expect(header(request, 'x-api-key')).toBeUndefined();
		},
		secrets: (fake) => [fake.hmacApiKey, fake.secretKey],
	},
	{
		title: 'EspoCRM API (HMAC mode): wrong secret key',
		data: (fake) => fake.credentials('hmac', { secretKey: WRONG }),
		expected: 'Error',
		refusedWith: 401,
		server: (fake) => fake.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, fake) =>
			expect(header(request, 'x-hmac-authorization')).toBe(espoHmac(fake.hmacApiKey, WRONG, 'GET', '/App/user')),
		secrets: (fake) => [WRONG, fake.secretKey, espoHmac(fake.hmacApiKey, WRONG, 'GET', '/App/user')],
	},
	{
		title: 'EspoCRM API (username and password): right password',
		data: (fake) => fake.credentials('basic'),
		expected: 'OK',
		server: (fake) => fake.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, fake) =>
			expect(header(request, 'espo-authorization')).toBe(Buffer.from(`${fake.username}:${fake.password}`).toString('base64')),
		secrets: (fake) => [fake.password],
	},
	{
		title: 'EspoCRM API (username and password): wrong password',
		data: (fake) => fake.credentials('basic', { password: WRONG }),
		expected: 'Error',
		refusedWith: 401,
		server: (fake) => fake.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, fake) =>
			expect(header(request, 'espo-authorization')).toBe(Buffer.from(`${fake.username}:${WRONG}`).toString('base64')),
		secrets: (fake) => [WRONG, fake.password, Buffer.from(`${fake.username}:${WRONG}`).toString('base64')],
	},
	{
		title: 'EspoCRM API: a Base URL that is not the EspoCRM site (HTTP 404)',
		data: (fake) => fake.credentials('apiKey', { baseUrl: `${fake.siteUrl}/not-espo/` }),
		expected: 'Error',
		refusedWith: 404,
		server: (fake) => fake.server,
		path: /^\/not-espo\/api\/v1\/App\/user$/,
		checkAuth: (request, fake) => expect(header(request, 'x-api-key')).toBe(fake.apiKey),
		secrets: (fake) => [fake.apiKey],
	},
];
