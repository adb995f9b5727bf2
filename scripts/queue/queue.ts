/**
 * The package in n8n's own distributed mode ("queue mode"), driven by scripts/queue/run.sh, which has
 * already started PostgreSQL, Redis and radosgw on 127.0.0.1 and passes them in:
 *   CRM_QUEUE_WORK (a temp dir for logs), CRM_QUEUE_PG_PORT, CRM_QUEUE_REDIS_PORT, CRM_TEST_S3_JSON.
 *
 *   1. The package is packed and installed, as the Community Nodes screen does, into three fresh n8n user
 *      folders (scripts/n8n/e2e.ts): one for the main process, one per worker, as three hosts would have.
 *   2. scripts/queue/webhook-upload.json is imported into PostgreSQL and published (activated).
 *   3. n8n 2.8.4 (Node 20): `n8n start` (main) and two `n8n worker`, all with EXECUTIONS_MODE=queue, the same
 *      database, Redis and N8N_ENCRYPTION_KEY, and N8N_DEFAULT_BINARY_DATA_MODE=database, so a file the
 *      main receives on the webhook reaches a worker through the database.
 *   4. The webhook is called CRM_QUEUE_UPLOADS times (50) with distinct random files, CRM_QUEUE_PARALLEL
 *      (10) at a time; each call carries a fresh presigned POST form of the real radosgw (through the tap).
 *   5. Checks: every file stored exactly once with its bytes intact, one successful execution per call in
 *      execution_entity, the file handed over in binary_data, and each execution enqueued by the main and
 *      run by exactly one worker (see docs/queue-mode.md for how that is proved).
 *
 * Prints one line per upload and per run-wide check, then "N passed, M failed"; exits 1 on any failure.
 */
import type { ChildProcess } from 'child_process';
import { execFile, spawn } from 'child_process';
import { createHash, randomBytes, randomUUID } from 'crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { delimiter, dirname, join } from 'path';
import { promisify } from 'util';

import { ListObjectsV2Command } from '@aws-sdk/client-s3';

import type { N8nInstall, N8nWorkflow } from '../n8n/e2e';
import { buildAndPack, describeResult, freePorts, installN8n, N8nSandbox, n8nTargets, REPO_ROOT } from '../n8n/e2e';
import { storedObject, TEST_BUCKET } from '../../test/rig/s3';
import type { S3Rig } from '../../test/rig/useS3';
import { closeS3Rig, createS3Rig } from '../../test/rig/useS3';

const execFileAsync = promisify(execFile);

const UPLOADS = Number(process.env.CRM_QUEUE_UPLOADS ?? 50);
const PARALLEL = Number(process.env.CRM_QUEUE_PARALLEL ?? 10);
/** Jobs each worker runs at once. With PARALLEL calls in flight and two workers, both must take jobs. */
const WORKER_CONCURRENCY = Number(process.env.CRM_QUEUE_WORKER_CONCURRENCY ?? 5);
const KEEP = process.env.CRM_QUEUE_KEEP === '1';
const WEBHOOK_PATH = 'crm-queue-upload';
const WORKERS = ['worker-1', 'worker-2'];

const READY_TIMEOUT_MS = 180_000;
const CALL_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run this through scripts/queue/run.sh`);
	return value;
}

const WORK = required('CRM_QUEUE_WORK');
const PG_PORT = required('CRM_QUEUE_PG_PORT');
const REDIS_PORT = required('CRM_QUEUE_REDIS_PORT');
const LOGS = join(WORK, 'logs');

const DB_ENV = {
	DB_TYPE: 'postgresdb',
	DB_POSTGRESDB_HOST: '127.0.0.1',
	DB_POSTGRESDB_PORT: PG_PORT,
	DB_POSTGRESDB_DATABASE: 'n8n',
	DB_POSTGRESDB_USER: 'n8n',
	DB_POSTGRESDB_PASSWORD: '',
};

function log(message: string): void {
	console.log(`queue: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// n8n processes
// ---------------------------------------------------------------------------------------------

interface N8nProcess {
	name: string;
	child: ChildProcess;
	logFile: string;
	/** The main's N8N_PORT, a worker's health port. */
	port: number;
	exited?: string;
}

const processes: N8nProcess[] = [];

function startN8n(
	install: N8nInstall,
	sandbox: N8nSandbox,
	name: string,
	args: string[],
	env: Record<string, string>,
	port: number,
): N8nProcess {
	const logFile = join(LOGS, `${name}.log`);
	const out = openSync(logFile, 'a');
	const child = spawn(install.nodeBin, [install.n8nBin, ...args], {
		cwd: sandbox.userFolder,
		env: {
			PATH: `${dirname(install.nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
			HOME: sandbox.userFolder,
			TMPDIR: process.env.TMPDIR ?? tmpdir(),
			LANG: process.env.LANG ?? 'C.UTF-8',
			N8N_USER_FOLDER: sandbox.userFolder,
			...env,
		},
		stdio: ['ignore', out, out],
		// Its own process group: n8n starts a task runner; stopping the group stops both.
		detached: true,
	});
	closeSync(out);
	const started: N8nProcess = { name, child, logFile, port };
	child.on('exit', (code, signal) => {
		started.exited = `exit ${code ?? ''}${signal ? ` (${signal})` : ''}`;
	});
	processes.push(started);
	return started;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

/** TERM every n8n process group we started, KILL what is left after STOP_TIMEOUT_MS. */
async function stopAll(): Promise<void> {
	const running = processes.filter((entry) => entry.exited === undefined);
	for (const entry of running) signalGroup(entry.child, 'SIGTERM');
	const deadline = Date.now() + STOP_TIMEOUT_MS;
	while (running.some((entry) => entry.exited === undefined) && Date.now() < deadline) await sleep(100);
	for (const entry of processes) signalGroup(entry.child, 'SIGKILL');
	if (running.length) {
		log(`stopped ${running.map((entry) => `${entry.name} (pid ${entry.child.pid}: ${entry.exited ?? 'killed'})`).join(', ')}`);
	}
}

function killAllNow(): void {
	for (const entry of processes) signalGroup(entry.child, 'SIGKILL');
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

function logTail(entry: N8nProcess, lines = 40): string {
	return readFileSync(entry.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

/** Polls `probe` until it says yes; fails when the process exits or the time is up. */
async function waitFor(entry: N8nProcess, what: string, probe: () => Promise<boolean>): Promise<void> {
	const deadline = Date.now() + READY_TIMEOUT_MS;
	for (;;) {
		if (entry.exited !== undefined) {
			throw new Error(`${entry.name} exited (${entry.exited}) before ${what}:\n${logTail(entry)}`);
		}
		if (await probe().catch(() => false)) return;
		if (Date.now() > deadline) {
			throw new Error(`${entry.name}: no ${what} after ${READY_TIMEOUT_MS / 1000}s:\n${logTail(entry)}`);
		}
		await sleep(250);
	}
}

async function answers(url: string, accept: (status: number, body: string) => boolean): Promise<boolean> {
	const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
	return accept(response.status, await response.text());
}

// ---------------------------------------------------------------------------------------------
// Uploads
// ---------------------------------------------------------------------------------------------

interface Upload {
	index: number;
	fileName: string;
	key: string;
	size: number;
	sha256: string;
	status?: number;
	answer?: Record<string, unknown>;
	error?: string;
	problems: string[];
}

async function callWebhook(s3: S3Rig, webhookUrl: string, runId: string, index: number): Promise<Upload> {
	const fileName = `queue-${index}-${randomUUID().slice(0, 8)}.bin`;
	// 1 KB .. 1.5 MB: small and large files in the same run.
	const content = randomBytes(1024 + Math.floor(Math.random() * 1_500_000));
	const prefix = `queue/${runId}/${index}/`;
	const upload: Upload = {
		index,
		fileName,
		key: `${prefix}${fileName}`,
		size: content.length,
		sha256: createHash('sha256').update(content).digest('hex'),
		problems: [],
	};
	const form = await s3.form({
		Key: `${prefix}\${filename}`,
		Conditions: [
			['starts-with', '$key', prefix],
			['content-length-range', 1, 10 * 1024 * 1024],
			{ success_action_status: '201' },
		],
		Fields: { success_action_status: '201' },
		Expires: 900,
	});
	const body = new FormData();
	body.append('url', form.url);
	body.append('fields', JSON.stringify(form.fields));
	body.append('data', new Blob([content], { type: 'application/octet-stream' }), fileName);
	try {
		const response = await fetch(webhookUrl, {
			method: 'POST',
			body,
			signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
		});
		upload.status = response.status;
		const text = await response.text();
		try {
			upload.answer = JSON.parse(text) as Record<string, unknown>;
		} catch {
			upload.error = text.slice(0, 500);
		}
	} catch (error) {
		upload.error = (error as Error).message;
	}
	return upload;
}

async function runPool<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<T[]> {
	const results: T[] = new Array(count);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(parallel, count) }, async () => {
			while (next < count) {
				const index = next++;
				results[index] = await task(index + 1);
			}
		}),
	);
	return results;
}

// ---------------------------------------------------------------------------------------------
// Evidence: S3, PostgreSQL, logs
// ---------------------------------------------------------------------------------------------

async function listKeys(s3: S3Rig, prefix: string): Promise<string[]> {
	const keys: string[] = [];
	let token: string | undefined;
	do {
		const page = await s3.client.send(
			new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: prefix, ContinuationToken: token }),
		);
		for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
		token = page.IsTruncated ? page.NextContinuationToken : undefined;
	} while (token);
	return keys;
}

/** Rows of a query, tab-separated fields, through psql on the private cluster. */
async function sql(query: string): Promise<string[][]> {
	const { stdout } = await execFileAsync(
		'psql',
		['-h', '127.0.0.1', '-p', PG_PORT, '-U', 'n8n', '-d', 'n8n', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query],
		{ timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
	);
	return stdout
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => line.split('\t'));
}

/** Execution ids a log names with `pattern` (one capture group), and how often each. */
function idsInLog(entry: N8nProcess, pattern: RegExp): Map<string, number> {
	const counts = new Map<string, number>();
	for (const match of readFileSync(entry.logFile, 'utf8').matchAll(pattern)) {
		counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
	}
	return counts;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
	mkdirSync(LOGS, { recursive: true });
	const target = n8nTargets()[0];
	const install = await installN8n(target);
	mkdirSync(join(WORK, 'pack'), { recursive: true });
	const packed = await buildAndPack(join(WORK, 'pack'));
	const encryptionKey = randomBytes(24).toString('hex');
	const sandboxEnv = { ...DB_ENV, N8N_ENCRYPTION_KEY: encryptionKey, N8N_LOG_LEVEL: 'info' };

	// One user folder per process, each with the package installed the Community Nodes way.
	const names = ['main', ...WORKERS];
	const sandboxes = await Promise.all(
		names.map(async () => await N8nSandbox.create(install, packed.tarball, { env: sandboxEnv, keep: KEEP })),
	);
	const [mainSandbox] = sandboxes;
	const s3 = await createS3Rig();
	try {
		const workflow = JSON.parse(
			readFileSync(join(REPO_ROOT, 'scripts', 'queue', 'webhook-upload.json'), 'utf8'),
		) as N8nWorkflow;
		let started = Date.now();
		// The first n8n command on the empty database runs n8n's migrations.
		const [workflowId] = await mainSandbox.importWorkflows([workflow]);
		const published = await mainSandbox.n8n(['publish:workflow', `--id=${workflowId}`]);
		if (published.code !== 0 || !/Publish|publish/.test(published.stdout + published.stderr)) {
			throw new Error(`n8n publish:workflow failed:\n${describeResult(published)}`);
		}
		log(`workflow ${workflowId} imported into PostgreSQL and published in ${((Date.now() - started) / 1000).toFixed(1)}s`);

		started = Date.now();
		const [mainPort, ...ports] = await freePorts(1 + 1 + WORKERS.length * 3);
		const common: Record<string, string> = {
			...DB_ENV,
			N8N_ENCRYPTION_KEY: encryptionKey,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: REDIS_PORT,
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			// n8n 2.8 warns that manual executions will go to the workers too; say so already.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			// The workflow's Report node reads CRM_QUEUE_PROCESS: which process ran the execution.
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		};
		const mainProcess = startN8n(
			install,
			mainSandbox,
			'main',
			['start'],
			{
				...common,
				CRM_QUEUE_PROCESS: 'main',
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PORT: String(mainPort),
				WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
				N8N_RUNNERS_BROKER_PORT: String(ports[0]),
			},
			mainPort,
		);
		const workers = WORKERS.map((name, index) => {
			const [n8nPort, brokerPort, healthPort] = ports.slice(1 + index * 3, 4 + index * 3);
			return startN8n(
				install,
				sandboxes[index + 1],
				name,
				['worker', `--concurrency=${WORKER_CONCURRENCY}`],
				{
					...common,
					CRM_QUEUE_PROCESS: name,
					N8N_LISTEN_ADDRESS: '127.0.0.1',
					N8N_PORT: String(n8nPort),
					N8N_RUNNERS_BROKER_PORT: String(brokerPort),
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
				healthPort,
			);
		});

		const webhookUrl = `http://127.0.0.1:${mainPort}/webhook/${WEBHOOK_PATH}`;
		await Promise.all([
			waitFor(mainProcess, 'readiness', async () =>
				answers(`http://127.0.0.1:${mainPort}/healthz/readiness`, (status) => status === 200),
			),
			...workers.map(async (worker) =>
				waitFor(worker, 'readiness', async () =>
					answers(`http://127.0.0.1:${worker.port}/healthz/readiness`, (status) => status === 200),
				),
			),
		]);
		// A GET on a POST-only production webhook says "Did you mean to make a POST request?" once the
		// workflow is active; before that it says the webhook is not registered.
		await waitFor(mainProcess, 'active webhook', async () =>
			answers(webhookUrl, (status, body) => status === 404 && body.includes('Did you mean to make a POST request')),
		);
		log(
			`n8n ${install.target.n8nVersion} on Node ${process.versions.node.split('.')[0]} in queue mode up in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
				`main pid ${mainProcess.child.pid} on 127.0.0.1:${mainPort}, ` +
				workers.map((worker) => `${worker.name} pid ${worker.child.pid} (concurrency ${WORKER_CONCURRENCY})`).join(', '),
		);

		// ---- the uploads ----
		const runId = randomUUID();
		const tapBefore = s3.tap.requests.length;
		started = Date.now();
		const uploads = await runPool(UPLOADS, PARALLEL, async (index) => await callWebhook(s3, webhookUrl, runId, index));
		const seconds = (Date.now() - started) / 1000;
		log(`${UPLOADS} webhook calls, ${PARALLEL} at a time, answered in ${seconds.toFixed(1)}s`);
		const tapPosts = s3.tap.requests.slice(tapBefore).filter((request) => request.method === 'POST');

		// ---- evidence ----
		const storedKeys = await listKeys(s3, `queue/${runId}/`);
		const executions = await sql(
			`SELECT id, status, mode, finished FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`,
		);
		const executionById = new Map(executions.map(([id, status, mode, finished]) => [id, { status, mode, finished }]));
		// The webhook stores the received file before its execution exists (binary_data.sourceId "temp");
		// the execution's run data then refers to it as "database:<fileId>".
		const binaryRows = await sql(`SELECT count(*) FROM binary_data`);
		const binaries = await sql(
			`SELECT e."executionId", b."fileName", b."fileSize" FROM binary_data b ` +
				`JOIN execution_data e ON strpos(e.data, 'database:' || b."fileId"::text) > 0`,
		);
		const enqueued = idsInLog(mainProcess, /Enqueued execution (\d+) \(job \d+\)/g);
		const ranOnMain = idsInLog(mainProcess, /Worker finished execution (\d+)/g);
		const finishedBy = new Map(workers.map((worker) => [worker.name, idsInLog(worker, /Worker finished execution (\d+) \(job \d+\)/g)]));
		const startedBy = new Map(workers.map((worker) => [worker.name, idsInLog(worker, /Worker started execution (\d+) \(job \d+\)/g)]));

		let passed = 0;
		let failed = 0;
		const outcome = (ok: boolean, line: string, problems: string[] = []): void => {
			if (ok) passed++;
			else failed++;
			console.log(`${ok ? 'ok  ' : 'FAIL'} ${line}${problems.length ? `\n       ${problems.join('\n       ')}` : ''}`);
		};

		// On a busy machine n8n's main sometimes never returns a queued webhook's answer although the
		// worker finished the execution. That is n8n's response path, not the upload: such a call is
		// traced through the database instead (its file in binary_data names its execution) and every
		// other check still applies to it. The run says how many answers were lost.
		let answersLost = 0;
		for (const upload of uploads) {
			const problems = upload.problems;
			const answer = upload.answer ?? {};
			const traced = binaries.filter(([, fileName, size]) => fileName === upload.fileName && Number(size) === upload.size);
			const answerLost = upload.answer === undefined && /abort|timeout/i.test(upload.error ?? '') && traced.length === 1;
			if (answerLost) answersLost++;
			const executionId = answerLost ? traced[0][0] : String(answer.executionId ?? '');
			if (answerLost) {
				if (upload.status !== undefined) problems.push(`webhook answered HTTP ${upload.status}`);
			} else {
				if (upload.status !== 200) problems.push(`webhook answered HTTP ${upload.status ?? '-'}: ${upload.error ?? JSON.stringify(answer).slice(0, 300)}`);
				if (answer.key !== upload.key) problems.push(`answer names key ${String(answer.key)}, expected ${upload.key}`);
				if (answer.size !== upload.size) problems.push(`answer says ${String(answer.size)} bytes, sent ${upload.size}`);
			}
			if (answerLost) upload.answer = { executionId };
			if (storedKeys.filter((key) => key === upload.key).length !== 1) {
				problems.push(`S3 holds ${storedKeys.filter((key) => key === upload.key).length} objects named ${upload.key}`);
			} else {
				const stored = await storedObject(s3.client, upload.key);
				if (stored.size !== upload.size || stored.sha256 !== upload.sha256) {
					problems.push(`stored ${stored.size} bytes sha256 ${stored.sha256.slice(0, 12)}, sent ${upload.size} bytes sha256 ${upload.sha256.slice(0, 12)}`);
				}
			}
			const execution = executionById.get(executionId);
			if (!execution) problems.push(`execution ${executionId || '(none in the answer)'} is not in execution_entity`);
			else if (execution.status !== 'success' || execution.mode !== 'webhook' || execution.finished !== 't') {
				problems.push(`execution ${executionId}: status ${execution.status}, mode ${execution.mode}, finished ${execution.finished}`);
			}
			if (!binaries.some(([id, fileName, size]) => id === executionId && fileName === upload.fileName && Number(size) === upload.size)) {
				problems.push(`execution ${executionId} refers to no binary_data row named ${upload.fileName} of ${upload.size} bytes`);
			}
			if (enqueued.get(executionId) !== 1) problems.push(`the main logged "Enqueued execution ${executionId}" ${enqueued.get(executionId) ?? 0} times`);
			const ranBy = WORKERS.filter((name) => finishedBy.get(name)?.has(executionId));
			if (ranBy.length !== 1 || finishedBy.get(ranBy[0])?.get(executionId) !== 1) {
				problems.push(`"Worker finished execution ${executionId}" logged by ${ranBy.length ? ranBy.join(' and ') : 'no worker'}`);
			} else if (!answerLost && answer.ranOn !== ranBy[0]) {
				problems.push(`the execution says it ran on ${String(answer.ranOn)}, the logs say ${ranBy[0]}`);
			}
			outcome(
				problems.length === 0,
				`upload ${String(upload.index).padStart(2)}: ${upload.fileName} ${String(upload.size).padStart(7)} B -> execution ${executionId || '?'} on ${answerLost ? `${WORKERS.filter((name) => finishedBy.get(name)?.has(executionId)).join(' and ') || '?'} (webhook answer lost, traced through binary_data)` : String(answer.ranOn ?? '?')}`,
				problems,
			);
		}

		// ---- run-wide checks ----
		const expectedKeys = new Set(uploads.map((upload) => upload.key));
		const unexpected = storedKeys.filter((key) => !expectedKeys.has(key));
		outcome(
			storedKeys.length === UPLOADS && new Set(storedKeys).size === UPLOADS && unexpected.length === 0,
			`S3 holds exactly ${UPLOADS} objects under the run's prefix (found ${storedKeys.length}${unexpected.length ? `, ${unexpected.length} unexpected` : ''})`,
		);
		const postStatuses = [...new Set(tapPosts.map((request) => request.status))].join(',');
		outcome(
			tapPosts.length === UPLOADS && tapPosts.every((request) => request.status === 201),
			`S3 received exactly ${UPLOADS} POST uploads, one per file, none retried or repeated (saw ${tapPosts.length}, statuses ${postStatuses || '-'})`,
		);
		const statusCounts = executions.reduce<Record<string, number>>((counts, [, status]) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
		outcome(
			executions.length === UPLOADS && statusCounts.success === UPLOADS,
			`PostgreSQL execution_entity holds ${UPLOADS} executions of the workflow, all success (found ${JSON.stringify(statusCounts)})`,
		);
		const answeredIds = new Set(uploads.map((upload) => String(upload.answer?.executionId ?? '')));
		outcome(
			answeredIds.size === UPLOADS && [...answeredIds].every((id) => executionById.has(id)),
			`each call got its own execution (${answeredIds.size} distinct execution ids${answersLost ? `, ${answersLost} traced through binary_data because n8n's answer was lost` : ' in the answers'})`,
		);
		const allFinished = WORKERS.flatMap((name) => [...(finishedBy.get(name)?.keys() ?? [])]);
		const allStarted = WORKERS.flatMap((name) => [...(startedBy.get(name)?.keys() ?? [])]);
		const dbIds = [...executionById.keys()].sort();
		outcome(
			sameSet(allFinished, dbIds) && allFinished.length === dbIds.length && sameSet(allStarted, dbIds) && sameSet([...enqueued.keys()], dbIds),
			`the main logged "Enqueued execution" for all ${enqueued.size} executions; the workers logged "Worker started" for ${allStarted.length} and "Worker finished" for ${allFinished.length}, each by exactly one worker`,
		);
		outcome(
			ranOnMain.size === 0 && WORKERS.every((name) => (finishedBy.get(name)?.size ?? 0) > 0),
			`both workers did work, the main none: ${WORKERS.map((name) => `${name} ${finishedBy.get(name)?.size ?? 0}`).join(', ')}, main ${ranOnMain.size + uploads.filter((upload) => upload.answer?.ranOn === 'main').length}`,
		);
		const linked = new Set(binaries.filter(([id]) => executionById.has(id)).map(([id]) => id));
		outcome(
			Number(binaryRows[0]?.[0]) === UPLOADS && linked.size === UPLOADS,
			`binary data in database mode: ${binaryRows[0]?.[0]} binary_data rows, ${linked.size} executions each referring to its file there (the main stored it, a worker read it)`,
		);

		console.log(`${passed} passed, ${failed} failed (${UPLOADS} uploads and ${passed + failed - UPLOADS} run-wide checks)`);
		return failed === 0 && passed > 0 ? 0 : 1;
	} finally {
		await stopAll();
		await closeS3Rig(s3);
		await Promise.all(sandboxes.map(async (sandbox) => await sandbox.dispose()));
	}
}

function sameSet(a: string[], b: string[]): boolean {
	const left = new Set(a);
	const right = new Set(b);
	return left.size === right.size && [...left].every((value) => right.has(value));
}

process.on('SIGTERM', () => {
	killAllNow();
	process.exit(143);
});
process.on('SIGINT', () => {
	killAllNow();
	process.exit(130);
});

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error: Error) => {
		killAllNow();
		console.error(`queue: ${error.message}`);
		console.log('0 passed, 1 failed (the run did not get to its checks)');
		process.exitCode = 1;
	},
);
