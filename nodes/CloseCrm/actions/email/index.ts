import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
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
	},
	...create.description,
];
