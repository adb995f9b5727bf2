import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { attachmentOf, attachmentPickerProperties, forOperations } from './common';
import { requiredText } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

const OPERATION = ['rename'];

export const description: INodeProperties[] = forOperations(OPERATION, [
	...attachmentPickerProperties(),
	{
		displayName: 'New Name',
		name: 'newName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Contract (signed).pdf',
		description: 'The name OnePageCRM shows for the attachment. The stored file keeps its original name.',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const attachmentId = (this.getNodeParameter('attachmentId', itemIndex, '', { extractValue: true }) as string).trim();
	const newName = requiredText(this, itemIndex, 'newName', 'New Name', { description: 'Give the name the attachment should have.' });
	const data = await onePageCrmRequest(this, run, itemIndex, {
		method: 'PATCH',
		path: ['attachments', attachmentId],
		// spec updateAttachment: the name goes inside `attachment`; the answer's data is the Attachment.
		body: { attachment: { custom_filename: newName } },
		subject: `the new name of attachment "${attachmentId}"`,
		idempotent: true,
	});
	return [{ json: attachmentOf(data), pairedItem: { item: itemIndex } }];
}
