/**
 * End-to-end runner: this package inside a REAL n8n, installed the way users install it.
 *
 *   1. n8n itself comes from .cache/n8n/<version>/ (scripts/n8n/install-n8n.sh, once).
 *   2. The package is built and packed (`npm pack`), and the tarball is installed with npm into a fresh
 *      user folder's `.n8n/nodes`, where n8n's Community Nodes screen puts packages.
 *   3. Credentials and workflows go in through the n8n CLI (`import:credentials`, `import:workflow`),
 *      and each workflow runs with `n8n execute --id=ID --rawOutput`; its run data comes back parsed.
 *
 * Used by test/e2e/*.e2e.test.ts; also a CLI: `node -r ./test/harness/registerTs.js scripts/n8n/e2e.ts --help`.
 */
import type { ChildProcess } from 'child_process';
import { execFile, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { basename, delimiter, dirname, join, resolve } from 'path';
import { promisify } from 'util';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).name;
const SCRIPTS = join(REPO_ROOT, 'scripts', 'n8n');

// ---------------------------------------------------------------------------------------------
// Which n8n versions, and installing them
// ---------------------------------------------------------------------------------------------

/** KEY=VALUE pairs of scripts/n8n/versions.env. */
export function readVersions(): Record<string, string> {
	const values: Record<string, string> = {};
	for (const line of readFileSync(join(SCRIPTS, 'versions.env'), 'utf8').split('\n')) {
		const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
		if (match) values[match[1]] = match[2].trim();
	}
	return values;
}

export interface N8nTarget {
	/** e.g. "n8n 2.8.4 on Node 20". */
	label: string;
	n8nVersion: string;
	/** 'system': the Node running this process' PATH `node`; otherwise a Node version from the npm package `node`. */
	node: 'system' | string;
}

/** The n8n versions every end-to-end case runs in: the oldest supported line and the newest n8n. */
export function n8nTargets(): N8nTarget[] {
	const v = readVersions();
	return [
		{ label: `n8n ${v.N8N_OLD_VERSION} on Node 20`, n8nVersion: v.N8N_OLD_VERSION, node: 'system' },
		{ label: `n8n ${v.N8N_NEW_VERSION} on Node 24`, n8nVersion: v.N8N_NEW_VERSION, node: v.NODE24_VERSION },
	];
}

export interface N8nInstall {
	target: N8nTarget;
	/** The node binary that runs this n8n. */
	nodeBin: string;
	/** .cache/n8n/<version> */
	dir: string;
	/** The n8n CLI script (run as `nodeBin n8nBin ...`). */
	n8nBin: string;
}

async function runScript(script: string, args: string[]): Promise<string> {
	try {
		const { stdout } = await execFileAsync('bash', [join(SCRIPTS, script), ...args], {
			cwd: REPO_ROOT,
			maxBuffer: 64 * 1024 * 1024,
		});
		return stdout.trim().split('\n').pop() ?? '';
	} catch (error) {
		const { stderr, stdout } = error as { stderr?: string; stdout?: string };
		throw new Error(`scripts/n8n/${script} ${args.join(' ')} failed:\n${tail(`${stdout ?? ''}\n${stderr ?? ''}`)}`);
	}
}

/** Installs (once; cached in .cache/) the n8n of a target and the Node that runs it. */
export async function installN8n(target: N8nTarget): Promise<N8nInstall> {
	const nodeBin =
		target.node === 'system'
			? await which('node')
			: await runScript('install-node24.sh', [target.node]);
	const dir = await runScript('install-n8n.sh', [target.n8nVersion, nodeBin]);
	const n8nBin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(n8nBin)) throw new Error(`n8n ${target.n8nVersion} is not in ${dir}: remove the folder and install again`);
	return { target, nodeBin, dir, n8nBin };
}

async function which(command: string): Promise<string> {
	const { stdout } = await execFileAsync('bash', ['-c', `command -v ${command}`]);
	return stdout.trim();
}

// ---------------------------------------------------------------------------------------------
// Building and packing the package
// ---------------------------------------------------------------------------------------------

export interface PackedPackage {
	tarball: string;
	/** Paths inside the package, as npm packed them (package/ stripped). */
	files: string[];
}

/**
 * `npm run build` (unless CRM_E2E_SKIP_BUILD=1, for callers that just built), then `npm pack` into a
 * temporary folder. The file list is read back from the tarball itself.
 */
export async function buildAndPack(destination = mkdtempSync(join(tmpdir(), 'crm-e2e-pack-'))): Promise<PackedPackage> {
	// Test files run in parallel jest workers: one build (or pack) at a time touches dist/.
	mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
	if (process.env.CRM_E2E_SKIP_BUILD !== '1') {
		try {
			await execFileAsync('flock', [join(REPO_ROOT, '.cache', 'e2e-build.lock'), 'npm', 'run', 'build'], {
				cwd: REPO_ROOT,
				maxBuffer: 64 * 1024 * 1024,
			});
		} catch (error) {
			const { stderr, stdout } = error as { stderr?: string; stdout?: string };
			throw new Error(`npm run build failed:\n${tail(`${stdout ?? ''}\n${stderr ?? ''}`)}`);
		}
	}
	const { stdout } = await execFileAsync('flock', [join(REPO_ROOT, '.cache', 'e2e-build.lock'), 'npm', 'pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		maxBuffer: 64 * 1024 * 1024,
	});
	const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
	const tarball = join(destination, basename(packed.filename));
	const { stdout: listing } = await execFileAsync('tar', ['-tzf', tarball], { maxBuffer: 64 * 1024 * 1024 });
	const files = listing
		.split('\n')
		.filter((line) => line && !line.endsWith('/'))
		.map((line) => line.replace(/^package\//, ''));
	return { tarball, files };
}

// ---------------------------------------------------------------------------------------------
// A fresh n8n user folder with the package installed
// ---------------------------------------------------------------------------------------------

export interface N8nCredential {
	id: string;
	name: string;
	/** The credential type name, e.g. "onePageCrmApi". */
	type: string;
	/** Plain-text data: `import:credentials` encrypts it with N8N_ENCRYPTION_KEY. */
	data: Record<string, unknown>;
}

/** A workflow as n8n exports it (nodes, connections, ...). */
export type N8nWorkflow = Record<string, unknown> & {
	id?: string;
	name: string;
	nodes: Array<Record<string, unknown> & { name: string; type: string; parameters: Record<string, unknown> }>;
	connections: Record<string, unknown>;
};

export interface CommandResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/**
	 * Set when n8n finished its work (printed its result) and then crashed while exiting. n8n 2.41 on
	 * Node 24 often dies with SIGSEGV at exit: a worker thread's garbage collection running while the
	 * process tears down (seen with Node 24.11, 24.14 and 24.21, with a trigger-only workflow; not with
	 * n8n 2.8 on Node 20). It happens after the run is stored and printed, so the result still counts.
	 */
	crashedOnExit?: NodeJS.Signals;
}

/** What `n8n execute --rawOutput` printed, parsed. */
export interface ExecuteResult extends CommandResult {
	/** The run (IRun) n8n printed, or undefined when it printed none (a failed run prints its error instead). */
	run?: N8nRun;
	/** The failure n8n reported (the run's error message, or the CLI's). */
	error?: string;
}

export interface N8nRun {
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown>; binary?: unknown }> | null> }; error?: { message: string } }>>;
			error?: { message: string; description?: string };
			lastNodeExecuted?: string;
		};
	};
	status?: string;
	finished?: boolean;
}

/** The items a node put on its first output in the run's last execution of it. */
export function nodeOutput(run: N8nRun | undefined, nodeName: string): Array<Record<string, unknown>> {
	const runs = run?.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return (runs[runs.length - 1].data?.main?.[0] ?? []).map((item) => item.json);
}

export interface SandboxOptions {
	/** Folders the Read/Write Files from Disk node may read (N8N_RESTRICT_FILE_ACCESS_TO). */
	fileAccess?: string[];
	/** Extra environment for every n8n command. */
	env?: Record<string, string>;
	/** Keep the user folder after dispose() (for debugging). */
	keep?: boolean;
}

const COMMAND_TIMEOUT_MS = 5 * 60 * 1000;

/** One n8n user folder (its own SQLite database, encryption key and installed community package). */
export class N8nSandbox {
	readonly encryptionKey = randomBytes(24).toString('hex');
	private readonly running = new Set<ChildProcess>();

	private constructor(
		readonly install: N8nInstall,
		readonly root: string,
		readonly userFolder: string,
		private readonly options: SandboxOptions,
	) {}

	/** `<userFolder>/.n8n/nodes`, where the Community Nodes screen installs packages. */
	get nodesFolder(): string {
		return join(this.userFolder, '.n8n', 'nodes');
	}

	get packageFolder(): string {
		return join(this.nodesFolder, 'node_modules', PACKAGE_NAME);
	}

	/** Makes a fresh user folder and installs the packed package into it with npm. */
	static async create(install: N8nInstall, tarball: string, options: SandboxOptions = {}): Promise<N8nSandbox> {
		const root = mkdtempSync(join(tmpdir(), `crm-e2e-n8n-${install.target.n8nVersion}-`));
		const userFolder = join(root, 'home');
		const sandbox = new N8nSandbox(install, root, userFolder, options);
		await sandbox.installPackage(tarball);
		return sandbox;
	}

	/**
	 * Installs the packed package exactly as n8n's Community Nodes screen does (CommunityPackagesService
	 * .downloadPackage in n8n 2.x): the tarball is unpacked into `.n8n/nodes/node_modules/<package>`, its
	 * package.json loses devDependencies, peerDependencies and optionalDependencies, `npm install` runs
	 * inside the package folder with n8n's flags (shallow, no scripts, no lock file), and the package is
	 * recorded in `.n8n/nodes/package.json`. n8n-workflow therefore comes from the n8n that loads us.
	 */
	async installPackage(tarball: string): Promise<void> {
		mkdirSync(this.nodesFolder, { recursive: true });
		const manifest = join(this.nodesFolder, 'package.json');
		if (!existsSync(manifest)) {
			writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
		}
		rmSync(this.packageFolder, { recursive: true, force: true });
		mkdirSync(this.packageFolder, { recursive: true });
		await execFileAsync('tar', ['-xzf', tarball, '-C', this.packageFolder, '--strip-components=1']);
		const packageJsonPath = join(this.packageFolder, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
			readFileSync(packageJsonPath, 'utf8'),
		) as Record<string, unknown>;
		void devDependencies;
		void peerDependencies;
		void optionalDependencies;
		writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2));
		try {
			await execFileAsync(
				'npm',
				[
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
					'--loglevel=error',
				],
				{ cwd: this.packageFolder, env: this.npmEnv(), maxBuffer: 64 * 1024 * 1024 },
			);
		} catch (error) {
			const { stderr, stdout } = error as { stderr?: string; stdout?: string };
			throw new Error(`npm install in ${this.packageFolder} failed:\n${tail(`${stdout ?? ''}\n${stderr ?? ''}`)}`);
		}
		const installed = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies: Record<string, string> };
		installed.dependencies[PACKAGE_NAME] = String(packageJson.version);
		writeFileSync(manifest, JSON.stringify(installed, null, 2));
	}

	private npmEnv(): NodeJS.ProcessEnv {
		return { ...process.env, PATH: `${dirname(this.install.nodeBin)}${delimiter}${process.env.PATH ?? ''}` };
	}

	/** The environment of every n8n command: isolated, quiet, on free ports, no calls home. */
	async n8nEnv(): Promise<NodeJS.ProcessEnv> {
		const [port, brokerPort] = await freePorts(2);
		const env: NodeJS.ProcessEnv = {
			// Only what n8n and the processes it starts need from ours.
			PATH: `${dirname(this.install.nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
			HOME: this.userFolder,
			TMPDIR: process.env.TMPDIR ?? tmpdir(),
			LANG: process.env.LANG ?? 'C.UTF-8',
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			// `execute --rawOutput` prints the run through n8n's logger, at level info.
			N8N_LOG_LEVEL: 'info',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			DB_TYPE: 'sqlite',
			...(this.options.fileAccess?.length
				? { N8N_RESTRICT_FILE_ACCESS_TO: this.options.fileAccess.join(';') }
				: {}),
			...this.options.env,
		};
		return env;
	}

	/** Runs `n8n ARGS` in this user folder. Never throws for a non-zero exit: look at `code`. */
	async n8n(args: string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult> {
		const env = await this.n8nEnv();
		return await new Promise<CommandResult>((resolvePromise, reject) => {
			const child = spawn(this.install.nodeBin, [this.install.n8nBin, ...args], {
				cwd: this.userFolder,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
			this.running.add(child);
			const stdout: Buffer[] = [];
			const stderr: Buffer[] = [];
			child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
			child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
			let timedOut = false;
			const timer = setTimeout(() => {
				timedOut = true;
				killGroup(child);
			}, timeoutMs);
			child.on('error', (error) => {
				clearTimeout(timer);
				this.running.delete(child);
				reject(error);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				this.running.delete(child);
				// n8n may leave its task runner behind: end the whole process group it led.
				killGroup(child);
				const result = {
					code,
					signal,
					stdout: Buffer.concat(stdout).toString('utf8'),
					stderr: Buffer.concat(stderr).toString('utf8'),
				};
				if (timedOut) {
					reject(new Error(`n8n ${args.join(' ')} did not finish in ${timeoutMs / 1000}s:\n${describeResult(result)}`));
				} else {
					resolvePromise(result);
				}
			});
		});
	}

	/** `n8n <args>` that must succeed and print `done` (the exit crash above is tolerated after it). */
	private async n8nOk(args: string[], done: RegExp): Promise<CommandResult> {
		const result = await this.n8n(args);
		if (result.code !== 0 && !(result.signal === 'SIGSEGV' && done.test(result.stdout))) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${describeResult(result)}`);
		}
		return result.code === 0 ? result : { ...result, crashedOnExit: result.signal ?? undefined };
	}

	/** `n8n import:credentials`: plain-text data, encrypted by n8n with this sandbox's key. */
	async importCredentials(credentials: N8nCredential[]): Promise<void> {
		if (!credentials.length) return;
		const file = join(this.root, `credentials-${randomBytes(4).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.n8nOk(['import:credentials', `--input=${file}`], /Successfully imported \d+ credential/);
		rmSync(file, { force: true });
	}

	/** `n8n import:workflow` of one or more workflows; returns their ids (given ones are kept). */
	async importWorkflows(workflows: N8nWorkflow[]): Promise<string[]> {
		const withIds = workflows.map((workflow) => ({
			active: false,
			settings: {},
			...workflow,
			id: workflow.id ?? workflowId(),
		}));
		const file = join(this.root, `workflows-${randomBytes(4).toString('hex')}.json`);
		writeFileSync(file, JSON.stringify(withIds, null, 2));
		await this.n8nOk(['import:workflow', `--input=${file}`], /Successfully imported \d+ workflow/);
		rmSync(file, { force: true });
		return withIds.map((workflow) => workflow.id);
	}

	/** `n8n execute --id=ID --rawOutput`, with the run parsed from what it printed. */
	async execute(id: string): Promise<ExecuteResult> {
		let result: CommandResult = await this.n8n(['execute', `--id=${id}`, '--rawOutput']);
		const run = parseRun(result.stdout);
		if (result.signal === 'SIGSEGV' && run?.finished === true && run.status === 'success') {
			result = { ...result, code: 0, crashedOnExit: result.signal };
		}
		let error = run?.data?.resultData?.error?.message;
		if (!run || result.code !== 0) {
			error = error ?? (lastLines(`${result.stdout}\n${result.stderr}`, 15) || `exit ${result.code} ${result.signal ?? ''}`);
		}
		return { ...result, run, error };
	}

	/** Ends any n8n still running and removes the user folder. */
	async dispose(): Promise<void> {
		for (const child of this.running) killGroup(child);
		if (!this.options.keep) rmSync(this.root, { recursive: true, force: true });
	}
}

function killGroup(child: ChildProcess): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		// Already gone.
	}
}

/** The pretty-printed JSON object that `--rawOutput` prints, found among any log lines around it. */
export function parseRun(stdout: string): N8nRun | undefined {
	const lines = stdout.split('\n');
	const starts = lines.flatMap((line, index) => (line === '{' ? [index] : []));
	const ends = lines.flatMap((line, index) => (line === '}' ? [index] : []));
	for (const start of starts) {
		for (const end of [...ends].reverse()) {
			if (end <= start) break;
			try {
				const value = JSON.parse(lines.slice(start, end + 1).join('\n')) as N8nRun;
				if (value?.data?.resultData) return value;
			} catch {
				// Not this pair.
			}
		}
	}
	return undefined;
}

/** n8n's own id format: 16 letters and digits. */
export function workflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from({ length: count }, async () => {
			const server = createServer();
			await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
			return server;
		}),
	);
	const ports = servers.map((server) => (server.address() as { port: number }).port);
	await Promise.all(servers.map(async (server) => await new Promise((ok) => server.close(ok))));
	return ports;
}

// ---------------------------------------------------------------------------------------------
// Workflow files
// ---------------------------------------------------------------------------------------------

/** Reads an example workflow (examples/<file>) as a fresh object to patch. */
export function loadExample(file: string): N8nWorkflow {
	return JSON.parse(readFileSync(resolve(REPO_ROOT, 'examples', file), 'utf8')) as N8nWorkflow;
}

/** Sets parameters of the named node (a path like "options.key" reaches into collections). */
export function setParameters(workflow: N8nWorkflow, nodeName: string, values: Record<string, unknown>): N8nWorkflow {
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`workflow "${workflow.name}" has no node "${nodeName}"`);
	for (const [path, value] of Object.entries(values)) {
		const keys = path.split('.');
		let target = node.parameters as Record<string, unknown>;
		for (const key of keys.slice(0, -1)) {
			if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
			target = target[key] as Record<string, unknown>;
		}
		target[keys[keys.length - 1]] = value;
	}
	return workflow;
}

/** Points the named node at a credential (by type, id and name). */
export function setCredential(workflow: N8nWorkflow, nodeName: string, credential: N8nCredential): N8nWorkflow {
	const node = workflow.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`workflow "${workflow.name}" has no node "${nodeName}"`);
	node.credentials = { [credential.type]: { id: credential.id, name: credential.name } };
	return workflow;
}

// ---------------------------------------------------------------------------------------------

export function describeResult(result: CommandResult): string {
	return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout ---\n${tail(result.stdout)}\n--- stderr ---\n${tail(result.stderr)}`;
}

function tail(text: string, chars = 6000): string {
	return text.length > chars ? `...${text.slice(-chars)}` : text;
}

function lastLines(text: string, count: number): string {
	return text.trim().split('\n').slice(-count).join('\n');
}

// ---------------------------------------------------------------------------------------------
// CLI: install both n8n versions, or run one workflow file in a fresh sandbox.
// ---------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
	const [command, ...rest] = argv;
	if (command === 'install') {
		for (const target of n8nTargets()) {
			const started = Date.now();
			const install = await installN8n(target);
			console.log(`${target.label}: ${install.dir} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
		}
		return;
	}
	if (command === 'run') {
		const [workflowFile, credentialsFile, version] = rest;
		if (!workflowFile) throw new Error('usage: e2e.ts run WORKFLOW.json [CREDENTIALS.json|-] [N8N_VERSION]');
		const target = n8nTargets().find((candidate) => !version || candidate.n8nVersion === version);
		if (!target) throw new Error(`no target for n8n ${version}: see scripts/n8n/versions.env`);
		const install = await installN8n(target);
		const packed = await buildAndPack();
		const sandbox = await N8nSandbox.create(install, packed.tarball, { fileAccess: [tmpdir(), process.cwd()] });
		try {
			if (credentialsFile && credentialsFile !== '-') {
				await sandbox.importCredentials(JSON.parse(readFileSync(credentialsFile, 'utf8')) as N8nCredential[]);
			}
			const [id] = await sandbox.importWorkflows([JSON.parse(readFileSync(workflowFile, 'utf8')) as N8nWorkflow]);
			const result = await sandbox.execute(id);
			if (result.run) console.log(JSON.stringify(result.run.data.resultData, null, 2));
			if (result.error) {
				console.error(result.error);
				process.exitCode = 1;
			}
		} finally {
			await sandbox.dispose();
		}
		return;
	}
	console.log(`usage:
  node -r ./test/harness/registerTs.js scripts/n8n/e2e.ts install
      install every n8n of scripts/n8n/versions.env into .cache/ (once)
  node -r ./test/harness/registerTs.js scripts/n8n/e2e.ts run WORKFLOW.json [CREDENTIALS.json|-] [N8N_VERSION]
      build, pack, install into a fresh n8n user folder, import and execute one workflow`);
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: Error) => {
		console.error(error.message);
		process.exit(1);
	});
}
