/**
 * npm run demo: the sandbox, headless. Starts the CRM sandbox (fakes + radosgw, free ports, in
 * .sandbox/demo), builds and packs the package, installs it into a fresh n8n user folder the way the
 * Community Nodes screen does, imports the sandbox credentials, runs every example of examples/ with
 * `n8n execute`, and prints what landed where, with a byte-for-byte check (sha256).
 *
 *   node -r ./test/harness/registerTs.js scripts/sandbox/demo.ts [--n8n 2.41.1] [--keep]
 *
 * Exit code 1 when an example failed or its file did not arrive intact.
 */
import { mkdirSync, rmSync } from 'fs';
import { join } from 'path';

import type { N8nSandbox } from '../n8n/e2e';
import { buildAndPack, installN8n, N8nSandbox as Sandbox, n8nTargets, nodeOutput } from '../n8n/e2e';
import { fileForEveryFileField, formRunResult, hasFormTrigger, runFormWorkflow } from '../n8n/formSubmission';
import type { PreparedExample } from './examples';
import { exampleFiles, exampleWorkflowId, prepareExample } from './examples';
import type { CrmSandbox, Holding } from './sandbox';
import { crmLabel, onShutdown, SANDBOX_DIR, startCrmSandbox } from './sandbox';

export interface DemoRow {
	example: string;
	crm: string;
	file: string;
	size: number;
	where: string;
	intact: 'yes' | 'no' | '-';
	error?: string;
}

function option(argv: string[], name: string): string | undefined {
	const index = argv.indexOf(name);
	return index >= 0 ? argv[index + 1] : undefined;
}

/** Runs every example in `n8n` against `sandbox`; returns one row per example. */
export async function runExamples(sandbox: CrmSandbox, n8n: N8nSandbox, filesDir: string, log = console.log): Promise<DemoRow[]> {
	await n8n.importCredentials(sandbox.credentials);
	const rows: DemoRow[] = [];
	const prepared: PreparedExample[] = [];
	for (const file of exampleFiles()) {
		try {
			prepared.push(await prepareExample(file, sandbox, filesDir));
		} catch (error) {
			rows.push({ example: file, crm: '?', file: '-', size: 0, where: '-', intact: 'no', error: (error as Error).message });
		}
	}
	// One import for all (each n8n command is a cold start of n8n).
	const ids = await n8n.importWorkflows(prepared.map((example) => ({ ...example.workflow, id: exampleWorkflowId(example.file) })));
	for (const [index, example] of prepared.entries()) {
		const file = example.file;
		const id = ids[index];
		const started = Date.now();
		const row: DemoRow = { example: file, crm: crmLabel(example.crm), file: example.fileName, size: example.size, where: '-', intact: 'no' };
		rows.push(row);
		try {
			const before = new Set((await sandbox.holdings())[example.crm].map((holding) => `${holding.id ?? ''}|${holding.where}`));
			// A Form Trigger's workflow runs when its form is submitted: the demo fills it in with the example's file.
			const viaForm = hasFormTrigger(example.workflow) && example.path !== undefined;
			const result = viaForm
				? formRunResult(await runFormWorkflow(n8n, id, example.workflow, fileForEveryFileField(example.workflow, example.path!, example.mimeType)))
				: await n8n.execute(id);
			const after = (await sandbox.holdings())[example.crm];
			const arrived = after.filter((holding) => !before.has(`${holding.id ?? ''}|${holding.where}`));
			const match: Holding | undefined = arrived.find((holding) => holding.sha256 === example.sha256 && holding.size === example.size);
			const landed = match ?? arrived[0];
			row.where = landed ? landed.where : 'nothing arrived';
			row.intact = match ? 'yes' : 'no';
			if (result.error) row.error = result.error.split('\n').slice(0, 3).join(' ');
			else if (!match && landed) row.error = `arrived with ${landed.size} bytes, sha256 ${landed.sha256.slice(0, 12)}, expected ${example.size} bytes, sha256 ${example.sha256.slice(0, 12)}`;
			const lastNode = example.workflow.nodes[example.workflow.nodes.length - 1].name;
			let outputs = 0;
			try {
				outputs = nodeOutput(result.run, lastNode).length;
			} catch {
				// No output: the error says why.
			}
			const how = viaForm ? 'its form submitted with the file' : `${outputs} item(s) out of "${lastNode}"`;
			log(`${file}: ${row.intact === 'yes' ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)}s, ${how})${row.error ? `: ${row.error}` : ''}`);
		} catch (error) {
			row.error = (error as Error).message.split('\n').slice(0, 3).join(' ');
			log(`${file}: FAILED: ${row.error}`);
		}
	}
	return rows.sort((a, b) => a.example.localeCompare(b.example));
}

export function formatTable(rows: DemoRow[]): string {
	const header = ['Example', 'CRM', 'File', 'Bytes', 'Where it landed', 'Intact'];
	const body = rows.map((row) => [row.example, row.crm, row.file, row.size.toLocaleString('en'), row.where, row.intact]);
	const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column].length)));
	const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
	return [line(header), `|${widths.map((width, column) => (column === 3 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(argv: string[]): Promise<void> {
	const version = option(argv, '--n8n') ?? process.env.SANDBOX_N8N_VERSION;
	const target = n8nTargets().find((candidate) => !version || candidate.n8nVersion === version);
	if (!target) throw new Error(`no n8n ${version} in scripts/n8n/versions.env`);
	const dir = join(SANDBOX_DIR, 'demo');
	const filesDir = join(dir, 'files');
	rmSync(filesDir, { recursive: true, force: true });
	mkdirSync(filesDir, { recursive: true });
	mkdirSync(join(dir, 'pack'), { recursive: true });

	console.log(`Demo in ${target.label}: starting the CRM sandbox...`);
	let sandbox: CrmSandbox | undefined;
	let n8n: N8nSandbox | undefined;
	const stop = async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	};
	onShutdown(stop);
	try {
		const [crm, install, packed] = await Promise.all([
			startCrmSandbox({ dir, fixedPorts: false }),
			installN8n(target),
			buildAndPack(join(dir, 'pack')).then((value) => {
				console.log(`built and packed ${value.tarball}`);
				return value;
			}),
		]);
		sandbox = crm;
		console.log(`sandbox status page: ${sandbox.statusUrl}/ (while the demo runs)`);
		n8n = await Sandbox.create(install, packed.tarball, { fileAccess: [filesDir], keep: argv.includes('--keep') });
		console.log(`installed into ${n8n.userFolder}/.n8n/nodes; running ${exampleFiles().length} example(s)...`);
		const rows = await runExamples(sandbox, n8n, filesDir);
		console.log(`\n${formatTable(rows)}\n`);
		const failed = rows.filter((row) => row.intact !== 'yes');
		for (const row of failed) console.log(`${row.example}: ${row.error ?? 'the file did not arrive intact'}`);
		console.log(failed.length ? `${failed.length} of ${rows.length} example(s) failed` : `all ${rows.length} example(s) delivered their file intact`);
		if (failed.length) process.exitCode = 1;
	} finally {
		await stop();
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: Error) => {
		console.error(error.message);
		process.exit(1);
	});
}
