import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile, HttpResponse, ServiceContext, ServiceFailure, TransferRun } from '../transfer';
import { requestTimeoutMs } from '../shared/requestTimeout';
import {
	bodyJson,
	bodyText,
	createServiceClient,
	formatBytes,
	headerValue,
	pathOf,
	readGenericFailure,
	uploadInlineBase64,
} from '../transfer';

export const SERVICE_NAME = 'EspoCRM';
export const CREDENTIAL_TYPE = 'espoCrmApi';

type EspoContext = ServiceContext;

/** The site URL as users paste it: with or without a trailing slash or "/api/v1". */
export function normalizeSiteUrl(baseUrl: string): string {
	return baseUrl
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/api\/v1$/i, '')
		.replace(/\/+$/, '');
}

/** An API path from segments, each URL-encoded (ids and names come from users and expressions). */
export const apiPath = pathOf;

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

/** EspoCRM as the service client knows it: the credential (API key, HMAC or basic) applied by n8n. */
export const espoClient = createServiceClient({
	serviceName: SERVICE_NAME,
	credentialType: CREDENTIAL_TYPE,
	baseUrl: (credentials) => `${normalizeSiteUrl(String(credentials.baseUrl ?? ''))}/api/v1`,
	secrets: (credentials) => {
		const secrets = [credentials.apiKey, credentials.secretKey, credentials.password]
			.filter((value): value is string => typeof value === 'string' && value !== '');
		if (typeof credentials.password === 'string' && credentials.password !== '') {
			// The Espo-Authorization header carries base64(username:password).
			secrets.push(Buffer.from(`${String(credentials.username ?? '')}:${credentials.password}`).toString('base64'));
		}
		return secrets;
	},
	readFailure: readEspoFailure,
	fixes: FIXES,
	pathRule: { noun: 'entity type or ID', names: 'An entity type, record ID or attachment ID' },
	timeoutMs: requestTimeoutMs,
	headers: { accept: 'application/json' },
});

/** One EspoCRM API call (see espoClient). */
export async function espoRequest(ctx: EspoContext, run: TransferRun, request: EspoRequest): Promise<HttpResponse> {
	return await espoClient.request(ctx, run, { ...request, answer: request.stream ? 'stream' : 'json' });
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

/** POST Attachment with the file inlined as a data URI (Record/Attachment/CreateInputFilter takes `file`). */
export async function uploadAttachment(
	ctx: IExecuteFunctions,
	run: TransferRun,
	itemIndex: number,
	attributes: IDataObject,
	file: BinaryFile,
): Promise<IDataObject> {
	const subject = `the upload of "${file.fileName}" (${formatBytes(file.size)})`;
	const response = await uploadInlineBase64(ctx, run, espoClient, file, {
		path: 'Attachment',
		attributes,
		fileProperty: 'file',
		itemIndex,
		subject,
		refusal: (refused) =>
			isSizeRefusal(refused)
				? {
						subject: `${subject}: the file is larger than this EspoCRM server accepts`,
						fix: `The upload limit is the server's own: EspoCRM's "attachmentUploadMaxSize" (Administration > Settings, or data/config.php) or the maximum size set on the field, and, because the file travels base64-encoded (${formatBytes(Math.ceil(file.size / 3) * 4)} for this file), PHP's post_max_size and any proxy's body limit (nginx client_max_body_size). Ask the EspoCRM administrator to raise the limit, or upload a smaller file.`,
					}
				: undefined,
	});
	const answer = responseObject(response);
	if (typeof answer.id !== 'string' || answer.id === '') {
		throw new NodeOperationError(ctx.getNode(), `EspoCRM accepted ${subject} but returned no attachment id`, {
			itemIndex,
			description: `EspoCRM answered HTTP ${response.statusCode} without an "id". Check that the Base URL points at EspoCRM itself and not at a page or proxy in front of it.`,
		});
	}
	return answer;
}
