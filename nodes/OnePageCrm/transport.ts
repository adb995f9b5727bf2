import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { requestTimeoutMs } from '../shared/requestTimeout';
import type { HttpResponse, ServiceContext, ServiceFailure, ThrottleSignal, TransferRun } from '../transfer';
import {
	bodyJson,
	bodyText,
	createServiceClient,
	headerValue,
	looksLikeHtml,
	pathOf,
	readRateLimitHeaders,
	retryAfterMs,
} from '../transfer';

export const SERVICE_NAME = 'OnePageCRM';
export const CREDENTIAL_TYPE = 'onePageCrmApi';
export const DEFAULT_BASE_URL = 'https://app.onepagecrm.com/api/v3';

/** The vendor's spec gives no wait hint with its throttle answer: wait this long unless the answer says otherwise. */
export const THROTTLE_WAIT_MS = 2_000;

const FIXES: Partial<Record<number, string>> = {
	401: 'OnePageCRM did not accept the User ID and API Key. Copy both again from OnePageCRM (Apps > API) into the credential and use its "Test" button.',
	403: 'The credential\'s user may not do this in OnePageCRM, or an account limit has been reached. Check the user\'s role, or whether the record belongs to a team the user cannot see.',
	404: 'Check the id in the node parameters: the contact, deal, note, call, meeting or attachment may not exist, may have been deleted, or may not be visible to the credential\'s user.',
};

/**
 * The vendor's spec (components.responses.403): "the request-rate throttle also answers 403 with a
 * plain-text body — check the content type before treating a 403 as a permission error". A JSON (or
 * HTML) 403 is a refusal; a plain-text one is the throttle. The spec documents no rate-limit header:
 * Retry-After and the common RateLimit/X-RateLimit reset headers are honoured if a proxy or a future
 * API version sends them. Without them it is a request-rate limit ("request-rate throttle") with no wait
 * hint: the run's automatic concurrency learns the pace, a fixed Concurrency waits THROTTLE_WAIT_MS.
 */
export function throttleDelayMs(response: HttpResponse): ThrottleSignal | undefined {
	if (response.statusCode !== 403) return undefined;
	const contentType = (headerValue(response, 'content-type') ?? '').toLowerCase();
	if (/json|html|xml/.test(contentType)) return undefined;
	if (bodyJson(response.body)) return undefined;
	if (looksLikeHtml(bodyText(response.body))) return undefined;
	return retryAfterMs(response) ?? readRateLimitHeaders(response).resetMs ?? { limits: 'rate', fallbackWaitMs: THROTTLE_WAIT_MS };
}

function describeErrors(errors: unknown): string | undefined {
	if (!errors) return undefined;
	if (typeof errors === 'string') return errors;
	if (Array.isArray(errors)) {
		const parts = errors.map((entry) =>
			typeof entry === 'string' ? entry : typeof entry?.message === 'string' ? entry.message : JSON.stringify(entry),
		);
		return parts.join('; ') || undefined;
	}
	if (typeof errors === 'object') {
		const parts = Object.entries(errors as IDataObject).map(
			([field, value]) => `${field} ${Array.isArray(value) ? value.join(', ') : String(value)}`,
		);
		return parts.join('; ') || undefined;
	}
	return String(errors);
}

/**
 * OnePageCRM's error envelope: `{status, message, error_name, error_message, errors}`. The
 * error_name is the code users search for; the field errors say which value was wrong.
 */
export function readFailure(response: HttpResponse): ServiceFailure | undefined {
	const json = bodyJson(response.body);
	if (!json || Array.isArray(json)) {
		const text = bodyText(response.body).trim();
		if (!text || looksLikeHtml(text)) return undefined;
		return { message: text.slice(0, 300) };
	}
	const code = typeof json.error_name === 'string' && json.error_name ? json.error_name : undefined;
	const parts: string[] = [];
	for (const candidate of [json.message, json.error_message]) {
		if (typeof candidate === 'string' && candidate && !parts.includes(candidate)) parts.push(candidate);
	}
	const fieldErrors = describeErrors(json.errors);
	const message = [parts.join('. '), fieldErrors ? `(${fieldErrors})` : ''].filter(Boolean).join(' ');
	if (!code && !message) return undefined;
	return { code, message: message || undefined };
}

export interface OnePageCrmRequest {
	method: IHttpRequestMethods;
	/** Path segments after the base URL; each is URL-encoded, so an id can never change the path. */
	path: string[];
	qs?: IDataObject;
	body?: IDataObject;
	/** What is asked, in the user's terms, for error messages: "the attachment upload form". */
	subject: string;
	/** Repeating the request cannot do harm (reads, PATCH/DELETE of the same state). */
	idempotent: boolean;
}

/** OnePageCRM as the service client knows it: Basic auth with User ID and API key, applied by n8n. */
export const onePageCrmClient = createServiceClient({
	serviceName: SERVICE_NAME,
	credentialType: CREDENTIAL_TYPE,
	baseUrl: (credentials) => String(credentials.baseUrl || DEFAULT_BASE_URL),
	secrets: (credentials) => {
		const apiKey = String(credentials.apiKey ?? '');
		return [apiKey, Buffer.from(`${String(credentials.userId ?? '')}:${apiKey}`).toString('base64')];
	},
	readFailure,
	fixes: FIXES,
	// OnePageCRM's rate limit counts per user: its signal pauses every item of the run.
	throttleDelayMs,
	pathRule: { noun: 'ID', names: 'A contact, record or attachment ID' },
	timeoutMs: requestTimeoutMs,
	headers: { accept: 'application/json' },
});

/**
 * One request to OnePageCRM (see onePageCrmClient). Returns the whole envelope
 * `{status, message, timestamp, data, ...}` (some list answers put their page data beside `data`).
 */
export async function onePageCrmEnvelope(
	ctx: ServiceContext,
	run: TransferRun,
	itemIndex: number,
	request: OnePageCrmRequest,
): Promise<IDataObject> {
	const envelope = await onePageCrmClient.json(ctx, run, { ...request, path: pathOf(...request.path), itemIndex });
	return Array.isArray(envelope) ? {} : envelope;
}

/** A request to OnePageCRM (see onePageCrmEnvelope) that returns the envelope's `data`. */
export async function onePageCrmRequest(
	ctx: ServiceContext,
	run: TransferRun,
	itemIndex: number,
	request: OnePageCrmRequest,
): Promise<IDataObject> {
	const data = (await onePageCrmEnvelope(ctx, run, itemIndex, request)).data;
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as IDataObject;
	return {};
}
