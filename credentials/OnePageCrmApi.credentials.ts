import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class OnePageCrmApi implements ICredentialType {
	name = 'onePageCrmApi';

	displayName = 'OnePageCRM API';

	// A full URL for a community package: the camelCase rule only applies to n8n's own docs slugs.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-crm-attachments/n8n-nodes-crm-attachments/blob/main/docs/nodes/onePageCrm.md#credential';

	icon: Icon = { light: 'file:../nodes/OnePageCrm/onePageCrm.svg', dark: 'file:../nodes/OnePageCrm/onePageCrm.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			required: true,
			description: 'Your user ID, shown in OnePageCRM under Apps > API',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your API key, shown in OnePageCRM under Apps > API',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.onepagecrm.com/api/v3',
			description: 'The OnePageCRM API address. Change it only for a proxy or a test server.',
		},
	];

	// OnePageCRM uses HTTP Basic: the user ID is the user name, the API key the password.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.userId}}',
				password: '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/contacts',
			qs: { per_page: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'OnePageCRM refused the User ID and API Key (HTTP 401). Copy both again from OnePageCRM under Apps > API.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'OnePageCRM has no API at this Base URL (HTTP 404). Use https://app.onepagecrm.com/api/v3 unless you go through a proxy.',
				},
			},
		],
	};
}
