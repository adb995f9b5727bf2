import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { attachmentOf, attachmentPickerProperties, forOperations } from './common';
import type { RunContext } from '../../../shared/runContext';

/** An operation file's two exports (see shared/router.ts Operation). */
interface PinningOperation {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]>;
}

/**
 * Pin and Unpin differ only in the word: PATCH /attachments/{id}/pin or /unpin, and the `pinned`
 * the output states when OnePageCRM's answer leaves it out.
 */
export function pinningOperation(action: 'pin' | 'unpin'): PinningOperation {
	return {
		description: forOperations([action], attachmentPickerProperties()),
		async execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
			const attachmentId = (this.getNodeParameter('attachmentId', itemIndex, '', { extractValue: true }) as string).trim();
			const data = await onePageCrmRequest(this, run, itemIndex, {
				method: 'PATCH',
				path: ['attachments', attachmentId, action],
				subject: `the ${action} request for attachment "${attachmentId}"`,
				idempotent: true,
			});
			const attachment = attachmentOf(data);
			return [
				{
					json: { id: attachmentId, ...attachment, pinned: attachment.pinned ?? action === 'pin' },
					pairedItem: { item: itemIndex },
				},
			];
		},
	};
}
