import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { currentParameterText, listItem, matchesFilter } from '../../shared/recordLocator';
import { attachmentsOf, MAX_PER_PAGE, REFERENCE_COLLECTIONS, unwrapAttachment } from '../actions/attachment/common';
import { onePageCrmEnvelope } from '../transport';
import type { TransferRun } from '../../transfer';
import { createTransferRun } from '../../transfer';

/**
 * One page of a OnePageCRM list (spec query_page/query_per_page; the page data `max_page` sits in
 * `data`, components.schemas.Page_data): its entries unwrapped from `{<type>: {...}}`, and the next
 * page's number as the token while pages remain.
 */
async function listPage(
	ctx: ILoadOptionsFunctions,
	run: TransferRun,
	collection: string,
	type: string,
	qs: IDataObject,
	paginationToken: string | undefined,
): Promise<{ records: IDataObject[]; next?: string }> {
	const page = Math.max(1, Number(paginationToken ?? 1) || 1);
	const envelope = await onePageCrmEnvelope(ctx, run, 0, {
		method: 'GET',
		path: [collection],
		qs: { ...qs, page, per_page: MAX_PER_PAGE },
		subject: `the list of ${collection}`,
		idempotent: true,
	});
	const data = (envelope.data ?? {}) as IDataObject;
	const entries = Array.isArray(data[collection]) ? (data[collection] as IDataObject[]) : [];
	const records = entries.map((entry) => (entry?.[type] && typeof entry[type] === 'object' ? (entry[type] as IDataObject) : entry));
	const maxPage = Number(data.max_page ?? envelope.max_page);
	const more = Number.isFinite(maxPage) ? page < maxPage : entries.length >= MAX_PER_PAGE;
	return { records, next: more && entries.length > 0 ? String(page + 1) : undefined };
}

function contactName(contact: IDataObject): string {
	const person = [contact.first_name, contact.last_name].filter((part) => typeof part === 'string' && part).join(' ');
	const company = typeof contact.company_name === 'string' ? contact.company_name : '';
	if (person && company) return `${person} (${company})`;
	return person || company;
}

/** spec listContacts: `search` finds contacts "by contact name, company name or phone number". */
export async function searchContacts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const { records, next } = await listPage(this, run, 'contacts', 'contact', filter ? { search: filter } : {}, paginationToken);
	return { results: records.map((contact) => listItem(contactName(contact), String(contact.id))), paginationToken: next };
}

/** A note, call or meeting has no name: its text's first line stands for it. */
function recordName(record: IDataObject): string {
	const name = typeof record.name === 'string' && record.name ? record.name : String(record.text ?? '').split('\n')[0];
	return name.length > 80 ? `${name.slice(0, 77)}...` : name;
}

/**
 * The deals, notes, calls or meetings ("Attach To" / "From"), of the chosen contact when one is set
 * (spec `contact_id` on listDeals/listNotes/listCalls/listMeetings); under "From" = contact, the
 * contacts. Deals are searched by OnePageCRM (spec query_deals_search); the other lists have no search,
 * so each page is filtered here.
 */
export async function searchRecords(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const referenceType = currentParameterText(this, 'referenceType', false) || 'note';
	if (referenceType === 'contact') return await searchContacts.call(this, filter, paginationToken);
	const collection = REFERENCE_COLLECTIONS[referenceType];
	if (!collection) return { results: [] };
	const contactId = currentParameterText(this, 'contactId');
	const qs: IDataObject = contactId ? { contact_id: contactId } : {};
	if (referenceType === 'deal' && filter) qs.search = filter;
	const { records, next } = await listPage(this, run, collection, referenceType, qs, paginationToken);
	const results: INodeListSearchItems[] = records
		.filter((record) => referenceType === 'deal' || matchesFilter(filter, recordName(record)))
		.map((record) => listItem(recordName(record), String(record.id)));
	return { results, paginationToken: next };
}

/** The attachments of the record under "From" / "Record ID" (read with the record, or the contact's pinned ones). */
export async function searchAttachments(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const referenceType = currentParameterText(this, 'referenceType', false) || 'note';
	const referenceId = currentParameterText(this, 'referenceId');
	if (!referenceId) return { results: [] };
	const attachments = (await attachmentsOf(this, run, 0, referenceType, referenceId)).map(unwrapAttachment);
	return {
		results: attachments
			.map((attachment) => listItem(attachment.custom_filename || attachment.filename, String(attachment.id)))
			.filter((entry) => matchesFilter(filter, entry.name)),
	};
}
