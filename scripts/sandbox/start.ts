/**
 * npm start: a real n8n with this package installed, wired to the local CRM sandbox.
 *
 *   1. starts the sandbox (scripts/sandbox/sandbox.ts): radosgw in .sandbox/rgw, the fake CRMs on
 *      127.0.0.1:5701..5707, the status page on http://127.0.0.1:5700/;
 *   2. builds and packs the package, installs the tarball into the persistent n8n user folder
 *      .sandbox/n8n (`.n8n/nodes`, the way the Community Nodes screen does);
 *   3. imports credentials pointing at the sandbox and the example workflows (patched to the seeded
 *      records and to sample files in .sandbox/files);
 *   4. runs `n8n start` (n8n 2.8.4 on Node 20 unless --n8n 2.41.1) on 127.0.0.1:5678 (or a free port),
 *      waits for /healthz, sets up the owner account, and prints the editor URL, the login and the
 *      status page;
 *   5. on Ctrl-C / SIGTERM stops n8n (its process group) and the sandbox (radosgw.sh stop).
 *
 *   node -r ./test/harness/registerTs.js scripts/sandbox/start.ts [--n8n VERSION] [--port N]
 */
import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { delimiter, dirname, join } from 'path';

import type { N8nInstall, SandboxOptions as N8nSandboxOptions } from '../n8n/e2e';
import { buildAndPack, freePorts, installN8n, N8nSandbox, n8nTargets } from '../n8n/e2e';
import { sleepMs, stopN8n, waitHealthy } from '../n8n/server';
import type { PreparedExample } from './examples';
import { exampleFiles, exampleWorkflowId, prepareExample } from './examples';
import type { CrmSandbox } from './sandbox';
import { describeSandbox, SANDBOX_DIR, startCrmSandbox, writeCredentialsFile } from './sandbox';

/** The owner account set up on first start (a local sandbox: not a secret). */
export const SANDBOX_OWNER = {
	email: 'sandbox@example.com',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'Sandbox-n8n-1',
};

const DEFAULT_N8N_PORT = 5678;

function option(argv: string[], name: string): string | undefined {
	const index = argv.indexOf(name);
	return index >= 0 ? argv[index + 1] : undefined;
}

async function portIsFree(port: number): Promise<boolean> {
	const server = createServer();
	return await new Promise<boolean>((resolve) => {
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** The user folder's encryption key: made once, then always the same (n8n refuses a changed key). */
function encryptionKey(userFolder: string): string {
	const file = join(userFolder, 'sandbox-encryption-key');
	if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
	return readFileSync(file, 'utf8').trim();
}

/**
 * The e2e runner's N8nSandbox on a PERSISTENT user folder (it normally makes a fresh temporary one):
 * same install, import and execute code, with the folder's own encryption key.
 */
export function persistentN8n(install: N8nInstall, userFolder: string, options: N8nSandboxOptions): N8nSandbox {
	mkdirSync(userFolder, { recursive: true });
	const Open = N8nSandbox as unknown as new (install: N8nInstall, root: string, userFolder: string, options: N8nSandboxOptions) => N8nSandbox;
	return new Open(install, userFolder, userFolder, {
		...options,
		keep: true,
		env: { ...options.env, N8N_ENCRYPTION_KEY: encryptionKey(userFolder) },
	});
}

/** The environment of `n8n start` (the e2e runner's settings, plus the editor's). */
function serverEnv(install: N8nInstall, userFolder: string, filesDir: string, port: number, brokerPort: number): NodeJS.ProcessEnv {
	return {
		PATH: `${dirname(install.nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
		HOME: userFolder,
		TMPDIR: process.env.TMPDIR ?? tmpdir(),
		LANG: process.env.LANG ?? 'C.UTF-8',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey(userFolder),
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		// Plain http on localhost: no Secure flag on the session cookie.
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
		DB_TYPE: 'sqlite',
	};
}

/**
 * Sets up the owner account once; says whether it did, or that there already is one. n8n answers
 * /healthz before its REST routes exist: wait for /rest/settings first.
 */
async function setUpOwner(baseUrl: string, timeoutMs = 60_000): Promise<'created' | 'existing' | string> {
	const deadline = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < deadline) {
		try {
			const settings = await fetch(`${baseUrl}/rest/settings`);
			if (settings.ok) {
				const { data } = (await settings.json()) as { data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } };
				if (data?.userManagement?.showSetupOnFirstLoad === false) return 'existing';
				const response = await fetch(`${baseUrl}/rest/owner/setup`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(SANDBOX_OWNER),
				});
				if (response.ok) return 'created';
				last = `owner setup answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
				if (response.status !== 404) return last;
			}
		} catch (error) {
			last = (error as Error).message;
		}
		await sleepMs(500);
	}
	return last || 'n8n did not answer /rest/settings';
}

export interface RunningSandbox {
	crm: CrmSandbox;
	n8n: N8nSandbox;
	server: ChildProcess;
	editorUrl: string;
	/** The example workflows as imported (id: exampleWorkflowId(file)). */
	examples: PreparedExample[];
	stop(): Promise<void>;
}

/** What a caller other than `npm start` changes (the browser test: its own folder, free ports). */
export interface StartOptions {
	/** Instead of .sandbox: the sandbox, the n8n user folder and the files go here. */
	dir?: string;
	/** false: every fake on a free port (default: the documented ports, a free one when taken). */
	fixedPorts?: boolean;
}

/** `register` gets the stop function at once, so a Ctrl-C during startup still stops what started. */
export async function startAll(
	argv: string[],
	log = console.log,
	register?: (stop: () => Promise<void>) => void,
	options: StartOptions = {},
): Promise<RunningSandbox> {
	const version = option(argv, '--n8n') ?? process.env.SANDBOX_N8N_VERSION;
	const target = n8nTargets().find((candidate) => !version || candidate.n8nVersion === version);
	if (!target) throw new Error(`no n8n ${version} in scripts/n8n/versions.env`);
	const wantedPort = Number(option(argv, '--port') ?? process.env.N8N_PORT ?? DEFAULT_N8N_PORT);
	const dir = options.dir ?? SANDBOX_DIR;
	const filesDir = join(dir, 'files');
	const userFolder = join(dir, 'n8n');
	const packDir = join(dir, 'pack');
	rmSync(packDir, { recursive: true, force: true });
	mkdirSync(packDir, { recursive: true });
	mkdirSync(filesDir, { recursive: true });

	let crm: CrmSandbox | undefined;
	let server: ChildProcess | undefined;
	const stop = async () => {
		if (server) await stopN8n(server);
		await crm?.stop();
		rmSync(join(dir, 'start.json'), { force: true });
	};
	register?.(stop);
	try {
		log(`Starting the CRM sandbox, building the package and n8n ${target.n8nVersion}...`);
		const [sandbox, install, packed] = await Promise.all([startCrmSandbox({ dir, log, fixedPorts: options.fixedPorts }), installN8n(target), buildAndPack(packDir)]);
		crm = sandbox;
		writeCredentialsFile(sandbox);

		const n8n = persistentN8n(install, userFolder, { fileAccess: [filesDir] });
		await n8n.installPackage(packed.tarball);
		log(`Installed ${packed.tarball.slice(packed.tarball.lastIndexOf('/') + 1)} into ${n8n.nodesFolder}`);
		await n8n.importCredentials(sandbox.credentials);
		const examples = [];
		for (const file of exampleFiles()) examples.push(await prepareExample(file, sandbox, filesDir));
		await n8n.importWorkflows(examples.map((example) => ({ ...example.workflow, id: exampleWorkflowId(example.file) })));
		log(`Imported ${sandbox.credentials.length} credentials and ${examples.length} example workflows`);

		const port = (await portIsFree(wantedPort)) ? wantedPort : (await freePorts(1))[0];
		if (port !== wantedPort) log(`port ${wantedPort} is taken: n8n gets ${port}`);
		const [brokerPort] = await freePorts(1);
		const logFile = join(dir, 'n8n.log');
		const out = openSync(logFile, 'w');
		server = spawn(install.nodeBin, [install.n8nBin, 'start'], {
			cwd: userFolder,
			env: serverEnv(install, userFolder, filesDir, port, brokerPort),
			stdio: ['ignore', out, out],
			detached: true,
		});
		closeSync(out);
		const baseUrl = `http://localhost:${port}`;
		sandbox.editorStarted(baseUrl);
		writeFileSync(join(dir, 'start.json'), JSON.stringify({ startPid: process.pid, n8nPid: server.pid, editorUrl: baseUrl, statusUrl: sandbox.statusUrl }, null, 2));
		await waitHealthy(`http://127.0.0.1:${port}`, server, logFile);
		const owner = await setUpOwner(`http://127.0.0.1:${port}`);

		log(`
n8n ${target.n8nVersion} is up (log: ${logFile}).

  Editor:       ${baseUrl}/
  Login:        ${owner === 'created' || owner === 'existing' ? `${SANDBOX_OWNER.email} / ${SANDBOX_OWNER.password}${owner === 'existing' ? ' (unless you changed it)' : ''}` : `set up the owner account on first open (${owner})`}
  Sandbox:      ${sandbox.statusUrl}/   (what each CRM holds; JSON at ${sandbox.statusUrl}/status.json)

Example workflows (open one, click "Execute workflow", then watch the sandbox page):
${examples.map((example) => `  ${baseUrl}/workflow/${exampleWorkflowId(example.file)}   ${example.workflow.name}`).join('\n')}

The fake CRMs:
${describeSandbox(sandbox)}

Ctrl-C stops n8n and the sandbox.`);
		const running: RunningSandbox = { crm: sandbox, n8n, server, editorUrl: baseUrl, examples, stop };
		return running;
	} catch (error) {
		await stop();
		throw error;
	}
}

if (require.main === module) {
	let stopping = false;
	let stopAll: (() => Promise<void>) | undefined;
	const shutdown = (reason: string, code: number) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${reason}: stopping n8n and the sandbox...`);
		(stopAll?.() ?? Promise.resolve())
			.catch((error: Error) => console.error(error.message))
			.finally(() => {
				console.log('stopped.');
				process.exit(code);
			});
	};
	process.on('SIGINT', () => shutdown('SIGINT', 0));
	process.on('SIGTERM', () => shutdown('SIGTERM', 0));
	startAll(process.argv.slice(2), console.log, (stop) => (stopAll = stop))
		.then((value) => {
			value.server.once('exit', (code, signal) => {
				if (!stopping) shutdown(`n8n exited (${code ?? signal}); see ${join(SANDBOX_DIR, 'n8n.log')}`, 1);
			});
		})
		.catch((error: Error) => {
			console.error(error.message);
			process.exit(1);
		});
}
