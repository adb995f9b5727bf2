import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { HttpResponse, ServiceFailure } from '../transfer';
import {
	bodyJson,
	bodyText,
	headerValue,
	isSuccessStatus,
	looksLikeHtml,
	networkError,
	requestTimeoutMs,
	responseError,
	retryAfterMs,
	sendAuthenticatedRequest,
	sendWithRetry,
	throttleGateFor,
	readNodeCredentials,
	readRateLimitHeaders,
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

export interface OnePageCrmCredentials {
	userId: string;
	apiKey: string;
	baseUrl: string;
}

export async function getCredentials(ctx: IExecuteFunctions): Promise<OnePageCrmCredentials> {
	const credentials = await readNodeCredentials(ctx, CREDENTIAL_TYPE);
	return {
		userId: String(credentials.userId ?? ''),
		apiKey: String(credentials.apiKey ?? ''),
		baseUrl: String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, ''),
	};
}

/** True when the API is reached over https: the S3 form must then be https too. */
export function isHttpsBaseUrl(baseUrl: string): boolean {
	return baseUrl.toLowerCase().startsWith('https:');
}

/**
 * The vendor's spec (components.responses.403): "the request-rate throttle also answers 403 with a
 * plain-text body — check the content type before treating a 403 as a permission error". A JSON (or
 * HTML) 403 is a refusal; a plain-text one is the throttle. The spec documents no rate-limit header:
 * Retry-After and the common RateLimit/X-RateLimit reset headers are honoured if a proxy or a future
 * API version sends them.
 */
export function throttleDelayMs(response: HttpResponse): number | undefined {
	if (response.statusCode !== 403) return undefined;
	const contentType = (headerValue(response, 'content-type') ?? '').toLowerCase();
	if (/json|html|xml/.test(contentType)) return undefined;
	if (bodyJson(response.body)) return undefined;
	if (looksLikeHtml(bodyText(response.body))) return undefined;
	return retryAfterMs(response) ?? readRateLimitHeaders(response).resetMs ?? THROTTLE_WAIT_MS;
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

/**
 * Ids are URL-encoded into the path, but "." and ".." stay what they are after encoding (URL
 * parsers resolve even "%2E%2E"): such an id would point the request at another path.
 */
function assertPathSegments(ctx: IExecuteFunctions, itemIndex: number, request: OnePageCrmRequest): void {
	for (const segment of request.path) {
		if (segment.trim() === '' || /^\.{1,2}$/.test(segment.trim())) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${segment}" is not a valid ID for ${request.subject} (item ${itemIndex + 1})`,
				{
					itemIndex,
					description:
						'A contact, record or attachment ID cannot be empty, "." or "..": such a value would change the request\'s path instead of naming a record. Check the parameter or the expression that gives the ID.',
				},
			);
		}
	}
}

export function apiUrl(baseUrl: string, path: string[]): string {
	return `${baseUrl}/${path.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/**
 * The one function that talks to OnePageCRM: Basic auth from the credential, throttle retries,
 * and failures turned into errors that keep OnePageCRM's own words. Returns the whole envelope
 * `{status, message, timestamp, data, ...}` (some list answers put their page data beside `data`).
 */
export async function onePageCrmEnvelope(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: OnePageCrmRequest,
): Promise<IDataObject> {
	assertPathSegments(ctx, itemIndex, request);
	const credentials = await getCredentials(ctx);
	const url = apiUrl(credentials.baseUrl, request.path);
	const errorContext = {
		serviceName: SERVICE_NAME,
		itemIndex,
		subject: request.subject,
		readFailure,
		fixes: FIXES,
		secrets: [credentials.apiKey, Buffer.from(`${credentials.userId}:${credentials.apiKey}`).toString('base64')].filter(
			(value) => value.length >= 4,
		),
	};

	let response: HttpResponse;
	try {
		response = await sendWithRetry(
			async () =>
				await sendAuthenticatedRequest(ctx, CREDENTIAL_TYPE, {
					method: request.method,
					url,
					qs: request.qs,
					body: request.body,
					json: true,
					headers: { accept: 'application/json' },
					timeout: requestTimeoutMs(ctx, itemIndex),
				}),
			// OnePageCRM's rate limit counts per user: its signal pauses every item of the run.
			{ idempotent: request.idempotent, throttleDelayMs, gate: throttleGateFor(ctx) },
		);
	} catch (error) {
		throw networkError(ctx, error, errorContext);
	}

	if (!isSuccessStatus(response.statusCode)) {
		throw responseError(ctx, response, errorContext);
	}
	const envelope = bodyJson(response.body);
	return envelope && !Array.isArray(envelope) ? envelope : {};
}

/** A request to OnePageCRM (see onePageCrmEnvelope) that returns the envelope's `data`. */
export async function onePageCrmRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: OnePageCrmRequest,
): Promise<IDataObject> {
	const data = (await onePageCrmEnvelope(ctx, itemIndex, request)).data;
	if (data && typeof data === 'object' && !Array.isArray(data)) return data as IDataObject;
	return {};
}
