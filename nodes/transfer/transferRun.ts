import { RunMemo } from './runMemo';
import { ThrottleGate } from './retry';

/**
 * What every request of one node run shares in the transfer layer, created once per execute() and
 * passed down explicitly (never kept in module state keyed by n8n's context): the throttle pause all
 * items honour, and the credentials read once for the whole run.
 */
export interface TransferRun {
	/** One service's "slow down" pauses every request of the run, not only the one that got it. */
	readonly gate: ThrottleGate;
	/** The node's credentials by type (see readNodeCredentials). */
	readonly credentials: RunMemo;
}

/** A new run's transfer state; also what a load-options call gets (each such call is a run of its own). */
export function createTransferRun(): TransferRun {
	return { gate: new ThrottleGate(), credentials: new RunMemo() };
}
