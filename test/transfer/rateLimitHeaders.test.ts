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
		expect(readRateLimitHeaders(answer({}), now)).toStrictEqual({});
		expect(readRateLimitHeaders(answer({ 'ratelimit-remaining': 'soon', 'x-ratelimit-limit': '-1' }), now)).toStrictEqual({});
		expect(readRateLimitHeaders(answer({ 'ratelimit-remaining': '  ', 'ratelimit-reset': '' }), now)).toStrictEqual({});
	});

	it('reads the short names of the later draft, decimals of a reset, and X-Rate-Limit-* headers', () => {
		expect(readRateLimitHeaders(answer({ RateLimit: 'l=10, r=4, t=1.25' }), now)).toStrictEqual({ limit: 10, remaining: 4, resetMs: 1250 });
		expect(
			readRateLimitHeaders(answer({ 'X-Rate-Limit-Limit': '30', 'X-Rate-Limit-Remaining': ' 2 ', 'X-Rate-Limit-Reset': '3' }), now),
		).toStrictEqual({ limit: 30, remaining: 2, resetMs: 3000 });
	});

	it('takes a reset of exactly 10^12 as epoch ms and of exactly 10^9 as epoch seconds', () => {
		const earlier = 500_000_000_000;
		expect(readRateLimitHeaders(answer({ 'x-ratelimit-reset': '1000000000000' }), earlier).resetMs).toBe(500_000_000_000);
		expect(readRateLimitHeaders(answer({ 'x-ratelimit-reset': '1000000000' }), earlier).resetMs).toBe(500_000_000_000);
	});
});
