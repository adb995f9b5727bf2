import { sleep } from 'n8n-workflow';

import type { HttpResponse } from './httpResponse';
import type { RateLimitState } from './rateLimitHeaders';
import { readRateLimitHeaders } from './rateLimitHeaders';
import type { LimitKind } from './retry';
import { DEFAULT_MAX_TOTAL_WAIT_MS } from './retry';

/**
 * What sendWithRetry tells the run's traffic controller about each request. Requests are grouped by
 * scope: the service whose limit they count against (the API, or the storage host of an S3 form).
 */
export interface RequestObserver {
	/** Waits until the scope's pace allows the next request; returns when it was sent. */
	beforeSend(scope: string): Promise<number>;
	/**
	 * The outcome of a request sent at `sentAt`; `throttled`: the service asked us to slow down, and
	 * `limits` what its limit counts when it declared that for a refusal without a wait hint. Returns the
	 * wait before that request's next try when the controller decides it (0: as soon as the pool and the
	 * pace allow), undefined to leave it to the service's hint or fallback.
	 */
	afterResponse(
		scope: string,
		sentAt: number,
		response: HttpResponse | undefined,
		throttled: boolean,
		limits?: LimitKind,
	): number | undefined;
}

export interface AdaptiveConcurrencyOptions {
	/** Items in flight at the start. */
	initial?: number;
	/** Items in flight at most. */
	max?: number;
}

/**
 * A header window longer than a request's longest wait is a budget (a daily credit count), not a rate to
 * pace at; and no hold outlasts that wait: a request then goes and gets the service's own answer.
 */
const LONGEST_HEADER_WAIT_MS = DEFAULT_MAX_TOTAL_WAIT_MS;
/** Pace below what the service allows: request starts jitter on their way to its window. */
const HEADER_RATE_SHARE = 0.95;
/** After a refusal without any rate header: this share of what got through in the last second. */
const LEARNED_RATE_SHARE = 0.95;
/** What a refusal without rate headers measures: the requests accepted within this span before it. */
const OBSERVATION_MS = 1000;
/**
 * How much later than its send time a request may reach the service (the client's own delays): a refusal
 * reads the requests accepted within a window and this much before it, and holds this long past a window.
 */
const ARRIVAL_SLACK_MS = 50;
/** A learned pace steps back up by this factor per window without a refusal (up to its ceiling). */
const LEARNED_RATE_STEP = 1.05;
/**
 * Above its ceiling, while no second refusal has confirmed it, a learned pace probes on by the same factor
 * once per this many windows: the first reading may be low (others' requests in the same window).
 */
const PROBE_EVERY_WINDOWS = 2;
/** Above the level that drew a refusal, the pool probes again only after this many items per slot. */
const PROBE_AFTER_ITEMS_PER_SLOT = 40;
/** A request that waited this long for its pace means the pace, not the pool size, is the bottleneck. */
const PACED_WAIT_MS = 2;
/** A refusal with this many requests in flight or fewer is no concurrency limit the pool could get under. */
const LOW_IN_FLIGHT = 2;

/**
 * The pace of one scope: at most one request start per `intervalMs`. The interval comes from the
 * service's rate-limit headers (limit per window) or, when it sends none, from what got through before
 * it refused. `remaining=0` holds the scope until the window's reset.
 */
export class RequestPacer {
	intervalMs = 0;
	private nextSendAt = 0;
	private windowMs = 0;
	/**
	 * Without headers: the most requests the service was seen to accept in one window before a refusal
	 * (0: nothing learned), and whether a second refusal read the same (then the pace probes no higher).
	 */
	private learnedLimit = 0;
	private learnedLimitConfirmed = false;
	/** When the learned pace last stepped up (or was lowered): one step per window without a refusal. */
	private lastStepAt = -Infinity;
	/** When the answer to a window's first request came (remaining = limit - 1): the window ends by then + its length. */
	private windowFirstAnsweredAt = -Infinity;
	/**
	 * When the pace was last learned from a refusal, or the hold it set ends if later: refusals of requests
	 * sent before belong to the same burst (requests already given a slot before the hold included).
	 */
	private learnedAt = -Infinity;
	/** The fewest requests in flight at a refusal that a smaller pool was taken to explain (none yet: Infinity). */
	poolRefusedInFlight = Infinity;
	/** Send times of this scope's requests since a window and its arrival slack before the oldest under way, oldest first. */
	private readonly recentSends: number[] = [];
	/** Those of recentSends that were refused. */
	private readonly refusedSends = new Set<number>();
	/** True when the last request had to wait for the pace. */
	pacedRecently = false;
	/** Requests of this scope sent and not yet answered. */
	inFlight = 0;
	/** For each request under way, how many were in flight (itself included) when it was sent. */
	readonly inFlightAtSend = new Map<number, number>();

	/** The time the caller may send at (reserving that slot), never before now. */
	reserve(): number {
		const now = Date.now();
		const sendAt = Math.max(now, this.nextSendAt);
		this.nextSendAt = sendAt + this.intervalMs;
		this.pacedRecently = sendAt - now >= PACED_WAIT_MS;
		return sendAt;
	}

	/**
	 * A request of this scope went out at `sentAt` (its key): what a refusal without headers measures. A
	 * refusal reads the window before its own request, which may still be under way while later ones go:
	 * sends are kept from a window before the oldest request under way.
	 */
	sent(sentAt: number): void {
		this.recentSends.push(sentAt);
		const oldestUnderWay = this.inFlightAtSend.keys().next();
		const readFrom = oldestUnderWay.done ? sentAt : Math.min(sentAt, oldestUnderWay.value);
		const keepFrom = readFrom - OBSERVATION_MS - ARRIVAL_SLACK_MS;
		while (this.recentSends.length > 0 && this.recentSends[0] < keepFrom) {
			this.refusedSends.delete(this.recentSends.shift()!);
		}
	}

	/** The request sent at `sentAt` was refused: it does not count as accepted. */
	refused(sentAt: number): void {
		this.refusedSends.add(sentAt);
	}

	/** True once a refusal without headers has taught this scope a pace. */
	get paceLearned(): boolean {
		return this.learnedLimit > 0;
	}

	/** True once an answer's rate-limit headers have set the pace (refusals then teach no rate). */
	get pacedByHeaders(): boolean {
		return this.windowMs > 0;
	}

	/**
	 * Every answer: a rate-limit header sets the pace; nothing remaining holds the scope until the reset.
	 * A reset in whole seconds of at most one second is rounded up and may turn over any moment: when the
	 * pace already keeps within the limit per window, the hold ends when the window does at the latest
	 * (its first request's answer plus the window's length), not at the rounded-up reset.
	 */
	observeHeaders(state: RateLimitState): void {
		if (state.limit !== undefined && state.limit > 0 && state.resetMs !== undefined && state.resetMs <= LONGEST_HEADER_WAIT_MS) {
			// The window's length is at least the longest reset seen (resets count down within a window).
			this.windowMs = Math.max(this.windowMs, Math.ceil(state.resetMs / 1000) * 1000);
			this.intervalMs = this.windowMs / (state.limit * HEADER_RATE_SHARE);
			this.learnedLimit = 0;
			if (state.remaining === state.limit - 1) this.windowFirstAnsweredAt = Date.now();
		}
		if (state.remaining === 0 && state.resetMs !== undefined && state.resetMs > 0) {
			const now = Date.now();
			let holdUntil = now + Math.min(state.resetMs, LONGEST_HEADER_WAIT_MS);
			const wholeSecond = state.resetMs % 1000 === 0 && state.resetMs <= 1000;
			// The header pace (95% of the limit) keeps within the window, so its end is a safe end of the hold;
			// with no limit seen, windowFirstAnsweredAt is -Infinity and there is no end to shorten to.
			const windowEnd = this.windowFirstAnsweredAt + this.windowMs;
			if (wholeSecond && windowEnd > now - this.windowMs) holdUntil = Math.min(holdUntil, windowEnd);
			this.nextSendAt = Math.max(this.nextSendAt, holdUntil);
		}
	}

	/**
	 * A refusal in a scope whose answers carry no rate headers. What the service accepted in the window
	 * before the refused request (and the arrival slack: the window's first request may have been late) is
	 * a reading of its limit per window (low when others used part of it): pace at a share of that, never
	 * faster than now, and hold the scope until a window from the first of those requests has passed. The highest reading is the
	 * ceiling the pace steps back up to; the same reading twice confirms it. Once per burst: a refusal of a request sent before the last adjustment (or its hold's
	 * end) changes nothing. True when it did.
	 */
	learnFromRefusal(sentAt: number): boolean {
		this.refused(sentAt);
		this.lastStepAt = Math.max(this.lastStepAt, Date.now());
		if (this.windowMs > 0 || sentAt < this.learnedAt) return false;
		const from = sentAt - OBSERVATION_MS - ARRIVAL_SLACK_MS;
		const accepted = this.recentSends.filter((time) => time < sentAt && time >= from && !this.refusedSends.has(time));
		const reading = Math.max(1, accepted.length);
		const currentRate = this.intervalMs > 0 ? 1000 / this.intervalMs : Infinity;
		this.intervalMs = 1000 / Math.min((reading / (OBSERVATION_MS / 1000)) * LEARNED_RATE_SHARE, currentRate);
		if (reading === this.learnedLimit) this.learnedLimitConfirmed = true;
		if (reading > this.learnedLimit) {
			this.learnedLimit = reading;
			this.learnedLimitConfirmed = false;
		}
		const holdUntil = accepted.length > 0 ? accepted[0] + OBSERVATION_MS + ARRIVAL_SLACK_MS : Date.now();
		this.nextSendAt = Math.max(this.nextSendAt, holdUntil);
		this.learnedAt = Math.max(Date.now(), holdUntil);
		this.lastStepAt = this.learnedAt;
		return true;
	}

	/**
	 * An accepted answer: a learned pace below its ceiling (a share of the highest reading) steps back up
	 * once per window without a refusal; at or above an unconfirmed ceiling it probes on, more slowly.
	 */
	accepted(): void {
		if (this.learnedLimit <= 0) return;
		const ceilingMs = OBSERVATION_MS / (this.learnedLimit * LEARNED_RATE_SHARE);
		const below = this.intervalMs > ceilingMs + 1e-9;
		if (!below && this.learnedLimitConfirmed) return;
		const now = Date.now();
		if (now - this.lastStepAt < OBSERVATION_MS * (below ? 1 : PROBE_EVERY_WINDOWS)) return;
		this.lastStepAt = now;
		const stepped = this.intervalMs / LEARNED_RATE_STEP;
		this.intervalMs = below ? Math.max(ceilingMs, stepped) : stepped;
	}
}

/**
 * Automatic concurrency for one node run: how many items are in flight, and how fast requests start.
 * Additive increase while the services keep up (one more item per item completed until the first
 * refusal, then one more per round of `limit` items), halving on a throttle signal (only once for the
 * requests that were already under way), and a ceiling one below the level that drew the refusal,
 * probed again only after many items. Requests are paced per scope from the service's rate-limit
 * headers, so the pool slows before it is refused; a pace that is the bottleneck stops the ramp.
 */
export class AdaptiveConcurrency implements RequestObserver {
	limit: number;
	readonly max: number;
	/** Throttle signals received, for the run's own accounting. */
	throttles = 0;
	private ceiling: number;
	private slowStart = true;
	/**
	 * In slow start, when the pool last grew, and whether a request sent since then was accepted: the pool
	 * grows again only then, so it is at most one above what the service was seen to take when a refusal
	 * (which takes a round trip to come back) arrives.
	 */
	private grewAt = -Infinity;
	private growthAnswered = true;
	private completedSinceChange = 0;
	private lastDecreaseAt = -Infinity;
	private lastSendKey = -Infinity;
	/** Requests waiting for one of their scope's requests in flight to be answered. */
	private readonly waiting: Array<() => void> = [];
	private readonly pacers = new Map<string, RequestPacer>();

	constructor(options: AdaptiveConcurrencyOptions = {}) {
		this.max = Math.max(1, options.max ?? 32);
		this.limit = Math.min(this.max, Math.max(1, options.initial ?? 1));
		this.ceiling = this.max;
	}

	pacer(scope: string): RequestPacer {
		let pacer = this.pacers.get(scope);
		if (!pacer) {
			pacer = new RequestPacer();
			this.pacers.set(scope, pacer);
		}
		return pacer;
	}

	async beforeSend(scope: string): Promise<number> {
		const pacer = this.pacer(scope);
		// Items already under way retry after a pause all at once: their requests, too, stay within the limit.
		while (pacer.inFlight >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		const sendAt = pacer.reserve();
		const delay = sendAt - Date.now();
		if (delay > 0) await sleep(delay);
		// A unique key per request that orders like its send time: the clock, or just after the last key.
		const key = Math.max(Date.now(), this.lastSendKey + 1 / 1024);
		this.lastSendKey = key;
		pacer.sent(key);
		pacer.inFlight++;
		pacer.inFlightAtSend.set(key, pacer.inFlight);
		return key;
	}

	afterResponse(scope: string, sentAt: number, response: HttpResponse | undefined, throttled: boolean, limits?: LimitKind): number | undefined {
		const pacer = this.pacer(scope);
		const inFlightAtSend = pacer.inFlightAtSend.get(sentAt);
		if (pacer.inFlightAtSend.delete(sentAt)) pacer.inFlight--;
		for (const wake of this.waiting.splice(0)) wake();
		if (response) pacer.observeHeaders(readRateLimitHeaders(response, Date.now()));
		if (!throttled) {
			if (response && sentAt >= this.grewAt) this.growthAnswered = true;
			if (response) pacer.accepted();
			return undefined;
		}
		this.throttles++;
		pacer.refused(sentAt);
		if (limits === 'concurrency') return this.onConcurrencyLimit(sentAt, inFlightAtSend ?? this.limit);
		if (limits === 'rate' && !pacer.pacedByHeaders) return this.onRateLimit(pacer, sentAt);
		// Refusals of requests sent before the last decrease belong to the wave that drew it.
		if (sentAt < this.lastDecreaseAt) return undefined;
		if (!pacer.pacedByHeaders && !this.poolExplains(pacer, inFlightAtSend ?? this.limit)) pacer.learnFromRefusal(sentAt);
		this.onThrottle(sentAt, inFlightAtSend);
		return undefined;
	}

	/**
	 * A refusal the service declared a limit on calls in flight: the pool's ceiling is one below the calls
	 * that were in flight when the refused one was sent, and the pool drops to it (no halving, no rate: a
	 * smaller pool is what gets under such a limit). The refused request goes again as soon as the smaller
	 * pool has room; with no other call of ours in flight, someone else holds the limit: the service's wait.
	 */
	private onConcurrencyLimit(sentAt: number, inFlightAtSend: number): number | undefined {
		if (sentAt >= this.lastDecreaseAt) {
			this.ceiling = Math.max(1, Math.min(this.ceiling, inFlightAtSend - 1));
			this.limit = Math.min(this.limit, this.ceiling);
			this.slowStart = false;
			this.completedSinceChange = 0;
			this.lastDecreaseAt = Date.now();
		}
		return inFlightAtSend > 1 ? 0 : undefined;
	}

	/**
	 * A refusal the service declared a limit on requests per time, without rate headers: the scope's pacer
	 * learns the pace (once per burst) and holds until the window has room; the pool keeps its size (a
	 * smaller pool does not get under a rate) but stops its slow start. The refused request goes again at
	 * the pace's next slot.
	 */
	private onRateLimit(pacer: RequestPacer, sentAt: number): number {
		pacer.learnFromRefusal(sentAt);
		this.slowStart = false;
		this.completedSinceChange = 0;
		return 0;
	}

	/**
	 * Whether a smaller pool explains a refusal that came without rate headers: a concurrency limit is no
	 * rate limit, and halving the pool gets under it. So the first refusal only halves the pool; a rate is
	 * learned when refusals continue with fewer requests in flight than the pool was refused at (a
	 * concurrency limit refuses only above itself), or when so few were in flight that no pool is smaller.
	 */
	private poolExplains(pacer: RequestPacer, inFlightAtSend: number): boolean {
		if (inFlightAtSend <= LOW_IN_FLIGHT) return false;
		if (pacer.poolRefusedInFlight !== Infinity && inFlightAtSend < pacer.poolRefusedInFlight) return false;
		pacer.poolRefusedInFlight = Math.min(pacer.poolRefusedInFlight, inFlightAtSend);
		return true;
	}

	/**
	 * Halves the pool once per wave of refusals: requests sent before the last decrease say nothing new.
	 * The ceiling is one below the level that drew the refusal: the pool's size, or fewer when the refused
	 * request was sent with fewer of its service's requests in flight (a concurrency limit sits below that).
	 */
	onThrottle(sentAt: number, inFlightAtSend?: number): void {
		if (sentAt < this.lastDecreaseAt) return;
		this.ceiling = Math.max(1, Math.min(this.ceiling, this.limit, inFlightAtSend ?? this.limit) - 1);
		this.limit = Math.max(1, Math.min(this.ceiling, Math.floor(this.limit / 2)));
		this.slowStart = false;
		this.completedSinceChange = 0;
		this.lastDecreaseAt = Date.now();
	}

	/**
	 * An item finished: the services kept up. `itemsInFlight` (the finished one included): a pool that
	 * did not use its slots says nothing about more, so it grows only when full.
	 */
	onItemDone(itemsInFlight = this.limit): void {
		if (itemsInFlight < this.limit) return;
		if ([...this.pacers.values()].some((pacer) => pacer.pacedRecently)) return;
		// Without requests seen (a controller told only of items), growth follows the items alone.
		if (this.slowStart && !this.growthAnswered && this.lastSendKey > -Infinity) return;
		this.completedSinceChange++;
		// Slow start grows by half the pool per round (not double): the client's own pipeline (reading the
		// file, connecting) hides part of what the service counts, so a doubling overshoots by a lot.
		const roundDone = this.slowStart ? this.completedSinceChange >= 2 : this.completedSinceChange >= this.limit;
		if (!roundDone) return;
		const probe = this.completedSinceChange >= PROBE_AFTER_ITEMS_PER_SLOT * this.limit;
		if (this.limit < this.ceiling || probe) {
			this.limit = Math.min(this.max, this.limit + 1);
			if (this.limit > this.ceiling) this.ceiling = this.limit;
			this.completedSinceChange = 0;
			this.grewAt = Date.now();
			this.growthAnswered = false;
		}
	}
}
