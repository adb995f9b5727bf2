import type { INodeProperties } from 'n8n-workflow';

import * as attachLink from './attachLink.operation';
import * as deleteAttachment from './delete.operation';
import * as download from './download.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';
import { recordDescription } from './fields';

export { attachLink, deleteAttachment as delete, download, getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['attachment'] } },
		options: [
			{
				name: 'Attach Link',
				value: 'attachLink',
				description: 'Attach a web address to a record',
				action: 'Attach a link to a record',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an attachment of a record',
				action: 'Delete an attachment',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download an attachment of a record as a file',
				action: 'Download an attachment',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the attachments of a record',
				action: 'Get many attachments',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file from an earlier step to a record',
				action: 'Upload a file to a record',
			},
		],
		default: 'upload',
	},
	...recordDescription,
	...upload.description,
	...attachLink.description,
	...getMany.description,
	...download.description,
	...deleteAttachment.description,
];
