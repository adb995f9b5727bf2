import type { TransferRun } from '../transfer';
import { createTransferRun, RunMemo } from '../transfer';
import type { KeyedLocks } from './keyedLock';

/**
 * Everything one node run shares between its items, created once per execute() (shared/router.ts
 * executeOperations, the S3 Presigned POST Upload node) and passed down explicitly to the operations,
 * the transports and the handshakes. Its transfer part (TransferRun: the throttle gate, the
 * credential reads) is what nodes/transfer/ sees; the rest belongs to the operations.
 */
export interface RunContext extends TransferRun {
	/** Per-record queues: items for the same record never race (see withKeyLock). */
	readonly locks: KeyedLocks;
	/** Attachment ids this run has created: a parallel item's new file is never taken for another's. */
	readonly createdIds: Set<string>;
	/**
	 * What a CRM reads once per run and shares between its items (its settings, its metadata), under
	 * keys the CRM names: they do not change while a run lasts.
	 */
	readonly answers: RunMemo;
}

export function createRunContext(): RunContext {
	return { ...createTransferRun(), locks: new Map(), createdIds: new Set(), answers: new RunMemo() };
}
