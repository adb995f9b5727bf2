import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { AttachedFile } from '../../../shared/ifAlreadyAttached';
import { sizeOf } from '../../../shared/ifAlreadyAttached';
import { zohoJson, zohoRequest } from '../../transport';
import type { RecordRef } from './fields';
import type { TransferRun } from '../../../transfer';

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

/** Zoho returns at most 200 attachments per page. */
export const MAX_PER_PAGE = 200;
/** A record with more pages than this is not read to the end (Zoho's own lists stop at 2000 by page). */
const MAX_PAGES = 50;

export interface ListedAttachment extends AttachedFile {
	attachment: IDataObject;
}

/**
 * A record's attachment list, page by page (docs v8 get-attachments). Past a point Zoho pages by token:
 * info.next_page_token, sent back as page_token (SDK attachments/info, get_attachments_param).
 */
export async function* attachmentPages(
	ctx: IExecuteFunctions,
	run: TransferRun,
	itemIndex: number,
	record: RecordRef,
	perPage = MAX_PER_PAGE,
): AsyncGenerator<IDataObject[]> {
	let pageToken: string | undefined;
	for (let page = 1; page <= MAX_PAGES; page++) {
		const qs: IDataObject = { fields: ATTACHMENT_FIELDS, per_page: perPage };
		if (pageToken) qs.page_token = pageToken;
		else qs.page = page;
		const response = await zohoRequest(ctx, run, {
			method: 'GET',
			segments: [record.module, record.recordId, 'Attachments'],
			qs,
			idempotent: true,
			itemIndex,
			subject: `the attachment list of ${record.module} record ${record.recordId}`,
		});
		const json = zohoJson(response);
		const data = Array.isArray(json.data) ? (json.data as IDataObject[]) : [];
		yield data;
		const info = (json.info ?? {}) as IDataObject;
		if (data.length === 0 || info.more_records !== true) return;
		pageToken = typeof info.next_page_token === 'string' && info.next_page_token !== '' ? info.next_page_token : undefined;
	}
}

/** The files attached to a record. Links (`$link_url` set) are not files and never count as the same file. */
export async function attachedFilesOf(ctx: IExecuteFunctions, run: TransferRun, itemIndex: number, record: RecordRef): Promise<ListedAttachment[]> {
	const files: ListedAttachment[] = [];
	for await (const data of attachmentPages(ctx, run, itemIndex, record)) {
		for (const attachment of data) {
			if (attachment.$link_url) continue;
			files.push({
				id: String(attachment.id ?? ''),
				name: String(attachment.File_Name ?? ''),
				size: sizeOf(attachment.Size),
				attachment,
			});
		}
	}
	return files.filter((file) => file.id !== '');
}
