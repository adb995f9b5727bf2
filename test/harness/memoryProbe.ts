/**
 * Runs one upload in a fresh process and reports how much that process's peak memory grew while
 * the node ran: the file is prepared first, then the peak is reset (clear_refs), then measured.
 *
 *   node -r ./test/harness/registerTs.js test/harness/memoryProbe.ts '<json request>'
 */
import './environment';

import { readFileSync, writeFileSync } from 'fs';
import { createReadStream } from 'fs';
import type { INodeType } from 'n8n-workflow';

import type { BinaryMode } from './binaryStore';
import { prepareItems, runNode } from './runNode';

export interface MemoryProbeRequest {
	/** Module path and export name of the node class. */
	nodeModule: string;
	nodeExport: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, Record<string, string>>;
	credentialModules?: Array<{ module: string; export: string }>;
	file: { path: string; size: number; fileName: string; mimeType: string };
	binaryMode: BinaryMode;
}

export interface MemoryProbeResult {
	rssBeforeBytes: number;
	peakRssBytes: number;
	growthBytes: number;
	/** CPU time the process spent on the upload (user + system), in ms. */
	cpuMs: number;
	error?: string;
	outputs: unknown[];
}

function statusValueBytes(field: string): number {
	const status = readFileSync('/proc/self/status', 'utf8');
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
	if (!match) throw new Error(`no ${field} in /proc/self/status`);
	return Number(match[1]) * 1024;
}

async function main(): Promise<void> {
	const request = JSON.parse(process.argv[2]) as MemoryProbeRequest;
	const NodeClass = (await import(request.nodeModule))[request.nodeExport] as new () => INodeType;
	const credentialTypes = [];
	for (const credential of request.credentialModules ?? []) {
		const CredentialClass = (await import(credential.module))[credential.export];
		credentialTypes.push(new CredentialClass());
	}
	const spec = {
		fileName: request.file.fileName,
		mimeType: request.file.mimeType,
		content:
			request.binaryMode === 'memory'
				? readFileSync(request.file.path)
				: { stream: () => createReadStream(request.file.path), size: request.file.size },
	};
	const items = await prepareItems([{ files: { data: spec } }], request.binaryMode);
	delete (spec as { content?: unknown }).content;

	// Warm up n8n's engine and our code on a tiny file so only the upload itself is measured.
	const warmup = await prepareItems(
		[{ files: { data: { fileName: 'warmup.bin', mimeType: 'application/octet-stream', content: Buffer.alloc(64, 1) } } }],
		request.binaryMode,
	);
	await runNode({
		nodeType: new NodeClass(),
		parameters: request.parameters as never,
		items: [],
		preparedItems: warmup,
		credentialTypes,
		credentials: request.credentials,
	});

	if (global.gc) global.gc();
	const rssBeforeBytes = statusValueBytes('VmRSS');
	writeFileSync('/proc/self/clear_refs', '5');
	const cpuBefore = process.cpuUsage();
	const result = await runNode({
		nodeType: new NodeClass(),
		parameters: request.parameters as never,
		items: [],
		preparedItems: items,
		credentialTypes,
		credentials: request.credentials,
	});
	const peakRssBytes = statusValueBytes('VmHWM');
	const cpu = process.cpuUsage(cpuBefore);
	const report: MemoryProbeResult = {
		rssBeforeBytes,
		peakRssBytes,
		growthBytes: peakRssBytes - rssBeforeBytes,
		cpuMs: Math.round((cpu.user + cpu.system) / 1000),
		error: result.error?.message,
		outputs: result.items.map((item) => item.json),
	};
	process.stdout.write(`${JSON.stringify(report)}\n`);
	process.exit(0);
}

void main().catch((error) => {
	process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
