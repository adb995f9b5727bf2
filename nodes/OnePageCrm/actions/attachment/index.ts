import type { INodeProperties } from 'n8n-workflow';

import * as attachLink from './attachLink.operation';
import * as deleteAttachment from './delete.operation';
import * as download from './download.operation';
import * as getMany from './getMany.operation';
import * as pin from './pin.operation';
import * as rename from './rename.operation';
import * as unpin from './unpin.operation';
import * as upload from './upload.operation';

export const operations = {
	upload,
	attachLink,
	getMany,
	download,
	rename,
	pin,
	unpin,
	delete: deleteAttachment,
};

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
				description: 'Attach a Dropbox, Google Drive or Evernote link to a deal, note, call or meeting',
				action: 'Attach a link',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an attachment',
				action: 'Delete an attachment',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download an attachment\'s file',
				action: 'Download an attachment',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the attachments of a deal, note, call or meeting, or those pinned on a contact',
				action: 'Get many attachments',
			},
			{
				name: 'Pin',
				value: 'pin',
				description: 'Pin an attachment on its contact',
				action: 'Pin an attachment',
			},
			{
				name: 'Rename',
				value: 'rename',
				description: 'Change the name OnePageCRM shows for an attachment',
				action: 'Rename an attachment',
			},
			{
				name: 'Unpin',
				value: 'unpin',
				description: 'Unpin an attachment from its contact',
				action: 'Unpin an attachment',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file and attach it to a deal, note, call or meeting',
				action: 'Upload an attachment',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...attachLink.description,
	...getMany.description,
	...download.description,
	...rename.description,
	...pin.description,
	...unpin.description,
	...deleteAttachment.description,
];
