import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { zohoJson, zohoRequest } from '../../transport';
import { getRecordRef, recordFields } from './fields';

const displayOptions = { show: { resource: ['attachment'], operation: ['getMany'] } };

/** Zoho returns at most 200 records per page. */
const MAX_PER_PAGE = 200;

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
	// Past a point Zoho pages by token: info.next_page_token, sent back as page_token (SDK attachments/info, get_attachments_param).
	let pageToken: string | undefined;
	for (let page = 1; attachments.length < limit; page++) {
		const qs: IDataObject = { fields: ATTACHMENT_FIELDS, per_page: perPage };
		if (pageToken) qs.page_token = pageToken;
		else qs.page = page;
		const response = await zohoRequest(this, {
			method: 'GET',
			segments: [record.module, record.recordId, 'Attachments'],
			qs,
			idempotent: true,
			itemIndex,
			subject: `the attachment list of ${record.module} record ${record.recordId}`,
		});
		const json = zohoJson(response);
		const data = Array.isArray(json.data) ? (json.data as IDataObject[]) : [];
		attachments.push(...data);
		const info = (json.info ?? {}) as IDataObject;
		if (data.length === 0 || info.more_records !== true) break;
		pageToken = typeof info.next_page_token === 'string' && info.next_page_token !== '' ? info.next_page_token : undefined;
	}

	return attachments.slice(0, limit).map((attachment) => ({
		json: { ...attachment, module: record.module, recordId: record.recordId },
		pairedItem: { item: itemIndex },
	}));
}
