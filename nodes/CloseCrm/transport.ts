import type { IDataObject, JsonObject } from 'n8n-workflow';

import type { HttpResponse, JsonServiceRequest, ServiceContext, ServiceFailure, ThrottleGate, ThrottleSignal, TransferRun } from '../transfer';
import { requestTimeoutMs } from '../shared/requestTimeout';
import { bodyJson, createServiceClient, headerValue, readRateLimitHeaders, retryAfterMs } from '../transfer';

export const SERVICE_NAME = 'Close';
export const CREDENTIAL_TYPE = 'closeCrmApi';
const DEFAULT_BASE_URL = 'https://api.close.com/api/v1';

/**
 * What closeio-api sleeps when a 429 names no wait (closeio_api/__init__.py, DEFAULT_RATE_LIMIT_DELAY = 2).
 */
export const CLOSE_DEFAULT_RATE_LIMIT_DELAY_MS = 2000;

/** One header of the answer read alone through the shared parser, so each signal keeps its own rank. */
function resetFromHeader(response: HttpResponse, name: string): number | undefined {
	const value = headerValue(response, name);
	if (value === undefined) return undefined;
	return readRateLimitHeaders({ statusCode: response.statusCode, headers: { [name]: value }, body: undefined }).resetMs;
}

/** The deprecated 429 body `{"error": {"rate_reset": seconds}}` (Close's rate limits page; changelog 2024-04-24). */
function resetFromBody(response: HttpResponse): number | undefined {
	const error = bodyJson(response.body)?.error;
	const reset = error && typeof error === 'object' ? Number((error as IDataObject).rate_reset) : NaN;
	return Number.isFinite(reset) && reset >= 0 ? Math.ceil(reset * 1000) : undefined;
}

/**
 * How long a 429 from Close asks us to wait, in the order Close's official client reads it
 * (closeio/closeio-api, closeio_api/__init__.py `_get_rate_limit_sleep_time`, since 48d1503): the
 * `RateLimit` header's `reset`, else `Retry-After`, else `RateLimit-Reset`. After those come the signals
 * the client no longer reads but Close documented: the older `X-Rate-Limit-Reset` headers and the
 * deprecated body `error.rate_reset`; with none at all, a rate limit per key (rate limits page) whose
 * wait the run's controller decides, else the client's 2 s.
 */
export function closeThrottleDelayMs(response: HttpResponse): ThrottleSignal | undefined {
	if (response.statusCode !== 429) return undefined;
	return (
		resetFromHeader(response, 'ratelimit') ??
		retryAfterMs(response) ??
		resetFromHeader(response, 'ratelimit-reset') ??
		resetFromHeader(response, 'x-rate-limit-reset') ??
		resetFromHeader(response, 'x-ratelimit-reset') ??
		resetFromBody(response) ?? { limits: 'rate', fallbackWaitMs: CLOSE_DEFAULT_RATE_LIMIT_DELAY_MS }
	);
}

/**
 * Close sends `RateLimit: limit=N, remaining=R, reset=S` on most answers, not only on 429s (rate limits
 * page; changelog 2023-07-21). When an answer says nothing remains in the window, every request of the
 * run waits for its reset instead of running into a 429 (the run's controller, when one paces by the same
 * header, holds only until the window ends).
 */
export function closeThrottle(response: HttpResponse, gate: ThrottleGate): ThrottleSignal | undefined {
	const delay = closeThrottleDelayMs(response);
	if (delay !== undefined) return delay;
	const { remaining, resetMs } = readRateLimitHeaders(response);
	if (remaining === 0 && resetMs !== undefined && resetMs > 0) gate.windowUsedUp(resetMs);
	return undefined;
}

/**
 * Close answers errors as `{"error": "..."}`, `{"errors": [...]}` or with `field-errors`
 * (`{"field-errors": {"lead_id": "..."}}`); the field names are what users need to see.
 */
export function readCloseFailure(response: HttpResponse): ServiceFailure | undefined {
	const json = bodyJson(response.body);
	if (!json || Array.isArray(json)) return undefined;
	const parts: string[] = [];
	const error = json.error;
	if (typeof error === 'string' && error) parts.push(error);
	if (error && typeof error === 'object') {
		const nested = error as JsonObject;
		if (typeof nested.message === 'string') parts.push(nested.message);
		if (typeof nested.rate_reset === 'number') parts.push(`rate window resets in ${nested.rate_reset} s`);
	}
	if (Array.isArray(json.errors)) {
		for (const entry of json.errors) parts.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
	}
	const fieldErrors = json['field-errors'];
	if (fieldErrors && typeof fieldErrors === 'object' && !Array.isArray(fieldErrors)) {
		for (const [field, message] of Object.entries(fieldErrors as IDataObject)) {
			parts.push(`${field}: ${typeof message === 'string' ? message : JSON.stringify(message)}`);
		}
	}
	if (parts.length === 0) return undefined;
	const code = error && typeof error === 'object' && typeof (error as JsonObject).code === 'string'
		? ((error as JsonObject).code as string)
		: undefined;
	return { code, message: parts.join('; ') };
}

const CLOSE_FIXES: Partial<Record<number, string>> = {
	401: 'Close did not accept the API key. Open the Close credential, paste a current key from Close (Settings > Developer > API Keys) and use "Test".',
	404: 'Check the id in the node parameters (lead ids start with "lead_", contact ids with "cont_"): the record may not exist, may have been deleted or merged, or may belong to another organization than the API key.',
	429: 'Close kept limiting the request rate after the node waited as Close asked. Run the workflow again later or process fewer items at once.',
};

/** Close as the service client knows it: HTTP Basic with the API key, applied by n8n from the credential. */
export const closeClient = createServiceClient({
	serviceName: SERVICE_NAME,
	credentialType: CREDENTIAL_TYPE,
	baseUrl: (credentials) => String(credentials.baseUrl || DEFAULT_BASE_URL),
	secrets: (credentials) => {
		const apiKey = String(credentials.apiKey ?? '');
		return [apiKey, Buffer.from(`${apiKey}:`).toString('base64')];
	},
	readFailure: readCloseFailure,
	fixes: CLOSE_FIXES,
	throttleDelayMs: closeThrottle,
	pathRule: { noun: 'ID', names: 'A lead, contact or activity ID' },
	timeoutMs: requestTimeoutMs,
});

/** One request to Close (see closeClient); returns the JSON answer as an object. */
export async function closeApiRequest(
	ctx: ServiceContext,
	run: TransferRun,
	itemIndex: number,
	request: JsonServiceRequest,
): Promise<IDataObject> {
	const answer = await closeClient.json(ctx, run, { ...request, itemIndex });
	return Array.isArray(answer) ? {} : answer;
}
