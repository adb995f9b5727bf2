import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['documentType'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the document types files can be registered as',
				action: 'Get many document types',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
