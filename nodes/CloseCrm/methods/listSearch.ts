import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { currentParameterText, listItem, matchesFilter } from '../../shared/recordLocator';
import { closeApiRequest } from '../transport';
import { createTransferRun } from '../../transfer';

/** Leads per page of the list (Close's `_limit`; its lists default to 100). */
const LEADS_PER_PAGE = 100;

/**
 * Leads by name: GET /lead/ with `query` (Close's search; a plain word finds leads by name among
 * other fields), `_skip`/`_limit` and `has_more` (developer.close.com/api/resources/leads/list).
 * Each entry links to the lead's page (`html_url`).
 */
export async function searchLeads(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const skip = Number(paginationToken ?? 0) || 0;
	const answer = await closeApiRequest(this, run, 0, {
		method: 'GET',
		path: '/lead/',
		qs: { _skip: skip, _limit: LEADS_PER_PAGE, _fields: 'id,display_name,html_url', ...(filter ? { query: filter } : {}) },
		subject: 'the list of leads',
		idempotent: true,
	});
	const leads = Array.isArray(answer.data) ? (answer.data as IDataObject[]) : [];
	return {
		results: leads.map((lead) => listItem(lead.display_name, String(lead.id), typeof lead.html_url === 'string' ? lead.html_url : undefined)),
		paginationToken: answer.has_more === true && leads.length > 0 ? String(skip + leads.length) : undefined,
	};
}

/** The chosen lead's contacts, read with the lead (GET /lead/{id}/ with `_fields`), as the email check reads them. */
export async function searchContacts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const leadId = currentParameterText(this, 'leadId');
	if (!leadId) return { results: [] };
	const lead = await closeApiRequest(this, run, 0, {
		method: 'GET',
		path: `/lead/${encodeURIComponent(leadId)}/`,
		qs: { _fields: 'id,contacts' },
		subject: `the contacts of lead "${leadId}"`,
		idempotent: true,
	});
	const contacts = Array.isArray(lead.contacts) ? (lead.contacts as IDataObject[]) : [];
	return {
		results: contacts
			.map((contact) => listItem(contact.name, String(contact.id)))
			.filter((entry) => matchesFilter(filter, entry.name, entry.value)),
	};
}
