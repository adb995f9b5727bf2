import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty, concurrencyOption, fileNameOption, optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { requiredText } from '../../../shared/validation';
import { splitList } from '../../../transfer';
import { createActivityWithFiles } from '../../activityWithFiles';
import { closeApiRequest } from '../../transport';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['email'], operation: ['create'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. anna@example.com, ben@example.com',
		description: 'Recipient email addresses, separated by commas',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		description: 'The plain-text body of the email',
	},
	binaryPropertyNameProperty,
	optionsCollection([
		concurrencyOption,
		{
			displayName: 'BCC',
			name: 'bcc',
			type: 'string',
			default: '',
			description: 'Blind-copy addresses, separated by commas',
		},
		{
			displayName: 'CC',
			name: 'cc',
			type: 'string',
			default: '',
			description: 'Copy addresses, separated by commas',
		},
		fileNameOption,
		timeoutOption,
	]),
]);

/**
 * Uploads the item's file(s) and creates a draft outgoing email on the lead with them attached:
 * the draft waits in Close for a person to review and send it.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const leadId = requiredText(this, itemIndex, 'leadId', 'Lead ID', 'the lead the email belongs to (it starts with "lead_")');
	const contactId = requiredText(this, itemIndex, 'contactId', 'Contact ID', 'the contact the email is addressed to (it starts with "cont_")');
	const to = splitList(requiredText(this, itemIndex, 'to', 'To', 'at least one recipient address'));
	const emailSubject = this.getNodeParameter('subject', itemIndex, '') as string;
	const body = this.getNodeParameter('body', itemIndex, '') as string;
	const activity = `the draft email on lead "${leadId}"`;
	return await createActivityWithFiles(this, run, itemIndex, { leadId, contactId, activity }, async (attachments, options) => {
		const email: IDataObject = {
			lead_id: leadId,
			contact_id: contactId,
			to,
			subject: emailSubject,
			body_text: body,
			status: 'draft',
			direction: 'outgoing',
			attachments,
		};
		if (options.cc) email.cc = splitList(options.cc as string);
		if (options.bcc) email.bcc = splitList(options.bcc as string);
		return await closeApiRequest(this, run, itemIndex, {
			method: 'POST',
			path: '/activity/email/',
			body: email,
			subject: activity,
		});
	});
}
