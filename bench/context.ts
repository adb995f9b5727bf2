import { join } from 'path';

import type { S3Rig } from '../test/rig/useS3';
import type { NodesBase } from './n8nNodes';
import { ROOT } from './rig';

export interface BenchContext {
	rig: S3Rig;
	/** radosgw's own origin (no tap in between). */
	s3Origin: string;
	nodesBase?: NodesBase;
	/** Measured runs per row (the median is reported). */
	repeats: number;
	/** Only rows whose label contains this text run (`--rows=...`, for looking into one row). */
	rowFilter?: string;
	/** Absolute time after which no new run starts. */
	deadline: number;
	log(message: string): void;
	/** CPU seconds used so far by radosgw and its OSD and monitor. */
	s3CpuSeconds(): number;
}

export const node = (path: string, exportName: string) => ({ module: join(ROOT, path), export: exportName });

export const NODES = {
	presignedPostUpload: node('nodes/PresignedPostUpload/PresignedPostUpload.node.ts', 'PresignedPostUpload'),
	close: node('nodes/CloseCrm/CloseCrm.node.ts', 'CloseCrm'),
	onePageCrm: node('nodes/OnePageCrm/OnePageCrm.node.ts', 'OnePageCrm'),
	espoCrm: node('nodes/EspoCrm/EspoCrm.node.ts', 'EspoCrm'),
	zoho: node('nodes/ZohoCrm/ZohoCrm.node.ts', 'ZohoCrm'),
};

export const CREDENTIALS = {
	close: node('credentials/CloseCrmApi.credentials.ts', 'CloseCrmApi'),
	onePageCrm: node('credentials/OnePageCrmApi.credentials.ts', 'OnePageCrmApi'),
	espoCrm: node('credentials/EspoCrmApi.credentials.ts', 'EspoCrmApi'),
	zoho: node('credentials/ZohoCrmOAuth2Api.credentials.ts', 'ZohoCrmOAuth2Api'),
};

/** Time left before the deadline, as a per-run time limit (at least 30 s, at most `cap`). */
export function runTimeout(context: BenchContext, cap: number): number {
	return Math.max(30_000, Math.min(cap, context.deadline - Date.now()));
}

export function pastDeadline(context: BenchContext): boolean {
	return Date.now() > context.deadline;
}
