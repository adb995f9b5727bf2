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

/** The scopes the run's requests are paced under, in the order they are sent. */
export function recordPacedScopes(ctx: object): string[] {
	const scopes: string[] = [];
	runOf(ctx).gate.observer = {
		beforeSend: async (scope) => {
			scopes.push(scope);
			return 0;
		},
		afterResponse: () => undefined,
	};
	return scopes;
}
