/**
 * `n8n start` in an e2e sandbox's user folder, and a small REST client for its editor API: the owner
 * account, a session cookie, and the calls the credential screen makes (create, read back, test).
 *
 * The server runs on free ports bound to 127.0.0.1, in its own process group; stop() ends that group
 * by pid (TERM, then KILL after a grace period).
 */
import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { closeSync, openSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { delimiter, dirname, join } from 'path';

import type { N8nSandbox } from '../../../scripts/n8n/e2e';
import { freePorts } from '../../../scripts/n8n/e2e';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data?: Record<string, unknown>;
}

const OWNER = {
	email: 'credential-test@example.com',
	firstName: 'Credential',
	lastName: 'Tester',
	password: `Ct-${randomBytes(6).toString('hex')}-9`,
};

async function sleepMs(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

function tailOf(file: string, lines = 40): string {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

export class N8nServer {
	private cookie = '';
	/** n8n binds the session cookie to this header (a hash of it is in the JWT). */
	private readonly browserId = randomBytes(12).toString('hex');

	private constructor(
		readonly child: ChildProcess,
		readonly baseUrl: string,
		readonly logFile: string,
	) {}

	/** Starts `n8n start` in the sandbox's user folder and waits until its REST API answers. */
	static async start(sandbox: N8nSandbox, timeoutMs = 180_000): Promise<N8nServer> {
		const [port, brokerPort] = await freePorts(2);
		const { install, userFolder } = sandbox;
		const logFile = join(sandbox.root, 'n8n-start.log');
		const out = openSync(logFile, 'w');
		const child = spawn(install.nodeBin, [install.n8nBin, 'start'], {
			cwd: userFolder,
			env: {
				PATH: `${dirname(install.nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
				HOME: userFolder,
				TMPDIR: process.env.TMPDIR ?? tmpdir(),
				LANG: process.env.LANG ?? 'C.UTF-8',
				N8N_USER_FOLDER: userFolder,
				N8N_ENCRYPTION_KEY: sandbox.encryptionKey,
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
				N8N_SECURE_COOKIE: 'false',
				N8N_LOG_LEVEL: 'info',
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_TEMPLATES_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
				N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
				N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
				DB_TYPE: 'sqlite',
			},
			stdio: ['ignore', out, out],
			detached: true,
		});
		closeSync(out);
		const server = new N8nServer(child, `http://127.0.0.1:${port}`, logFile);
		try {
			await server.waitReady(timeoutMs);
		} catch (error) {
			await server.stop();
			throw error;
		}
		return server;
	}

	get alive(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	log(lines = 40): string {
		return tailOf(this.logFile, lines);
	}

	/** /healthz first, then /rest/settings as JSON (n8n answers /healthz before its REST routes exist). */
	private async waitReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (const path of ['/healthz', '/rest/settings']) {
			for (;;) {
				if (!this.alive) {
					throw new Error(`n8n exited (${this.child.exitCode ?? this.child.signalCode}) before it was up; the end of ${this.logFile}:\n${this.log()}`);
				}
				if (Date.now() > deadline) {
					throw new Error(`n8n did not answer ${this.baseUrl}${path} in ${timeoutMs / 1000}s; the end of ${this.logFile}:\n${this.log()}`);
				}
				try {
					const response = await fetch(`${this.baseUrl}${path}`);
					// While it boots, n8n answers every path with HTTP 200 "n8n is starting up. Please wait"
					// (text/html): only JSON from /rest/settings means the REST routes are there.
					const json = /json/.test(response.headers.get('content-type') ?? '');
					await response.arrayBuffer();
					if (response.ok && (path === '/healthz' || json)) break;
				} catch {
					// Not listening yet.
				}
				await sleepMs(500);
			}
		}
	}

	/** Sets up the owner account (a fresh user folder has none) and logs in: the session cookie. */
	async setUpOwnerAndLogIn(): Promise<void> {
		const setup = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify(OWNER),
		});
		if (!setup.ok) throw new Error(`owner setup answered HTTP ${setup.status}: ${(await setup.text()).slice(0, 500)}`);
		const login = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': this.browserId },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		if (!login.ok) throw new Error(`login answered HTTP ${login.status}: ${(await login.text()).slice(0, 500)}`);
		const cookie = login.headers
			.getSetCookie()
			.map((line) => line.split(';')[0])
			.find((pair) => pair.startsWith('n8n-auth='));
		if (!cookie) throw new Error(`login set no n8n-auth cookie (set-cookie: ${login.headers.getSetCookie().join(' | ')})`);
		this.cookie = cookie;
	}

	/** A logged-in REST call; the answer's `data`, or an error with the status and body. */
	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: {
				cookie: this.cookie,
				'browser-id': this.browserId,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} /rest${path} answered HTTP ${response.status}: ${text.slice(0, 1000)}`);
		const parsed = JSON.parse(text) as { data: T };
		return parsed.data;
	}

	/** POST /rest/credentials: what "Save" on the credential screen does. */
	async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<StoredCredential> {
		return await this.rest<StoredCredential>('POST', '/credentials', { name, type, data });
	}

	/** GET /rest/credentials/:id?includeData=true: what reopening a saved credential loads (secrets redacted). */
	async readCredential(id: string): Promise<StoredCredential> {
		return await this.rest<StoredCredential>('GET', `/credentials/${id}?includeData=true`);
	}

	/** POST /rest/credentials/test: the credential screen's test (run after Save and on "Retry"). */
	async testCredential(credential: StoredCredential): Promise<CredentialTestResult> {
		return await this.rest<CredentialTestResult>('POST', '/credentials/test', {
			credentials: { id: credential.id, name: credential.name, type: credential.type, data: credential.data },
		});
	}

	/** Stops n8n: TERM to its process group, KILL after `graceMs`, then KILL for anything left in it. */
	async stop(graceMs = 15_000): Promise<void> {
		const pid = this.child.pid;
		if (pid === undefined) return;
		if (this.alive) {
			const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
			try {
				process.kill(-pid, 'SIGTERM');
			} catch {
				// Gone already.
			}
			let timer: NodeJS.Timeout | undefined;
			const timedOut = await Promise.race([
				exited.then(() => false),
				new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
			]);
			clearTimeout(timer);
			if (timedOut) {
				try {
					process.kill(-pid, 'SIGKILL');
				} catch {
					// Gone.
				}
				await exited;
			}
		}
		// A task runner n8n may have left in its group.
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// Nothing left.
		}
	}
}
