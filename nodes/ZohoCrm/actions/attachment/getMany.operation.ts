import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { zohoJson, zohoRequest } from '../../transport';
import { getRecordRef, recordFields } from './fields';

const displayOptions = { show: { resource: ['attachment'], operation: ['getMany'] } };

/** Zoho returns at most 200 records per page. */
const MAX_PER_PAGE = 200;

export const description: INodeProperties[] = [
	...recordFields('getMany'),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions,
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...displayOptions.show, returnAll: [false] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const record = getRecordRef(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const perPage = Math.min(MAX_PER_PAGE, Number.isFinite(limit) ? Math.max(1, limit) : MAX_PER_PAGE);

	const attachments: IDataObject[] = [];
	for (let page = 1; attachments.length < limit; page++) {
		const response = await zohoRequest(this, {
			method: 'GET',
			segments: [record.module, record.recordId, 'Attachments'],
			qs: { page, per_page: perPage },
			idempotent: true,
			itemIndex,
			subject: `the attachment list of ${record.module} record ${record.recordId}`,
		});
		const json = zohoJson(response);
		const data = Array.isArray(json.data) ? (json.data as IDataObject[]) : [];
		attachments.push(...data);
		const info = (json.info ?? {}) as IDataObject;
		if (data.length === 0 || info.more_records !== true) break;
	}

	return attachments.slice(0, limit).map((attachment) => ({
		json: { ...attachment, module: record.module, recordId: record.recordId },
		pairedItem: { item: itemIndex },
	}));
}
