import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { attachmentPages, MAX_PER_PAGE } from './attachedFiles';
import { getRecordRef } from './fields';
import { returnAllAndLimitProperties } from '../../../shared/descriptions';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['attachment'], operation: ['getMany'] } };


export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	...returnAllAndLimitProperties(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const record = getRecordRef(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const perPage = Math.min(MAX_PER_PAGE, Number.isFinite(limit) ? Math.max(1, limit) : MAX_PER_PAGE);

	const attachments: IDataObject[] = [];
	for await (const data of attachmentPages(this, run, itemIndex, record, perPage)) {
		attachments.push(...data);
		if (attachments.length >= limit) break;
	}

	return attachments.slice(0, limit).map((attachment) => ({
		json: { ...attachment, module: record.module, recordId: record.recordId },
		pairedItem: { item: itemIndex },
	}));
}
