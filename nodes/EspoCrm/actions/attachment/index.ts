import type { INodeProperties } from 'n8n-workflow';

import * as deleteAttachment from './delete.operation';
import * as download from './download.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';
import { locationDescription } from './common';

export { deleteAttachment as delete, download, getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Unlink an attachment from a record and delete it',
				action: 'Delete an attachment',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download an attachment as a binary file',
				action: 'Download an attachment',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the attachments of a record\'s field, with names, types and sizes',
				action: 'Get many attachments',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file and attach it to a record\'s field, keeping the attachments already there',
				action: 'Upload an attachment',
			},
		],
		default: 'upload',
	},
	...locationDescription,
	...upload.description,
	...getMany.description,
	...download.description,
	...deleteAttachment.description,
];
