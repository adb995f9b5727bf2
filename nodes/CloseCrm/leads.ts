import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { closeApiRequest } from './transport';
import type { RunContext } from '../shared/runContext';

/** The lead id goes into the URL path: "/", "?", "#" or a bare "." / ".." would name another path. */
function assertLeadIdFitsPath(ctx: IExecuteFunctions, itemIndex: number, leadId: string): void {
	if (/^\.{1,2}$/.test(leadId) || /[/\\?#]/.test(leadId)) {
		throw new NodeOperationError(ctx.getNode(), `"${leadId}" is not a valid Lead ID (item ${itemIndex + 1})`, {
			itemIndex,
			description: 'A Close lead ID looks like "lead_…" and has no "/", "?" or "#". Check the parameter or the expression that gives it.',
		});
	}
}

/**
 * Reads the lead (and, for an email, checks the contact is one of its contacts) before any file is
 * uploaded: Close only links uploads to a lead when the activity is created, so a wrong id found
 * after the upload leaves files in Close's storage that nothing points to.
 */
export async function assertLeadBeforeUpload(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	leadId: string,
	/** What the item creates ("the note on lead …"): a missing lead is reported as Close refusing it. */
	subject: string,
	contactId?: string,
): Promise<void> {
	assertLeadIdFitsPath(ctx, itemIndex, leadId);
	const lead = await closeApiRequest(ctx, run, itemIndex, {
		method: 'GET',
		path: `/lead/${encodeURIComponent(leadId)}/`,
		qs: { _fields: 'id,contacts' },
		subject,
		idempotent: true,
	});
	if (contactId === undefined || !Array.isArray(lead.contacts)) return;
	const contactIds = (lead.contacts as IDataObject[]).map((contact) => contact?.id);
	if (!contactIds.includes(contactId)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Contact "${contactId}" is not a contact of lead "${leadId}" (item ${itemIndex + 1}); no file was uploaded`,
			{
				itemIndex,
				description: `Close addresses an email to one of the lead's own contacts. ${
					contactIds.length
						? `This lead's contacts are: ${contactIds.map((id) => `"${String(id)}"`).join(', ')}.`
						: 'This lead has no contacts yet: add one in Close first.'
				} Check "Contact ID" and "Lead ID".`,
			},
		);
	}
}
