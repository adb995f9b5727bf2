import { execFile } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';

import type { MemoryProbeRequest, MemoryProbeResult } from './memoryProbe';

/** Runs memoryProbe.ts in its own Node process, so jest's own memory does not blur the figure. */
export async function runMemoryProbe(request: MemoryProbeRequest): Promise<MemoryProbeResult> {
	// The child makes its own n8n user folder and binary store (see environment.ts).
	const env = { ...process.env };
	delete env.N8N_USER_FOLDER;
	delete env.N8N_BINARY_DATA_STORAGE_PATH;
	const { stdout } = await promisify(execFile)(
		process.execPath,
		['--expose-gc', '-r', join(__dirname, 'registerTs.js'), join(__dirname, 'memoryProbe.ts'), JSON.stringify(request)],
		{ env, maxBuffer: 10 * 1024 * 1024 },
	);
	const line = stdout.trim().split('\n').pop() ?? '';
	return JSON.parse(line) as MemoryProbeResult;
}
