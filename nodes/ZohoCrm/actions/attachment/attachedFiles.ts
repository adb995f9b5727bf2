import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { AttachedFile } from '../../../shared/ifAlreadyAttached';
import { sizeOf } from '../../../shared/ifAlreadyAttached';
import { zohoJson, zohoRequest } from '../../transport';
import type { RecordRef } from './fields';
import { ATTACHMENT_FIELDS } from './getMany.operation';

/** Zoho returns at most 200 attachments per page. */
const MAX_PER_PAGE = 200;
/** A record with more attachments than this is not read to the end (Zoho's own lists stop at 2000 by page). */
const MAX_PAGES = 50;

export interface ListedAttachment extends AttachedFile {
	attachment: IDataObject;
}

/**
 * The files attached to a record (docs v8 get-attachments; SDK attachments/info for paging). Links
 * (`$link_url` set) are not files and never count as the same file.
 */
export async function attachedFilesOf(ctx: IExecuteFunctions, itemIndex: number, record: RecordRef): Promise<ListedAttachment[]> {
	const files: ListedAttachment[] = [];
	let pageToken: string | undefined;
	for (let page = 1; page <= MAX_PAGES; page++) {
		const qs: IDataObject = { fields: ATTACHMENT_FIELDS, per_page: MAX_PER_PAGE };
		if (pageToken) qs.page_token = pageToken;
		else qs.page = page;
		const response = await zohoRequest(ctx, {
			method: 'GET',
			segments: [record.module, record.recordId, 'Attachments'],
			qs,
			idempotent: true,
			itemIndex,
			subject: `the attachment list of ${record.module} record ${record.recordId}`,
		});
		const json = zohoJson(response);
		const data = Array.isArray(json.data) ? (json.data as IDataObject[]) : [];
		for (const attachment of data) {
			if (attachment.$link_url) continue;
			files.push({
				id: String(attachment.id ?? ''),
				name: String(attachment.File_Name ?? ''),
				size: sizeOf(attachment.Size),
				attachment,
			});
		}
		const info = (json.info ?? {}) as IDataObject;
		if (data.length === 0 || info.more_records !== true) break;
		pageToken = typeof info.next_page_token === 'string' && info.next_page_token !== '' ? info.next_page_token : undefined;
	}
	return files.filter((file) => file.id !== '');
}
