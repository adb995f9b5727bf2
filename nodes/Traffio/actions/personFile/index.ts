import type { INodeProperties } from 'n8n-workflow';

import * as upload from './upload.operation';

export { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['personFile'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file and register it on a person',
				action: 'Upload a person file',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
