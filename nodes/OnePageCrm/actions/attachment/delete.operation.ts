import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { attachmentPickerProperties, forOperations } from './common';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = forOperations(['delete'], attachmentPickerProperties());

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const attachmentId = (this.getNodeParameter('attachmentId', itemIndex, '', { extractValue: true }) as string).trim();
	await onePageCrmRequest(this, run, itemIndex, {
		method: 'DELETE',
		path: ['attachments', attachmentId],
		subject: `the deletion of attachment "${attachmentId}"`,
		// A repeated delete of a deleted attachment answers 404: never repeat it after a possible success.
		idempotent: false,
	});
	return [{ json: { deleted: true, id: attachmentId }, pairedItem: { item: itemIndex } }];
}
