import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Traffio's third-party API takes an access token created by a Manager (one active token per third
 * party). The scheme is kept here, not in the node: how the token is sent is not publicly documented,
 * and a bearer Authorization header is the likely form.
 */
export class TraffioApi implements ICredentialType {
	name = 'traffioApi';

	displayName = 'Traffio API';

	// Community packages link to the vendor's page; this rule is meant for n8n's own repository.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-crm-attachments/n8n-nodes-crm-attachments/blob/main/docs/nodes/traffio.md#credential';

	icon: Icon = { light: 'file:../nodes/Traffio/traffio.svg', dark: 'file:../nodes/Traffio/traffio.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'An active third-party access token, created by a Manager in Traffio',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.traff.io/api_third_party',
			description: 'The root of Traffio\'s third-party API. Change it only for a proxy or a test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	// Listing document types is the cheapest read that needs a valid token.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1_document_type/document_type',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Traffio refused the access token (HTTP 401). Check that the token is complete and still active: a Manager can create a new one in Traffio (only one token per third party is active).',
				},
			},
		],
	};
}
