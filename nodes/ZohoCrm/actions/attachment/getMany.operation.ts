import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { attachmentPages, MAX_PER_PAGE } from './attachedFiles';
import { getRecordRef, recordFields } from './fields';

const displayOptions = { show: { resource: ['attachment'], operation: ['getMany'] } };

/**
 * `fields` is mandatory since API v3 (docs v8/get-attachments.html: "fields string, mandatory"; SDK
 * json_details get_attachments_param: fields required_for "true"). These are the keys of the SDK's
 * Attachment model (json_details "core/com/zoho/crm/api/attachments/attachment"), so the list gives
 * what the SDK knows an attachment to have.
 */
export const ATTACHMENT_FIELDS = [
	'id',
	'File_Name',
	'Size',
	'Created_Time',
	'Modified_Time',
	'Owner',
	'Created_By',
	'Modified_By',
	'Parent_Id',
	'$se_module',
	'$type',
	'$link_url',
	'$file_id',
	'$editable',
	'$attachment_type',
	'$sharing_permission',
	'$state',
	'Attachment_Source__s',
	'File_Id__s',
	'Record_Status__s',
].join(',');

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
	for await (const data of attachmentPages(this, itemIndex, record, perPage)) {
		attachments.push(...data);
		if (attachments.length >= limit) break;
	}

	return attachments.slice(0, limit).map((attachment) => ({
		json: { ...attachment, module: record.module, recordId: record.recordId },
		pairedItem: { item: itemIndex },
	}));
}
