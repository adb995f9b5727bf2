import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export { download, getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				description: 'Download a file of a lead\'s note or email, by the URL Get Many gives',
				action: 'Download a file',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the files attached to a lead\'s notes and emails',
				action: 'Get many files',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file to Close for use in activities (the URL is valid for 24 hours)',
				action: 'Upload a file',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...getMany.description,
	...download.description,
];
