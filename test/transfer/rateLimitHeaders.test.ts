import type { HttpResponse } from '../../nodes/transfer';
import { readRateLimitHeaders } from '../../nodes/transfer';

function answer(headers: Record<string, string>): HttpResponse {
	return { statusCode: 200, headers, body: '' };
}

describe('readRateLimitHeaders', () => {
	const now = 1_700_000_000_000;

	it('reads the combined RateLimit header with named values', () => {
		expect(readRateLimitHeaders(answer({ RateLimit: 'limit=20, remaining=3, reset=1.5' }), now)).toEqual({
			limit: 20,
			remaining: 3,
			resetMs: 1500,
		});
	});

	it('reads the later draft form ("policy";r=;t=)', () => {
		expect(readRateLimitHeaders(answer({ ratelimit: '"default";r=0;t=7' }), now)).toEqual({ remaining: 0, resetMs: 7000 });
	});

	it('reads RateLimit-* and X-RateLimit-* headers, the combined header first', () => {
		expect(
			readRateLimitHeaders(answer({ 'ratelimit-limit': '100', 'ratelimit-remaining': '9', 'ratelimit-reset': '4' }), now),
		).toEqual({ limit: 100, remaining: 9, resetMs: 4000 });
		expect(
			readRateLimitHeaders(answer({ 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '2' }), now),
		).toEqual({ limit: 50, remaining: 0, resetMs: 2000 });
		expect(readRateLimitHeaders(answer({ RateLimit: 'reset=1', 'RateLimit-Reset': '9' }), now).resetMs).toBe(1000);
	});

	it('takes a reset that can only be a point in time as one (epoch seconds or ms)', () => {
		expect(readRateLimitHeaders(answer({ 'x-ratelimit-reset': String(now / 1000 + 30) }), now).resetMs).toBe(30_000);
		expect(readRateLimitHeaders(answer({ 'x-ratelimit-reset': String(now + 2500) }), now).resetMs).toBe(2500);
		expect(readRateLimitHeaders(answer({ 'x-ratelimit-reset': String(now - 5000) }), now).resetMs).toBe(0);
	});

	it('gives nothing for missing or unreadable values', () => {
		expect(readRateLimitHeaders(answer({}), now)).toEqual({});
		expect(readRateLimitHeaders(answer({ 'ratelimit-remaining': 'soon', 'x-ratelimit-limit': '-1' }), now)).toEqual({});
	});
});
