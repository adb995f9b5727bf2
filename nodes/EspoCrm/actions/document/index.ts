import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { create, download, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['document'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a Document from a file, in a folder and linked to accounts, contacts, leads or opportunities',
				action: 'Create a document',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download the file of a Document',
				action: 'Download a document',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a Document record',
				action: 'Get a document',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List Documents, optionally of one folder',
				action: 'Get many documents',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...download.description,
];
