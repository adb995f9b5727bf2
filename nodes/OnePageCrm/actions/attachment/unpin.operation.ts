import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { attachmentOf, attachmentPickerProperties, forOperations } from './common';

export const description: INodeProperties[] = forOperations(['unpin'], attachmentPickerProperties());

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const attachmentId = (this.getNodeParameter('attachmentId', itemIndex, '', { extractValue: true }) as string).trim();
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
