import { randomUUID } from 'crypto';

import type { FakeRequest, FakeResponse } from './fakeServer';

/*
 * The consent step of Zoho's OAuth for web apps, so "Connect my account" / Reconnect work in the sandbox.
 * Sources:
 * - Auth = https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html: GET
 *   {accounts-server}/oauth/v2/auth with client_id, response_type=code, redirect_uri (the one registered
 *   for the client), scope; optional access_type, prompt=consent, state. Zoho shows the scopes and asks
 *   for consent; on accept it redirects to redirect_uri with `code` (valid two minutes, usable once),
 *   `location` (the user's data center) and `accounts-server`, and `state` round-tripped.
 * - Order of the redirect's parameters, `{redirect_uri}?state=…&code=…&location=us&accounts-server=…`:
 *   https://www.zoho.com/phonebridge/developer/v3/auth-request.html (step 2).
 * - Token = https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html: POST
 *   {accounts-server}/oauth/v2/token with client_id, client_secret, grant_type=authorization_code,
 *   redirect_uri (the same as in the authorization request), code; answers access_token, refresh_token
 *   (with access_type=offline), api_domain, token_type, expires_in.
 * Unverified: the consent page's markup and the path it posts to (Zoho's own page is a signed-in web app),
 * the error page for a bad request, the redirect on "Deny" (here `error=access_denied`, RFC 6749 4.1.2.1),
 * and the `error` codes of a refused exchange (here `invalid_code`, the code Zoho's docs name for a bad token).
 */

const CODE_LIFETIME_MS = 2 * 60_000;

export interface ZohoClient {
	clientId: string;
	clientSecret: string;
	/** The user's data center, as Zoho reports it in `location`. */
	location: string;
	accountsServer(): string;
}

interface IssuedCode {
	clientId: string;
	redirectUri: string;
	scope: string;
	offline: boolean;
	expiresAt: number;
}

export interface ExchangedGrant {
	offline: boolean;
	scope: string;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorPage(status: number, error: string): FakeResponse {
	// Unverified: Zoho's error page; it names the problem (e.g. an unregistered redirect URI).
	return {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8' },
		body: `<!doctype html><title>Zoho Accounts</title><h1>${escapeHtml(error)}</h1>`,
	};
}

export class ZohoConsent {
	/** The client's Authorized Redirect URIs (API console). Empty: any http(s) URI is taken. */
	readonly redirectUris = new Set<string>();
	/** Each consent the fake was asked for and what the user chose, for tests. */
	readonly decisions: Array<{ accepted: boolean; state?: string; redirectUri: string }> = [];
	private readonly codes = new Map<string, IssuedCode>();

	constructor(private readonly client: ZohoClient) {}

	/** GET /oauth/v2/auth: checks the request (Auth: mandatory parameters) and shows the consent page. */
	authPage(request: FakeRequest): FakeResponse {
		const refused = this.refusal(request.query);
		if (refused) return errorPage(400, refused);
		const { scope } = request.query;
		const hidden = ['client_id', 'redirect_uri', 'scope', 'state', 'access_type']
			.filter((name) => request.query[name] !== undefined)
			.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(request.query[name])}">`)
			.join('');
		const scopes = scope.split(/[,\s]+/).filter(Boolean).map((item) => `<li>${escapeHtml(item)}</li>`).join('');
		return {
			status: 200,
			headers: { 'content-type': 'text/html; charset=utf-8' },
			body: `<!doctype html><html><head><meta charset="utf-8"><title>Zoho Accounts: consent</title></head><body>
<h1>n8n sandbox would like to access your Zoho CRM data</h1>
<ul id="scopes">${scopes}</ul>
<form method="post" action="/oauth/v2/auth/consent">${hidden}
<button type="submit" name="decision" value="accept" id="accept">Accept</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form></body></html>`,
		};
	}

	/** POST of the consent page: back to the client's redirect URI with a code, or with an error. */
	decide(request: FakeRequest): FakeResponse {
		const form = Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
		const refused = this.refusal({ ...form, response_type: 'code' });
		if (refused) return errorPage(400, refused);
		const accepted = form.decision === 'accept';
		this.decisions.push({ accepted, state: form.state, redirectUri: form.redirect_uri });
		const target = new URL(form.redirect_uri);
		if (form.state !== undefined) target.searchParams.set('state', form.state);
		if (accepted) {
			const code = `1000.${randomUUID().replace(/-/g, '')}.${randomUUID().replace(/-/g, '')}`;
			this.codes.set(code, {
				clientId: form.client_id,
				redirectUri: form.redirect_uri,
				scope: form.scope,
				offline: form.access_type === 'offline',
				expiresAt: Date.now() + CODE_LIFETIME_MS,
			});
			target.searchParams.set('code', code);
			target.searchParams.set('location', this.client.location);
			target.searchParams.set('accounts-server', this.client.accountsServer());
		} else {
			target.searchParams.set('error', 'access_denied');
		}
		return { status: 302, headers: { location: target.toString() } };
	}

	/** The authorization_code grant (Token): the code is used up whether or not the rest matches. */
	exchange(form: URLSearchParams): ExchangedGrant | { error: string } {
		const code = this.codes.get(form.get('code') ?? '');
		this.codes.delete(form.get('code') ?? '');
		if (form.get('client_id') !== this.client.clientId) return { error: 'invalid_client' };
		if (form.get('client_secret') !== this.client.clientSecret) return { error: 'invalid_client_secret' };
		if (!code || code.expiresAt < Date.now() || code.clientId !== form.get('client_id')) return { error: 'invalid_code' };
		if (code.redirectUri !== form.get('redirect_uri')) return { error: 'invalid_redirect_uri' };
		return { offline: code.offline, scope: code.scope };
	}

	private refusal(query: Record<string, string | undefined>): string | undefined {
		if (query.response_type !== 'code') return 'invalid_response_type';
		if (query.client_id !== this.client.clientId) return 'invalid_client';
		if (!query.scope) return 'invalid_scope';
		const redirectUri = query.redirect_uri ?? '';
		if (!/^https?:\/\//.test(redirectUri)) return 'invalid_redirect_uri';
		if (this.redirectUris.size && !this.redirectUris.has(redirectUri)) return 'invalid_redirect_uri';
		return undefined;
	}
}
