import type { HttpResponse } from '../../nodes/transfer';
import { AdaptiveConcurrency, RequestPacer, SERVICE_SCOPE, ThrottleGate, sendWithRetry } from '../../nodes/transfer';

function answer(statusCode: number, headers: Record<string, string> = {}): HttpResponse {
	return { statusCode, headers, body: undefined };
}

/** A clock the test moves by hand, so no assertion depends on real time. */
function manualClock(start = 1_000_000) {
	const clock = { time: start, now: () => clock.time };
	return clock;
}

describe('AdaptiveConcurrency', () => {
	it('ramps up by one item per two finished items while nothing is refused, up to its maximum', () => {
		const controller = new AdaptiveConcurrency({ max: 8 });
		expect(controller.limit).toBe(1);
		const seen = [];
		for (let item = 0; item < 40; item++) {
			controller.onItemDone();
			seen.push(controller.limit);
		}
		expect(seen.slice(0, 8)).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
		expect(controller.limit).toBe(8);
	});

	it('halves on a throttle signal, and only once for the requests already under way', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 16, now: clock.now });
		const sentBefore = clock.time;
		clock.time += 10;
		controller.onThrottle(sentBefore, 16);
		expect(controller.limit).toBe(8);
		// More refusals of requests sent before the decrease: the same wave, no further halving.
		controller.afterResponse(SERVICE_SCOPE, sentBefore, answer(429), true);
		controller.afterResponse(SERVICE_SCOPE, sentBefore + 5, answer(429), true);
		expect(controller.limit).toBe(8);
		// A refusal of a request sent after it halves again.
		clock.time += 10;
		controller.afterResponse(SERVICE_SCOPE, clock.time, answer(429), true);
		expect(controller.limit).toBe(4);
		expect(controller.throttles).toBe(3);
	});

	it('after a refusal climbs back one item per round, to one below the level that was refused, and stays there', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 6, now: clock.now });
		controller.onThrottle(clock.time);
		expect(controller.limit).toBe(3);
		const limits: number[] = [];
		for (let item = 0; item < 60; item++) {
			controller.onItemDone();
			limits.push(controller.limit);
		}
		// 3 items at 3, then 4 at 4, then the ceiling 5 (6 drew the refusal) holds.
		expect(limits.slice(0, 9)).toEqual([3, 3, 4, 4, 4, 4, 5, 5, 5]);
		expect(Math.max(...limits)).toBe(5);
	});

	it('probes above the ceiling again only after many items', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4, now: clock.now });
		controller.onThrottle(clock.time);
		let items = 0;
		while (controller.limit < 4 && items < 10_000) {
			controller.onItemDone();
			items++;
		}
		expect(controller.limit).toBe(4);
		expect(items).toBeGreaterThan(100);
	});

	it('does not ramp up while requests wait for the pace (the pace, not the pool, is the limit)', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, now: clock.now });
		controller.afterResponse(SERVICE_SCOPE, clock.time, answer(200, { RateLimit: 'limit=10, remaining=9, reset=1' }), false);
		const pacer = controller.pacer(SERVICE_SCOPE);
		pacer.reserve();
		pacer.reserve(); // 100 ms after the first: this one waits
		expect(pacer.pacedRecently).toBe(true);
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(1);
	});
});

describe('AdaptiveConcurrency: refusals without rate headers (concurrency limit or rate limit)', () => {
	/** Sends `count` requests of the scope (no pace yet: nothing sleeps); returns their keys. */
	async function send(controller: AdaptiveConcurrency, count: number): Promise<number[]> {
		const keys: number[] = [];
		for (let request = 0; request < count; request++) keys.push(await controller.beforeSend(SERVICE_SCOPE));
		return keys;
	}

	it('first refusal with many requests in flight: halves the pool only, learns no rate', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 8, now: clock.now });
		const keys = await send(controller, 6);
		clock.time += 30;
		// The 6th request (6 in flight) is refused, as a limit of 5 concurrent calls would.
		controller.afterResponse(SERVICE_SCOPE, keys[5], answer(429), true);
		expect(controller.limit).toBe(4);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
		// Refusals at the same level later on (the pool probing it again) are still the pool's.
		for (const key of keys.slice(0, 5)) controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		clock.time += 30;
		await send(controller, 4);
		controller.limit = 6;
		const probe = await send(controller, 2);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, probe[1], answer(429), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
	});

	it('learns a rate when refusals continue with fewer requests in flight than the pool was refused at', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 8, now: clock.now });
		const first = await send(controller, 6);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, first[5], answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
		for (const key of first.slice(0, 5)) controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		clock.time += 30;
		// At the smaller pool (3 in flight) the service still refuses: a rate limit.
		const second = await send(controller, 3);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, second[2], answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBeGreaterThan(0);
	});

	it('learns a rate from the first refusal when so few requests were in flight that no pool is smaller', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 1, now: clock.now });
		for (let request = 0; request < 10; request++) {
			const [key] = await send(controller, 1);
			clock.time += 50;
			controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		}
		const [refused] = await send(controller, 1);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, refused, answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBeGreaterThan(0);
	});

	it('lowers a learned rate once per burst: refusals of requests sent before the adjustment count no more', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4, now: clock.now });
		const keys = await send(controller, 2);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, keys[0], answer(403), true);
		const learned = controller.pacer(SERVICE_SCOPE).intervalMs;
		expect(learned).toBeGreaterThan(0);
		controller.afterResponse(SERVICE_SCOPE, keys[1], answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(learned);
	});
});

describe('RequestPacer', () => {
	it('paces request starts below the rate the RateLimit header announces', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(clock.now);
		pacer.observeHeaders({ limit: 20, remaining: 19, resetMs: 1000 });
		const starts = Array.from({ length: 21 }, () => pacer.reserve() - clock.time);
		// 95% of the announced rate: 19 starts in the first second, never more than 20.
		expect(starts.filter((start) => start < 1000)).toHaveLength(19);
		expect(starts[1]).toBeGreaterThan(50);
	});

	it('holds every request of the scope until the reset when the header says nothing remains', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(clock.now);
		pacer.observeHeaders({ remaining: 0, resetMs: 700 });
		expect(pacer.reserve() - clock.time).toBe(700);
	});

	it('on remaining=0 with a whole-second reset, holds only until the window ends when the pace keeps within the limit', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(clock.now);
		// The window's first request is answered; 900 ms later its 20th says nothing remains, reset=1 (rounded up).
		pacer.observeHeaders({ limit: 20, remaining: 19, resetMs: 1000 });
		clock.time += 900;
		pacer.observeHeaders({ limit: 20, remaining: 0, resetMs: 1000 });
		// The window ends within 100 ms: the hold ends then, not a full second later.
		expect(pacer.reserve() - clock.time).toBe(100);
	});

	it('still holds until the reset when nothing remains and the limit is unknown or the reset is longer', () => {
		const clock = manualClock();
		const unknownLimit = new RequestPacer(clock.now);
		unknownLimit.observeHeaders({ remaining: 0, resetMs: 1000 });
		expect(unknownLimit.reserve() - clock.time).toBe(1000);
		const longReset = new RequestPacer(clock.now);
		longReset.observeHeaders({ limit: 100, remaining: 0, resetMs: 5000 });
		expect(longReset.reserve() - clock.time).toBe(5000);
	});

	it('learns from refusals once per burst: those of requests sent before the last adjustment change nothing', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(clock.now);
		const burst: number[] = [];
		for (let request = 0; request < 12; request++) {
			burst.push(pacer.reserve());
			clock.time += 50;
		}
		expect(pacer.learnFromRefusal(burst[10])).toBe(true);
		const learned = pacer.intervalMs;
		expect(pacer.learnFromRefusal(burst[11])).toBe(false);
		expect(pacer.learnFromRefusal(burst[9])).toBe(false);
		expect(pacer.intervalMs).toBe(learned);
	});

	it('without rate headers, learns the pace from a refusal: below what got through in the second before it', () => {
		const clock = manualClock();
		const pacer = new RequestPacer(clock.now);
		// 10 requests within 500 ms, then the 11th is refused.
		for (let request = 0; request < 10; request++) {
			pacer.reserve();
			clock.time += 50;
		}
		const refusedAt = pacer.reserve();
		pacer.learnFromRefusal(refusedAt);
		expect(1000 / pacer.intervalMs).toBeCloseTo(9, 5);
		// A further refusal at that pace slows it again.
		const next = pacer.reserve();
		pacer.learnFromRefusal(next);
		expect(1000 / pacer.intervalMs).toBeLessThan(9);
	});
});

describe('sendWithRetry with a run controller on the gate', () => {
	it('tells the controller about every answer in its scope: a throttle halves the pool and the headers pace the scope', async () => {
		const gate = new ThrottleGate();
		const controller = new AdaptiveConcurrency({ initial: 8 });
		gate.observer = controller;
		const answers = [answer(429, { 'retry-after': '0' }), answer(200, { RateLimit: 'limit=50, remaining=49, reset=1' })];
		const response = await sendWithRetry(async () => answers.shift()!, { idempotent: false, gate, baseDelayMs: 1 });
		expect(response.statusCode).toBe(200);
		// Halved, and no higher than the requests that were in flight when the refused one was sent (1).
		expect(controller.limit).toBe(1);
		expect(controller.throttles).toBe(1);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(1000 / (50 * 0.95), 5);
		// A storage host is its own scope: the API's pace does not slow it.
		expect(controller.pacer('storage s3.example').intervalMs).toBe(0);
	});
});
