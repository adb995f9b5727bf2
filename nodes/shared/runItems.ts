import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Runs one item's work and returns that item's output items. */
export type ItemHandler = (itemIndex: number) => Promise<INodeExecutionData[]>;

function errorOutput(error: Error & { description?: string | null }, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.errorDescription = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

/** Errors of ours already say what to do; anything else is wrapped so n8n shows it with the item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * Runs `handler` for every input item in order. With "Continue On Fail" a failed item becomes an
 * error item paired to its input, so N items in always give at least N items out.
 */
export async function runForEachItem(
	ctx: IExecuteFunctions,
	handler: ItemHandler,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			output.push(...(await handler(itemIndex)));
		} catch (error) {
			if (!ctx.continueOnFail()) {
				throw asNodeError(ctx, error, itemIndex);
			}
			output.push(errorOutput(error as Error, itemIndex));
		}
	}
	return [output];
}
