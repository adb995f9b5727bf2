/**
 * One entry per credential "Test" scenario: which fake, which credential data, and what the fake must
 * have received (the auth header that proves n8n's test really reached it with our `authenticate`).
 */
import { createHmac } from 'crypto';

import type { ICredentialType } from 'n8n-workflow';

import { CloseCrmApi } from '../../../credentials/CloseCrmApi.credentials';
import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { OnePageCrmApi } from '../../../credentials/OnePageCrmApi.credentials';
import { TraffioApi } from '../../../credentials/TraffioApi.credentials';
import type { FakeServer, RecordedRequest } from '../../fakes/fakeServer';
import { CLOSE_API_PATH, FakeClose } from '../../fakes/close';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import { API_PATH as ONEPAGE_API_PATH, OnePageCrmFake } from '../../fakes/onePageCrm';
import { FakeTraffio, TRAFFIO_API_PATH } from '../../fakes/traffio';
import type { S3Rig } from '../../rig/useS3';

/** The fakes of one n8n target, started together. */
export class CredentialFakes {
	// The credential test requests need no S3: Close and Traffio only use it for upload forms.
	readonly onePage = new OnePageCrmFake(undefined);
	readonly close = new FakeClose(undefined as unknown as S3Rig);
	readonly traffio = new FakeTraffio(undefined as unknown as S3Rig);
	readonly espo = new FakeEspoCrm();

	async start(): Promise<void> {
		await Promise.all([this.onePage.start(), this.close.start(), this.traffio.start(), this.espo.start()]);
	}

	async stop(): Promise<void> {
		await Promise.all([this.onePage.stop(), this.close.stop(), this.traffio.stop(), this.espo.stop()]);
	}
}

export interface CredentialCase {
	title: string;
	/** The credential type name, e.g. "onePageCrmApi". */
	type: string;
	/** The credential class (its rule messages are what the user must see). */
	credentialType: ICredentialType;
	/** What the user saves in the credential screen. */
	data(fakes: CredentialFakes): Record<string, unknown>;
	expected: 'OK' | 'Error';
	/** For an Error: the HTTP status the fake answered (the credential's rule for it gives the message). */
	refusedWith?: number;
	/** The fake that must have received the test request, and the path it was sent to. */
	server(fakes: CredentialFakes): FakeServer;
	path: RegExp;
	/** Asserts the request carried the credential's auth exactly as our `authenticate` builds it. */
	checkAuth(request: RecordedRequest, fakes: CredentialFakes): void;
	/** Values that must never appear in what n8n answers (the secrets saved and the right ones). */
	secrets(fakes: CredentialFakes): string[];
}

function basic(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function header(request: RecordedRequest, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** EspoCRM's HMAC header: base64("<api key>:<hex HMAC-SHA256 of "METHOD /path" with the secret>"). */
function espoHmac(apiKey: string, secret: string, method: string, path: string): string {
	const digest = createHmac('sha256', secret).update(`${method} ${path}`, 'utf8').digest('hex');
	return Buffer.from(`${apiKey}:${digest}`, 'utf8').toString('base64');
}

const WRONG = 'wrong0Secret0Value0x9f3';

const onePage = new OnePageCrmApi();
const close = new CloseCrmApi();
const traffio = new TraffioApi();
const espo = new EspoCrmApi();

export const credentialCases: CredentialCase[] = [
	// ---- OnePageCRM: HTTP Basic, user ID : API key ----
	{
		title: 'OnePageCRM API (user ID + API key): right key',
		type: onePage.name,
		credentialType: onePage,
		data: (f) => ({ userId: f.onePage.userId, apiKey: f.onePage.apiKey, baseUrl: f.onePage.apiBaseUrl }),
		expected: 'OK',
		server: (f) => f.onePage,
		path: new RegExp(`^${ONEPAGE_API_PATH}/contacts$`),
		checkAuth: (request, f) => {
			expect(header(request, 'authorization')).toBe(f.onePage.basicHeader);
			expect(request.query.per_page).toBe('1');
		},
		secrets: (f) => [f.onePage.apiKey],
	},
	{
		title: 'OnePageCRM API (user ID + API key): wrong key',
		type: onePage.name,
		credentialType: onePage,
		data: (f) => ({ userId: f.onePage.userId, apiKey: WRONG, baseUrl: f.onePage.apiBaseUrl }),
		expected: 'Error',
		refusedWith: 401,
		server: (f) => f.onePage,
		path: new RegExp(`^${ONEPAGE_API_PATH}/contacts$`),
		checkAuth: (request, f) => expect(header(request, 'authorization')).toBe(basic(f.onePage.userId, WRONG)),
		secrets: (f) => [WRONG, f.onePage.apiKey, basic(f.onePage.userId, WRONG).slice(6)],
	},
	{
		title: 'OnePageCRM API: a Base URL without the API (HTTP 404)',
		type: onePage.name,
		credentialType: onePage,
		data: (f) => ({ userId: f.onePage.userId, apiKey: f.onePage.apiKey, baseUrl: `${f.onePage.baseUrl}/api/v2` }),
		expected: 'Error',
		refusedWith: 404,
		server: (f) => f.onePage,
		path: /^\/api\/v2\/contacts$/,
		checkAuth: (request, f) => expect(header(request, 'authorization')).toBe(f.onePage.basicHeader),
		secrets: (f) => [f.onePage.apiKey],
	},
	// ---- Close: HTTP Basic, API key : (empty) ----
	{
		title: 'Close API (API key): right key',
		type: close.name,
		credentialType: close,
		data: (f) => ({ apiKey: f.close.apiKey, baseUrl: f.close.apiBaseUrl }),
		expected: 'OK',
		server: (f) => f.close,
		path: new RegExp(`^${CLOSE_API_PATH}/me/$`),
		checkAuth: (request, f) => expect(header(request, 'authorization')).toBe(f.close.basicAuthorization),
		secrets: (f) => [f.close.apiKey],
	},
	{
		title: 'Close API (API key): wrong key',
		type: close.name,
		credentialType: close,
		data: (f) => ({ apiKey: WRONG, baseUrl: f.close.apiBaseUrl }),
		expected: 'Error',
		refusedWith: 401,
		server: (f) => f.close,
		path: new RegExp(`^${CLOSE_API_PATH}/me/$`),
		checkAuth: (request) => expect(header(request, 'authorization')).toBe(basic(WRONG, '')),
		secrets: (f) => [WRONG, f.close.apiKey, basic(WRONG, '').slice(6)],
	},
	// ---- Traffio: Bearer access token ----
	{
		title: 'Traffio API (access token): right token',
		type: traffio.name,
		credentialType: traffio,
		data: (f) => ({ accessToken: f.traffio.accessToken, baseUrl: f.traffio.apiBaseUrl }),
		expected: 'OK',
		server: (f) => f.traffio,
		path: new RegExp(`^${TRAFFIO_API_PATH}/v1_document_type/document_type$`),
		checkAuth: (request, f) => expect(header(request, 'authorization')).toBe(f.traffio.bearerAuthorization),
		secrets: (f) => [f.traffio.accessToken],
	},
	{
		title: 'Traffio API (access token): wrong token',
		type: traffio.name,
		credentialType: traffio,
		data: (f) => ({ accessToken: WRONG, baseUrl: f.traffio.apiBaseUrl }),
		expected: 'Error',
		refusedWith: 401,
		server: (f) => f.traffio,
		path: new RegExp(`^${TRAFFIO_API_PATH}/v1_document_type/document_type$`),
		checkAuth: (request) => expect(header(request, 'authorization')).toBe(`Bearer ${WRONG}`),
		secrets: (f) => [WRONG, f.traffio.accessToken],
	},
	// ---- EspoCRM: X-Api-Key, HMAC, Espo-Authorization ----
	{
		title: 'EspoCRM API (API key mode): right key',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('apiKey'),
		expected: 'OK',
		server: (f) => f.espo.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, f) => expect(header(request, 'x-api-key')).toBe(f.espo.apiKey),
		secrets: (f) => [f.espo.apiKey],
	},
	{
		title: 'EspoCRM API (API key mode): wrong key',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('apiKey', { apiKey: WRONG }),
		expected: 'Error',
		refusedWith: 401,
		server: (f) => f.espo.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request) => expect(header(request, 'x-api-key')).toBe(WRONG),
		secrets: (f) => [WRONG, f.espo.apiKey],
	},
	{
		title: 'EspoCRM API (HMAC mode): right key and secret',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('hmac'),
		expected: 'OK',
		server: (f) => f.espo.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, f) => {
			expect(header(request, 'x-hmac-authorization')).toBe(espoHmac(f.espo.hmacApiKey, f.espo.secretKey, 'GET', '/App/user'));
			expect(header(request, 'x-api-key')).toBeUndefined();
		},
		secrets: (f) => [f.espo.hmacApiKey, f.espo.secretKey],
	},
	{
		title: 'EspoCRM API (HMAC mode): wrong secret key',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('hmac', { secretKey: WRONG }),
		expected: 'Error',
		refusedWith: 401,
		server: (f) => f.espo.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, f) =>
			expect(header(request, 'x-hmac-authorization')).toBe(espoHmac(f.espo.hmacApiKey, WRONG, 'GET', '/App/user')),
		secrets: (f) => [WRONG, f.espo.secretKey, espoHmac(f.espo.hmacApiKey, WRONG, 'GET', '/App/user')],
	},
	{
		title: 'EspoCRM API (username and password): right password',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('basic'),
		expected: 'OK',
		server: (f) => f.espo.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, f) =>
			expect(header(request, 'espo-authorization')).toBe(Buffer.from(`${f.espo.username}:${f.espo.password}`).toString('base64')),
		secrets: (f) => [f.espo.password],
	},
	{
		title: 'EspoCRM API (username and password): wrong password',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('basic', { password: WRONG }),
		expected: 'Error',
		refusedWith: 401,
		server: (f) => f.espo.server,
		path: /^\/api\/v1\/App\/user$/,
		checkAuth: (request, f) =>
			expect(header(request, 'espo-authorization')).toBe(Buffer.from(`${f.espo.username}:${WRONG}`).toString('base64')),
		secrets: (f) => [WRONG, f.espo.password, Buffer.from(`${f.espo.username}:${WRONG}`).toString('base64')],
	},
	{
		title: 'EspoCRM API: a Base URL that is not the EspoCRM site (HTTP 404)',
		type: espo.name,
		credentialType: espo,
		data: (f) => f.espo.credentials('apiKey', { baseUrl: `${f.espo.siteUrl}/not-espo/` }),
		expected: 'Error',
		refusedWith: 404,
		server: (f) => f.espo.server,
		path: /^\/not-espo\/api\/v1\/App\/user$/,
		checkAuth: (request, f) => expect(header(request, 'x-api-key')).toBe(f.espo.apiKey),
		secrets: (f) => [f.espo.apiKey],
	},
];

/** The message the credential's own rule gives for an HTTP status (what the user must be shown). */
export function ruleMessage(type: ICredentialType, status: number): string {
	const test = type.test;
	const rule = test && 'rules' in test ? test.rules?.find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === status) : undefined;
	if (!rule || rule.type !== 'responseCode') throw new Error(`${type.name} has no rule for HTTP ${status}`);
	return rule.properties.message;
}
