import { sleep } from 'n8n-workflow';

import type { RequestObserver } from './adaptiveConcurrency';
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
	 * a 403 whose text says "rate limit"). Returns the wait in ms the service asked for, a
	 * ThrottleWithoutHint when it asked for none, or undefined when the answer is no throttle.
	 */
	throttleDelayMs?: (response: HttpResponse) => ThrottleSignal | undefined;
	/**
	 * Shared by every request of one node execution (the run's TransferRun): when the service says
	 * "slow down" to one request, the whole pool of parallel uploads waits, not just that request.
	 */
	gate?: ThrottleGate;
	/**
	 * The service whose limits the request counts against, for the run's automatic concurrency (which
	 * paces each scope on its own): the service's API by default; a storage host passes its own.
	 */
	scope?: string;
}

/** What a service's limit counts: calls in flight at once, or requests per time. */
export type LimitKind = 'concurrency' | 'rate';

/**
 * A throttle answer without a wait hint, as the service declares it: what its limit counts (so the run's
 * automatic concurrency knows whether a smaller pool or a slower pace gets under it) and the wait before
 * the next try when nothing else decides it (a fixed Concurrency).
 */
export interface ThrottleWithoutHint {
	limits: LimitKind;
	fallbackWaitMs: number;
}

/** A service's throttle signal: the wait in ms it asked for, or what it limits when it gave no wait. */
export type ThrottleSignal = number | ThrottleWithoutHint;

/** The scope of requests that name none: the service's API. */
export const SERVICE_SCOPE = 'service';

/** A pause that all parallel requests of one node execution honour before they send. */
export class ThrottleGate {
	private resumeAt = 0;
	/** The run's automatic concurrency, while one is active: told about every request (see sendWithRetry). */
	observer?: RequestObserver;

	pause(waitMs: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + waitMs);
	}

	/**
	 * An answer's rate-limit headers say nothing remains until the reset. A run controller reads the same
	 * headers and holds the scope only until the window ends; without one, every request waits the reset.
	 */
	windowUsedUp(resetMs: number): void {
		if (!this.observer) this.pause(resetMs);
	}

	/** Waits until the pause is over; returns the time waited in ms. */
	async wait(): Promise<number> {
		const delay = this.resumeAt - Date.now();
		if (delay <= 0) return 0;
		await sleep(delay);
		return delay;
	}
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
	/** The service asked us to slow down (as opposed to a failure worth another try). */
	throttled?: boolean;
	/** A throttle without a hint that the service declared: what it limits, and its own fallback wait. */
	withoutHint?: ThrottleWithoutHint;
}

function decideForResponse(response: HttpResponse, options: RetryOptions): RetryDecision {
	const serviceThrottle = options.throttleDelayMs?.(response);
	if (typeof serviceThrottle === 'number') return { retry: true, hintMs: serviceThrottle, throttled: true };
	if (serviceThrottle !== undefined) return { retry: true, throttled: true, withoutHint: serviceThrottle };
	if (NOT_PROCESSED_STATUSES.includes(response.statusCode)) {
		return { retry: true, hintMs: retryAfterMs(response), throttled: true };
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
		if (options.gate) waitedMs += await options.gate.wait();
		const observer = options.gate?.observer;
		const scope = options.scope ?? SERVICE_SCOPE;
		const sentAt = observer ? await observer.beforeSend(scope) : 0;
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
		// For a throttle without a hint the controller may choose the wait (0: as soon as its pool and pace allow).
		const controllerWaitMs = observer?.afterResponse(
			scope,
			sentAt,
			'response' in outcome ? outcome.response : undefined,
			decision.throttled === true,
			decision.withoutHint?.limits,
		);

		const backoffMs = Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_SINGLE_BACKOFF_MS);
		const fallbackMs = decision.withoutHint ? (controllerWaitMs ?? decision.withoutHint.fallbackWaitMs) : undefined;
		const waitMs = decision.hintMs ?? fallbackMs ?? backoffMs;
		const canRetry =
			decision.retry && attempt < maxAttempts && waitedMs + waitMs <= maxTotalWaitMs;
		if (!canRetry) {
			if ('error' in outcome) throw outcome.error;
			return outcome.response;
		}
		if (decision.throttled && options.gate) {
			// The gate's wait at the top of the loop covers this request and every other one.
			options.gate.pause(waitMs);
		} else {
			await sleep(waitMs);
			waitedMs += waitMs;
		}
	}
}
