import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { attachmentOf, attachmentPickerProperties, forOperations } from './common';

export const description: INodeProperties[] = forOperations(['pin'], attachmentPickerProperties());

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const attachmentId = (this.getNodeParameter('attachmentId', itemIndex, '', { extractValue: true }) as string).trim();
	const data = await onePageCrmRequest(this, itemIndex, {
		method: 'PATCH',
		path: ['attachments', attachmentId, 'pin'],
		subject: `the pin request for attachment "${attachmentId}"`,
		idempotent: true,
	});
	const attachment = attachmentOf(data);
	return [
		{
			json: { id: attachmentId, ...attachment, pinned: attachment.pinned ?? true },
			pairedItem: { item: itemIndex },
		},
	];
}
