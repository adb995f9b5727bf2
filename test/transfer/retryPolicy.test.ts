import type { RequestObserver } from '../../nodes/transfer/adaptiveConcurrency';
import type { HttpResponse } from '../../nodes/transfer/httpResponse';
import type { RetryOptions } from '../../nodes/transfer/retry';
import {
	DEFAULT_MAX_ATTEMPTS,
	DEFAULT_MAX_TOTAL_WAIT_MS,
	retryAfterMs,
	sendWithRetry,
	SERVICE_SCOPE,
	ThrottleGate,
} from '../../nodes/transfer/retry';
import { createTransferRun } from '../../nodes/transfer/transferRun';

/**
 * The retry policy on its own, with a scripted `send` (no HTTP): which answers and failures are
 * repeated, how many times, and with which waits. The waits are kept at a few ms by the options, or
 * run on jest's fake clock ("the waits between attempts"), where the default backoff of seconds is
 * measured exactly without sleeping it.
 */
function answer(statusCode: number, headers: Record<string, string> = {}): HttpResponse {
	return { statusCode, headers, body: '' };
}

function networkFailure(code: string): Error {
	return Object.assign(new Error(`failed: ${code}`), { code });
}

/** A send that plays its script, one outcome per attempt (the last one repeats). */
function scripted(...outcomes: Array<HttpResponse | Error>) {
	const attempts: number[] = [];
	const send = async (attempt: number) => {
		attempts.push(attempt);
		const outcome = outcomes[Math.min(attempts.length - 1, outcomes.length - 1)];
		if (outcome instanceof Error) throw outcome;
		return outcome;
	};
	return { send, attempts };
}

const fast = { baseDelayMs: 1 };

describe('retryAfterMs', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');

	it('reads seconds, fractions and HTTP dates, never below 0', () => {
		expect(retryAfterMs(answer(429, { 'Retry-After': '3' }), now)).toBe(3000);
		expect(retryAfterMs(answer(429, { 'retry-after': '0.5' }), now)).toBe(500);
		expect(retryAfterMs(answer(429, { 'retry-after': '-2' }), now)).toBe(0);
		expect(retryAfterMs(answer(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
		expect(retryAfterMs(answer(429, { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
	});

	it('has no hint without the header, with an empty one or with one it cannot read', () => {
		expect(retryAfterMs(answer(429), now)).toBeUndefined();
		expect(retryAfterMs(answer(429, { 'retry-after': '  ' }), now)).toBeUndefined();
		expect(retryAfterMs(answer(429, { 'retry-after': 'later' }), now)).toBeUndefined();
	});
});

describe('ThrottleGate', () => {
	it('lets requests through at once when nothing paused it', async () => {
		expect(await new ThrottleGate().wait()).toBe(0);
	});

	it('holds requests until the longest pause asked for is over', async () => {
		const gate = new ThrottleGate();
		gate.pause(30);
		gate.pause(5);
		const waited = await gate.wait();
		expect(waited).toBeGreaterThan(5);
		expect(waited).toBeLessThanOrEqual(30);
		expect(await gate.wait()).toBe(0);
	});

	it('is one gate per node run', () => {
		const run = createTransferRun();
		expect(run.gate).toBeInstanceOf(ThrottleGate);
		expect(run.gate).not.toBe(createTransferRun().gate);
	});
});

describe('sendWithRetry', () => {
	it('has bounded defaults: 4 attempts, 60 s of waiting in all', () => {
		expect(DEFAULT_MAX_ATTEMPTS).toBe(4);
		expect(DEFAULT_MAX_TOTAL_WAIT_MS).toBe(60_000);
	});

	it('returns a success at once, and a refusal without repeating it', async () => {
		for (const status of [200, 201, 400, 401, 403, 404, 409, 422]) {
			const { send, attempts } = scripted(answer(status), answer(200));
			expect((await sendWithRetry(send, { idempotent: true, ...fast })).statusCode).toBe(status);
			expect(attempts).toEqual([1]);
		}
	});

	it('repeats 429 and 503 for any request: the server did not act', async () => {
		for (const status of [429, 503]) {
			const { send, attempts } = scripted(answer(status, { 'retry-after': '0' }), answer(201));
			expect((await sendWithRetry(send, { idempotent: false, ...fast })).statusCode).toBe(201);
			expect(attempts).toEqual([1, 2]);
		}
	});

	it('repeats 500, 502 and 504 only for idempotent requests: the server may have acted', async () => {
		for (const status of [500, 502, 504]) {
			const once = scripted(answer(status), answer(200));
			expect((await sendWithRetry(once.send, { idempotent: false, ...fast })).statusCode).toBe(status);
			expect(once.attempts).toEqual([1]);
			const again = scripted(answer(status), answer(200));
			expect((await sendWithRetry(again.send, { idempotent: true, ...fast })).statusCode).toBe(200);
			expect(again.attempts).toEqual([1, 2]);
		}
	});

	it('repeats a connection that never reached the server for any request, others only when idempotent', async () => {
		for (const code of ['ECONNREFUSED', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']) {
			const { send, attempts } = scripted(networkFailure(code), answer(201));
			expect((await sendWithRetry(send, { idempotent: false, ...fast })).statusCode).toBe(201);
			expect(attempts).toEqual([1, 2]);
		}
		const reset = scripted(networkFailure('ECONNRESET'), answer(201));
		await expect(sendWithRetry(reset.send, { idempotent: false, ...fast })).rejects.toThrow('failed: ECONNRESET');
		expect(reset.attempts).toEqual([1]);
		const idempotent = scripted(networkFailure('ECONNRESET'), answer(200));
		expect((await sendWithRetry(idempotent.send, { idempotent: true, ...fast })).statusCode).toBe(200);
		expect(idempotent.attempts).toEqual([1, 2]);
	});

	it('never repeats an error that is no network failure', async () => {
		const { send, attempts } = scripted(new Error('a bug'), answer(200));
		await expect(sendWithRetry(send, { idempotent: true, ...fast })).rejects.toThrow('a bug');
		expect(attempts).toEqual([1]);
	});

	it('stops after the attempts allowed and hands back the last answer or throws the last failure', async () => {
		const answers = scripted(answer(503, { 'retry-after': '0' }));
		expect((await sendWithRetry(answers.send, { idempotent: true, ...fast })).statusCode).toBe(503);
		expect(answers.attempts).toEqual([1, 2, 3, 4]);
		const failures = scripted(networkFailure('ECONNREFUSED'));
		await expect(sendWithRetry(failures.send, { idempotent: true, maxAttempts: 2, ...fast })).rejects.toThrow('ECONNREFUSED');
		expect(failures.attempts).toEqual([1, 2]);
	});

	it('does not wait longer in all than allowed: a hint beyond the budget ends the retries', async () => {
		const { send, attempts } = scripted(answer(429, { 'retry-after': '2' }), answer(200));
		expect((await sendWithRetry(send, { idempotent: true, maxTotalWaitMs: 1_999, ...fast })).statusCode).toBe(429);
		expect(attempts).toEqual([1]);
		const budget = scripted(answer(500), answer(500), answer(200));
		// Backoff 1 ms then 2 ms: 3 ms in all fits a budget of exactly 3 ms.
		expect((await sendWithRetry(budget.send, { idempotent: true, maxTotalWaitMs: 3, baseDelayMs: 1 })).statusCode).toBe(200);
		expect(budget.attempts).toEqual([1, 2, 3]);
		const over = scripted(answer(500), answer(500), answer(200));
		expect((await sendWithRetry(over.send, { idempotent: true, maxTotalWaitMs: 2, baseDelayMs: 1 })).statusCode).toBe(500);
		expect(over.attempts).toEqual([1, 2]);
	});

	it('doubles the backoff per attempt when the server gives no hint', async () => {
		// 5 + 10 ms fit 15 ms; a third wait of 20 ms would not.
		const { send, attempts } = scripted(answer(502));
		expect((await sendWithRetry(send, { idempotent: true, maxTotalWaitMs: 15, baseDelayMs: 5, maxAttempts: 10 })).statusCode).toBe(502);
		expect(attempts).toEqual([1, 2, 3]);
	});

	it('takes the service\'s own throttle signal as a throttle, even for a status it would not repeat', async () => {
		const { send, attempts } = scripted(answer(403, { 'x-throttle': 'yes' }), answer(201));
		const throttleDelayMs = (response: HttpResponse) => (response.headers['x-throttle'] ? 0 : undefined);
		expect((await sendWithRetry(send, { idempotent: false, throttleDelayMs, ...fast })).statusCode).toBe(201);
		expect(attempts).toEqual([1, 2]);
	});

	it('pauses the shared gate on a throttle, so every request of the execution waits', async () => {
		const gate = new ThrottleGate();
		const pauses: number[] = [];
		const pause = gate.pause.bind(gate);
		gate.pause = (waitMs: number) => {
			pauses.push(waitMs);
			pause(waitMs);
		};
		const { send, attempts } = scripted(answer(429, { 'retry-after': '0.02' }), answer(200));
		expect((await sendWithRetry(send, { idempotent: false, gate, ...fast })).statusCode).toBe(200);
		expect(attempts).toEqual([1, 2]);
		expect(pauses).toEqual([20]);
		// A failure that is no throttle waits on its own, without pausing the others.
		const failing = scripted(answer(500), answer(200));
		expect((await sendWithRetry(failing.send, { idempotent: true, gate, ...fast })).statusCode).toBe(200);
		expect(pauses).toEqual([20]);
	});
});

/**
 * The waits themselves, on jest's fake clock: each attempt records when it was sent (ms after the
 * start), and the clock runs every pending timer until the retries are over. The defaults (500 ms
 * doubled, 8 s at most per wait, 60 s in all) are checked as they are, without sleeping them.
 */
describe('the waits between attempts (fake clock)', () => {
	beforeEach(() => {
		jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
	});
	afterEach(() => {
		jest.useRealTimers();
	});

	async function timedRetry(options: RetryOptions, ...outcomes: Array<HttpResponse | Error>) {
		const start = Date.now();
		const sentAt: number[] = [];
		const { send, attempts } = scripted(...outcomes);
		const settled = sendWithRetry(async (attempt) => {
			sentAt.push(Date.now() - start);
			return await send(attempt);
		}, options).then(
			(response) => ({ response, error: undefined }),
			(error: unknown) => ({ response: undefined, error }),
		);
		await jest.runAllTimersAsync();
		return { ...(await settled), sentAt, attempts, elapsed: Date.now() - start };
	}

	it('waits 500 ms before the second attempt and doubles it, over 4 attempts, by default', async () => {
		const run = await timedRetry({ idempotent: true }, answer(502));
		expect(run.response?.statusCode).toBe(502);
		expect(run.attempts).toEqual([1, 2, 3, 4]);
		expect(run.sentAt).toEqual([0, 500, 1500, 3500]);
		// No wait after the last attempt.
		expect(run.elapsed).toBe(3500);
	});

	it('waits at most 8 s between two attempts', async () => {
		const run = await timedRetry({ idempotent: true, maxAttempts: 7 }, answer(500));
		expect(run.sentAt).toEqual([0, 500, 1500, 3500, 7500, 15_500, 23_500]);
	});

	it('stops when the next wait would take the waiting past 60 s in all, by default', async () => {
		const run = await timedRetry({ idempotent: true, maxAttempts: 50 }, networkFailure('ECONNRESET'));
		expect(run.error).toMatchObject({ code: 'ECONNRESET' });
		// 0.5 + 1 + 2 + 4 + 6 x 8 s = 55.5 s; another 8 s would make 63.5 s.
		expect(run.sentAt).toEqual([0, 500, 1500, 3500, 7500, 15_500, 23_500, 31_500, 39_500, 47_500, 55_500]);
	});

	it('takes a budget met exactly, not one exceeded by a millisecond', async () => {
		const exact = await timedRetry({ idempotent: true, baseDelayMs: 1000, maxTotalWaitMs: 3000 }, answer(503));
		expect(exact.sentAt).toEqual([0, 1000, 3000]);
		const short = await timedRetry({ idempotent: true, baseDelayMs: 1000, maxTotalWaitMs: 2999 }, answer(503));
		expect(short.sentAt).toEqual([0, 1000]);
	});

	it('waits what Retry-After says instead of the backoff, and counts it against the budget', async () => {
		const run = await timedRetry({ idempotent: false, maxTotalWaitMs: 10_000 }, answer(429, { 'retry-after': '4' }));
		// 4 s + 4 s fit 10 s, a third 4 s would not.
		expect(run.sentAt).toEqual([0, 4000, 8000]);
		expect(run.response?.statusCode).toBe(429);
		const idempotent = await timedRetry({ idempotent: true }, answer(502, { 'retry-after': '2' }), answer(200));
		expect(idempotent.sentAt).toEqual([0, 2000]);
		const now = await timedRetry({ idempotent: true }, answer(503, { 'retry-after': '0' }), answer(200));
		expect(now.sentAt).toEqual([0, 0]);
	});

	it('waits what the service\'s own throttle signal says', async () => {
		const throttleDelayMs = (response: HttpResponse) => (response.statusCode === 403 ? 1234 : undefined);
		const run = await timedRetry({ idempotent: false, throttleDelayMs }, answer(403), answer(201));
		expect(run.sentAt).toEqual([0, 1234]);
		expect(run.response?.statusCode).toBe(201);
	});

	it('waits for the shared gate on a throttle and counts the gate\'s wait against the budget', async () => {
		const gate = new ThrottleGate();
		const run = await timedRetry({ idempotent: false, gate, maxTotalWaitMs: 5000 }, answer(429, { 'retry-after': '2' }));
		// 2 s, then 2 s more (4 s in all); a third 2 s would make 6 s.
		expect(run.sentAt).toEqual([0, 2000, 4000]);
		// Another request of the same execution is held too while the gate is paused.
		gate.pause(3000);
		const other = await timedRetry({ idempotent: true, gate }, answer(200));
		expect(other.sentAt).toEqual([3000]);
	});

	it('sleeps a failure that is no throttle on its own, with the gate open for the others', async () => {
		const gate = new ThrottleGate();
		const run = await timedRetry({ idempotent: true, gate }, answer(500), answer(200));
		expect(run.sentAt).toEqual([0, 500]);
		expect(await gate.wait()).toBe(0);
	});

	it('holds requests at a gate for the longest pause asked for, exactly', async () => {
		const gate = new ThrottleGate();
		gate.pause(3000);
		gate.pause(1000);
		const waited = gate.wait();
		await jest.advanceTimersByTimeAsync(3000);
		expect(await waited).toBe(3000);
		jest.advanceTimersByTime(1);
		expect(await gate.wait()).toBe(0);
	});

	it('reads a Retry-After date against the current time by default', () => {
		expect(retryAfterMs(answer(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:09 GMT' }))).toBe(9000);
	});

	it('tells the run\'s observer about every attempt: its scope, when it was sent, the answer and whether it was a throttle', async () => {
		const calls: unknown[][] = [];
		let sent = 100;
		const observer: RequestObserver = {
			beforeSend: async (scope) => {
				calls.push(['beforeSend', scope]);
				return ++sent;
			},
			afterResponse: (scope, sentAt, response, throttled) => {
				calls.push(['afterResponse', scope, sentAt, response?.statusCode, throttled]);
				// No wait of its own for a throttle: the hint or the backoff applies.
				return undefined;
			},
		};
		const gate = new ThrottleGate();
		gate.observer = observer;
		await timedRetry({ idempotent: true, gate }, answer(429), answer(500), networkFailure('ECONNRESET'), answer(201));
		expect(calls).toEqual([
			['beforeSend', SERVICE_SCOPE],
			['afterResponse', SERVICE_SCOPE, 101, 429, true],
			['beforeSend', SERVICE_SCOPE],
			['afterResponse', SERVICE_SCOPE, 102, 500, false],
			['beforeSend', SERVICE_SCOPE],
			['afterResponse', SERVICE_SCOPE, 103, undefined, false],
			['beforeSend', SERVICE_SCOPE],
			['afterResponse', SERVICE_SCOPE, 104, 201, false],
		]);
		calls.length = 0;
		// A service's own throttle signal is a throttle too.
		const throttleDelayMs = (response: HttpResponse) => (response.statusCode === 403 ? 0 : undefined);
		await timedRetry({ idempotent: false, gate, throttleDelayMs }, answer(403), answer(201));
		expect(calls.filter((call) => call[0] === 'afterResponse').map((call) => call[4])).toEqual([true, false]);
		calls.length = 0;
		sent = 104;
		await timedRetry({ idempotent: false, gate, scope: 'storage.example' }, answer(201));
		expect(calls).toEqual([
			['beforeSend', 'storage.example'],
			['afterResponse', 'storage.example', 105, 201, false],
		]);
		expect(SERVICE_SCOPE).toBe('service');
	});
});
