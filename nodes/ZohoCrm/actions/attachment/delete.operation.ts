import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { zohoJson, zohoRequest } from '../../transport';
import { attachmentIdProperties, getAttachmentRef } from './fields';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['delete'] } },
	attachmentIdProperties(),
);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const { attachmentId, ...record } = getAttachmentRef(this, itemIndex, 'the attachment to delete');
	const response = await zohoRequest(this, run, {
		method: 'DELETE',
		segments: [record.module, record.recordId, 'Attachments', attachmentId],
		// Deleting twice leaves the same state; a second answer may say the id is gone.
		idempotent: true,
		itemIndex,
		subject: `the deletion of attachment ${attachmentId} of ${record.module} record ${record.recordId}`,
	});
	const answer = (zohoJson(response).data as IDataObject[] | undefined)?.[0] ?? {};
	return [
		{
			json: {
				id: attachmentId,
				deleted: true,
				code: answer.code ?? null,
				message: answer.message ?? null,
				status: answer.status ?? null,
				details: (answer.details ?? {}) as IDataObject,
				module: record.module,
				recordId: record.recordId,
			},
			pairedItem: { item: itemIndex },
		},
	];
}
