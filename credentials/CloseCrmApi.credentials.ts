import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** Close authenticates with HTTP Basic: the API key as the user name and an empty password. */
export class CloseCrmApi implements ICredentialType {
	name = 'closeCrmApi';

	displayName = 'Close API';

	// Community packages link to the vendor's page; this rule is meant for n8n's own repository.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-crm-attachments/n8n-nodes-crm-attachments/blob/main/docs/nodes/closeCrm.md#credential';

	icon: Icon = { light: 'file:../nodes/CloseCrm/closeCrm.svg', dark: 'file:../nodes/CloseCrm/closeCrm.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'An API key from Close: Settings > Developer > API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.close.com/api/v1',
			description: 'The Close API root. Change it only for a proxy or a test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.apiKey}}',
				password: '',
			},
		},
	};

	// GET /me/ is the cheapest call that needs a valid key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/me/',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Close refused the API key (HTTP 401). Check that the key is complete and has not been deleted in Close (Settings > Developer > API Keys).',
				},
			},
		],
	};
}
