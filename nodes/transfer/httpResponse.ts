import type { IDataObject, IHttpRequestOptions, IExecuteFunctions } from 'n8n-workflow';

import { decryptedNodeCredentials } from './nodeCredentials';
import type { TransferRun } from './transferRun';

/** What every request of the transfer layer resolves to: the status is checked by us, not thrown by axios. */
export interface HttpResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** A request failed before any HTTP status came back (reset, refused, timeout). */
export interface NetworkFailure {
	code: string;
	message: string;
}

const NETWORK_ERROR_CODES = [
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
];

/** The answer started but stopped before its end (the server went silent and the timeout hit, or the connection broke). */
export const RESPONSE_CUT_OFF = 'ERR_RESPONSE_CUT_OFF';

/**
 * n8n hands network failures over as text codes (`error.code`), sometimes wrapped once or twice
 * (`cause`, `context`): look through the wrappers instead of trusting a numeric status.
 */
export function networkFailureOf(error: unknown): NetworkFailure | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as { code?: unknown; httpCode?: unknown; message?: unknown; messages?: unknown; cause?: unknown };
		// n8n's authenticated helper wraps network errors in a NodeApiError: the code moves to
		// `httpCode`, the original text to `messages`, and the message becomes a generic one.
		const messages = [candidate.message, ...(Array.isArray(candidate.messages) ? candidate.messages : [])]
			.filter((text): text is string => typeof text === 'string');
		const original = messages.find((text) => text !== candidate.message) ?? messages[0];
		for (const code of [candidate.code, candidate.httpCode]) {
			if (typeof code === 'string' && NETWORK_ERROR_CODES.includes(code)) {
				return { code, message: String(original ?? code) };
			}
		}
		for (const text of messages) {
			if (/socket hang up/i.test(text)) return { code: 'ECONNRESET', message: text };
			if (/timeout of \d+ms exceeded/i.test(text)) return { code: 'ETIMEDOUT', message: text };
			if (/^stream has been aborted$/i.test(text)) return { code: RESPONSE_CUT_OFF, message: text };
		}
		current = candidate.cause;
	}
	return undefined;
}

export function headerValue(response: HttpResponse, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(response.headers ?? {})) {
		if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
	}
	return undefined;
}

/** The body as text, whatever shape axios gave it. */
export function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	try {
		return JSON.stringify(body);
	} catch {
		return String(body);
	}
}

/** The body as an object when it is JSON (parsed already or not), otherwise undefined. */
export function bodyJson(body: unknown): IDataObject | undefined {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body)) return body as IDataObject;
	const text = bodyText(body).trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
	try {
		return JSON.parse(text) as IDataObject;
	} catch {
		return undefined;
	}
}

/**
 * Sends a request with n8n's plain HTTP helper and returns every status as a response.
 * Used for hosts that must never see credentials (S3) and by services that sign requests themselves.
 */
export async function sendPlainRequest(
	ctx: IExecuteFunctions,
	options: IHttpRequestOptions,
): Promise<HttpResponse> {
	const response = (await ctx.helpers.httpRequest({
		...options,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as HttpResponse;
	return response;
}

/**
 * Sends a request with the node's credential applied by n8n (`httpRequestWithAuthentication`) and
 * returns every status as a response. For OAuth2 credentials prefer letting n8n see the 401
 * (see api-notes: n8n only refreshes a token when the request throws).
 */
export async function sendAuthenticatedRequest(
	ctx: IExecuteFunctions,
	run: TransferRun,
	credentialType: string,
	options: IHttpRequestOptions,
): Promise<HttpResponse> {
	// Handing n8n the credential read once for this node run spares it a database read per request.
	const credentialsDecrypted = await decryptedNodeCredentials(ctx, run, credentialType);
	return (await ctx.helpers.httpRequestWithAuthentication.call(
		ctx,
		credentialType,
		{ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true },
		credentialsDecrypted ? { credentialsDecrypted } : undefined,
	)) as HttpResponse;
}
