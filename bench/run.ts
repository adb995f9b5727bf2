/**
 * The benchmarks of issues 7 and 15: `npm run bench`.
 *
 * Starts its own radosgw (test/rig/radosgw.sh, stopped by pid at the end), runs the scenarios, each
 * measured run in its own Node process (bench/probe.ts), and prints one table per scenario. The
 * tables, the machine and the settings also go to bench/results/latest.md and latest.json (a run of
 * only some scenarios: scenarios-N,M.md and .json, so the last full run stays in latest.*).
 *
 *   node -r ./test/harness/registerTs.js bench/run.ts [--only=1,2,3,4] [--repeats=N] [--max-minutes=M] [--rows=TEXT]
 *
 * All traffic stays on 127.0.0.1. Every loop has a count, every run a time limit, and no run starts
 * after the overall deadline (12 minutes by default).
 */
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, loadavg, totalmem } from 'os';
import { join } from 'path';

import { closeS3Rig, createS3Rig } from '../test/rig/useS3';
import type { S3Rig } from '../test/rig/useS3';
import type { BenchContext } from './context';
import { findNodesBase } from './n8nNodes';
import type { Radosgw } from './rig';
import { readJson, startRadosgw } from './rig';
import { largeFileScenario } from './scenarios/largeFile';
import { manyFilesScenario } from './scenarios/manyFiles';
import { crmUploadsScenario } from './scenarios/crmUploads';
import { rateLimitedScenario } from './scenarios/rateLimited';
import type { Table } from './table';
import { renderTable } from './table';

function argument(name: string): string | undefined {
	return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
}

function version(command: string, args: string[]): string {
	try {
		return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000 }).split('\n')[0].trim();
	} catch {
		return 'not found';
	}
}

function machine(): Record<string, string> {
	let os = '';
	try {
		os = /PRETTY_NAME="([^"]+)"/.exec(execFileSync('cat', ['/etc/os-release'], { encoding: 'utf8' }))?.[1] ?? '';
	} catch {
		os = process.platform;
	}
	return {
		cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
		memory: `${Math.round(totalmem() / 1024 ** 3)} GB`,
		os: `${os}, kernel ${version('uname', ['-r'])}`,
		node: process.version,
		curl: version('curl', ['--version']),
		radosgw: version('radosgw', ['--version']),
		'load average at start (1/5/15 min)': loadavg().map((value) => value.toFixed(2)).join(' / '),
	};
}

async function main(): Promise<void> {
	const all = [1, 2, 3, 4];
	const only = (argument('only') ?? all.join(',')).split(',').map(Number);
	const repeats = Math.max(1, Math.min(9, Number(argument('repeats') ?? 3)));
	const maxMinutes = Math.max(1, Math.min(30, Number(argument('max-minutes') ?? 12)));
	const started = Date.now();
	const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

	// A client that dies mid-request (a failed run) aborts a fake's request: log it, keep measuring.
	const keepGoing = (error: unknown) => log(`ignored in the bench process: ${(error as Error)?.message ?? String(error)}`);
	process.on('unhandledRejection', keepGoing);
	process.on('uncaughtException', keepGoing);

	const about = machine();
	const nodesBase = findNodesBase();
	log(`machine: ${JSON.stringify(about)}`);
	log(nodesBase ? `n8n's nodes: n8n-nodes-base ${nodesBase.version} from ${nodesBase.origin}` : 'n8n-nodes-base not found: HTTP Request rows are skipped');

	let radosgw: Radosgw | undefined;
	let rig: S3Rig | undefined;
	const tables: Table[] = [];
	try {
		log('starting radosgw');
		radosgw = await startRadosgw();
		process.env.CRM_TEST_S3_JSON = radosgw.s3Json;
		rig = await createS3Rig();
		const context: BenchContext = {
			rig,
			s3Origin: readJson<{ S3_ENDPOINT: string }>(radosgw.s3Json).S3_ENDPOINT,
			nodesBase,
			repeats,
			rowFilter: argument('rows'),
			deadline: started + maxMinutes * 60_000,
			log,
			s3CpuSeconds: () => radosgw?.cpuSeconds() ?? 0,
		};
		const scenarios: Array<[number, (context: BenchContext) => Promise<Table>]> = [
			[1, largeFileScenario],
			[2, manyFilesScenario],
			[3, crmUploadsScenario],
			[4, rateLimitedScenario],
		];
		for (const [number, scenario] of scenarios) {
			if (!only.includes(number)) continue;
			const table = await scenario(context);
			tables.push(table);
			process.stdout.write(`\n${renderTable(table)}\n`);
		}
	} finally {
		await closeS3Rig(rig);
		if (radosgw) {
			log('stopping radosgw');
			await radosgw.stop();
		}
	}

	const elapsedS = Math.round((Date.now() - started) / 1000);
	const resultsDir = join(__dirname, 'results');
	mkdirSync(resultsDir, { recursive: true });
	about['load average at end (1/5/15 min)'] = loadavg().map((value) => value.toFixed(2)).join(' / ');
	const header = [
		`Run of ${new Date(started).toISOString()}, ${elapsedS} s in all, ${repeats} measured runs per row where not stated otherwise.`,
		'',
		...Object.entries(about).map(([key, value]) => `- ${key}: ${value}`),
		`- n8n's nodes: ${nodesBase ? `n8n-nodes-base ${nodesBase.version} from ${nodesBase.origin}` : 'not installed'}`,
		'',
	].join('\n');
	const partial = all.some((number) => !only.includes(number)) || argument('rows') !== undefined;
	const base = partial ? `scenarios-${only.join(',')}` : 'latest';
	writeFileSync(join(resultsDir, `${base}.md`), `${header}\n${tables.map(renderTable).join('\n')}`);
	writeFileSync(join(resultsDir, `${base}.json`), `${JSON.stringify({ started: new Date(started).toISOString(), elapsedS, machine: about, repeats, only, rows: argument('rows'), tables }, null, 2)}\n`);
	log(`done in ${elapsedS} s; tables also in bench/results/${base}.md`);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	},
);
