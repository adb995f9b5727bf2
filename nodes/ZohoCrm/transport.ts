import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { HttpResponse, ServiceContext, ServiceFailure, TransferRun } from '../transfer';
import { requestTimeoutMs } from '../shared/requestTimeout';
import {
	bodyJson,
	bodyText,
	createServiceClient,
	CredentialProblem,
	pathOf,
	readGenericFailure,
	redactSecrets,
} from '../transfer';
import { CUSTOM_DATA_CENTER, findDataCenter, trimTrailingSlash } from './dataCenters';
import { exhaustedWindowPauseMs, zohoThrottleDelayMs } from './throttle';

export const ZOHO_CREDENTIAL_TYPE = 'zohoCrmOAuth2Api';
export const SERVICE_NAME = 'Zoho CRM';
/** Zoho's upload page: 100 MB at most, every file type except .exe. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;
export const REFUSED_EXTENSIONS = ['exe'];

/**
 * Zoho's current API version: every operation of the official SDKs (@zohocrm/typescript-sdk-8.0,
 * core/com/zoho/crm/api/attachments/attachments_operations.js and modules_operations.js) calls
 * /crm/v8; the docs' pages for these calls are under zoho.com/crm/developer/docs/api/v8/.
 */
export const API_VERSION_PATH = '/crm/v8';

export type ZohoContext = ServiceContext;

/** What one request needs: the API path below /crm/v8 as segments, each URL-encoded here. */
export interface ZohoRequest {
	method: IHttpRequestMethods;
	segments: string[];
	qs?: IDataObject;
	/** Built again for every attempt: a streamed body can be sent only once. */
	body?: () => Promise<{ body: unknown; headers: Record<string, string> }>;
	/** `stream` for file downloads; JSON otherwise. */
	responseType?: 'json' | 'stream';
	/** True when repeating the request after a failure without an answer cannot do harm. */
	idempotent: boolean;
	itemIndex: number;
	/** What is asked for, in the user's terms: "the upload of "a.pdf"". */
	subject: string;
}

/** Zoho's 401 codes that a renewed access token cures (a scope mismatch is not one of them). */
const EXPIRED_TOKEN_CODES = ['INVALID_TOKEN', 'AUTHENTICATION_FAILURE'];

const WORKDRIVE_EXPLANATION =
	'this Zoho CRM organisation keeps its attachments in Zoho WorkDrive, and the WorkDrive integration does not accept files through the API for this account';

/** What to do, by Zoho's own error code; Zoho's codes are more precise than the HTTP status. */
const FIXES_BY_CODE: Record<string, string> = {
	INVALID_MODULE:
		'Choose the module from the "Module" list, or give its API name exactly (e.g. Leads, Deals, Sales_Orders, or a custom module\'s API name from Setup > Developer Space > APIs). Modules such as Documents and Projects have no attachments in the API.',
	INVALID_URL_PATTERN: 'Check the module API name, the record ID and the attachment ID in the node parameters.',
	INVALID_DATA:
		'Zoho refused a value: check that "Record ID" (and "Attachment ID") belong to a record of the chosen module, and that the file type is allowed (.exe is not).',
	OAUTH_SCOPE_MISMATCH:
		'The credential\'s scopes do not cover this. Put ZohoCRM.modules.ALL (or ZohoCRM.modules.<module>.ALL plus ZohoCRM.modules.attachments.ALL) and ZohoCRM.settings.modules.READ in the credential\'s Scope, then reconnect the credential.',
	NO_PERMISSION:
		'The Zoho user who connected the credential may not do this with attachments of this module. Ask a Zoho CRM administrator to grant the permission in the user\'s profile, or connect the credential with another user.',
	AUTHORIZATION_FAILED:
		'The Zoho user who connected the credential lacks the privilege for attachments. Ask a Zoho CRM administrator to grant it, or connect the credential with another user.',
	FILE_SIZE_MORE_THAN_ALLOWED_SIZE:
		'Zoho CRM takes attachments up to 100 MB. Reduce the file (compress or split it), or store it elsewhere and use "Attach Link".',
	INTEGRATION_NOT_ENABLED:
		'Ask a Zoho CRM administrator to check the WorkDrive integration (Setup > Marketplace > Zoho > WorkDrive) and that the connecting user has access to the organisation\'s WorkDrive team folder. Until then, store the file elsewhere and use "Attach Link".',
	INVALID_TOKEN:
		'Zoho refused the access token even after n8n renewed it. Reconnect the credential, and check that its Data Center is the one your Zoho account lives in (the domain you sign in at).',
	TOO_MANY_REQUESTS:
		'Zoho CRM limits API calls per organisation and per minute. Run the workflow again later, send fewer items at once, or check the organisation\'s API credit usage in Setup > Developer Space > APIs.',
};


/** The API domain Zoho named in the token response, else the data centre's, else the custom one. */
export function apiDomainOf(credentials: IDataObject): string | undefined {
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	if (typeof tokenData.api_domain === 'string' && tokenData.api_domain.trim() !== '') {
		return trimTrailingSlash(tokenData.api_domain.trim());
	}
	const dataCenter = String(credentials.dataCenter ?? 'com');
	if (dataCenter === CUSTOM_DATA_CENTER) {
		const custom = String(credentials.apiDomain ?? '').trim();
		return custom ? trimTrailingSlash(custom) : undefined;
	}
	return findDataCenter(dataCenter)?.apiDomain;
}

function secretsOf(credentials: IDataObject): string[] {
	const tokenData = (credentials.oauthTokenData ?? {}) as IDataObject;
	return [credentials.clientSecret, tokenData.access_token, tokenData.refresh_token]
		.filter((value): value is string => typeof value === 'string' && value !== '');
}

/** The API root for the account, or what to do when the credential cannot give one. */
function apiRootOf(credentials: IDataObject): string {
	const tokenData = credentials.oauthTokenData as IDataObject | undefined;
	if (!tokenData || typeof tokenData.access_token !== 'string' || tokenData.access_token === '') {
		throw new CredentialProblem(
			'The Zoho CRM credential is not connected to a Zoho account',
			'Open the Zoho CRM credential, check the Data Center, and click "Connect my account" to sign in to Zoho.',
		);
	}
	const apiDomain = apiDomainOf(credentials);
	if (!apiDomain) {
		throw new CredentialProblem(
			'The Zoho CRM credential has no API domain',
			'The data center is "Custom" but "API Domain" is empty. Fill it in (e.g. https://www.zohoapis.com) and reconnect the credential.',
		);
	}
	return `${apiDomain}${API_VERSION_PATH}`;
}

function accessTokenOf(credentials: IDataObject): string {
	return String(((credentials.oauthTokenData ?? {}) as IDataObject).access_token ?? '');
}

/**
 * Renews the access token through n8n (which saves it with the credential). n8n renews OAuth2
 * tokens only when a request it sends itself throws a 401, and then sends the same options
 * again; our requests carry Zoho's own `Zoho-oauthtoken` scheme and streamed bodies, so the node
 * asks n8n for the renewal explicitly and then builds its request afresh.
 */
async function renewSession(
	ctx: ZohoContext,
	itemIndex: number,
	credentials: IDataObject,
	secrets: string[],
): Promise<IDataObject> {
	let tokenData: IDataObject | undefined;
	try {
		if (typeof ctx.helpers.refreshOAuth2Token === 'function') {
			tokenData = (await ctx.helpers.refreshOAuth2Token.call(ctx, ZOHO_CREDENTIAL_TYPE)) as IDataObject;
		} else {
			await renewThroughAuthenticatedRequest(ctx, `${apiRootOf(credentials)}/settings/modules`);
		}
	} catch (error) {
		throw renewalFailed(ctx, itemIndex, secrets, (error as Error).message);
	}
	// Zoho answers a refused renewal with HTTP 200 and {"error": "invalid_code"}.
	if (tokenData && typeof tokenData.error === 'string') {
		throw renewalFailed(ctx, itemIndex, secrets, tokenData.error);
	}
	const renewed = (await ctx.getCredentials(ZOHO_CREDENTIAL_TYPE, itemIndex)) as IDataObject;
	if (tokenData && typeof tokenData.access_token === 'string') {
		renewed.oauthTokenData = { ...((renewed.oauthTokenData ?? {}) as IDataObject), ...tokenData };
	}
	return renewed;
}

/**
 * For n8n versions without `refreshOAuth2Token`: a cheap read sent by n8n itself, whose 401 makes
 * n8n renew and save the token. n8n signs it with "Bearer", so its own outcome does not matter.
 */
async function renewThroughAuthenticatedRequest(ctx: ZohoContext, url: string): Promise<void> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		json: true,
		timeout: requestTimeoutMs(ctx, 0),
	};
	try {
		await ctx.helpers.httpRequestWithAuthentication.call(ctx, ZOHO_CREDENTIAL_TYPE, options);
	} catch (error) {
		// The renewed token (if any) is now saved with the credential; the caller reads it back.
		return;
	}
}

function renewalFailed(ctx: ZohoContext, itemIndex: number, secrets: string[], reason: string): NodeApiError {
	const message = redactSecrets(`Zoho refused to renew the access token of the Zoho CRM credential: ${reason}`, secrets);
	return new NodeApiError(
		ctx.getNode(),
		{ message },
		{
			message,
			description:
				'Reconnect the credential ("Connect my account"). Check that its Data Center matches your Zoho account and that the client ID and secret come from that data center\'s API console; "invalid_code" means the refresh token was revoked or belongs to another data center.',
			itemIndex,
		},
	);
}

function zohoFailureOf(json: IDataObject | undefined): IDataObject | undefined {
	if (!json) return undefined;
	if (typeof json.code === 'string' || (typeof json.message === 'string' && json.status === 'error')) return json;
	const first = Array.isArray(json.data) ? (json.data[0] as IDataObject | undefined) : undefined;
	if (first && typeof first === 'object' && first.status === 'error') return first;
	return undefined;
}

function describeDetails(details: unknown): string {
	if (!details || typeof details !== 'object' || Object.keys(details).length === 0) return '';
	return ` (details: ${JSON.stringify(details).slice(0, 200)})`;
}

/** Zoho's error format: `{code, message, status, details}`, at the top or in `data[0]`. */
export function readZohoFailure(response: HttpResponse): ServiceFailure | undefined {
	const failure = zohoFailureOf(bodyJson(response.body));
	if (!failure) return readGenericFailure(response);
	const code = typeof failure.code === 'string' ? failure.code : undefined;
	let message = typeof failure.message === 'string' ? failure.message : undefined;
	message = `${message ?? ''}${describeDetails(failure.details)}`.trim() || undefined;
	if (code === 'INTEGRATION_NOT_ENABLED') {
		message = message ? `${message}: ${WORKDRIVE_EXPLANATION}` : WORKDRIVE_EXPLANATION;
	}
	return { code, message };
}

function isExpiredToken(response: HttpResponse): boolean {
	if (response.statusCode !== 401) return false;
	const code = readZohoFailure(response)?.code;
	return code === undefined || EXPIRED_TOKEN_CODES.includes(code);
}

/** A 2xx answer can still carry a per-record error in `data[0]`. */
function hasFailureInBody(response: HttpResponse): boolean {
	const json = bodyJson(response.body);
	const first = Array.isArray(json?.data) ? (json!.data as IDataObject[])[0] : undefined;
	return Boolean(first && typeof first === 'object' && first.status === 'error');
}

/**
 * Zoho CRM as the service client knows it: Zoho's own `Zoho-oauthtoken` scheme on calls to the API
 * domain Zoho named for the account (n8n signs OAuth2 requests with "Bearer" and renews a token only
 * when its own request throws, so the node signs and renews itself), a renewed token on
 * INVALID_TOKEN, Zoho's throttle signals, and Zoho's JSON errors with fixes by Zoho's code.
 */
export const zohoClient = createServiceClient({
	serviceName: SERVICE_NAME,
	credentialType: ZOHO_CREDENTIAL_TYPE,
	baseUrl: apiRootOf,
	secrets: secretsOf,
	readFailure: readZohoFailure,
	fixesByCode: FIXES_BY_CODE,
	throttleDelayMs: (response, gate) => {
		// An exhausted window pauses every parallel request before the next one runs into TOO_MANY_REQUESTS.
		const pauseMs = exhaustedWindowPauseMs(response);
		if (pauseMs !== undefined) gate.pause(pauseMs);
		return zohoThrottleDelayMs(response);
	},
	failedAnswer: hasFailureInBody,
	pathRule: { noun: 'ID', names: 'A module name, record ID or attachment ID' },
	timeoutMs: requestTimeoutMs,
	headers: { Accept: 'application/json' },
	signing: {
		credentials: async (ctx, itemIndex) => (await ctx.getCredentials(ZOHO_CREDENTIAL_TYPE, itemIndex)) as IDataObject,
		headers: (credentials) => ({ Authorization: `Zoho-oauthtoken ${accessTokenOf(credentials)}` }),
		expired: isExpiredToken,
		renew: renewSession,
	},
});

/** One request to Zoho CRM (see zohoClient). */
export async function zohoRequest(ctx: ZohoContext, run: TransferRun, request: ZohoRequest): Promise<HttpResponse> {
	return await zohoClient.request(ctx, run, {
		method: request.method,
		path: pathOf(...request.segments),
		qs: request.qs,
		streamBody: request.body,
		answer: request.responseType,
		// A download answers with the file's own type (SDK getAttachment); JSON only on errors.
		headers: request.responseType === 'stream' ? { Accept: '*/*' } : undefined,
		idempotent: request.idempotent,
		itemIndex: request.itemIndex,
		subject: request.subject,
	});
}

/** The JSON body of a successful answer; Zoho answers 204 with no body for an empty list. */
export function zohoJson(response: HttpResponse): IDataObject {
	if (response.statusCode === 204) return {};
	return bodyJson(response.body) ?? (bodyText(response.body) ? { body: bodyText(response.body) } : {});
}
