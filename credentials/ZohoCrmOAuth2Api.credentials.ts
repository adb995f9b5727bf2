import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

import {
	accountsUrlExpression,
	CUSTOM_DATA_CENTER,
	ZOHO_DATA_CENTERS,
} from '../nodes/ZohoCrm/dataCenters';

/** Zoho separates scopes with commas. Settings READ lets the node list the modules that take attachments. */
export const ZOHO_CRM_DEFAULT_SCOPES = 'ZohoCRM.modules.ALL,ZohoCRM.settings.modules.READ';

export class ZohoCrmOAuth2Api implements ICredentialType {
	name = 'zohoCrmOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Zoho CRM OAuth2 API';

	// Community packages link to the vendor's page; this rule is meant for n8n's own repository.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-crm-attachments/n8n-nodes-crm-attachments/blob/main/docs/nodes/zohoCrm.md#credential';

	icon: Icon = { light: 'file:../nodes/ZohoCrm/zohoCrm.svg', dark: 'file:../nodes/ZohoCrm/zohoCrm.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Data Center',
			name: 'dataCenter',
			type: 'options',
			options: [
				...ZOHO_DATA_CENTERS.map((dataCenter) => ({
					name: dataCenter.name,
					value: dataCenter.value,
				})),
				{ name: 'Custom (Private Cloud)', value: CUSTOM_DATA_CENTER },
			],
			default: 'com',
			description:
				'Where your Zoho account lives: the domain you sign in at (crm.zoho.eu means Europe). The client ID and secret must come from the API console of the same data center (api-console.zoho.<domain>).',
		},
		{
			displayName: 'Accounts Server URL',
			name: 'accountsUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://accounts.zoho.example.com',
			description: 'The Zoho accounts server that signs users in and issues tokens, without /oauth/v2',
			displayOptions: { show: { dataCenter: [CUSTOM_DATA_CENTER] } },
		},
		{
			displayName: 'API Domain',
			name: 'apiDomain',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://www.zohoapis.example.com',
			description:
				'The Zoho CRM API domain, without /crm. Used when the token response does not name one.',
			displayOptions: { show: { dataCenter: [CUSTOM_DATA_CENTER] } },
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: accountsUrlExpression('/oauth/v2/auth'),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: accountsUrlExpression('/oauth/v2/token'),
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: ZOHO_CRM_DEFAULT_SCOPES,
			description:
				'Zoho scopes separated by commas. The node needs the module scope (or ZohoCRM.modules.ALL) with attachments access, and ZohoCRM.settings.modules.READ to list modules.',
		},
		{
			// Offline access makes Zoho issue a refresh token, so n8n can renew the one-hour access token;
			// consent makes it issue a new one when the credential is reconnected.
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'access_type=offline&prompt=consent',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];
}
