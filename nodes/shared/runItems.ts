import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ThrottleGate } from '../transfer';
import { AdaptiveConcurrency } from '../transfer';

/** Runs one item's work and returns that item's output items. */
export type ItemHandler = (itemIndex: number) => Promise<INodeExecutionData[]>;

function errorOutput(error: Error & { description?: string | null }, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.errorDescription = error.description;
	// pairedItem links the error to its input for n8n; the index in the JSON is for people reading it.
	json.itemIndex = itemIndex;
	return { json, pairedItem: { item: itemIndex } };
}

/** Errors of ours already say what to do; anything else is wrapped so n8n shows it with the item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

export interface RunOptions {
	/**
	 * How many items are worked on at once (the node's Concurrency option): a number for that many,
	 * AUTOMATIC_CONCURRENCY (0) to let the run's throttle signals decide; 1 keeps strict order.
	 */
	concurrency?: number;
	/** The run's throttle gate (RunContext.gate): in automatic mode its requests report to the pool through it. */
	gate?: ThrottleGate;
}

export const MAX_CONCURRENCY = 32;
/** The Concurrency option's value for "automatic" (also what an empty field means). */
export const AUTOMATIC_CONCURRENCY = 0;

/**
 * Runs `handler` for every input item, at most `concurrency` at a time (automatic: as many as the
 * run's AdaptiveConcurrency allows at that moment). Output order and `pairedItem` follow the input
 * whatever order the items finish in. With "Continue On Fail" a failed item becomes an error item
 * paired to its input, so N items in always give at least N items out; without it, no new item starts
 * after a failure and the earliest failed item's error stops the node.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
	options: RunOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const requested = Math.floor(options.concurrency ?? 1);
	const automatic = requested === AUTOMATIC_CONCURRENCY;
	const fixed = Math.min(Math.max(requested || 1, 1), MAX_CONCURRENCY);
	const controller = automatic ? new AdaptiveConcurrency({ max: MAX_CONCURRENCY }) : undefined;
	// Every request of this run reports to the controller through the run's gate.
	const gate = options.gate;
	if (controller && gate) gate.observer = controller;
	const results: INodeExecutionData[][] = new Array(items.length);
	let nextIndex = 0;
	// Set by an item; typed with `as` so TypeScript does not narrow it to its initial value.
	const stop = { failure: undefined as { error: unknown; itemIndex: number } | undefined };

	const recordFailure = (error: unknown, itemIndex: number) => {
		if (!stop.failure || itemIndex < stop.failure.itemIndex) stop.failure = { error, itemIndex };
	};
	// Each index is taken exactly once, and only when a slot is free: no item is lost or run twice.
	const running = new Set<Promise<void>>();
	const runItem = async (itemIndex: number) => {
		try {
			results[itemIndex] = await handler(itemIndex);
			controller?.onItemDone(running.size);
		} catch (error) {
			if (ctx.continueOnFail()) {
				results[itemIndex] = [errorOutput(error as Error, itemIndex)];
			} else {
				recordFailure(error, itemIndex);
			}
		}
	};

	try {
		while (stop.failure === undefined && nextIndex < items.length) {
			if (running.size >= (controller?.limit ?? fixed)) {
				await Promise.race(running);
				continue;
			}
			const itemIndex = nextIndex++;
			const item: Promise<void> = runItem(itemIndex).finally(() => running.delete(item));
			running.add(item);
		}
		await Promise.all(running);
	} finally {
		if (controller && gate?.observer === controller) gate.observer = undefined;
	}

	if (stop.failure) throw asNodeError(ctx, stop.failure.error, stop.failure.itemIndex);
	return [results.flat()];
}

/**
 * The node's Concurrency option where the chosen operation offers it. Unset or empty means automatic
 * from typeVersion 2 on; typeVersion 1 (workflows saved before) keeps its old default of 1.
 */
export function concurrencyFromOptions(ctx: IExecuteFunctions): number {
	const unset = ctx.getNode().typeVersion >= 2 ? AUTOMATIC_CONCURRENCY : 1;
	const value = ctx.getNodeParameter('options.concurrency', 0, unset) as number | string | null | undefined;
	if (value === null || value === undefined || value === '') return unset;
	const number = Number(value);
	return Number.isFinite(number) && number >= 0 ? number : unset;
}
