import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

/** The resource's Operation selector (the node puts the shared Lead parameters right after it). */
export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['note'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Add a note with the item\'s file(s) attached to a lead',
			action: 'Create a note with attachments',
		},
	],
	default: 'create',
};

export const description: INodeProperties[] = [
	...create.description,
];
