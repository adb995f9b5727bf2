import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { zohoJson, zohoRequest } from '../transport';
import { createTransferRun } from '../../transfer';

/**
 * Standard modules whose records take attachments: the "Supported modules" of the v8 pages
 * (zoho.com/crm/developer/docs/api/v8/upload-attachment.html and get-attachments.html), which add
 * Calls, Appointments and Services to v2's list; custom modules take them too. Others (Documents,
 * Projects, Visits, ...) answer INVALID_MODULE. The API names Appointments__s and Services__s are
 * unverified (system modules added after v2 carry the __s suffix).
 */
export const ATTACHMENT_MODULES = new Set([
	'Leads',
	'Accounts',
	'Contacts',
	'Deals',
	'Campaigns',
	'Tasks',
	'Cases',
	'Events',
	'Calls',
	'Solutions',
	'Products',
	'Vendors',
	'Price_Books',
	'Quotes',
	'Sales_Orders',
	'Purchase_Orders',
	'Invoices',
	'Notes',
	'Appointments__s',
	'Services__s',
]);

export function takesAttachments(module: IDataObject): boolean {
	if (module.api_supported === false || typeof module.api_name !== 'string') return false;
	return ATTACHMENT_MODULES.has(module.api_name) || module.generated_type === 'custom';
}

export async function getAttachmentModules(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const run = createTransferRun();
	const response = await zohoRequest(this, run, {
		method: 'GET',
		segments: ['settings', 'modules'],
		idempotent: true,
		itemIndex: 0,
		subject: 'the module list',
	});
	const modules = (zohoJson(response).modules ?? []) as IDataObject[];
	return modules
		.filter(takesAttachments)
		.map((module) => ({
			name: String(module.plural_label ?? module.module_name ?? module.api_name),
			value: String(module.api_name),
			description: `API name: ${String(module.api_name)}`,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
