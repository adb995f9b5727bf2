import type { HttpResponse, ThrottleSignal } from '../transfer';
import { bodyJson, readRateLimitHeaders, retryAfterMs } from '../transfer';

/**
 * Zoho's throttle signals. Zoho documents the code TOO_MANY_REQUESTS (HTTP 429) for its concurrency
 * and API-credit limits (help.zoho.com, Kaizen #203 "Handling API Limits and Error Responses"); the
 * official SDKs (@zohocrm/*-sdk-8.0) do no throttle handling of their own. Whether Zoho sends
 * Retry-After or X-RATELIMIT-* headers is unverified: both are read when present. Kaizen #203 gives the
 * concurrency limit per edition (parallel calls active at one time: Free 5, Standard 10, Professional 15,
 * Enterprise 20, Ultimate 25; a "sub-concurrency" limit, typically 10, for some heavy APIs): a
 * TOO_MANY_REQUESTS without any wait hint is taken as that limit on calls in flight (the credit limit
 * counts per rolling 24 hours: no wait within a run gets under it).
 */
export const THROTTLE_CODE = 'TOO_MANY_REQUESTS';

/** Without any hint from Zoho and without the run's automatic concurrency, a throttled request waits this long. */
const DEFAULT_THROTTLE_WAIT_MS = 2_000;
/** A reset further away than this is a daily credit window: waiting it out inside one run is no use. */
export const MAX_HEADER_PAUSE_MS = 60_000;

function bodyCode(response: HttpResponse): string | undefined {
	const json = bodyJson(response.body);
	if (!json) return undefined;
	if (typeof json.code === 'string') return json.code;
	const first = Array.isArray(json.data) ? (json.data[0] as { code?: unknown } | undefined) : undefined;
	return typeof first?.code === 'string' ? first.code : undefined;
}

/**
 * The wait for a throttled answer: a 429, or TOO_MANY_REQUESTS in the body whatever the status.
 * Retry-After first, then the rate-limit headers' reset, else the concurrency limit (with a default wait
 * for a fixed Concurrency). Undefined: not throttled.
 */
export function zohoThrottleDelayMs(response: HttpResponse): ThrottleSignal | undefined {
	if (response.statusCode !== 429 && bodyCode(response) !== THROTTLE_CODE) return undefined;
	return (
		retryAfterMs(response) ??
		readRateLimitHeaders(response).resetMs ?? { limits: 'concurrency', fallbackWaitMs: DEFAULT_THROTTLE_WAIT_MS }
	);
}

/**
 * After any answer: when the rate-limit headers say nothing is left in the window, the time until it
 * resets (so every parallel request waits instead of running into TOO_MANY_REQUESTS).
 */
export function exhaustedWindowPauseMs(response: HttpResponse): number | undefined {
	const state = readRateLimitHeaders(response);
	if (state.remaining !== 0 || state.resetMs === undefined || state.resetMs <= 0) return undefined;
	return Math.min(state.resetMs, MAX_HEADER_PAUSE_MS);
}
