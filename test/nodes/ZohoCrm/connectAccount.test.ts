import { ClientOAuth2 } from '@n8n/client-oauth2';

import { FakeZoho } from '../../fakes/zoho';

const zoho = new FakeZoho();
const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';

beforeAll(async () => {
	await zoho.start();
	zoho.accounts.consent.redirectUris.add(REDIRECT_URI);
});

afterAll(async () => await zoho.stop());

/**
 * The OAuth2 client exactly as n8n's callback builds it from the credential (n8n 2.8.4,
 * dist/controllers/oauth/oauth2-credential.controller.js convertCredentialToOptions and handleCallback:
 * scopes split on commas, authentication "body" puts client_id and client_secret in the token request).
 */
function n8nClient(credential = zoho.credentials()) {
	const scope = String(credential.scope);
	const client = new ClientOAuth2({
		clientId: String(credential.clientId),
		clientSecret: String(credential.clientSecret),
		accessTokenUri: String(credential.accessTokenUrl),
		authorizationUri: String(credential.authUrl),
		authentication: 'body',
		redirectUri: REDIRECT_URI,
		scopes: scope.split(','),
		scopesSeparator: scope.includes(',') ? ',' : ' ',
	});
	const body = { client_id: String(credential.clientId), client_secret: String(credential.clientSecret) };
	// n8n's oauth.service appends the credential's Auth URI Query Parameters to the client's URI.
	const authorizationUrl = `${client.code.getUri({ state: 'n8n-state-1' })}&${String(credential.authQueryParameters)}`;
	return { client, body, authorizationUrl };
}

async function consentPage(url: string) {
	const response = await fetch(url, { redirect: 'manual' });
	const html = await response.text();
	const fields = Object.fromEntries(
		[...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [name, value.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)))]),
	);
	return { status: response.status, html, fields };
}

async function decide(fields: Record<string, string>, decision: 'accept' | 'deny'): Promise<URL> {
	const response = await fetch(`${zoho.accounts.baseUrl}/oauth/v2/auth/consent`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ ...fields, decision }).toString(),
	});
	expect(response.status).toBe(302);
	return new URL(response.headers.get('location') ?? '');
}

describe('Zoho CRM credential: Connect my account against the sandbox\'s accounts server', () => {
	it('authorization URL -> consent page -> redirect with code, location and accounts-server -> tokens that work', async () => {
		const { client, body, authorizationUrl } = n8nClient();

		const page = await consentPage(authorizationUrl);
		expect(page.status).toBe(200);
		expect(page.html).toContain('ZohoCRM.modules.ALL');
		const callback = await decide(page.fields, 'accept');

		expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
		expect(callback.searchParams.get('state')).toBe('n8n-state-1');
		expect(callback.searchParams.get('code')).toMatch(/^1000\./);
		expect(callback.searchParams.get('location')).toBe('us');
		expect(callback.searchParams.get('accounts-server')).toBe(zoho.accounts.baseUrl);

		const token = await client.code.getToken(callback.toString(), { body });

		expect(token.data).toMatchObject({ token_type: 'Bearer', api_domain: zoho.api.baseUrl, expires_in: 3600 });
		expect(zoho.accounts.isValid(token.accessToken)).toBe(true);
		expect(zoho.accounts.refreshTokens.has(token.refreshToken ?? '')).toBe(true);
		const modules = await fetch(`${zoho.api.baseUrl}/crm/v8/settings/modules`, {
			headers: { authorization: `Zoho-oauthtoken ${token.accessToken}` },
		});
		expect(modules.status).toBe(200);
		// The new refresh token renews the access token as the node does when it expires.
		const renewed = await client.createToken(token.data).refresh({ ...client.options, body });
		expect(zoho.accounts.isValid(renewed.accessToken)).toBe(true);
	});

	it('a code is used once: exchanging it again is refused', async () => {
		const { client, body, authorizationUrl } = n8nClient();
		const callback = await decide((await consentPage(authorizationUrl)).fields, 'accept');
		await client.code.getToken(callback.toString(), { body });

		// Zoho answers a refused grant with HTTP 200 and an `error` (see zoho.ts), which n8n's client passes on.
		const again = await client.code.getToken(callback.toString(), { body });
		expect(again.data).toEqual({ error: 'invalid_code' });
	});

	it('Deny returns to n8n with access_denied and no code', async () => {
		const { authorizationUrl } = n8nClient();
		const callback = await decide((await consentPage(authorizationUrl)).fields, 'deny');

		expect(callback.searchParams.get('error')).toBe('access_denied');
		expect(callback.searchParams.get('code')).toBeNull();
		expect(zoho.accounts.consent.decisions.at(-1)).toMatchObject({ accepted: false, state: 'n8n-state-1' });
	});

	it('refuses a redirect URI the client did not register, and an unknown client', async () => {
		const { authorizationUrl } = n8nClient();
		const elsewhere = authorizationUrl.replace(encodeURIComponent(REDIRECT_URI), encodeURIComponent('http://evil.example/cb'));
		const unknownClient = authorizationUrl.replace(/client_id=[^&]+/, 'client_id=1000.UNKNOWN');

		expect(await consentPage(elsewhere)).toMatchObject({ status: 400, html: expect.stringContaining('invalid_redirect_uri') });
		expect(await consentPage(unknownClient)).toMatchObject({ status: 400, html: expect.stringContaining('invalid_client') });
	});
});
