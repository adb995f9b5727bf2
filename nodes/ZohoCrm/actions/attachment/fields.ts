import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { recordLocatorProperties } from '../../../shared/recordLocator';
import { requiredText } from '../../../shared/validation';

/**
 * The record every attachment operation works on, one set of parameters for all of them (a value
 * stays when the operation changes): the module, and a record in it, from typeVersion 3 picked from
 * the module's records. A record's page in Zoho CRM ends in /tab/{module}/{id} (unverified: no source
 * states the web app's URL shape; the record ID is "the number at its end").
 */
export const recordDescription: INodeProperties[] = updateDisplayOptions({ show: { resource: ['attachment'] } }, [
	{
		displayName: 'Module Name or ID',
		name: 'module',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAttachmentModules' },
		default: '',
		required: true,
		hint: 'Only modules whose records take attachments are listed. In an expression, give the module\'s API name, e.g. Leads or Sales_Orders.',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
	...recordLocatorProperties(
		{
			name: 'recordId',
			displayName: 'Record ID',
			description: 'The ID of the record, as in the record\'s URL in Zoho CRM (the number at its end)',
			searchListMethod: 'searchRecords',
			idExample: '4150868000000224005',
			url: { placeholder: 'https://crm.zoho.com/crm/org123456789/tab/Leads/4150868000000224005', regex: '/tab/[A-Za-z0-9_]+/([0-9]+)', what: 'a Zoho CRM record URL' },
			dependsOn: ['module'],
		},
		{ placeholder: 'e.g. 4150868000000224005' },
	),
]);

/** The attachment to download or delete; from typeVersion 3 picked from the record's attachments. */
export function attachmentIdProperties(): INodeProperties[] {
	return recordLocatorProperties(
		{
			name: 'attachmentId',
			displayName: 'Attachment ID',
			description: 'The ID of the attachment, as the "Get Many" operation returns it (field ID)',
			searchListMethod: 'searchAttachments',
			idExample: '4150868000000231001',
			dependsOn: ['module', 'recordId.value'],
		},
		{ placeholder: 'e.g. 4150868000000231001' },
	);
}

export interface RecordRef {
	module: string;
	recordId: string;
}

export function getRecordRef(ctx: IExecuteFunctions, itemIndex: number): RecordRef {
	return {
		module: requiredText(
			ctx,
			itemIndex,
			'module',
			'Module',
			{ description: 'Choose the module of the record from the list, or give its API name (e.g. Leads, Contacts, Deals).' },
		),
		recordId: requiredText(
			ctx,
			itemIndex,
			'recordId',
			'Record ID',
			{ description: 'Give the ID of the Zoho CRM record, for example from an earlier Zoho CRM node ({{ $json.id }}).' },
		),
	};
}

/** The record and the attachment of it that Download and Delete work on; `which` names it in the error. */
export function getAttachmentRef(ctx: IExecuteFunctions, itemIndex: number, which = 'the attachment'): RecordRef & { attachmentId: string } {
	const record = getRecordRef(ctx, itemIndex);
	const attachmentId = requiredText(ctx, itemIndex, 'attachmentId', 'Attachment ID', {
		description: `Give the ID of ${which}, for example from the "Get Many" operation ({{ $json.id }}).`,
	});
	return { ...record, attachmentId };
}
