import type { HttpResponse } from '../../nodes/transfer';
import { AdaptiveConcurrency, RequestPacer, SERVICE_SCOPE, ThrottleGate, sendWithRetry } from '../../nodes/transfer';

function answer(statusCode: number, headers: Record<string, string> = {}): HttpResponse {
	return { statusCode, headers, body: undefined };
}

/**
 * A clock the test moves by hand, so no assertion depends on real time: jest's fake Date (timers stay real,
 * so what the code awaits still runs). `clock.time += ms` moves it.
 */
function manualClock(start = 1_000_000) {
	jest.setSystemTime(start);
	return {
		get time() {
			return Date.now();
		},
		set time(value: number) {
			jest.setSystemTime(value);
		},
	};
}

beforeEach(() => {
	jest.useFakeTimers({
		doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
	});
});

afterEach(() => {
	jest.useRealTimers();
});

/** Sends `count` requests of the service scope through the controller (no pace yet: nothing sleeps); returns their keys. */
async function sendMany(controller: AdaptiveConcurrency, count: number): Promise<number[]> {
	const keys: number[] = [];
	for (let request = 0; request < count; request++) keys.push(await controller.beforeSend(SERVICE_SCOPE));
	return keys;
}

/** A pool of `initial`: 10 requests one after the other, each accepted `gapMs` later, then one more sent 30 ms ago. */
async function tenAcceptedThenOne(initial: number, gapMs: number) {
	const clock = manualClock();
	const controller = new AdaptiveConcurrency({ max: 32, initial });
	for (let request = 0; request < 10; request++) {
		const [key] = await sendMany(controller, 1);
		clock.time += gapMs;
		controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
	}
	const [refused] = await sendMany(controller, 1);
	clock.time += 30;
	return { clock, controller, refused };
}

/** A pool of 8 with 6 requests sent, 30 ms ago. */
async function sixInFlight() {
	const clock = manualClock();
	const controller = new AdaptiveConcurrency({ max: 32, initial: 8 });
	const keys = await sendMany(controller, 6);
	clock.time += 30;
	return { clock, controller, keys };
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

	it('in slow start grows again only once a request sent since the last growth was accepted (a refusal takes a round trip)', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32 });
		/** One request accepted 30 ms after it was sent, then two items done; returns the pool after them. */
		const acceptedThenTwoItems = async () => {
			const [key] = await sendMany(controller, 1);
			clock.time += 30;
			controller.afterResponse(SERVICE_SCOPE, key, answer(201), false);
			controller.onItemDone();
			controller.onItemDone();
			return controller.limit;
		};
		expect(await acceptedThenTwoItems()).toBe(2);
		// Items finish, but no request sent at 2 has been answered yet: the pool stays at 2.
		for (let item = 0; item < 6; item++) controller.onItemDone();
		expect(controller.limit).toBe(2);
		expect(await acceptedThenTwoItems()).toBe(3);
	});

	it('halves on a throttle signal, and only once for the requests already under way', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 16 });
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
		const controller = new AdaptiveConcurrency({ max: 32, initial: 6 });
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
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		controller.onThrottle(clock.time);
		let items = 0;
		while (controller.limit < 4 && items < 10_000) {
			controller.onItemDone();
			items++;
		}
		expect(controller.limit).toBe(4);
		// 2 items to climb from 2 to the ceiling 3, then 40 items per slot at 3 before it probes 4.
		expect(items).toBe(2 + 40 * 3);
		// The probe held: a later refusal puts the ceiling one below the probed level (3), not below the old one.
		clock.time += 10;
		controller.onThrottle(clock.time);
		expect(controller.limit).toBe(2);
		for (let item = 0; item < 10; item++) controller.onItemDone();
		expect(controller.limit).toBe(3);
	});

	it('does not grow while items finish with slots of the pool unused', () => {
		manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		for (let item = 0; item < 20; item++) controller.onItemDone(3);
		expect(controller.limit).toBe(4);
		controller.onItemDone(4);
		controller.onItemDone(4);
		expect(controller.limit).toBe(5);
	});

	it('does not ramp up while requests wait for the pace (the pace, not the pool, is the limit)', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32 });
		controller.afterResponse(SERVICE_SCOPE, clock.time, answer(200, { RateLimit: 'limit=10, remaining=9, reset=1' }), false);
		// The headers alone (no request has waited yet) do not stop the ramp.
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(2);
		const pacer = controller.pacer(SERVICE_SCOPE);
		pacer.reserve();
		pacer.reserve(); // 100 ms after the first: this one waits
		expect(pacer.pacedRecently).toBe(true);
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(2);
	});
});

describe('AdaptiveConcurrency: refusals without rate headers (concurrency limit or rate limit)', () => {
	it('first refusal with many requests in flight: halves the pool only, learns no rate', async () => {
		const { clock, controller, keys } = await sixInFlight();
		// The 6th request (6 in flight) is refused, as a limit of 5 concurrent calls would.
		controller.afterResponse(SERVICE_SCOPE, keys[5], answer(429), true);
		expect(controller.limit).toBe(4);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
		// Refusals at the same level later on (the pool probing it again) are still the pool's.
		for (const key of keys.slice(0, 5)) controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		clock.time += 30;
		await sendMany(controller, 4);
		controller.limit = 6;
		const probe = await sendMany(controller, 2);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, probe[1], answer(429), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
	});

	it('learns a rate when refusals continue with fewer requests in flight than the pool was refused at', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 8 });
		const first = await sendMany(controller, 6);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, first[5], answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
		for (const key of first.slice(0, 5)) controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		clock.time += 30;
		// At the smaller pool (3 in flight) the service still refuses: a rate limit.
		const second = await sendMany(controller, 3);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, second[2], answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBeGreaterThan(0);
	});

	it('learns a rate from the first refusal when so few requests were in flight that no pool is smaller', async () => {
		const { controller, refused } = await tenAcceptedThenOne(1, 50);
		controller.afterResponse(SERVICE_SCOPE, refused, answer(403), true);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBeGreaterThan(0);
	});

	it('lowers a learned rate once per burst: refusals of requests sent before the adjustment count no more', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		const keys = await sendMany(controller, 2);
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
		const pacer = new RequestPacer();
		pacer.observeHeaders({ limit: 20, remaining: 19, resetMs: 1000 });
		const starts = Array.from({ length: 21 }, () => pacer.reserve() - clock.time);
		// 95% of the announced rate: 19 starts in the first second, never more than 20.
		expect(starts.filter((start) => start < 1000)).toHaveLength(19);
		expect(starts[1]).toBeGreaterThan(50);
	});

	it('holds every request of the scope until the reset when the header says nothing remains', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		pacer.observeHeaders({ remaining: 0, resetMs: 700 });
		expect(pacer.reserve() - clock.time).toBe(700);
	});

	it('on remaining=0 with a whole-second reset, holds only until the window ends when the pace keeps within the limit', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		// The window's first request is answered; 900 ms later its 20th says nothing remains, reset=1 (rounded up).
		pacer.observeHeaders({ limit: 20, remaining: 19, resetMs: 1000 });
		clock.time += 900;
		pacer.observeHeaders({ limit: 20, remaining: 0, resetMs: 1000 });
		// The window ends within 100 ms: the hold ends then, not a full second later.
		expect(pacer.reserve() - clock.time).toBe(100);
	});

	it('still holds until the reset when nothing remains and the limit is unknown or the reset is longer', () => {
		const clock = manualClock();
		const unknownLimit = new RequestPacer();
		unknownLimit.observeHeaders({ remaining: 0, resetMs: 1000 });
		expect(unknownLimit.reserve() - clock.time).toBe(1000);
		const longReset = new RequestPacer();
		longReset.observeHeaders({ limit: 100, remaining: 0, resetMs: 5000 });
		expect(longReset.reserve() - clock.time).toBe(5000);
	});

	it('takes a header window longer than a request\'s longest wait (60 s) as a budget: no pace from it, a hold of 60 s at most', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		// A daily credit count (Zoho's X-RATELIMIT-* are unverified; a day's reset is what such a count would say).
		pacer.observeHeaders({ limit: 5000, remaining: 4999, resetMs: 86_400_000 });
		expect(pacer.intervalMs).toBe(0);
		expect(pacer.pacedByHeaders).toBe(false);
		pacer.observeHeaders({ limit: 5000, remaining: 0, resetMs: 86_400_000 });
		expect(pacer.reserve() - clock.time).toBe(60_000);
		// A minute's window is still paced.
		const minute = new RequestPacer();
		minute.observeHeaders({ limit: 60, remaining: 59, resetMs: 60_000 });
		expect(minute.intervalMs).toBeCloseTo(60_000 / (60 * 0.95), 5);
	});

	it('learns from refusals once per burst: those of requests sent before the last adjustment change nothing', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		const burst: number[] = [];
		for (let request = 0; request < 12; request++) {
			burst.push(sendPaced(pacer));
			clock.time += 50;
		}
		expect(pacer.learnFromRefusal(burst[10])).toBe(true);
		const learned = pacer.intervalMs;
		expect(pacer.learnFromRefusal(burst[11])).toBe(false);
		expect(pacer.learnFromRefusal(burst[9])).toBe(false);
		expect(pacer.intervalMs).toBe(learned);
	});

	it('without rate headers, learns the pace from a refusal: 95% of what the service accepted in the window before it', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		// 10 requests within 500 ms, then the 11th is refused.
		for (let request = 0; request < 10; request++) {
			sendPaced(pacer);
			clock.time += 50;
		}
		const refusedAt = sendPaced(pacer);
		expect(pacer.learnFromRefusal(refusedAt)).toBe(true);
		expect(1000 / pacer.intervalMs).toBeCloseTo(9.5, 5);
	});
});

/** A request of the pacer's scope: its slot, recorded as sent then (as the controller does). */
function sendPaced(pacer: RequestPacer): number {
	const sentAt = pacer.reserve();
	pacer.sent(sentAt);
	return sentAt;
}

describe('RequestPacer: a rate limit without headers (what the pace and the hold become after given refusals)', () => {
	/** `count` requests `gapMs` apart, each recorded as sent; returns their send times. */
	function sendEvery(clock: { time: number }, pacer: RequestPacer, count: number, gapMs: number): number[] {
		const times: number[] = [];
		for (let request = 0; request < count; request++) {
			times.push(sendPaced(pacer));
			clock.time += gapMs;
		}
		return times;
	}

	it('holds the scope until a window from the first accepted request has passed (and a margin), then paces', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		const accepted = sendEvery(clock, pacer, 10, 40);
		const refused = sendPaced(pacer);
		pacer.learnFromRefusal(refused);
		// The window opened with the first accepted request: nothing goes before it has passed (+50 ms).
		expect(pacer.reserve()).toBe(accepted[0] + 1000 + 50);
		expect(pacer.reserve() - (accepted[0] + 1050)).toBeCloseTo(1000 / 9.5, 5);
	});

	it('counts only accepted requests: refusals of an earlier burst in the window are not part of the limit', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		const first = sendEvery(clock, pacer, 4, 20);
		pacer.learnFromRefusal(first[3]);
		expect(1000 / pacer.intervalMs).toBeCloseTo(3 * 0.95, 5);
		clock.time = first[0] + 1100;
		const next = sendEvery(clock, pacer, 3, 400);
		pacer.refused(next[0]);
		expect(pacer.learnFromRefusal(next[2])).toBe(true);
		// In the window (and 50 ms) before next[2]: first[0..3] are older; next[0] was refused; only next[1] counts.
		expect(1000 / pacer.intervalMs).toBeCloseTo(0.95, 5);
	});

	it('reads a window\'s first request even when it was sent up to 50 ms more than a window before the refused one', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		// 10 requests 105 ms apart (the 10th 945 ms after the 1st); the 11th, 1050 ms after the 1st, is refused.
		const sent = sendEvery(clock, pacer, 11, 105);
		pacer.learnFromRefusal(sent[10]);
		expect(1000 / pacer.intervalMs).toBeCloseTo(9.5, 5);
	});

	/** 5 s later, `count` requests sent 20 ms apart (whatever the pace) and the next one refused; returns the pace. */
	function burst(clock: { time: number }, pacer: RequestPacer, count: number): number {
		clock.time += 5000;
		for (let request = 0; request < count; request++) {
			pacer.sent(clock.time);
			clock.time += 20;
		}
		pacer.sent(clock.time);
		pacer.learnFromRefusal(clock.time);
		return 1000 / pacer.intervalMs;
	}

	/** The pace after each of `windows` windows with accepted answers (two per window: one step at most). */
	function windowsAccepted(clock: { time: number }, pacer: RequestPacer, windows: number): number[] {
		const rates: number[] = [];
		for (let window = 0; window < windows; window++) {
			clock.time += 1000;
			pacer.accepted();
			pacer.accepted();
			rates.push(1000 / pacer.intervalMs);
		}
		return rates;
	}

	it('a lower reading lowers the pace; it steps back up by 5% per window to 95% of a confirmed limit, and stays there', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		expect(burst(clock, pacer, 10)).toBeCloseTo(9.5, 5);
		// The same reading again confirms the limit of 10 per window.
		expect(burst(clock, pacer, 10)).toBeCloseTo(9.5, 5);
		// Later only 5 got through in a window (others used the rest): 95% of 5 per second.
		expect(burst(clock, pacer, 5)).toBeCloseTo(4.75, 5);
		const rates = windowsAccepted(clock, pacer, 40);
		// The first window is the refusal's own (its hold): no step in it.
		expect(rates[0]).toBeCloseTo(4.75, 5);
		expect(rates[1]).toBeCloseTo(4.75 * 1.05, 5);
		expect(rates[2]).toBeCloseTo(4.75 * 1.05 ** 2, 5);
		expect(rates[20]).toBeCloseTo(9.5, 5);
		expect(Math.max(...rates)).toBeCloseTo(9.5, 5);
		expect(rates[39]).toBeCloseTo(9.5, 5);
	});

	it('an unconfirmed limit (one reading): the pace probes on above it, 5% per two windows, until a refusal reads the same', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		// The first window had others' requests in it: only 8 of ours got through.
		expect(burst(clock, pacer, 8)).toBeCloseTo(7.6, 5);
		const probing = windowsAccepted(clock, pacer, 6);
		expect(probing.map((rate) => Number(rate.toFixed(4)))).toEqual(
			[7.6, 7.6, 7.6 * 1.05, 7.6 * 1.05, 7.6 * 1.05 ** 2, 7.6 * 1.05 ** 2].map((rate) => Number(rate.toFixed(4))),
		);
		// Refused at 10 per window: a higher reading; the pace (below 95% of it) steps up towards it, then probes on.
		expect(burst(clock, pacer, 10)).toBeCloseTo(7.6 * 1.05 ** 2, 5);
		const towards = windowsAccepted(clock, pacer, 12);
		expect(Math.max(...towards)).toBeGreaterThan(9.5);
		// 10 again: confirmed. The pace drops to 95% of it and probes no higher.
		expect(burst(clock, pacer, 10)).toBeCloseTo(9.5, 5);
		expect(Math.max(...windowsAccepted(clock, pacer, 20))).toBeCloseTo(9.5, 5);
	});

	it('a lower reading does not confirm the ceiling: the pace climbs back to it and probes on above it', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		expect(burst(clock, pacer, 10)).toBeCloseTo(9.5, 5);
		expect(burst(clock, pacer, 5)).toBeCloseTo(4.75, 5);
		expect(Math.max(...windowsAccepted(clock, pacer, 40))).toBeGreaterThan(9.5 * 1.04);
	});

	it('another refusal of the burst already learned from changes no pace but puts the next step up a window after it', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		burst(clock, pacer, 10);
		const refusedAt = clock.time;
		expect(burst(clock, pacer, 5)).toBeCloseTo(4.75, 5);
		// The hold ends a window after the first of the 5 accepted requests (100 ms before the refusal) and 50 ms.
		const holdEnd = clock.time - 100 + 1050;
		expect(refusedAt).toBeLessThan(holdEnd);
		// Half a window after the hold, a request of the burst (sent before the refusal) is refused too.
		clock.time = holdEnd + 500;
		expect(pacer.learnFromRefusal(clock.time - 500 - 1050 + 100 - 20)).toBe(false);
		expect(1000 / pacer.intervalMs).toBeCloseTo(4.75, 5);
		// A window after the hold: no step yet (that refusal was half a window ago).
		clock.time = holdEnd + 1000;
		pacer.accepted();
		expect(1000 / pacer.intervalMs).toBeCloseTo(4.75, 5);
		// A window after that refusal: one step.
		clock.time = holdEnd + 1500;
		pacer.accepted();
		expect(1000 / pacer.intervalMs).toBeCloseTo(4.75 * 1.05, 5);
	});

	it('the first request after the hold is a new burst: its refusal is read (the same reading confirms the limit)', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		const first = sendEvery(clock, pacer, 10, 20);
		const refused = sendPaced(pacer);
		clock.time += 30;
		expect(pacer.learnFromRefusal(refused)).toBe(true);
		// The hold: a window after the first accepted request (and 50 ms). The next request goes exactly then.
		clock.time = first[0] + 1050;
		const next = sendPaced(pacer);
		expect(next).toBe(first[0] + 1050);
		clock.time += 30;
		// Refused: the 10 requests of the window before it read 10 again, which confirms the limit.
		expect(pacer.learnFromRefusal(next)).toBe(true);
		expect(Math.max(...windowsAccepted(clock, pacer, 20))).toBeCloseTo(9.5, 5);
	});

	it('reads the window before a refused request even when more were sent before its refusal came back', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 3 });
		// A long request (a large upload) stays under way from the start; it is no part of the window below.
		await sendMany(controller, 1);
		clock.time += 400;
		// 10 requests 105 ms apart, each accepted; the 11th, 1050 ms after the 1st, is refused, and another is sent before that refusal arrives.
		for (let request = 0; request < 10; request++) {
			const [key] = await sendMany(controller, 1);
			clock.time += 105;
			controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		}
		const [refused] = await sendMany(controller, 1);
		clock.time += 30;
		await sendMany(controller, 1);
		clock.time += 20;
		controller.afterResponse(SERVICE_SCOPE, refused, answer(403), true, 'rate');
		// The 10 accepted requests of the window, not fewer (the first pruned by the later send) nor more (the long one, the later one).
		expect(1000 / controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(9.5, 5);
	});

	it('a refusal of the first request (nothing accepted before it): no hold, then 0.95 requests per second', () => {
		const clock = manualClock();
		const pacer = new RequestPacer();
		const first = sendPaced(pacer);
		clock.time += 30;
		expect(pacer.learnFromRefusal(first)).toBe(true);
		expect(pacer.reserve()).toBe(clock.time);
		expect(pacer.reserve() - clock.time).toBeCloseTo(1000 / 0.95, 5);
	});

	it('learns nothing once the answers carry rate headers', () => {
		manualClock();
		const pacer = new RequestPacer();
		pacer.observeHeaders({ limit: 20, remaining: 19, resetMs: 1000 });
		const interval = pacer.intervalMs;
		expect(pacer.learnFromRefusal(sendPaced(pacer))).toBe(false);
		expect(pacer.intervalMs).toBe(interval);
		expect(pacer.paceLearned).toBe(false);
	});
});

describe('AdaptiveConcurrency: refusals the service declares (a limit on calls in flight, or on requests per time)', () => {
	it('a concurrency limit: the pool drops to one below the calls in flight (no halving, no pace) and retries at once', async () => {
		const { controller, keys } = await sixInFlight();
		expect(controller.afterResponse(SERVICE_SCOPE, keys[5], answer(429), true, 'concurrency')).toBe(0);
		expect(controller.limit).toBe(5);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(0);
		expect(controller.throttles).toBe(1);
	});

	it('a concurrency limit: refusals of the same wave change nothing more, and the pool stays at its ceiling', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 8 });
		const keys = await sendMany(controller, 8);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, keys[7], answer(429), true, 'concurrency');
		expect(controller.limit).toBe(7);
		// The 7th (sent with 7 in flight, before the decrease) is refused too: same wave.
		expect(controller.afterResponse(SERVICE_SCOPE, keys[6], answer(429), true, 'concurrency')).toBe(0);
		expect(controller.limit).toBe(7);
		const limits: number[] = [];
		for (let item = 0; item < 100; item++) {
			controller.onItemDone();
			limits.push(controller.limit);
		}
		expect(Math.max(...limits)).toBe(7);
		// A later refusal with 5 in flight (the limit is 4): the ceiling follows it down.
		clock.time += 30;
		for (const key of keys.slice(0, 6)) controller.afterResponse(SERVICE_SCOPE, key, answer(201), false);
		const later = await sendMany(controller, 5);
		controller.afterResponse(SERVICE_SCOPE, later[4], answer(429), true, 'concurrency');
		expect(controller.limit).toBe(4);
	});

	it('a concurrency limit refused with only one call of ours in flight: someone else holds it, the service\'s wait applies', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		const [key] = await sendMany(controller, 1);
		clock.time += 30;
		expect(controller.afterResponse(SERVICE_SCOPE, key, answer(429), true, 'concurrency')).toBeUndefined();
		expect(controller.limit).toBe(1);
	});

	it('a rate limit without headers: the pace is learned, the pool keeps its size, the refused request waits for the pace', async () => {
		const { controller, refused } = await tenAcceptedThenOne(3, 40);
		expect(controller.afterResponse(SERVICE_SCOPE, refused, answer(403), true, 'rate')).toBe(0);
		expect(controller.limit).toBe(3);
		expect(1000 / controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(9.5, 5);
		// No slow start after it: the pool grows one per round of 3 items, not one per 2.
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(3);
	});

	it('a rate limit the answers\' headers already pace: no pace is learned from the refusal', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		controller.afterResponse(SERVICE_SCOPE, clock.time, answer(200, { RateLimit: 'limit=20, remaining=19, reset=1' }), false);
		const interval = controller.pacer(SERVICE_SCOPE).intervalMs;
		const [key] = await sendMany(controller, 1);
		// A throttle like any other: the service's own wait (undefined: not the controller's), the pool drops.
		expect(controller.afterResponse(SERVICE_SCOPE, key, answer(429), true, 'rate')).toBeUndefined();
		expect(controller.limit).toBe(1);
		expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBe(interval);
		expect(controller.pacer(SERVICE_SCOPE).paceLearned).toBe(false);
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

	/** A gate that records its pauses. */
	class RecordingGate extends ThrottleGate {
		readonly pauses: number[] = [];

		override pause(waitMs: number): void {
			this.pauses.push(waitMs);
			super.pause(waitMs);
		}
	}

	it('a declared concurrency limit with calls of ours in flight: retried without pausing the run for the fallback wait', async () => {
		const gate = new RecordingGate();
		manualClock();
		const controller = new AdaptiveConcurrency({ initial: 4 });
		gate.observer = controller;
		// Two other requests of the run are under way.
		const others = [await controller.beforeSend(SERVICE_SCOPE), await controller.beforeSend(SERVICE_SCOPE)];
		const answers = [answer(429), answer(200)];
		const throttleDelayMs = (response: HttpResponse) =>
			response.statusCode === 429 ? { limits: 'concurrency' as const, fallbackWaitMs: 60_000 } : undefined;
		const sending = sendWithRetry(async () => answers.shift()!, { idempotent: false, gate, throttleDelayMs });
		await new Promise((resolve) => setImmediate(resolve));
		// Refused with 3 in flight: the pool is 2, both taken, so the retry waits for one of them.
		expect(controller.limit).toBe(2);
		expect(answers).toHaveLength(1);
		controller.afterResponse(SERVICE_SCOPE, others[0], answer(201), false);
		expect((await sending).statusCode).toBe(200);
		expect(answers).toHaveLength(0);
		expect(gate.pauses).toEqual([0]);
	});

	it('a declared rate limit: the controller paces the retry; without a controller the service\'s fallback wait pauses the run', async () => {
		const throttleDelayMs = (response: HttpResponse) =>
			response.statusCode === 403 ? { limits: 'rate' as const, fallbackWaitMs: 5 } : undefined;
		const paced = new RecordingGate();
		manualClock();
		const controller = new AdaptiveConcurrency({ initial: 2 });
		paced.observer = controller;
		const answers = [answer(403), answer(200)];
		await sendWithRetry(async () => answers.shift()!, { idempotent: false, gate: paced, throttleDelayMs });
		expect(paced.pauses).toEqual([0]);
		expect(controller.pacer(SERVICE_SCOPE).paceLearned).toBe(true);
		const alone = new RecordingGate();
		const again = [answer(403), answer(200)];
		await sendWithRetry(async () => again.shift()!, { idempotent: false, gate: alone, throttleDelayMs });
		expect(alone.pauses).toEqual([5]);
	});
});

describe('ThrottleGate.windowUsedUp (an answer says nothing remains until the reset)', () => {
	it('pauses every request without a run controller; with one, leaves the hold to the controller\'s pace', async () => {
		const alone = new ThrottleGate();
		alone.windowUsedUp(30);
		expect(await alone.wait()).toBeGreaterThan(0);
		const controlled = new ThrottleGate();
		controlled.observer = new AdaptiveConcurrency();
		controlled.windowUsedUp(30_000);
		expect(await controlled.wait()).toBe(0);
	});
});

describe('RequestPacer: which answers set a pace, and how long nothing remaining holds', () => {
	/** When the next `count` requests may start, relative to now. */
	function nextStarts(pacer: RequestPacer, count: number): number[] {
		const now = Date.now();
		return Array.from({ length: count }, () => pacer.reserve() - now);
	}

	it('sets no pace from an answer without a positive limit or without a reset', () => {
		manualClock();
		for (const state of [{ limit: 20, remaining: 19 }, { limit: 0, remaining: 5, resetMs: 1000 }, { remaining: 5, resetMs: 1000 }]) {
			const pacer = new RequestPacer();
			pacer.observeHeaders(state);
			expect(nextStarts(pacer, 3)).toEqual([0, 0, 0]);
			expect(pacer.pacedByHeaders).toBe(false);
		}
	});

	it('nothing remaining without a limit: every request holds until the reset, none is paced after it', () => {
		manualClock();
		const pacer = new RequestPacer();
		pacer.observeHeaders({ remaining: 0, resetMs: 700 });
		expect(nextStarts(pacer, 3)).toEqual([700, 700, 700]);
		expect(pacer.pacedByHeaders).toBe(false);
	});

	/**
	 * A window's first request answered now (limit 20, reset `windowResetMs`), then `laterMs` later an answer
	 * saying nothing remains with `resetMs`: the hold from then.
	 */
	function holdAfter(laterMs: number, resetMs: number, windowResetMs = 1000): number {
		const clock = manualClock();
		const pacer = new RequestPacer();
		pacer.observeHeaders({ limit: 20, remaining: 19, resetMs: windowResetMs });
		clock.time += laterMs;
		pacer.observeHeaders({ limit: 20, remaining: 0, resetMs });
		return pacer.reserve() - clock.time;
	}

	it('the window\'s end shortens only a whole-second reset of 1 s (rounded up): within the window, 100 ms', () => {
		expect(holdAfter(900, 1000)).toBe(100);
	});

	it('a reset to the millisecond (an epoch time in ms) is not rounded: it holds until then, though the window ends sooner', () => {
		expect(holdAfter(900, 700)).toBe(700);
	});

	it('a whole-second reset longer than 1 s holds until that reset', () => {
		// A 3 s window (reset=3 at its first answer); 1.5 s later nothing remains, reset=2.
		expect(holdAfter(1500, 2000, 3000)).toBe(2000);
	});

	it('a window whose first answer came two windows ago says nothing about the current one: the full reset holds', () => {
		expect(holdAfter(2000, 1000)).toBe(1000);
		expect(holdAfter(5000, 1000)).toBe(1000);
	});

	it('a pace from headers stays at the headers\' rate however many answers are accepted', () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32 });
		for (let window = 0; window < 4; window++) {
			controller.afterResponse(SERVICE_SCOPE, clock.time, answer(200, { RateLimit: 'limit=20, remaining=19, reset=1' }), false);
			expect(controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(1000 / 19, 9);
			clock.time += 1000;
		}
	});
});

describe('AdaptiveConcurrency: what each answer (or its absence) does to the pool and the pace', () => {
	it('a paced request is sent at its slot: beforeSend waits for it', async () => {
		jest.useFakeTimers({ now: 1_000_000 });
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		controller.afterResponse(SERVICE_SCOPE, Date.now(), answer(200, { RateLimit: 'limit=20, remaining=19, reset=1' }), false);
		const first = await controller.beforeSend(SERVICE_SCOPE);
		const second = controller.beforeSend(SERVICE_SCOPE);
		await jest.advanceTimersByTimeAsync(1000);
		// Its slot is 52.6 ms after the first (the fake timer fires on the whole millisecond before it).
		expect((await second) - first).toBeGreaterThanOrEqual(52);
		expect((await second) - first).toBeLessThan(54);
	});

	it('an answer told twice frees the request\'s slot once', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 1 });
		const [first] = await sendMany(controller, 1);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, first, answer(200), false);
		const [second] = await sendMany(controller, 1);
		controller.afterResponse(SERVICE_SCOPE, first, answer(200), false);
		let third: number | undefined;
		const sending = controller.beforeSend(SERVICE_SCOPE).then((key) => (third = key));
		await new Promise((resolve) => setImmediate(resolve));
		expect(third).toBeUndefined();
		controller.afterResponse(SERVICE_SCOPE, second, answer(200), false);
		await sending;
		expect(third).toBeDefined();
	});

	it('in slow start, neither a request sent before the growth nor one that got no answer lets the pool grow again', async () => {
		const clock = manualClock();
		const controller = new AdaptiveConcurrency({ max: 32 });
		const [before] = await sendMany(controller, 1);
		clock.time += 10;
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(2);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, before, answer(201), false);
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(2);
		// Sent since the growth, but failed without an answer (the connection dropped).
		const [failed] = await sendMany(controller, 1);
		clock.time += 30;
		expect(controller.afterResponse(SERVICE_SCOPE, failed, undefined, false)).toBeUndefined();
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(2);
		// Sent since the growth and accepted: the pool grows.
		const [accepted] = await sendMany(controller, 1);
		clock.time += 30;
		controller.afterResponse(SERVICE_SCOPE, accepted, answer(201), false);
		controller.onItemDone();
		controller.onItemDone();
		expect(controller.limit).toBe(3);
	});

	it('a learned pace steps up on an accepted answer, not on a request that failed without one', async () => {
		const { clock, controller, refused } = await tenAcceptedThenOne(3, 40);
		controller.afterResponse(SERVICE_SCOPE, refused, answer(403), true, 'rate');
		expect(1000 / controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(9.5, 5);
		// Two windows after the hold (a window after the first of the 10, 1.05 s after it was sent).
		clock.time = refused - 400 + 1050 + 2000;
		const [failed] = await sendMany(controller, 1);
		controller.afterResponse(SERVICE_SCOPE, failed, undefined, false);
		expect(1000 / controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(9.5, 5);
		clock.time += 200;
		const [accepted] = await sendMany(controller, 1);
		controller.afterResponse(SERVICE_SCOPE, accepted, answer(200), false);
		expect(1000 / controller.pacer(SERVICE_SCOPE).intervalMs).toBeCloseTo(9.5 * 1.05, 5);
	});

	it('refusals of the wave that halved the pool teach no rate, even one sent with only 2 in flight', async () => {
		const { controller, keys } = await sixInFlight();
		controller.afterResponse(SERVICE_SCOPE, keys[5], answer(429), true);
		// keys[1] was sent with 2 in flight, before the decrease.
		controller.afterResponse(SERVICE_SCOPE, keys[1], answer(429), true);
		expect({ limit: controller.limit, intervalMs: controller.pacer(SERVICE_SCOPE).intervalMs }).toEqual({ limit: 4, intervalMs: 0 });
	});

	it('a first refusal with 2 requests in flight learns a rate (no smaller pool explains it)', async () => {
		manualClock();
		const controller = new AdaptiveConcurrency({ max: 32, initial: 4 });
		const [, second] = await sendMany(controller, 2);
		controller.afterResponse(SERVICE_SCOPE, second, answer(429), true);
		expect({ learned: controller.pacer(SERVICE_SCOPE).paceLearned, limit: controller.limit }).toEqual({ learned: true, limit: 1 });
	});

	it('a request sent at the very moment of a decrease belongs to the next wave: its refusal lowers the pool again', async () => {
		const { clock, controller, keys } = await sixInFlight();
		controller.afterResponse(SERVICE_SCOPE, keys[5], answer(429), true);
		expect(controller.limit).toBe(4);
		for (const key of keys.slice(0, 5)) controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		const [next] = await sendMany(controller, 1);
		expect(next).toBe(clock.time);
		controller.afterResponse(SERVICE_SCOPE, next, answer(429), true);
		expect(controller.limit).toBe(1);
	});

	it('a declared concurrency limit: a request sent at the very moment of the decrease is of the next wave too', async () => {
		const { clock, controller, keys } = await sixInFlight();
		controller.afterResponse(SERVICE_SCOPE, keys[5], answer(429), true, 'concurrency');
		expect(controller.limit).toBe(5);
		for (const key of keys.slice(0, 5)) controller.afterResponse(SERVICE_SCOPE, key, answer(200), false);
		const [next, after] = await sendMany(controller, 2);
		expect(next).toBe(clock.time);
		// Refused with 2 in flight (it and the next): the ceiling drops to 1.
		controller.afterResponse(SERVICE_SCOPE, after, answer(429), true, 'concurrency');
		expect(controller.limit).toBe(1);
	});
});
