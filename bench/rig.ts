/**
 * What the benchmark runs against: the test rig's radosgw (started and stopped by pid through
 * test/rig/radosgw.sh), S3 forms pointing either straight at radosgw or through a latency proxy,
 * random files on disk, child processes with a time limit, and curl.
 */
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { execFile, spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';

import type { PresignedForm } from '../test/rig/s3';
import { presignedForm, TEST_BUCKET } from '../test/rig/s3';
import type { S3Rig } from '../test/rig/useS3';
import type { ProbeRequest, ProbeResult } from './probe';

export const ROOT = join(__dirname, '..');
export const MB = 1024 * 1024;

// ---- radosgw -------------------------------------------------------------------------------

export interface Radosgw {
	dir: string;
	s3Json: string;
	/** CPU seconds (user + system) used so far by the rig's daemons. */
	cpuSeconds(): number;
	stop(): Promise<void>;
}

/** Starts a private radosgw in a fresh directory (its daemons' pids are in DIR/pids). */
export async function startRadosgw(): Promise<Radosgw> {
	const dir = join(mkdtempSync(join(tmpdir(), 'crm-bench-')), 'rgw');
	await promisify(execFile)('bash', [join(ROOT, 'test/rig/radosgw.sh'), 'start', dir], { timeout: 120_000 });
	const pids = readFileSync(join(dir, 'pids'), 'utf8').split(/\s+/).filter(Boolean);
	const ticks = 100; // USER_HZ on Linux
	return {
		dir,
		s3Json: join(dir, 's3.json'),
		cpuSeconds: () =>
			pids.reduce((sum, pid) => {
				try {
					// Fields after the command name: utime and stime are the 12th and 13th.
					const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
					return sum + (Number(fields[11]) + Number(fields[12])) / ticks;
				} catch {
					return sum;
				}
			}, 0),
		// radosgw.sh stop kills exactly the pids listed in DIR/pids, then removes DIR.
		stop: async () => {
			await promisify(execFile)('bash', [join(ROOT, 'test/rig/radosgw.sh'), 'stop', dir], { timeout: 60_000 });
			rmSync(join(dir, '..'), { recursive: true, force: true });
		},
	};
}

/**
 * The rig with its `form()` pointing at `origin` (radosgw itself, or a latency proxy) instead of the
 * recording tap: CRM fakes hand out these forms.
 */
export function rigWithFormsAt(rig: S3Rig, origin: string, adjust?: (options: Omit<PresignedPostOptions, 'Bucket'>) => Omit<PresignedPostOptions, 'Bucket'>): S3Rig {
	return {
		...rig,
		form: async (options) => {
			const form = await presignedForm(rig.client, adjust ? adjust(options) : options);
			const url = new URL(form.url);
			return { url: `${origin}${url.pathname}${url.search}`, fields: form.fields };
		},
	};
}

export async function directForm(rig: S3Rig, key: string, maxBytes: number): Promise<PresignedForm> {
	return await presignedForm(rig.client, {
		Key: key,
		Conditions: [['content-length-range', 1, maxBytes], { success_action_status: '201' }],
		Fields: { success_action_status: '201' },
		Expires: 3600,
	});
}

export async function storedSize(rig: S3Rig, key: string): Promise<number | undefined> {
	try {
		return (await rig.client.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key }))).ContentLength;
	} catch {
		return undefined;
	}
}

/** radosgw keeps every object in the OSD's RAM (memstore): free big ones after checking them. */
export async function deleteObject(rig: S3Rig, key: string): Promise<void> {
	await rig.client.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key })).catch(() => undefined);
}

// ---- a latency proxy in front of radosgw ---------------------------------------------------

// ---- child processes -----------------------------------------------------------------------

export interface ChildOutcome<T> {
	result?: T;
	/** Why there is no result: the child failed or ran out of time. */
	failure?: string;
}

function lastJsonLine<T>(stdout: string): T | undefined {
	const line = stdout.trim().split('\n').filter((candidate) => candidate.startsWith('{')).pop();
	return line ? (JSON.parse(line) as T) : undefined;
}

/** Runs bench/probe.ts in a fresh Node process; kills it (by its pid) after `timeoutMs`. */
export async function runProbe(request: ProbeRequest, timeoutMs: number): Promise<ChildOutcome<ProbeResult>> {
	// The child gets its own n8n user folder and binary store (a copy of its input files), removed
	// here whatever way the child ends.
	const folder = mkdtempSync(join(tmpdir(), 'crm-bench-probe-'));
	const env = { ...process.env, N8N_USER_FOLDER: folder, N8N_BINARY_DATA_STORAGE_PATH: join(folder, 'binaryData') };
	return await new Promise((resolve) => {
		const child = spawn(
			process.execPath,
			[
				// e.g. BENCH_PROBE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where a row's CPU goes.
				...(process.env.BENCH_PROBE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
				'--expose-gc',
				'-r',
				join(ROOT, 'test/harness/registerTs.js'),
				join(__dirname, 'probe.ts'),
				JSON.stringify(request),
			],
			{ env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			rmSync(folder, { recursive: true, force: true });
			const result = lastJsonLine<ProbeResult>(stdout);
			if (result) return resolve({ result });
			const reason = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exit ${code}`;
			const lines = stderr.trim().split('\n').filter(Boolean);
			// The error's own line (e.g. "TypeError: ...") says more than the stack's last frames.
			const errorLine = lines.find((line) => /^\w*Error\b|^Error:/.test(line.trim()));
			const detail = [errorLine, ...lines.slice(-2)].filter(Boolean).join(' | ');
			resolve({ failure: `${reason}: ${detail}`.slice(0, 400) });
		});
	});
}

// ---- curl -----------------------------------------------------------------------------------

export interface CurlResult {
	wallMs: number;
	status: number;
	peakRssBytes?: number;
	cpuSeconds?: number;
}

export function curlAvailable(): boolean {
	return existsSync('/usr/bin/curl');
}

/**
 * `curl -F` every form field then `file=@path`, to the same URL. Timed from spawn to exit (so curl's
 * own start-up is included, as a node's run includes its set-up). Peak RSS from /usr/bin/time when
 * present.
 */
export async function curlUpload(
	form: PresignedForm,
	path: string,
	fileName: string,
	mimeType: string,
	timeoutMs: number,
	headers: Record<string, string> = {},
): Promise<ChildOutcome<CurlResult>> {
	const args = ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', String(Math.ceil(timeoutMs / 1000))];
	for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
	for (const [name, value] of Object.entries(form.fields)) args.push('--form-string', `${name}=${value}`);
	args.push('-F', `file=@${path};filename=${fileName};type=${mimeType}`, form.url);
	const timed = existsSync('/usr/bin/time');
	const command = timed ? '/usr/bin/time' : '/usr/bin/curl';
	const commandArgs = timed ? ['-f', 'maxrss=%M user=%U system=%S', '/usr/bin/curl', ...args] : args;
	const started = process.hrtime.bigint();
	try {
		const { stdout, stderr } = await promisify(execFile)(command, commandArgs, { timeout: timeoutMs + 5000 });
		const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
		const rss = /maxrss=(\d+)/.exec(stderr)?.[1];
		const cpu = /user=([\d.]+) system=([\d.]+)/.exec(stderr);
		return {
			result: {
				wallMs,
				status: Number(stdout.trim()),
				peakRssBytes: rss ? Number(rss) * 1024 : undefined,
				cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
			},
		};
	} catch (error) {
		return { failure: `curl failed: ${(error as Error).message.slice(0, 300)}` };
	}
}

export function readJson<T>(path: string): T {
	return JSON.parse(readFileSync(path, 'utf8')) as T;
}
