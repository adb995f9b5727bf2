import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { ZohoCrmOAuth2Api } from '../../credentials/ZohoCrmOAuth2Api.credentials';
import { findDataCenter, ZOHO_DATA_CENTERS } from '../../nodes/ZohoCrm/dataCenters';
import { apiDomainOf } from '../../nodes/ZohoCrm/transport';

const credential = new ZohoCrmOAuth2Api();

function property(name: string) {
	const found = credential.properties.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
}

/** Resolves a credential property's default the way n8n does: an expression with `$self` = the credential's data. */
function resolve(name: string, data: ICredentialDataDecryptedObject): unknown {
	const workflow = new Workflow({
		nodes: [{ id: 'c', name: 'credential', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as never,
	});
	return workflow.expression.getParameterValue(
		property(name).default as string,
		null,
		0,
		0,
		'credential',
		[],
		'internal',
		{},
		undefined,
		false,
		data,
	);
}

/** What Zoho's Multi DC pages give for each data centre: accounts server and API domain. */
const EXPECTED: Array<[string, string, string]> = [
	['com', 'https://accounts.zoho.com', 'https://www.zohoapis.com'],
	['eu', 'https://accounts.zoho.eu', 'https://www.zohoapis.eu'],
	['in', 'https://accounts.zoho.in', 'https://www.zohoapis.in'],
	['com.au', 'https://accounts.zoho.com.au', 'https://www.zohoapis.com.au'],
	['com.cn', 'https://accounts.zoho.com.cn', 'https://www.zohoapis.com.cn'],
	['jp', 'https://accounts.zoho.jp', 'https://www.zohoapis.jp'],
	['zohocloud.ca', 'https://accounts.zohocloud.ca', 'https://www.zohoapis.ca'],
	['sa', 'https://accounts.zoho.sa', 'https://www.zohoapis.sa'],
];

describe('Zoho CRM OAuth2 credential', () => {
	it('is an OAuth2 credential with the contract name and fields', () => {
		expect(credential.name).toBe('zohoCrmOAuth2Api');
		expect(credential.extends).toEqual(['oAuth2Api']);
		const dataCenters = (property('dataCenter').options as Array<{ value: string }>).map((option) => option.value);
		expect(dataCenters).toEqual(['com', 'eu', 'in', 'com.au', 'com.cn', 'jp', 'zohocloud.ca', 'sa', 'custom']);
		expect(property('dataCenter').default).toBe('com');
		expect(property('accountsUrl').displayOptions).toEqual({ show: { dataCenter: ['custom'] } });
		expect(property('apiDomain').displayOptions).toEqual({ show: { dataCenter: ['custom'] } });
	});

	it('asks Zoho for offline access, sends the client secret in the body and uses comma-separated scopes', () => {
		expect(property('authQueryParameters').default).toContain('access_type=offline');
		expect(property('authentication').default).toBe('body');
		expect(property('grantType').default).toBe('authorizationCode');
		expect(property('scope').default).toBe('ZohoCRM.modules.ALL,ZohoCRM.settings.modules.READ');
	});

	it.each(EXPECTED)('data centre %s signs in at %s and calls %s', (dataCenter, accounts, api) => {
		expect(resolve('authUrl', { dataCenter })).toBe(`${accounts}/oauth/v2/auth`);
		expect(resolve('accessTokenUrl', { dataCenter })).toBe(`${accounts}/oauth/v2/token`);
		expect(findDataCenter(dataCenter)?.apiDomain).toBe(api);
		expect(apiDomainOf({ dataCenter, oauthTokenData: { access_token: 'x' } })).toBe(api);
	});

	it('covers every data centre of the table in the credential list', () => {
		expect(ZOHO_DATA_CENTERS.map((dataCenter) => dataCenter.value)).toEqual(EXPECTED.map(([value]) => value));
	});

	it('takes both URLs from the user for a custom data centre (trailing slash ignored)', () => {
		const data = { dataCenter: 'custom', accountsUrl: 'https://accounts.zoho.example.org/', apiDomain: 'https://crm-api.example.org/' };
		expect(resolve('authUrl', data)).toBe('https://accounts.zoho.example.org/oauth/v2/auth');
		expect(resolve('accessTokenUrl', data)).toBe('https://accounts.zoho.example.org/oauth/v2/token');
		expect(apiDomainOf({ ...data, oauthTokenData: { access_token: 'x' } })).toBe('https://crm-api.example.org');
	});

	it('prefers the API domain that the token response names', () => {
		expect(
			apiDomainOf({ dataCenter: 'com', oauthTokenData: { access_token: 'x', api_domain: 'https://www.zohoapis.eu' } }),
		).toBe('https://www.zohoapis.eu');
	});
});
