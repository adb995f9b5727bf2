/**
 * One measured run, in its own Node process (like test/harness/memoryProbe.ts): prepares the input
 * items in n8n's binary store, warms the engine up with the same workflow on one tiny file, resets
 * the peak RSS (/proc/self/clear_refs), then runs the workflow once and reports wall time and how far
 * the process's peak RSS (VmHWM) rose above its RSS before the run.
 *
 *   node --expose-gc -r ./test/harness/registerTs.js bench/probe.ts '<json ProbeRequest>'
 */
import { testRoot } from '../test/harness/environment';

import { randomBytes } from 'crypto';
import { createReadStream, readFileSync, rmSync, writeFileSync } from 'fs';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { BinaryMode, FileSpec } from '../test/harness/binaryStore';
import { prepareItems } from '../test/harness/runNode';
import { shareModulesWith } from './sharedModules';
import type { WorkflowNode } from './workflow';
import { runWorkflow } from './workflow';

export interface ModuleRef {
	module: string;
	export: string;
}

export interface NodeSpec extends ModuleRef {
	name: string;
	typeName?: string;
	typeVersion?: number;
	parameters: IDataObject;
	credentials?: string[];
	from?: WorkflowNode['from'];
	resultFrom?: WorkflowNode['resultFrom'];
	loopsBackTo?: string;
	settings?: WorkflowNode['settings'];
}

export type InputSpec =
	/** One file already on disk (streamed into n8n's store, never held by the probe). */
	| { kind: 'disk'; path: string; size: number; fileName: string; mimeType: string; json?: IDataObject }
	/** `count` items of `size` random bytes each, generated in the probe before the measurement. */
	| { kind: 'random'; count: number; size: number; fileNamePrefix: string; extension: string; mimeType: string; json?: IDataObject };

export interface ProbeRequest {
	label: string;
	nodes: NodeSpec[];
	credentialModules?: ModuleRef[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	input: InputSpec;
	binaryMode: BinaryMode;
	/** Folders of n8n's own packages (n8n-nodes-base) that must share the engine's modules (see sharedModules.ts). */
	shareModulesWith?: string[];
}

export interface ProbeResult {
	label: string;
	wallMs: number;
	rssBeforeBytes: number;
	peakRssBytes: number;
	growthBytes: number;
	/** CPU seconds (user + system) this process spent in the measured run. */
	cpuSeconds: number;
	itemsIn: number;
	itemsOut: number;
	/** The workflow's error, if it stopped, and the node it stopped at. */
	error?: string;
	errorNode?: string;
	/** Output items of the last node that carry an `error` (Continue On Fail). */
	itemsWithError: number;
	/** The last node's output JSON (the first few items), for the parent to verify. */
	outputs: IDataObject[];
}

function statusValueBytes(field: string): number {
	const status = readFileSync('/proc/self/status', 'utf8');
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
	if (!match) throw new Error(`no ${field} in /proc/self/status`);
	return Number(match[1]) * 1024;
}

function load<T>(ref: ModuleRef): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = (require(ref.module) as Record<string, unknown>)[ref.export];
	if (typeof exported !== 'function') throw new Error(`${ref.module} has no class ${ref.export}`);
	return new (exported as new () => T)();
}

function workflowNodes(specs: NodeSpec[]): WorkflowNode[] {
	return specs.map((spec) => ({
		name: spec.name,
		type: load(spec),
		typeName: spec.typeName,
		typeVersion: spec.typeVersion,
		parameters: spec.parameters,
		credentials: spec.credentials,
		from: spec.from,
		resultFrom: spec.resultFrom,
		loopsBackTo: spec.loopsBackTo,
		settings: spec.settings,
	}));
}

async function inputItems(input: InputSpec, mode: BinaryMode): Promise<INodeExecutionData[]> {
	if (input.kind === 'disk') {
		const spec: FileSpec = {
			fileName: input.fileName,
			mimeType: input.mimeType,
			content: mode === 'memory' ? readFileSync(input.path) : { stream: () => createReadStream(input.path), size: input.size },
		};
		return await prepareItems([{ json: input.json, files: { data: spec } }], mode);
	}
	const items = [];
	for (let index = 0; index < input.count; index++) {
		items.push({
			json: { ...(input.json ?? {}), index },
			files: {
				data: {
					fileName: `${input.fileNamePrefix}-${String(index).padStart(4, '0')}.${input.extension}`,
					mimeType: input.mimeType,
					content: randomBytes(input.size),
				},
			},
		});
	}
	return await prepareItems(items, mode);
}

async function main(): Promise<void> {
	const request = JSON.parse(process.argv[2]) as ProbeRequest;
	shareModulesWith(request.shareModulesWith ?? []);
	const credentialTypes = (request.credentialModules ?? []).map((ref) => load<ICredentialType>(ref));
	const run = async (input: INodeExecutionData[]) =>
		await runWorkflow({
			nodes: workflowNodes(request.nodes),
			input,
			credentialTypes,
			credentials: request.credentials,
		});

	const items = await inputItems(request.input, request.binaryMode);
	const extension = request.input.kind === 'disk' ? request.input.fileName.split('.').pop() : request.input.extension;
	const warmupItems = await prepareItems(
		[
			{
				json: request.input.json,
				files: { data: { fileName: `warmup.${extension}`, mimeType: request.input.mimeType, content: randomBytes(64) } },
			},
		],
		request.binaryMode,
	);
	// Warm up n8n's engine, the node code and the connections' first use on a tiny file.
	const warmup = await run(warmupItems);
	if (warmup.error) throw new Error(`warm-up run failed: ${warmup.error.message}`);

	if (global.gc) global.gc();
	// Reset the peak to the current RSS, then read that baseline: growth is never below zero.
	writeFileSync('/proc/self/clear_refs', '5');
	const rssBeforeBytes = statusValueBytes('VmHWM');
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	const result = await run(items);
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	const cpu = process.cpuUsage(cpuBefore);
	const peakRssBytes = statusValueBytes('VmHWM');

	const report: ProbeResult = {
		label: request.label,
		wallMs,
		rssBeforeBytes,
		peakRssBytes,
		// The RSS can shrink between the reset and the first read: no growth is 0, not negative.
		growthBytes: Math.max(0, peakRssBytes - rssBeforeBytes),
		cpuSeconds: (cpu.user + cpu.system) / 1e6,
		itemsIn: items.length,
		itemsOut: result.items.length,
		error: result.error ? [result.error.message, result.error.description].filter(Boolean).join(' — ') : undefined,
		errorNode: result.error ? result.lastNode : undefined,
		itemsWithError: result.items.filter((item) => item.json.error !== undefined).length,
		outputs: result.items.slice(0, 3).map((item) => item.json),
	};
	process.stdout.write(`\n${JSON.stringify(report)}\n`);
	exit(0);
}

/** Removes this process's n8n user folder and binary store (a copy of every input file). */
function exit(code: number): never {
	rmSync(testRoot, { recursive: true, force: true });
	process.exit(code);
}

void main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	exit(1);
});
