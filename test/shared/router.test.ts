import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { executeOperations } from '../../nodes/shared/router';
import type { OperationTable } from '../../nodes/shared/router';
import { fakeContext } from './fakeContext';

const table: OperationTable = {
	file: {
		upload: {
			async execute(itemIndex: number): Promise<INodeExecutionData[]> {
				return [{ json: { did: 'file.upload', itemIndex }, pairedItem: { item: itemIndex } }];
			},
		},
	},
	note: {
		create: {
			async execute(itemIndex: number): Promise<INodeExecutionData[]> {
				return [{ json: { did: 'note.create', itemIndex } }];
			},
		},
	},
};

describe('executeOperations', () => {
	it('hands each item to the operation its Resource and Operation select', async () => {
		const chosen = [
			{ resource: 'file', operation: 'upload' },
			{ resource: 'note', operation: 'create' },
		];
		const ctx = fakeContext({
			items: [{ json: {} }, { json: {} }],
			parameters: (name, itemIndex) => (chosen[itemIndex] as Record<string, string>)[name],
		});
		expect(await executeOperations(ctx, table)).toEqual([
			[{ json: { did: 'file.upload', itemIndex: 0 }, pairedItem: { item: 0 } }, { json: { did: 'note.create', itemIndex: 1 } }],
		]);
	});

	it.each([
		['file', 'delete'],
		['folder', 'upload'],
		['file', 'toString'],
		['constructor', 'name'],
		['__proto__', 'valueOf'],
	])('refuses %s / %s, which the node does not offer, naming them', async (resource, operation) => {
		const ctx = fakeContext({ parameters: { resource, operation } });
		const error = (await executeOperations(ctx, table).catch((caught: unknown) => caught)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(`The operation "${operation}" on "${resource}" is not supported`);
		expect(error.description).toBe('Pick a resource and operation from the lists in the node.');
		expect(error.context.itemIndex).toBe(0);
	});
});
