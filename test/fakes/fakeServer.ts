import type { IncomingMessage, Server, ServerResponse } from 'http';
import { createServer } from 'http';
import type { AddressInfo, Socket } from 'net';

/** What a fake service received: tests assert on this, not only on the node's output. */
export interface RecordedRequest {
	method: string;
	/** The path decoded; `rawPath` as it came on the wire (what a signature covers). */
	path: string;
	rawPath: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	json?: unknown;
	/** The answer the fake gave (after faults). */
	status?: number;
}

export interface FakeRequest extends RecordedRequest {
	params: Record<string, string>;
}

export interface FakeResponse {
	status: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string or Buffer as is. */
	body?: unknown;
}

export type RouteHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** A scripted failure for the next matching requests: an HTTP answer, a reset, or silence. */
export interface Fault {
	method?: string;
	path?: RegExp;
	/** How many matching requests it hits (default 1). */
	times?: number;
	status?: number;
	headers?: Record<string, string>;
	body?: unknown;
	/** Close the connection without an answer (after reading the request). */
	reset?: boolean;
	/** Never answer: the client must time out. */
	hang?: boolean;
	/**
	 * With `reset` or `hang`: the route handles the request first (the service acts on it), then the
	 * answer is lost. The ambiguous failure a client cannot tell from one that never arrived.
	 */
	afterHandling?: boolean;
	/**
	 * A rate limit's window: once this fault has answered, every request (any path) within this many
	 * ms gets the same answer, as an API that counts per account keeps refusing until its window ends.
	 */
	windowMs?: number;
	/** Called when this fault has answered a request (not for the window's repeats). */
	onAnswered?: () => void;
}

/** Holds the next matching request until `until` settles, then answers it as usual. */
export interface Hold {
	method?: string;
	path?: RegExp;
	until: Promise<unknown>;
}

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: RouteHandler;
}

function compilePath(path: string): { pattern: RegExp; names: string[] } {
	const names: string[] = [];
	const source = path
		.split('/')
		.map((segment) => {
			if (segment.startsWith(':')) {
				names.push(segment.slice(1));
				return '([^/]+)';
			}
			return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	return { pattern: new RegExp(`^${source}/?$`), names };
}

/**
 * A fake service as a real HTTP server on 127.0.0.1: routes, a log of every request, and fault
 * injection. CRM fakes extend it with the contract of their API.
 *
 * Sources: this class is vendor-neutral test machinery and models no vendor. Every route, answer
 * shape, refusal, unknown-route answer (`noRoute`) and rate limit (`limiter`) a vendor has is set by
 * that CRM's fake (test/fakes/<crm>.ts), which cites its source there (spec, server source, SDK, doc
 * page) or marks it unverified; see docs/vendor-contracts.md. The default `noRoute` answer is our own.
 */
export class FakeServer {
	readonly requests: RecordedRequest[] = [];
	private readonly routes: Route[] = [];
	private faults: Array<Fault & { left: number }> = [];
	private holds: Hold[] = [];
	/** The rate-limit answer in force and when its window ends (see Fault.windowMs). */
	private window?: { fault: Fault; endsAt: number };
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	baseUrl = '';
	/** Added latency: every request waits this long (after its body arrived) before it is answered. */
	latencyMs = 0;
	/** Requests between arrival and answer right now, and the most there ever were (the client's pool size). */
	inFlight = 0;
	maxInFlight = 0;
	/**
	 * An opt-in limit the service enforces (a CRM fake sets it with its vendor's own refusal, cited there):
	 * decides when a request arrives, with the requests in flight counting it, whether it is refused.
	 */
	limiter?: (request: RecordedRequest, inFlight: number) => FakeResponse | undefined;
	/**
	 * The answer to a method and path the fake has no route for. A CRM fake replaces it with its
	 * vendor's own answer to an unknown route (cited there), so an undocumented call fails as it would live.
	 */
	noRoute: (request: RecordedRequest) => FakeResponse = (request) => ({
		status: 404,
		body: { message: `no route ${request.method} ${request.rawPath} in fake ${this.name}` },
	});

	constructor(readonly name: string) {}

	route(method: string, path: string, handler: RouteHandler): this {
		const { pattern, names } = compilePath(path);
		this.routes.push({ method: method.toUpperCase(), pattern, names, handler });
		return this;
	}

	injectFault(fault: Fault): void {
		this.faults.push({ ...fault, left: fault.times ?? 1 });
	}

	clearFaults(): void {
		this.faults = [];
		this.holds = [];
		this.window = undefined;
	}

	hold(hold: Hold): void {
		this.holds.push(hold);
	}

	/**
	 * A rate limit (`limit`, with its window) on the next matching request, and the next request
	 * matching `held` answered only once that refusal went out: the held client then has what it
	 * needs to go on at once, and only a pause shared by its whole pool keeps it out of the window.
	 */
	limitRateWhileHolding(limit: Fault & { windowMs: number }, held: Omit<Hold, 'until'>): void {
		let refused!: () => void;
		const until = new Promise<void>((resolve) => (refused = resolve));
		this.injectFault({ ...limit, onAnswered: refused });
		this.hold({ ...held, until });
	}

	requestsTo(method: string, path: RegExp): RecordedRequest[] {
		return this.requests.filter((request) => request.method === method && path.test(request.path));
	}

	/** Listens on 127.0.0.1:`port` (default: a free port); rejects when the port is taken. */
	async start(port = 0): Promise<string> {
		this.server = createServer((request, response) => {
			void this.handle(request, response);
		});
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		const server = this.server;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	private takeHold(method: string, path: string): Hold | undefined {
		const index = this.holds.findIndex(
			(candidate) => (!candidate.method || candidate.method === method) && (!candidate.path || candidate.path.test(path)),
		);
		return index >= 0 ? this.holds.splice(index, 1)[0] : undefined;
	}

	private takeFault(method: string, path: string): Fault | undefined {
		if (this.window && Date.now() < this.window.endsAt) return this.window.fault;
		const fault = this.faults.find(
			(candidate) =>
				candidate.left > 0 &&
				(!candidate.method || candidate.method === method) &&
				(!candidate.path || candidate.path.test(path)),
		);
		if (fault) fault.left--;
		if (fault?.windowMs) this.window = { fault, endsAt: Date.now() + fault.windowMs };
		return fault;
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', this.baseUrl);
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks);
		const recorded: RecordedRequest = {
			method: request.method ?? 'GET',
			path: decodeURI(url.pathname),
			rawPath: url.pathname,
			query: Object.fromEntries(url.searchParams.entries()),
			headers: request.headers,
			body,
		};
		if (/json/.test(String(request.headers['content-type'] ?? '')) && body.length) {
			try {
				recorded.json = JSON.parse(body.toString('utf8'));
			} catch {
				recorded.json = undefined;
			}
		}
		this.requests.push(recorded);
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		response.once('close', () => this.inFlight--);
		const limited = this.limiter?.(recorded, this.inFlight);
		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

		// Whether a fault or a rate-limit window applies is decided when the request arrives, even if it is held.
		const inWindow = this.window !== undefined && Date.now() < this.window.endsAt;
		const fault = this.takeFault(recorded.method, url.pathname);
		const hold = this.takeHold(recorded.method, url.pathname);
		if (hold) await hold.until.catch(() => undefined);
		if (fault?.afterHandling && (fault.hang || fault.reset)) recorded.status = (await this.dispatch(recorded, url.pathname)).status;
		if (fault?.hang) return;
		if (fault?.reset) {
			request.socket.destroy();
			return;
		}
		let answer: FakeResponse;
		if (fault) {
			answer = { status: fault.status ?? 500, headers: fault.headers, body: fault.body };
		} else {
			answer = limited ?? (await this.dispatch(recorded, url.pathname));
		}
		recorded.status = answer.status;
		this.send(response, answer);
		if (fault && !inWindow) fault.onAnswered?.();
	}

	private async dispatch(recorded: RecordedRequest, rawPath: string): Promise<FakeResponse> {
		for (const route of this.routes) {
			if (route.method !== recorded.method) continue;
			const match = route.pattern.exec(rawPath);
			if (!match) continue;
			const params: Record<string, string> = {};
			route.names.forEach((name, index) => (params[name] = decodeURIComponent(match[index + 1])));
			try {
				return await route.handler({ ...recorded, params });
			} catch (error) {
				return { status: 500, body: { message: `fake ${this.name} crashed: ${(error as Error).message}` } };
			}
		}
		return this.noRoute(recorded);
	}

	private send(response: ServerResponse, answer: FakeResponse): void {
		const headers = { ...(answer.headers ?? {}) };
		let payload: Buffer | string = '';
		if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') {
			payload = answer.body;
		} else if (answer.body !== undefined) {
			payload = JSON.stringify(answer.body);
			headers['content-type'] ??= 'application/json';
		}
		response.writeHead(answer.status, headers);
		response.end(payload);
	}
}
