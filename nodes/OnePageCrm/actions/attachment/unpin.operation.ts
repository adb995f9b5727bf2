import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { attachmentIdProperty, attachmentOf } from './common';

export const description: INodeProperties[] = [attachmentIdProperty(['unpin'])];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const attachmentId = (this.getNodeParameter('attachmentId', itemIndex) as string).trim();
	const data = await onePageCrmRequest(this, itemIndex, {
		method: 'PATCH',
		path: ['attachments', attachmentId, 'unpin'],
		subject: `the unpin request for attachment "${attachmentId}"`,
		idempotent: true,
	});
	const attachment = attachmentOf(data);
	return [
		{
			json: { id: attachmentId, ...attachment, pinned: attachment.pinned ?? false },
			pairedItem: { item: itemIndex },
		},
	];
}
