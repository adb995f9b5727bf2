import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { currentParameterText, listItem, matchesFilter } from '../../shared/recordLocator';
import { zohoJson, zohoRequest } from '../transport';
import { createTransferRun } from '../../transfer';

/** Zoho's largest page (per_page up to 200 for records and attachments). */
const PER_PAGE = 200;

/**
 * The field that names a record, by module (Leads/Contacts Full_Name, Accounts Account_Name, Deals
 * Deal_Name); other modules, custom ones included, `Name`. Unverified beyond Zoho's defaults: an
 * organisation may rename a module's name field, and the list then shows ids.
 */
const NAME_FIELDS: Record<string, string> = {
	Leads: 'Full_Name',
	Contacts: 'Full_Name',
	Accounts: 'Account_Name',
	Deals: 'Deal_Name',
};

/** The page token: Zoho's own next_page_token, else the next page number (record/info, attachments/info). */
function nextToken(info: IDataObject | undefined, page: number): string | undefined {
	if (info?.more_records !== true) return undefined;
	return typeof info.next_page_token === 'string' && info.next_page_token ? `token:${info.next_page_token}` : `page:${page + 1}`;
}

function pageQuery(paginationToken: string | undefined): { qs: IDataObject; page: number } {
	if (paginationToken?.startsWith('token:')) return { qs: { page_token: paginationToken.slice('token:'.length) }, page: 0 };
	const page = Number(paginationToken?.slice('page:'.length) ?? 1) || 1;
	return { qs: { page }, page };
}

/**
 * The chosen module's records: GET /crm/v8/{module} (SDK getRecords: fields, page, per_page,
 * page_token), or with a search text GET /crm/v8/{module}/search?word= (SDK searchRecords). Zoho
 * answers 204 without a body when there is nothing.
 */
export async function searchRecords(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const module = currentParameterText(this, 'module', false);
	if (!module) return { results: [] };
	const nameField = NAME_FIELDS[module] ?? 'Name';
	const { qs, page } = pageQuery(paginationToken);
	const response = await zohoRequest(this, run, {
		method: 'GET',
		segments: filter ? [module, 'search'] : [module],
		qs: { ...qs, per_page: PER_PAGE, fields: `id,${nameField}`, ...(filter ? { word: filter } : {}) },
		idempotent: true,
		itemIndex: 0,
		subject: `the ${module} records`,
	});
	if (response.statusCode === 204) return { results: [] };
	const answer = zohoJson(response);
	const records = Array.isArray(answer.data) ? (answer.data as IDataObject[]) : [];
	return {
		results: records.map((record) => listItem(record[nameField], String(record.id))),
		paginationToken: nextToken(answer.info as IDataObject | undefined, page),
	};
}

/** The chosen record's attachments by file name (GET /crm/v8/{module}/{record}/Attachments, paged as the records). */
export async function searchAttachments(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const module = currentParameterText(this, 'module', false);
	const recordId = currentParameterText(this, 'recordId');
	if (!module || !recordId) return { results: [] };
	const { qs, page } = pageQuery(paginationToken);
	const response = await zohoRequest(this, run, {
		method: 'GET',
		segments: [module, recordId, 'Attachments'],
		qs: { ...qs, per_page: PER_PAGE, fields: 'id,File_Name' },
		idempotent: true,
		itemIndex: 0,
		subject: `the attachment list of ${module} record ${recordId}`,
	});
	if (response.statusCode === 204) return { results: [] };
	const answer = zohoJson(response);
	const attachments = Array.isArray(answer.data) ? (answer.data as IDataObject[]) : [];
	return {
		results: attachments.map((attachment) => listItem(attachment.File_Name, String(attachment.id))).filter((entry) => matchesFilter(filter, entry.name)),
		paginationToken: nextToken(answer.info as IDataObject | undefined, page),
	};
}
