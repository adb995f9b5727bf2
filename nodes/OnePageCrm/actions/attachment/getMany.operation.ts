import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { attachmentsOf, forOperations, parentTypeProperty, referenceIdProperties } from './common';
import { returnAllAndLimitProperties } from '../../../shared/descriptions';
import type { RunContext } from '../../../shared/runContext';

const OPERATION = ['getMany'];

export const description: INodeProperties[] = forOperations(OPERATION, [
	parentTypeProperty('The record whose attachments to list'),
	...referenceIdProperties('The ID of the deal, note, call, meeting or contact'),
	...returnAllAndLimitProperties(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const referenceType = this.getNodeParameter('referenceType', itemIndex) as string;
	const referenceId = (this.getNodeParameter('referenceId', itemIndex, '', { extractValue: true }) as string).trim();
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);

	let attachments = await attachmentsOf(this, run, itemIndex, referenceType, referenceId, { limit });
	if (limit !== undefined) attachments = attachments.slice(0, limit);
	return attachments.map((attachment) => ({ json: attachment, pairedItem: { item: itemIndex } }));
}
