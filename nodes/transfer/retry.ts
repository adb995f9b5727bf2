import { sleep } from 'n8n-workflow';

import type { HttpResponse } from './httpResponse';
import { headerValue, networkFailureOf } from './httpResponse';

export interface RetryOptions {
	/**
	 * True when repeating the request cannot do harm even if the server already acted on it
	 * (a read, a PUT of the same state, an S3 POST to the same key).
	 */
	idempotent: boolean;
	/** Attempts in all, the first included. */
	maxAttempts?: number;
	/** Total time we are willing to wait between attempts. */
	maxTotalWaitMs?: number;
	/** Backoff before the second attempt when the server gives no hint; doubled each time. */
	baseDelayMs?: number;
	/**
	 * A service's own throttle signal that the generic checks miss (a wait time in a JSON body,
	 * a 403 whose text says "rate limit"). Returns the wait in ms, or undefined when it is no throttle.
	 */
	throttleDelayMs?: (response: HttpResponse) => number | undefined;
	/** Called before each wait: lets a pool of uploads slow down together. */
	onThrottle?: (waitMs: number) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_MAX_TOTAL_WAIT_MS = 60_000;
const DEFAULT_BASE_DELAY_MS = 500;
const MAX_SINGLE_BACKOFF_MS = 8_000;

/** Failures where the server tells us it did not act on the request: safe to repeat any request. */
const NOT_PROCESSED_STATUSES = [429, 503];
/** Failures where the server may have acted: repeat only idempotent requests. */
const MAYBE_PROCESSED_STATUSES = [500, 502, 504];
/** Connection failures before anything reached the server. */
const NOT_SENT_NETWORK_CODES = ['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'];

/** Retry-After as seconds or an HTTP date, in ms. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
	const value = headerValue(response, 'retry-after');
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface RetryDecision {
	retry: boolean;
	/** The server's own wait hint, when it gave one. */
	hintMs?: number;
}

function decideForResponse(response: HttpResponse, options: RetryOptions): RetryDecision {
	const serviceThrottle = options.throttleDelayMs?.(response);
	if (serviceThrottle !== undefined) return { retry: true, hintMs: serviceThrottle };
	if (NOT_PROCESSED_STATUSES.includes(response.statusCode)) {
		return { retry: true, hintMs: retryAfterMs(response) };
	}
	if (options.idempotent && MAYBE_PROCESSED_STATUSES.includes(response.statusCode)) {
		return { retry: true, hintMs: retryAfterMs(response) };
	}
	return { retry: false };
}

function decideForError(error: unknown, options: RetryOptions): RetryDecision {
	const failure = networkFailureOf(error);
	if (!failure) return { retry: false };
	if (NOT_SENT_NETWORK_CODES.includes(failure.code)) return { retry: true };
	return { retry: options.idempotent };
}

/**
 * Runs `send` until it gives a response that needs no retry, within bounded attempts and wait.
 * Returns the last response (the caller turns a failed one into a clear error); throws the last
 * network error when no response came at all.
 */
export async function sendWithRetry(
	send: (attempt: number) => Promise<HttpResponse>,
	options: RetryOptions,
): Promise<HttpResponse> {
	const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
	const maxTotalWaitMs = options.maxTotalWaitMs ?? DEFAULT_MAX_TOTAL_WAIT_MS;
	const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
	let waitedMs = 0;

	for (let attempt = 1; ; attempt++) {
		let decision: RetryDecision;
		let outcome: { response: HttpResponse } | { error: unknown };
		try {
			const response = await send(attempt);
			outcome = { response };
			decision = decideForResponse(response, options);
		} catch (error) {
			outcome = { error };
			decision = decideForError(error, options);
		}

		const backoffMs = Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_SINGLE_BACKOFF_MS);
		const waitMs = decision.hintMs ?? backoffMs;
		const canRetry =
			decision.retry && attempt < maxAttempts && waitedMs + waitMs <= maxTotalWaitMs;
		if (!canRetry) {
			if ('error' in outcome) throw outcome.error;
			return outcome.response;
		}
		options.onThrottle?.(waitMs);
		await sleep(waitMs);
		waitedMs += waitMs;
	}
}
