import type { HttpResponse } from './httpResponse';
import { headerValue } from './httpResponse';

/** What an answer's rate-limit headers say about the window it counts in. */
export interface RateLimitState {
	limit?: number;
	remaining?: number;
	/** Time until the window resets, in ms. */
	resetMs?: number;
}

/** Reset values this large are points in time, not durations: epoch ms, or epoch seconds. */
const EPOCH_MS_FLOOR = 1e12;
const EPOCH_SECONDS_FLOOR = 1e9;

function resetToMs(value: number, now: number): number {
	if (value >= EPOCH_MS_FLOOR) return Math.max(0, value - now);
	if (value >= EPOCH_SECONDS_FLOOR) return Math.max(0, value * 1000 - now);
	return Math.max(0, value * 1000);
}

function numberOf(value: string | undefined): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	const number = Number(value.trim());
	return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * The combined `RateLimit` header: `limit=100, remaining=50, reset=5` (the form of the IETF
 * draft's early versions) or `"policy";r=50;t=5` (its later versions).
 */
function combinedHeader(value: string | undefined): Record<string, number> {
	const found: Record<string, number> = {};
	if (!value) return found;
	for (const match of value.matchAll(/\b(limit|remaining|reset|l|r|t)\s*=\s*"?(\d+(?:\.\d+)?)/gi)) {
		const key = { l: 'limit', r: 'remaining', t: 'reset' }[match[1].toLowerCase()] ?? match[1].toLowerCase();
		found[key] ??= Number(match[2]);
	}
	return found;
}

/**
 * Reads every common rate-limit header form: `RateLimit` (combined), `RateLimit-Limit/-Remaining/-Reset`
 * and `X-RateLimit-Limit/-Remaining/-Reset`. Reset is taken as seconds to wait, or as an epoch time
 * when the number can only be one. The service's transport decides what the numbers mean for it.
 */
export function readRateLimitHeaders(response: HttpResponse, now = Date.now()): RateLimitState {
	const combined = combinedHeader(headerValue(response, 'ratelimit'));
	const pick = (name: 'limit' | 'remaining' | 'reset'): number | undefined =>
		combined[name] ??
		numberOf(headerValue(response, `ratelimit-${name}`)) ??
		numberOf(headerValue(response, `x-ratelimit-${name}`)) ??
		numberOf(headerValue(response, `x-rate-limit-${name}`));
	const state: RateLimitState = {};
	const limit = pick('limit');
	const remaining = pick('remaining');
	const reset = pick('reset');
	if (limit !== undefined) state.limit = limit;
	if (remaining !== undefined) state.remaining = remaining;
	if (reset !== undefined) state.resetMs = resetToMs(reset, now);
	return state;
}
