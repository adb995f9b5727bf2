import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import type { IncomingMessage, ServerResponse } from 'http';
import { request as httpRequest } from 'http';
import type { Server } from 'https';
import { Agent, createServer } from 'https';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * An https front (self-signed, loopback) for a plain-http fake: lets a test reach a fake CRM "over
 * https" to check that the node then refuses plain-http storage forms. While it runs, https
 * connections to its port (and only those) accept its self-signed certificate: jest gives tests a
 * copy of process.env, so NODE_TLS_REJECT_UNAUTHORIZED cannot reach Node's TLS from a test.
 */
export class HttpsFront {
	private server?: Server;
	private restoreAgent?: () => void;
	baseUrl = '';

	constructor(private readonly upstream: string) {}

	async start(): Promise<string> {
		const dir = mkdtempSync(join(tmpdir(), 'crm-https-front-'));
		execFileSync(
			'openssl',
			['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'],
			{ stdio: 'ignore' },
		);
		this.server = createServer(
			{ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
			(request: IncomingMessage, response: ServerResponse) => {
				const target = new URL(request.url ?? '/', this.upstream);
				const upstream = httpRequest(
					{ host: target.hostname, port: target.port, method: request.method, path: `${target.pathname}${target.search}`, headers: { ...request.headers, host: target.host } },
					(answer) => {
						response.writeHead(answer.statusCode ?? 502, answer.headers);
						answer.pipe(response);
					},
				);
				upstream.on('error', () => {
					if (!response.headersSent) response.writeHead(502);
					response.end();
				});
				request.pipe(upstream);
			},
		);
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const port = (this.server.address() as AddressInfo).port;
		this.baseUrl = `https://127.0.0.1:${port}`;
		const prototype = Agent.prototype as unknown as { createConnection: (...args: unknown[]) => unknown };
		const original = prototype.createConnection;
		prototype.createConnection = function (this: unknown, ...args: unknown[]) {
			const options = args.find((arg) => arg && typeof arg === 'object') as { port?: number | string; rejectUnauthorized?: boolean } | undefined;
			if (options && Number(options.port) === port) options.rejectUnauthorized = false;
			return original.apply(this, args);
		};
		this.restoreAgent = () => (prototype.createConnection = original);
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		this.restoreAgent?.();
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
