import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

/** The resource's Operation selector (the node puts the shared Lead parameters right after it). */
export const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['email'] } },
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Create a draft email on a lead with the item\'s file(s) attached',
			action: 'Create a draft email with attachments',
		},
	],
	default: 'create',
};

export const description: INodeProperties[] = [
	...create.description,
];
