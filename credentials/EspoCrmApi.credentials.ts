import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { hmacAuthorization, signedResourcePath } from '../nodes/EspoCrm/hmacSignature';

/**
 * EspoCRM is self-hosted: the site URL is the user's own. Three ways to sign in, as EspoCRM's API
 * page lists them: an API user's key (`X-Api-Key`), an API user's key and secret (HMAC, signed per
 * request), or a regular user's name and password. For the latter we send EspoCRM's own
 * `Espo-Authorization: base64(user:password)` header rather than `Authorization: Basic`: the
 * EspoCRM front end does the same, because many PHP/CGI setups and reverse proxies drop or consume
 * the standard `Authorization` header before EspoCRM sees it.
 */
export class EspoCrmApi implements ICredentialType {
	name = 'espoCrmApi';

	displayName = 'EspoCRM API';

	// Community packages link to the vendor's page; this rule is meant for n8n's own repository.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-crm-attachments/n8n-nodes-crm-attachments/blob/main/docs/nodes/espoCrm.md#credential';

	icon: Icon = { light: 'file:../nodes/EspoCrm/espoCrm.svg', dark: 'file:../nodes/EspoCrm/espoCrm.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://crm.example.com',
			description:
				'The address you open EspoCRM at in the browser (the site URL). A trailing slash or "/api/v1" is fine.',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'An API user with the "API Key" authentication method',
				},
				{
					name: 'HMAC',
					value: 'hmac',
					description: 'An API user with the "HMAC" authentication method: every request is signed with the secret key',
				},
				{
					name: 'Username and Password',
					value: 'basic',
					description: 'A regular user\'s login (not recommended by EspoCRM; prefer an API user)',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key shown on the API user\'s page in EspoCRM (Administration > API Users)',
			displayOptions: { show: { authType: ['apiKey', 'hmac'] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret key shown on the HMAC API user\'s page in EspoCRM (Administration > API Users)',
			displayOptions: { show: { authType: ['hmac'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { authType: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['basic'] } },
		},
		// A switch, not a secret: the rule matches the "auth" in its name (n8n's own credentials use this name).
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'allowUnauthorizedCerts',
			type: 'boolean',
			default: false,
			description:
				'Whether to connect even if the SSL certificate cannot be verified (a self-signed certificate on your own server)',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const options: IHttpRequestOptions = {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}) },
		};
		const headers = options.headers!;
		if (credentials.allowUnauthorizedCerts === true) options.skipSslCertificateValidation = true;

		const authType = (credentials.authType as string) || 'apiKey';
		if (authType === 'hmac') {
			const method = (options.method ?? 'GET').toUpperCase();
			const resourcePath = signedResourcePath(options.url, options.baseURL);
			headers['X-Hmac-Authorization'] = hmacAuthorization(
				method,
				resourcePath,
				String(credentials.apiKey ?? ''),
				String(credentials.secretKey ?? ''),
			);
		} else if (authType === 'basic') {
			headers['Espo-Authorization'] = Buffer.from(
				`${String(credentials.username ?? '')}:${String(credentials.password ?? '')}`,
				'utf8',
			).toString('base64');
		} else {
			headers['X-Api-Key'] = String(credentials.apiKey ?? '');
		}
		return options;
	}

	// GET App/user (Tools/App/Api/GetUser) needs a valid sign-in and nothing else: it answers for any
	// active user. Core/Authentication/Hook/Hooks/FailedAttemptsLimit and IpAddressWhitelist refuse with 403.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.baseUrl.trim().replace(/\\/+$/, "").replace(/\\/api\\/v1$/i, "")}}/api/v1',
			url: '/App/user',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'EspoCRM refused the sign-in (HTTP 401). Check the API key, the secret key (HMAC) or the username and password, that the user is active, and that its authentication method in EspoCRM (Administration > API Users) matches the one chosen here.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'EspoCRM refused the sign-in (HTTP 403). EspoCRM answers so when too many sign-ins failed from this address (wait for the period in Administration > Authentication to pass) or when the address is not in the user\'s IP whitelist; check both there.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No EspoCRM API was found at this address (HTTP 404). Set Base URL to the address you open EspoCRM at, for example https://crm.example.com.',
				},
			},
		],
	};
}
