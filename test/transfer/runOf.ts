import type { TransferRun } from '../../nodes/transfer';
import { createTransferRun } from '../../nodes/transfer';

const runs = new WeakMap<object, TransferRun>();

/**
 * The node run a test's context stands for: what a test sends through one context belongs to one run
 * (one throttle gate, one credential read), as the node's execute() would pass it down.
 */
export function runOf(ctx: object): TransferRun {
	let run = runs.get(ctx);
	if (!run) {
		run = createTransferRun();
		runs.set(ctx, run);
	}
	return run;
}
