import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';

import type { HttpResponse, ServiceFailure } from '../transfer';
import {
	bodyJson,
	requestTimeoutMs,
	sendJsonApiRequest,
	readNodeCredentials,
} from '../transfer';

export const SERVICE_NAME = 'Close';
export const CREDENTIAL_TYPE = 'closeCrmApi';
const DEFAULT_BASE_URL = 'https://api.close.com/api/v1';

export interface CloseRequest {
	method: IHttpRequestMethods;
	/** Path below the API root; any id in it must go through encodeURIComponent. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** What the request does, in the user's terms: "the note on lead lead_x". */
	subject: string;
	/** True for reads: a 500/502/504 may then be retried. */
	idempotent?: boolean;
}

export interface CloseConnection {
	baseUrl: string;
	/** The API is reached over https, so S3 forms must be too. */
	secure: boolean;
	secrets: string[];
}

type Context = IExecuteFunctions | ILoadOptionsFunctions;

export async function closeConnection(ctx: Context): Promise<CloseConnection> {
	const credentials = await readNodeCredentials(ctx, CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
	const apiKey = String(credentials.apiKey ?? '');
	return {
		baseUrl,
		secure: baseUrl.toLowerCase().startsWith('https:'),
		secrets: [apiKey, Buffer.from(`${apiKey}:`).toString('base64')].filter((value) => value.length >= 4),
	};
}

/**
 * Close's throttle signal: a 429 whose JSON body says in `error.rate_reset` how many seconds
 * remain in the rate window. Whether a Retry-After header comes as well is unverified.
 */
export function closeThrottleDelayMs(response: HttpResponse): number | undefined {
	if (response.statusCode !== 429) return undefined;
	const error = bodyJson(response.body)?.error;
	const reset = error && typeof error === 'object' ? Number((error as IDataObject).rate_reset) : NaN;
	return Number.isFinite(reset) && reset >= 0 ? Math.ceil(reset * 1000) : undefined;
}

/**
 * Close answers errors as `{"error": "..."}`, `{"errors": [...]}` or with `field-errors`
 * (`{"field-errors": {"lead_id": "..."}}`); the field names are what users need to see.
 */
export function readCloseFailure(response: HttpResponse): ServiceFailure | undefined {
	const json = bodyJson(response.body);
	if (!json || Array.isArray(json)) return undefined;
	const parts: string[] = [];
	const error = json.error;
	if (typeof error === 'string' && error) parts.push(error);
	if (error && typeof error === 'object') {
		const nested = error as JsonObject;
		if (typeof nested.message === 'string') parts.push(nested.message);
		if (typeof nested.rate_reset === 'number') parts.push(`rate window resets in ${nested.rate_reset} s`);
	}
	if (Array.isArray(json.errors)) {
		for (const entry of json.errors) parts.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
	}
	const fieldErrors = json['field-errors'];
	if (fieldErrors && typeof fieldErrors === 'object' && !Array.isArray(fieldErrors)) {
		for (const [field, message] of Object.entries(fieldErrors as IDataObject)) {
			parts.push(`${field}: ${typeof message === 'string' ? message : JSON.stringify(message)}`);
		}
	}
	if (parts.length === 0) return undefined;
	const code = error && typeof error === 'object' && typeof (error as JsonObject).code === 'string'
		? ((error as JsonObject).code as string)
		: undefined;
	return { code, message: parts.join('; ') };
}

const CLOSE_FIXES: Partial<Record<number, string>> = {
	401: 'Close did not accept the API key. Open the Close credential, paste a current key from Close (Settings > Developer > API Keys) and use "Test".',
	404: 'Check the id in the node parameters (lead ids start with "lead_", contact ids with "cont_"): the record may not exist, may have been deleted or merged, or may belong to another organization than the API key.',
	429: 'Close kept limiting the request rate after the node waited as Close asked. Run the workflow again later or process fewer items at once.',
};

/**
 * The one function that talks to Close with credentials: builds the URL, applies the key (HTTP
 * Basic, by the credential), waits out Close's throttle, and turns failures into clear errors.
 */
export async function closeApiRequest(
	ctx: Context,
	itemIndex: number,
	request: CloseRequest,
): Promise<IDataObject> {
	const connection = await closeConnection(ctx);
	const errorContext = {
		serviceName: SERVICE_NAME,
		itemIndex,
		subject: request.subject,
		readFailure: readCloseFailure,
		fixes: CLOSE_FIXES,
		secrets: connection.secrets,
	};
	// Load-options contexts have the same request helpers; the transfer layer only uses those and getNode.
	const answer = await sendJsonApiRequest(
		ctx as IExecuteFunctions,
		CREDENTIAL_TYPE,
		{
			method: request.method,
			url: `${connection.baseUrl}${request.path}`,
			body: request.body,
			qs: request.qs,
			timeoutMs: requestTimeoutMs(ctx, itemIndex),
			idempotent: request.idempotent,
			throttleDelayMs: closeThrottleDelayMs,
		},
		errorContext,
	);
	return Array.isArray(answer) ? {} : answer;
}
