import { THROTTLE_WAIT_MS, throttleDelayMs } from '../../../nodes/OnePageCrm/transport';

function answer(status: number, headers: Record<string, string>, body: unknown) {
	return { statusCode: status, headers, body };
}

describe('OnePageCRM throttle signal (spec components.responses.403: plain-text 403)', () => {
	it('takes a plain-text 403 as the request-rate throttle, with the default wait when nothing paces the run', () => {
		const rateLimit = { limits: 'rate', fallbackWaitMs: THROTTLE_WAIT_MS };
		expect(throttleDelayMs(answer(403, { 'content-type': 'text/plain' }, 'Rate limit exceeded'))).toEqual(rateLimit);
		expect(throttleDelayMs(answer(403, {}, ''))).toEqual(rateLimit);
	});

	it('honours Retry-After, then a RateLimit / X-RateLimit reset, when the answer carries one', () => {
		expect(throttleDelayMs(answer(403, { 'content-type': 'text/plain', 'retry-after': '7' }, 'slow down'))).toBe(7000);
		expect(throttleDelayMs(answer(403, { 'content-type': 'text/plain', 'x-ratelimit-reset': '3' }, 'slow down'))).toBe(3000);
		expect(throttleDelayMs(answer(403, { 'content-type': 'text/plain', ratelimit: 'limit=60, remaining=0, reset=4' }, 'x'))).toBe(4000);
	});

	it('checks the content type before the body: a JSON or HTML 403 is a refusal', () => {
		expect(throttleDelayMs(answer(403, { 'content-type': 'application/json' }, 'not parsable'))).toBeUndefined();
		expect(throttleDelayMs(answer(403, { 'content-type': 'text/html' }, 'Forbidden'))).toBeUndefined();
		expect(throttleDelayMs(answer(403, {}, { status: 403, error_name: 'forbidden' }))).toBeUndefined();
		expect(throttleDelayMs(answer(200, { 'content-type': 'text/plain' }, 'ok'))).toBeUndefined();
	});
});
