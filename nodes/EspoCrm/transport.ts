import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile, HttpResponse, ServiceFailure } from '../transfer';
import {
	bodyJson,
	bodyText,
	buildBase64JsonBody,
	formatBytes,
	headerValue,
	isSuccessStatus,
	networkError,
	readGenericFailure,
	requestTimeoutMs,
	responseError,
	sendAuthenticatedRequest,
	sendWithRetry,
	throttleGateFor,
	readNodeCredentials,
	drainStream,
	isStream,
} from '../transfer';

export const SERVICE_NAME = 'EspoCRM';
export const CREDENTIAL_TYPE = 'espoCrmApi';

type EspoContext = IExecuteFunctions | ILoadOptionsFunctions;

/** The site URL as users paste it: with or without a trailing slash or "/api/v1". */
export function normalizeSiteUrl(baseUrl: string): string {
	return baseUrl
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/api\/v1$/i, '')
		.replace(/\/+$/, '');
}

/** An API path from segments, each URL-encoded (ids and names come from users and expressions). */
export function apiPath(...segments: string[]): string {
	return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

const FIXES: Partial<Record<number, string>> = {
	401: 'Check the EspoCRM credential: the API key, the secret key (HMAC) or the username and password may be wrong, the user may be inactive, or its authentication method in EspoCRM (Administration > API Users) may differ from the one chosen in the credential. Use the credential\'s "Test" button.',
	403: 'The EspoCRM user is signed in but its role does not allow this. Give the API user\'s role read and edit access to the entity type, and access to attachments (Administration > Roles).',
	404: 'Check the entity type, the record id and the attachment id: the record may not exist, may have been deleted, or may not be visible to the API user. If every request fails this way, check the Base URL in the credential.',
	// Core/Authentication/Authentication::login: the only 503 EspoCRM sends itself.
	503: 'EspoCRM is in maintenance mode (Administration > Settings) or a server in front of it is overloaded: run the workflow again later.',
};

/**
 * EspoCRM's error bodies (Core/Exceptions/Error/Body::encode) carry `messageTranslation: {label, data}`
 * for its front end, e.g. "cannotRelateNonExisting" or "validationFailure" with the field: kept
 * as is, users search for these labels.
 */
function translationLabel(json: ReturnType<typeof bodyJson>): string | undefined {
	if (!json || Array.isArray(json)) return undefined;
	const translation = json.messageTranslation as { label?: unknown; data?: unknown } | undefined;
	if (!translation || typeof translation.label !== 'string') return undefined;
	const data = translation.data && typeof translation.data === 'object' ? JSON.stringify(translation.data) : '';
	return data && data !== '{}' ? `${translation.label} ${data}` : translation.label;
}

/**
 * EspoCRM states its reason in the `X-Status-Reason` header (bodies are often empty), sometimes a
 * JSON `message`; proxies in front of it answer with HTML pages.
 */
export function readEspoFailure(response: HttpResponse): ServiceFailure | undefined {
	const reason = headerValue(response, 'x-status-reason')?.trim();
	const json = bodyJson(response.body);
	const bodyMessage =
		json && !Array.isArray(json) && typeof json.message === 'string' ? json.message.trim() : translationLabel(json);
	if (response.statusCode === 413) {
		return {
			message: `the request is larger than the server accepts (413 Request Entity Too Large, from EspoCRM's web server or a proxy in front of it)${reason ? `; ${reason}` : ''}`,
		};
	}
	if (response.statusCode === 401) {
		// Core/Api/Auth::handleUnauthorized: a failed sign-in is a bare 401 (X-Status-Reason only "error"
		// or "second-step-required" for two-factor users).
		return { message: `the credential was not accepted${reason ? ` (${reason})` : ''}` };
	}
	if (reason || bodyMessage) {
		const parts = [reason, bodyMessage].filter((part, index, all) => part && all.indexOf(part) === index);
		return { message: parts.join('; ') };
	}
	if (!bodyText(response.body).trim()) return undefined;
	// JSON without a message, plain text, or a proxy's HTML page (the generic reader explains the latter).
	return readGenericFailure(response);
}

async function credentialSecrets(ctx: EspoContext): Promise<{ siteUrl: string; secrets: string[] }> {
	const credentials = await readNodeCredentials(ctx, CREDENTIAL_TYPE);
	const siteUrl = normalizeSiteUrl(String(credentials.baseUrl ?? ''));
	const secrets = [credentials.apiKey, credentials.secretKey, credentials.password]
		.filter((value): value is string => typeof value === 'string' && value !== '');
	if (typeof credentials.password === 'string' && credentials.password !== '') {
		// The Espo-Authorization header carries base64(username:password).
		secrets.push(Buffer.from(`${String(credentials.username ?? '')}:${credentials.password}`).toString('base64'));
	}
	return { siteUrl, secrets };
}

/**
 * Ids are URL-encoded into the path, but "." and ".." stay what they are after encoding (URL
 * parsers resolve even "%2E%2E"), and an empty one drops a segment: such an id would point the
 * request at another path.
 */
function assertPathSegments(ctx: EspoContext, request: EspoRequest): void {
	for (const segment of request.path.split('/')) {
		const value = decodeURIComponent(segment).trim();
		if (value === '' || /^\.{1,2}$/.test(value)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${decodeURIComponent(segment)}" is not a valid entity type or ID for ${request.subject} (item ${request.itemIndex + 1})`,
				{
					itemIndex: request.itemIndex,
					description:
						'An entity type, record ID or attachment ID cannot be empty, "." or "..": such a value would change the request\'s path instead of naming a record. Check the parameter or the expression that gives the ID.',
				},
			);
		}
	}
}

function assertSiteUrl(ctx: EspoContext, siteUrl: string, itemIndex: number): void {
	if (!/^https?:\/\/[^/]/i.test(siteUrl)) {
		throw new NodeOperationError(ctx.getNode(), 'The EspoCRM credential has no valid Base URL', {
			itemIndex,
			description:
				'Open the EspoCRM credential and set Base URL to the address you open EspoCRM at, starting with https:// (for example https://crm.example.com).',
		});
	}
}

export interface EspoRequest {
	method: IHttpRequestMethods;
	/** Path below `/api/v1/`, built with apiPath(). */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** What is being done, in the user's terms, for error messages: "the read of Case 123". */
	subject: string;
	itemIndex: number;
	/** Statuses that are an answer, not a failure (a 404 on a delete that already happened). */
	acceptStatuses?: number[];
	/** Response as a stream (downloads); failed answers are read into text for the error. */
	stream?: boolean;
	fixes?: Partial<Record<number, string>>;
}


async function send(
	ctx: EspoContext,
	siteUrl: string,
	request: EspoRequest,
	extra: Partial<IHttpRequestOptions> = {},
): Promise<HttpResponse> {
	const response = await sendAuthenticatedRequest(ctx as IExecuteFunctions, CREDENTIAL_TYPE, {
		method: request.method,
		url: `${siteUrl}/api/v1/${request.path}`,
		qs: request.qs,
		body: request.body,
		json: request.body !== undefined && extra.body === undefined ? true : undefined,
		headers: { accept: 'application/json' },
		// An idle time (the Timeout option): a large upload that keeps sending is never cut off.
		timeout: requestTimeoutMs(ctx, request.itemIndex),
		...(request.stream ? { encoding: 'stream' as const } : {}),
		...extra,
	});
	if (request.stream && !isSuccessStatus(response.statusCode) && isStream(response.body)) {
		response.body = (await drainStream(response.body)).toString('utf8');
	}
	return response;
}

function idempotent(method: IHttpRequestMethods): boolean {
	return method !== 'POST' && method !== 'PATCH';
}

/** One EspoCRM API call: credentials applied by n8n, retried where safe, failures turned into clear errors. */
export async function espoRequest(ctx: EspoContext, request: EspoRequest): Promise<HttpResponse> {
	assertPathSegments(ctx, request);
	const { siteUrl, secrets } = await credentialSecrets(ctx);
	assertSiteUrl(ctx, siteUrl, request.itemIndex);
	const errorContext = {
		serviceName: SERVICE_NAME,
		itemIndex: request.itemIndex,
		subject: request.subject,
		readFailure: readEspoFailure,
		fixes: { ...FIXES, ...(request.fixes ?? {}) },
		secrets,
	};
	let response: HttpResponse;
	try {
		response = await sendWithRetry(async () => await send(ctx, siteUrl, request), {
			idempotent: idempotent(request.method),
			// A 429 pauses every item of the run, not only the request that got it.
			gate: throttleGateFor(ctx),
		});
	} catch (error) {
		throw networkError(ctx as IExecuteFunctions, error, errorContext);
	}
	if (!isSuccessStatus(response.statusCode) && !request.acceptStatuses?.includes(response.statusCode)) {
		throw responseError(ctx as IExecuteFunctions, response, errorContext);
	}
	return response;
}

/** An EspoCRM JSON answer as an object (EspoCRM answers `true` to deletes). */
export function responseObject(response: HttpResponse): IDataObject {
	const json = bodyJson(response.body);
	return json && !Array.isArray(json) ? json : {};
}

function isSizeRefusal(response: HttpResponse): boolean {
	if (response.statusCode === 413) return true;
	if (response.statusCode !== 403 && response.statusCode !== 400 && response.statusCode !== 500) return false;
	const failure = readEspoFailure(response);
	// RecordHooks/Attachment/BeforeCreate (403 "Attachment size exceeds `attachmentUploadMaxSize`."),
	// Record/Attachment/CreateInputFilter (400 "File size should not exceed N Mb."), proxies (413).
	return /attachmentUploadMaxSize|size should not exceed|too large|exceeds/i.test(failure?.message ?? '');
}

/**
 * POST Attachment with the file inlined as a data URI. The body is streamed with a known length
 * (the base64 of a file is 4/3 of its size: memory must not grow with it) and rebuilt per attempt.
 */
export async function uploadAttachment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	attributes: IDataObject,
	file: BinaryFile,
): Promise<IDataObject> {
	const { siteUrl, secrets } = await credentialSecrets(ctx);
	assertSiteUrl(ctx, siteUrl, itemIndex);
	const subject = `the upload of "${file.fileName}" (${formatBytes(file.size)})`;
	const errorContext = {
		serviceName: SERVICE_NAME,
		itemIndex,
		subject,
		readFailure: readEspoFailure,
		fixes: FIXES,
		secrets,
	};
	const request: EspoRequest = { method: 'POST', path: 'Attachment', subject, itemIndex };
	let response: HttpResponse;
	try {
		response = await sendWithRetry(
			async () => {
				const body = await buildBase64JsonBody(attributes, 'file', file);
				return await send(ctx, siteUrl, request, {
					body: body.body as unknown as IDataObject,
					headers: { accept: 'application/json', ...body.headers },
					json: false,
					// Following redirects would make n8n keep a copy of the whole body in memory.
					disableFollowRedirect: true,
				});
			},
			// A repeated POST would leave a second, orphaned attachment: only retry what EspoCRM did not process.
			{ idempotent: false, gate: throttleGateFor(ctx) },
		);
	} catch (error) {
		throw networkError(ctx, error, errorContext);
	}
	if (!isSuccessStatus(response.statusCode)) {
		if (isSizeRefusal(response)) {
			throw responseError(
				ctx,
				response,
				{ ...errorContext, subject: `${subject}: the file is larger than this EspoCRM server accepts` },
				`The upload limit is the server's own: EspoCRM's "attachmentUploadMaxSize" (Administration > Settings, or data/config.php) or the maximum size set on the field, and, because the file travels base64-encoded (${formatBytes(Math.ceil(file.size / 3) * 4)} for this file), PHP's post_max_size and any proxy's body limit (nginx client_max_body_size). Ask the EspoCRM administrator to raise the limit, or upload a smaller file.`,
			);
		}
		throw responseError(ctx, response, errorContext);
	}
	const answer = responseObject(response);
	if (typeof answer.id !== 'string' || answer.id === '') {
		throw new NodeOperationError(ctx.getNode(), `EspoCRM accepted ${subject} but returned no attachment id`, {
			itemIndex,
			description: `EspoCRM answered HTTP ${response.statusCode} without an "id". Check that the Base URL points at EspoCRM itself and not at a page or proxy in front of it.`,
		});
	}
	return answer;
}
