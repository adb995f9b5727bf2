/**
 * `n8n start`: a real n8n serving its editor, webhooks and forms, for what `n8n execute` cannot run (a
 * workflow started by a Form Trigger or a webhook). Used by `npm start` (scripts/sandbox/start.ts) on its
 * persistent user folder, and by the e2e suite and `npm run demo` on a sandbox's fresh one.
 */
import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { closeSync, openSync, readFileSync } from 'fs';
import { join } from 'path';

import type { N8nSandbox } from './e2e';

export async function sleepMs(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

function alive(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

/** Stops n8n: TERM to its process group (n8n and its task runner), KILL after 15 s. */
export async function stopN8n(child: ChildProcess): Promise<void> {
	if (child.pid === undefined || !alive(child)) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		return;
	}
	const killed = await Promise.race([exited.then(() => false), sleepMs(15_000).then(() => true)]);
	if (killed) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// Gone.
		}
		await exited;
	}
	// Anything n8n left in its group (a task runner).
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		// Nothing left.
	}
}

export async function waitHealthy(baseUrl: string, child: ChildProcess, logFile: string, timeoutMs = 180_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!alive(child)) {
			throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before it was up; the end of ${logFile}:\n${tailOf(logFile)}`);
		}
		try {
			const response = await fetch(`${baseUrl}/healthz`);
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await sleepMs(500);
	}
	throw new Error(`n8n did not answer ${baseUrl}/healthz in ${timeoutMs / 1000}s; the end of ${logFile}:\n${tailOf(logFile)}`);
}

export function tailOf(file: string, lines = 30): string {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/** `n8n start` in a sandbox's user folder, on 127.0.0.1 and a free port; its output goes to a log file. */
export class N8nServer {
	private constructor(
		readonly child: ChildProcess,
		readonly baseUrl: string,
		readonly logFile: string,
	) {}

	/** Starts n8n and waits for /healthz. Published workflows are activated by n8n during its start. */
	static async start(sandbox: N8nSandbox, logName = 'n8n-server.log'): Promise<N8nServer> {
		const env: NodeJS.ProcessEnv = { ...(await sandbox.n8nEnv()), N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_HOST: '127.0.0.1' };
		const logFile = join(sandbox.root, logName);
		const out = openSync(logFile, 'w');
		const child = spawn(sandbox.install.nodeBin, [sandbox.install.n8nBin, 'start'], {
			cwd: sandbox.userFolder,
			env,
			stdio: ['ignore', out, out],
			detached: true,
		});
		closeSync(out);
		const server = new N8nServer(child, `http://127.0.0.1:${env.N8N_PORT}`, logFile);
		try {
			await waitHealthy(server.baseUrl, child, logFile);
		} catch (error) {
			await server.stop();
			throw error;
		}
		return server;
	}

	/** What n8n printed so far. */
	log(): string {
		try {
			return readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	async stop(): Promise<void> {
		await stopN8n(this.child);
	}
}
