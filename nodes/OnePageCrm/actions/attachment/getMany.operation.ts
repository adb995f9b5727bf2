import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { attachmentsOf, parentIdProperty, parentTypeProperty, scoped } from './common';

const OPERATION = ['getMany'];

export const description: INodeProperties[] = [
	parentTypeProperty(OPERATION, 'The record whose attachments to list'),
	parentIdProperty(OPERATION, 'The ID of the deal, note, call, meeting or contact'),
	scoped(OPERATION, {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	}),
	scoped(OPERATION, {
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	}),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const referenceType = this.getNodeParameter('referenceType', itemIndex) as string;
	const referenceId = (this.getNodeParameter('referenceId', itemIndex) as string).trim();
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);

	let attachments = await attachmentsOf(this, itemIndex, referenceType, referenceId, { limit });
	if (limit !== undefined) attachments = attachments.slice(0, limit);
	return attachments.map((attachment) => ({ json: attachment, pairedItem: { item: itemIndex } }));
}
