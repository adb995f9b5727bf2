import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export { download, getMany, upload };

/** The resource's Operation selector (the node puts the shared Lead parameters right after it). */
export const operation: INodeProperties = {
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
			description: 'Upload a file to Close\'s storage without attaching it; its URL, valid for 24 hours, is for an activity a later step creates',
			action: 'Upload a file without attaching it',
		},
	],
	default: 'upload',
};

export const description: INodeProperties[] = [
	...upload.description,
	...getMany.description,
	...download.description,
];
