/**
 * Zoho's data centres: the accounts server that signs users in and issues tokens, and the API
 * domain where that centre's CRM data lives. Sources: Zoho's "Multi DC" pages
 * (zoho.com/accounts/protocol/oauth/multi-dc.html, zoho.com/crm/developer/docs/api/multi-dc.html).
 * The token response's `api_domain` wins over this table: it is what Zoho says for the account.
 */
export interface ZohoDataCenter {
	/** The credential's `dataCenter` value. */
	value: string;
	/** What users see in the credential's list. */
	name: string;
	accountsUrl: string;
	apiDomain: string;
}

export const ZOHO_DATA_CENTERS: ZohoDataCenter[] = [
	{ value: 'com', name: 'United States (zoho.com)', accountsUrl: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com' },
	{ value: 'eu', name: 'Europe (zoho.eu)', accountsUrl: 'https://accounts.zoho.eu', apiDomain: 'https://www.zohoapis.eu' },
	{ value: 'in', name: 'India (zoho.in)', accountsUrl: 'https://accounts.zoho.in', apiDomain: 'https://www.zohoapis.in' },
	{ value: 'com.au', name: 'Australia (zoho.com.au)', accountsUrl: 'https://accounts.zoho.com.au', apiDomain: 'https://www.zohoapis.com.au' },
	{ value: 'com.cn', name: 'China (zoho.com.cn)', accountsUrl: 'https://accounts.zoho.com.cn', apiDomain: 'https://www.zohoapis.com.cn' },
	{ value: 'jp', name: 'Japan (zoho.jp)', accountsUrl: 'https://accounts.zoho.jp', apiDomain: 'https://www.zohoapis.jp' },
	// Canada is the one centre whose accounts server is not under zoho.<tld>.
	{ value: 'zohocloud.ca', name: 'Canada (zohocloud.ca)', accountsUrl: 'https://accounts.zohocloud.ca', apiDomain: 'https://www.zohoapis.ca' },
	{ value: 'sa', name: 'Saudi Arabia (zoho.sa)', accountsUrl: 'https://accounts.zoho.sa', apiDomain: 'https://www.zohoapis.sa' },
];

/** Private clouds and local tests: the user gives both URLs. */
export const CUSTOM_DATA_CENTER = 'custom';

export function findDataCenter(value: string): ZohoDataCenter | undefined {
	return ZOHO_DATA_CENTERS.find((dataCenter) => dataCenter.value === value);
}

function lookupExpression(field: 'accountsUrl' | 'apiDomain'): string {
	const map = Object.fromEntries(ZOHO_DATA_CENTERS.map((dataCenter) => [dataCenter.value, dataCenter[field]]));
	return JSON.stringify(map);
}

/**
 * An n8n expression for a credential property: the chosen centre's accounts server (or the custom
 * one) followed by `path`. Built from the table so the table stays the one source of URLs.
 */
export function accountsUrlExpression(path: string): string {
	const table = lookupExpression('accountsUrl');
	return `={{ ($self.dataCenter === '${CUSTOM_DATA_CENTER}' ? String($self.accountsUrl || '').replace(/\\/+$/, '') : ${table}[$self.dataCenter || 'com']) + '${path}' }}`;
}

export function trimTrailingSlash(url: string): string {
	return url.replace(/\/+$/, '');
}
