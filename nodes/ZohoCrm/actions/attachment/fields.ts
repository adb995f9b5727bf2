import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredText } from '../../../shared/validation';

/** The record every attachment operation works on: a module and a record in it. */
export function recordFields(operation: string): INodeProperties[] {
	const displayOptions = { show: { resource: ['attachment'], operation: [operation] } };
	return [
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
			displayOptions,
		},
		{
			displayName: 'Record ID',
			name: 'recordId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 4150868000000224005',
			description: 'The ID of the record, as in the record\'s URL in Zoho CRM (the number at its end)',
			displayOptions,
		},
	];
}

export function attachmentIdField(operation: string): INodeProperties {
	return {
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 4150868000000231001',
		description: 'The ID of the attachment, as the "Get Many" operation returns it (field ID)',
		displayOptions: { show: { resource: ['attachment'], operation: [operation] } },
	};
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
