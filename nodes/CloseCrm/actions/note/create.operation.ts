import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fileUploadProperties } from '../../../shared/descriptions';
import { requiredText } from '../../../shared/validation';
import { createActivityWithFiles } from '../../activityWithFiles';
import { closeApiRequest } from '../../transport';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['note'], operation: ['create'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'The text of the note',
	},
	...fileUploadProperties,
]);

/** Uploads the item's file(s), then adds one note to the lead with all of them attached. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const leadId = requiredText(this, itemIndex, 'leadId', 'Lead ID', 'the lead to add the note to (it starts with "lead_")');
	const note = this.getNodeParameter('note', itemIndex, '') as string;
	const activity = `the note on lead "${leadId}"`;
	return await createActivityWithFiles(this, run, itemIndex, { leadId, activity }, async (attachments) =>
		await closeApiRequest(this, run, itemIndex, {
			method: 'POST',
			path: '/activity/note/',
			// Close's note takes `url`, `filename` and `content_type` per attachment and works out the size
			// itself (developer.close.com, "Create a Note activity": CreateNoteActivityAttachmentsItems).
			body: { lead_id: leadId, note, attachments: attachments.map(({ url, filename, content_type }) => ({ url, filename, content_type })) },
			subject: activity,
		}),
	);
}
