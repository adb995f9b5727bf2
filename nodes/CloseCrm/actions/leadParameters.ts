import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { recordLocatorProperties } from '../../shared/recordLocator';

/**
 * The lead, one parameter for every operation that names one (Note and Email → Create, File → Get
 * Many), so its value stays when the resource or operation changes. A lead's page is
 * https://app.close.com/lead/{id}/ (the `html_url` of Close's lead objects).
 */
const leadId = updateDisplayOptions(
	{ show: { resource: ['note', 'email', 'file'], operation: ['create', 'getMany'] } },
	recordLocatorProperties(
		{
			name: 'leadId',
			displayName: 'Lead ID',
			description: 'The lead the note or email is added to, or whose files Get Many lists',
			searchListMethod: 'searchLeads',
			idExample: 'lead_KwD00BYbXCHiPWj6',
			url: { placeholder: 'https://app.close.com/lead/lead_KwD00BYbXCHiPWj6/', regex: '/lead/(lead_[A-Za-z0-9]+)', what: 'a Close lead URL' },
		},
		{ placeholder: 'e.g. lead_KwD00BYbXCHiPWj6' },
	),
);

/** The lead's contact an email is addressed to; the list shows the chosen lead's contacts. */
const contactId = updateDisplayOptions(
	{ show: { resource: ['email'], operation: ['create'] } },
	recordLocatorProperties(
		{
			name: 'contactId',
			displayName: 'Contact ID',
			description: 'The lead\'s contact the email is addressed to',
			searchListMethod: 'searchContacts',
			idExample: 'cont_8NNOJnVwmHQEYuVO',
			dependsOn: ['leadId.value'],
		},
		{ placeholder: 'e.g. cont_8NNOJnVwmHQEYuVO' },
	),
);

export const leadDescription: INodeProperties[] = [...leadId, ...contactId];
