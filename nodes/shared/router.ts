import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RunContext } from './runContext';
import { createRunContext } from './runContext';
import { concurrencyFromOptions, runForEachItem } from './runItems';

/** One operation file: its execute works on one input item, with the state its run shares. */
export interface Operation {
	execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]>;
}

/** resource -> operation -> operation file, as the node's Resource and Operation parameters name them. */
export type OperationTable = Record<string, Record<string, Operation>>;

/**
 * The execute of every node: each item goes to the operation its Resource and Operation select,
 * through the shared item pool (Concurrency, Continue On Fail, pairedItem).
 */
export async function executeOperations(
	ctx: IExecuteFunctions,
	operations: OperationTable,
): Promise<INodeExecutionData[][]> {
	const run = createRunContext();
	return await runForEachItem(
		ctx,
		async (itemIndex) => {
			const resource = ctx.getNodeParameter('resource', itemIndex) as string;
			const operation = ctx.getNodeParameter('operation', itemIndex) as string;
			// Own keys only: a resource or operation named like an Object method must not match.
			const byOperation = Object.prototype.hasOwnProperty.call(operations, resource) ? operations[resource] : {};
			const selected = Object.prototype.hasOwnProperty.call(byOperation, operation) ? byOperation[operation] : undefined;
			if (!selected) {
				throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" on "${resource}" is not supported`, {
					itemIndex,
					description: 'Pick a resource and operation from the lists in the node.',
				});
			}
			return await selected.execute.call(ctx, itemIndex, run);
		},
		{ concurrency: concurrencyFromOptions(ctx), gate: run.gate },
	);
}
