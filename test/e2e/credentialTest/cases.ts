/**
 * The shape of a credential "Test" scenario: which credential data, which fake server must have received
 * the test request, and with what (the auth header that proves n8n's test really reached it with our
 * `authenticate`). Each CRM's scenarios are in credentialTest/<crm>.ts, listed by its registry entry
 * (test/crms/); the credential is the entry's.
 */
import type { ICredentialType } from 'n8n-workflow';

import type { FakeServer, RecordedRequest } from '../../fakes/fakeServer';

export interface CredentialCase<Fake = unknown> {
	title: string;
	/** What the user saves in the credential screen. */
	data(fake: Fake): Record<string, unknown>;
	expected: 'OK' | 'Error';
	/** For an Error: the HTTP status the fake answered (the credential's rule for it gives the message). */
	refusedWith?: number;
	/** The server of the fake that must have received the test request, and the path it was sent to. */
	server(fake: Fake): FakeServer;
	path: RegExp;
	/** Asserts the request carried the credential's auth exactly as our `authenticate` builds it. */
	checkAuth(request: RecordedRequest, fake: Fake): void;
	/** Values that must never appear in what n8n answers (the secrets saved and the right ones). */
	secrets(fake: Fake): string[];
}

export function basic(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function header(request: RecordedRequest, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

export const WRONG = 'wrong0Secret0Value0x9f3';

/** The message the credential's own rule gives for an HTTP status (what the user must be shown). */
export function ruleMessage(type: ICredentialType, status: number): string {
	const test = type.test;
	const rule = test && 'rules' in test ? test.rules?.find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === status) : undefined;
	if (!rule || rule.type !== 'responseCode') throw new Error(`${type.name} has no rule for HTTP ${status}`);
	return rule.properties.message;
}
