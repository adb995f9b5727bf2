import type { IncomingMessage, Server, ServerResponse } from 'http';
import { createServer, request as httpRequest } from 'http';
import type { AddressInfo, Socket } from 'net';

/** What the storage side received in one request, as seen on the wire. */
export interface TappedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	bodyBytes: number;
	/** Registered secret values found anywhere in the request line, headers or body. */
	secretsSeen: string[];
	status?: number;
}

export interface TapFault {
	/** Close the connection after reading this many body bytes, without forwarding. */
	resetAfterBytes?: number;
	/** Answer this status (with an S3-style XML error) instead of forwarding. */
	status?: number;
	code?: string;
	headers?: Record<string, string>;
	times?: number;
}

/**
 * A transparent HTTP pass-through in front of radosgw: every byte goes to the real S3, and the tap
 * records what arrived (headers, body size, any secret value) so tests can assert on it. It can
 * also inject storage faults (resets, 503 SlowDown) for the retry tests.
 */
export class S3Tap {
	readonly requests: TappedRequest[] = [];
	private readonly secrets = new Set<string>();
	private faults: Array<TapFault & { left: number }> = [];
	private server?: Server;
	/** Requests being forwarded right now, and the most there ever were at once. */
	private inFlight = 0;
	maxInFlight = 0;
	/**
	 * When set, each request is held until `size` requests are in flight at once (or `timeoutMs`
	 * passes): a parallel client fills the barrier, a sequential one only ever reaches 1.
	 */
	barrier?: { size: number; timeoutMs: number };
	/** Added latency: every request waits this long before it is forwarded (the benchmark's WAN). */
	latencyMs = 0;
	private barrierWaiters: Array<() => void> = [];
	private readonly sockets = new Set<Socket>();
	baseUrl = '';

	constructor(private readonly upstream: string) {}

	/** Values that must never reach the storage host (CRM keys, tokens). */
	watchSecrets(...values: string[]): void {
		for (const value of values) if (value) this.secrets.add(value);
	}

	injectFault(fault: TapFault): void {
		this.faults.push({ ...fault, left: fault.times ?? 1 });
	}

	/** The tap's URL for a radosgw URL: same path, the tap's origin. */
	through(url: string): string {
		const original = new URL(url);
		return `${this.baseUrl}${original.pathname}${original.search}`;
	}

	async start(): Promise<string> {
		this.server = createServer((request, response) => void this.forward(request, response));
		this.server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** A scanner for one request: it records into that request's own set, so parallel uploads never share one. */
	private scanner(seen: Set<string>): (chunk: Buffer) => void {
		const longest = Math.max(0, ...[...this.secrets].map((secret) => secret.length));
		let tail = '';
		return (chunk: Buffer) => {
			if (this.secrets.size === 0) return;
			// Keep an overlap so a secret split across two chunks is still found.
			const text = tail + chunk.toString('latin1');
			for (const secret of this.secrets) {
				if (text.includes(secret) || text.includes(Buffer.from(secret).toString('base64'))) seen.add(secret);
			}
			tail = text.slice(-Math.max(longest * 2, 1));
		};
	}

	private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		response.on('close', () => this.inFlight--);
		if (this.barrier) await this.awaitBarrier(this.barrier);
		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
		this.forwardNow(request, response);
	}

	private async awaitBarrier(barrier: { size: number; timeoutMs: number }): Promise<void> {
		if (this.inFlight >= barrier.size) {
			for (const release of this.barrierWaiters.splice(0)) release();
			return;
		}
		await new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, barrier.timeoutMs);
			this.barrierWaiters.push(() => {
				clearTimeout(timer);
				resolve();
			});
		});
	}

	private forwardNow(request: IncomingMessage, response: ServerResponse): void {
		const record: TappedRequest = {
			method: request.method ?? 'GET',
			path: request.url ?? '/',
			headers: request.headers,
			bodyBytes: 0,
			secretsSeen: [],
		};
		this.requests.push(record);
		const seen = new Set<string>();
		const scan = this.scanner(seen);
		scan(Buffer.from(`${request.method} ${request.url}\n${JSON.stringify(request.headers)}\n`, 'latin1'));

		const fault = this.faults.find((candidate) => candidate.left > 0);
		if (fault) fault.left--;
		const finishRecord = () => (record.secretsSeen = [...seen]);

		if (fault?.resetAfterBytes !== undefined) {
			request.on('data', (chunk: Buffer) => {
				record.bodyBytes += chunk.length;
				scan(chunk);
				if (record.bodyBytes >= fault.resetAfterBytes!) request.socket.destroy();
			});
			request.on('close', finishRecord);
			return;
		}
		if (fault?.status) {
			request.on('data', (chunk: Buffer) => {
				record.bodyBytes += chunk.length;
				scan(chunk);
			});
			request.on('end', () => {
				finishRecord();
				record.status = fault.status;
				const code = fault.code ?? 'SlowDown';
				response.writeHead(fault.status!, { 'content-type': 'application/xml', ...(fault.headers ?? {}) });
				response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>Injected by the test tap</Message></Error>`);
			});
			return;
		}

		const target = new URL(request.url ?? '/', this.upstream);
		const upstream = httpRequest(
			{
				host: target.hostname,
				port: target.port,
				method: request.method,
				path: `${target.pathname}${target.search}`,
				headers: { ...request.headers, host: target.host },
			},
			(upstreamResponse) => {
				record.status = upstreamResponse.statusCode;
				response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
				upstreamResponse.pipe(response);
			},
		);
		upstream.on('error', () => {
			if (!response.headersSent) response.writeHead(502);
			response.end();
		});
		request.on('data', (chunk: Buffer) => {
			record.bodyBytes += chunk.length;
			scan(chunk);
		});
		request.on('end', finishRecord);
		request.pipe(upstream);
	}
}
