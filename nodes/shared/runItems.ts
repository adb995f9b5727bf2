import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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
	/** How many items are worked on at once (the node's Concurrency option); 1 keeps strict order. */
	concurrency?: number;
}

export const MAX_CONCURRENCY = 32;

/**
 * Runs `handler` for every input item, at most `concurrency` at a time. Output order and
 * `pairedItem` follow the input whatever order the items finish in. With "Continue On Fail" a
 * failed item becomes an error item paired to its input, so N items in always give at least N
 * items out; without it, no new item starts after a failure and the earliest failed item's error
 * stops the node.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
	options: RunOptions = {},
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const concurrency = Math.min(Math.max(Math.floor(options.concurrency ?? 1) || 1, 1), MAX_CONCURRENCY);
	const results: INodeExecutionData[][] = new Array(items.length);
	let nextIndex = 0;
	// Set by a worker; typed with `as` so TypeScript does not narrow it to its initial value.
	const stop = { failure: undefined as { error: unknown; itemIndex: number } | undefined };

	const recordFailure = (error: unknown, itemIndex: number) => {
		if (!stop.failure || itemIndex < stop.failure.itemIndex) stop.failure = { error, itemIndex };
	};
	const worker = async () => {
		while (stop.failure === undefined && nextIndex < items.length) {
			const itemIndex = nextIndex++;
			try {
				results[itemIndex] = await handler(itemIndex);
			} catch (error) {
				if (ctx.continueOnFail()) {
					results[itemIndex] = [errorOutput(error as Error, itemIndex)];
				} else {
					recordFailure(error, itemIndex);
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));

	if (stop.failure) throw asNodeError(ctx, stop.failure.error, stop.failure.itemIndex);
	return [results.flat()];
}

/** The node's Concurrency option where the chosen operation offers it, else 1. */
export function concurrencyFromOptions(ctx: IExecuteFunctions): number {
	return ctx.getNodeParameter('options.concurrency', 0, 1) as number;
}
