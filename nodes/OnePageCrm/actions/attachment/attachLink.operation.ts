import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { requiredText, webAddressOf } from '../../../shared/validation';
import { onePageCrmRequest } from '../../transport';
import {
	attachmentOf,
	contactIdProperties,
	forOperations,
	referenceIdProperties,
	referenceTypeProperty,
} from './common';
import { keySafeName } from '../../../transfer';
import { objectKey } from './upload.operation';
import type { RunContext } from '../../../shared/runContext';

const OPERATION = ['attachLink'];

export const description: INodeProperties[] = forOperations(OPERATION, [
	...contactIdProperties('The ID of the contact the link belongs to. The deal, note, call or meeting must be one of this contact\'s.'),
	referenceTypeProperty,
	...referenceIdProperties('The ID of the deal, note, call or meeting. It must belong to the contact.'),
	{
		displayName: 'Link Type',
		name: 'linkType',
		type: 'options',
		options: [
			{ name: 'Dropbox', value: 'dropbox' },
			{ name: 'Evernote', value: 'evernote' },
			{ name: 'Google Drive', value: 'google_drive' },
		],
		default: 'google_drive',
		description: 'Where the file lives. OnePageCRM shows the link with this service\'s icon.',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://drive.google.com/file/d/1AbC/view',
		description: 'The address of the file in Dropbox, Google Drive or Evernote',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Signed contract.pdf',
		description: 'The name OnePageCRM shows for the link',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const contactId = requiredText(this, itemIndex, 'contactId', 'Contact ID', 'the OnePageCRM id of the contact');
	const referenceType = this.getNodeParameter('referenceType', itemIndex) as string;
	const referenceId = requiredText(this, itemIndex, 'referenceId', 'Record ID', 'the OnePageCRM id of the deal, note, call or meeting');
	const linkType = this.getNodeParameter('linkType', itemIndex) as string;
	const url = (this.getNodeParameter('url', itemIndex) as string).trim();
	const name = (this.getNodeParameter('name', itemIndex) as string).trim();


	if (!webAddressOf(url)) {
		throw new NodeOperationError(this.getNode(), `"URL" of item ${itemIndex + 1} is not a web address`, {
			itemIndex,
			description: `Give the full http(s) address of the file, got ${JSON.stringify(url)}.`,
		});
	}

	const fileName = name || url;
	const data = await onePageCrmRequest(this, run, itemIndex, {
		method: 'POST',
		path: ['attachments'],
		// spec createAttachment requires `key` for a link too; it documents one composition,
		// {contact_id}/{timestamp}/{filename}, so a link gets that shape with its name (nothing is stored there).
		body: {
			reference_type: referenceType,
			reference_id: referenceId,
			contact_id: contactId,
			name: fileName,
			key: objectKey(undefined, contactId, keySafeName(fileName)),
			link_type: linkType,
			external_url: url,
		} as IDataObject,
		subject: `the link "${fileName}" on ${referenceType} "${referenceId}"`,
		idempotent: false,
	});
	return [{ json: attachmentOf(data), pairedItem: { item: itemIndex } }];
}
