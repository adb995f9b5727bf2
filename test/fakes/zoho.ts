import { createHash, randomUUID } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { FakeRequest, FakeResponse, RecordedRequest } from './fakeServer';
import { FakeServer } from './fakeServer';
import { ZohoConsent } from './zohoConsent';

/*
 * Sources (cited per route and answer below):
 * - SDK = npm @zohocrm/typescript-sdk-8.0@3.0.0 (same code in @zohocrm/nodejs-sdk-8.0@2.0.0, under lib/):
 *   dist/core/com/zoho/crm/api/attachments/attachments_operations.js  (paths, methods, params)
 *   dist/config/json_details.json  (keys "core/com/zoho/crm/api/attachments/*": answer shapes, required params)
 *   dist/utils/util/downloader.js  (file name from Content-Disposition)
 *   dist/models/authenticator/oauth_token.js  (token refresh request and answer)
 *   dist/routes/dc/*_data_center.js  (accounts server and API domain per data centre)
 * - Docs = https://www.zoho.com/crm/developer/docs/api/v8/upload-attachment.html,
 *   .../v8/get-attachments.html, and the v2 upload page in /work/shared/seeds/zoho-crm-upload-attachment.md.
 * What no source settles is marked "unverified".
 */

/** One part of a multipart/form-data body, parsed from the raw bytes the fake received. */
export interface MultipartPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

export interface ZohoAttachment {
	id: string;
	module: string;
	recordId: string;
	fileName: string;
	/** Empty for a link. */
	data: Buffer;
	sha256: string;
	contentType: string;
	linkUrl?: string;
	title?: string;
	createdTime: string;
}

/**
 * How the fake writes the file name into Content-Disposition on download. Zoho's exact form is
 * unverified: the SDK (downloader.js) takes everything after the last `'` when there is one (the
 * RFC 5987 `filename*=UTF-8''...` form), else the value after the last `=` without quotes.
 * - `rfc5987`: `attachment;filename*=UTF-8''<percent-encoded UTF-8>`
 * - `rawUtf8`: `attachment;filename*=UTF-8''<raw UTF-8 bytes>` (what the SDK reads verbatim)
 * - `quoted`: `attachment; filename="<raw UTF-8 bytes>"`
 */
export type DispositionStyle = 'rfc5987' | 'rawUtf8' | 'quoted';

/** SDK attachments_operations.js: every path is built on "/crm/v8/". */
export const ZOHO_API_PATH = '/crm/v8';
/** Docs (upload page): "Maximum allowed file size: 100 MB". */
const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** Docs (get-attachments v2 Java sample / Zoho's per_page ceiling for lists): at most 200 per page. */
const MAX_PER_PAGE = 200;

/** Modules as GET /crm/v8/settings/modules lists them (SDK modules/modules: api_name, module_name, plural_label, api_supported, generated_type). */
export const FAKE_MODULES = [
	{ api_name: 'Leads', module_name: 'Leads', plural_label: 'Leads', singular_label: 'Lead', api_supported: true, generated_type: 'default' },
	{ api_name: 'Contacts', module_name: 'Contacts', plural_label: 'Contacts', singular_label: 'Contact', api_supported: true, generated_type: 'default' },
	{ api_name: 'Calls', module_name: 'Calls', plural_label: 'Calls', singular_label: 'Call', api_supported: true, generated_type: 'default' },
	{ api_name: 'Deals', module_name: 'Deals', plural_label: 'Deals', singular_label: 'Deal', api_supported: true, generated_type: 'default' },
	{ api_name: 'Sales_Orders', module_name: 'SalesOrders', plural_label: 'Sales Orders', singular_label: 'Sales Order', api_supported: true, generated_type: 'default' },
	{ api_name: 'Projects_Custom', module_name: 'Projects_Custom', plural_label: 'Site Visits', singular_label: 'Site Visit', api_supported: true, generated_type: 'custom' },
	{ api_name: 'Home', module_name: 'Home', plural_label: 'Home', singular_label: 'Home', api_supported: false, generated_type: 'default' },
	{ api_name: 'Documents', module_name: 'Documents', plural_label: 'Documents', singular_label: 'Document', api_supported: false, generated_type: 'default' },
	{ api_name: 'Visits', module_name: 'Visits', plural_label: 'Visits', singular_label: 'Visit', api_supported: true, generated_type: 'default' },
	{ api_name: 'Approvals', module_name: 'Approvals', plural_label: 'Approvals', singular_label: 'Approval', api_supported: false, generated_type: 'default' },
];
/**
 * The field that names a record, by module: Zoho's standard modules (Leads/Contacts Full_Name,
 * Accounts Account_Name, Deals Deal_Name, ...), `Name` for custom modules. The list is unverified (no
 * SDK file states it); the node asks for the same fields.
 */
const RECORD_NAME_FIELDS: Record<string, string> = {
	Leads: 'Full_Name',
	Contacts: 'Full_Name',
	Accounts: 'Account_Name',
	Deals: 'Deal_Name',
};

/** Docs v8 upload/get-attachments "Supported modules" (Calls is new in v8's list). */
const ATTACHABLE = new Set(['Leads', 'Calls', 'Contacts', 'Deals', 'Sales_Orders', 'Projects_Custom']);

/**
 * The fields a list answer can carry: the keys of the SDK's Attachment model
 * (json_details "core/com/zoho/crm/api/attachments/attachment").
 */
export const ATTACHMENT_MODEL_FIELDS = [
	'id', 'File_Name', 'Size', 'Created_Time', 'Modified_Time', 'Owner', 'Created_By', 'Modified_By', 'Parent_Id',
	'$se_module', '$type', '$link_url', '$file_id', '$editable', '$attachment_type', '$sharing_permission', '$state',
	'Attachment_Source__s', 'File_Id__s', 'Record_Status__s', '$field_states', '$zia_visions',
];

/** SDK json_details "attachments/api_exception": `{code, details, message, status: "error"}`. */
function zohoError(status: number, code: string, message: string, details: Record<string, unknown> = {}): FakeResponse {
	return { status, body: { code, details, message, status: 'error' } };
}

/** A strict multipart/form-data parser: boundary from Content-Type, headers per part, exact bytes. */
export function parseMultipart(contentType: string | undefined, body: Buffer): MultipartPart[] | undefined {
	const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
	if (!/^multipart\/form-data/i.test(contentType ?? '') || !match) return undefined;
	const boundary = Buffer.from(`--${match[1] ?? match[2]}`);
	const parts: MultipartPart[] = [];
	let position = body.indexOf(boundary);
	if (position !== 0) return undefined;
	for (;;) {
		position += boundary.length;
		if (body.subarray(position, position + 2).toString() === '--') return parts;
		if (body.subarray(position, position + 2).toString() !== '\r\n') return undefined;
		position += 2;
		const headerEnd = body.indexOf('\r\n\r\n', position);
		if (headerEnd < 0) return undefined;
		// Part headers as UTF-8: the SDK's form-data package writes a file name's raw UTF-8 bytes there.
		const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n');
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
		if (next < 0) return undefined;
		const data = body.subarray(headerEnd + 4, next);
		const disposition = headers.find((line) => /^content-disposition:/i.test(line)) ?? '';
		const type = headers.find((line) => /^content-type:/i.test(line));
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) return undefined;
		parts.push({
			name,
			fileName: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
			contentType: type?.split(':')[1].trim(),
			data: Buffer.from(data),
		});
		position = next + 2;
	}
}

/** A header value carrying raw UTF-8 bytes (Node's writeHead takes latin1 strings, one char per byte). */
function rawUtf8Header(value: string): string {
	return Buffer.from(value, 'utf8').toString('latin1');
}

export function contentDispositionFor(fileName: string, style: DispositionStyle): string {
	if (style === 'rfc5987') return `attachment;filename*=UTF-8''${encodeURIComponent(fileName)}`;
	if (style === 'rawUtf8') return rawUtf8Header(`attachment;filename*=UTF-8''${fileName}`);
	return rawUtf8Header(`attachment; filename="${fileName}"`);
}

/** The refresh_token grant's fields from wherever a client puts them. */
function tokenRequestFields(request: FakeRequest): URLSearchParams {
	const fields = new URLSearchParams(request.query);
	const contentType = String(request.headers['content-type'] ?? '');
	if (/application\/x-www-form-urlencoded/i.test(contentType)) {
		// n8n's OAuth2 client (authentication "body").
		for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) fields.set(key, value);
	} else if (/multipart\/form-data/i.test(contentType)) {
		// SDK oauth_token.js refreshAccessToken: a FormData body.
		for (const part of parseMultipart(contentType, request.body) ?? []) fields.set(part.name, part.data.toString('utf8'));
	}
	return fields;
}

/**
 * Zoho's accounts server (SDK routes/dc/*_data_center.js: `https://accounts.zoho.<dc>/oauth/v2/token`).
 * Short access tokens and `api_domain` pointing at the fake API; like Zoho, a refused grant is an
 * HTTP 200 whose JSON has `error` and no `access_token` (SDK oauth_token.js parseResponse).
 */
export class FakeZohoAccounts extends FakeServer {
	readonly clientId = `1000.${randomUUID().replace(/-/g, '').toUpperCase()}`;
	readonly clientSecret = `secret-${randomUUID()}`;
	readonly refreshToken = `1000.refresh.${randomUUID().replace(/-/g, '')}`;
	/** Every refresh token that works: the first one, and one per accepted consent with access_type=offline. */
	readonly refreshTokens = new Set([this.refreshToken]);
	/** The browser step of "Connect my account" (see zohoConsent.ts for its sources). */
	readonly consent = new ZohoConsent({
		clientId: this.clientId,
		clientSecret: this.clientSecret,
		location: 'us',
		accountsServer: () => this.baseUrl,
	});
	/** Access tokens issued, with when they stop working. */
	readonly accessTokens = new Map<string, number>();
	accessTokenLifetimeMs = 3_600_000;
	apiDomain = '';

	constructor() {
		super('Zoho accounts');
		// SDK oauth_token.js refreshAccessToken: POST {iam}/oauth/v2/token, grant_type=refresh_token.
		this.route('POST', '/oauth/v2/token', (request) => this.token(request));
		this.route('GET', '/oauth/v2/auth', (request) => this.consent.authPage(request));
		this.route('POST', '/oauth/v2/auth/consent', (request) => this.consent.decide(request));
	}

	issueAccessToken(lifetimeMs = this.accessTokenLifetimeMs): string {
		const token = `1000.${randomUUID().replace(/-/g, '')}.${randomUUID().replace(/-/g, '')}`;
		this.accessTokens.set(token, Date.now() + lifetimeMs);
		return token;
	}

	isValid(token: string): boolean {
		const expires = this.accessTokens.get(token);
		return expires !== undefined && expires > Date.now();
	}

	expire(token: string): void {
		this.accessTokens.set(token, 0);
	}

	private token(request: FakeRequest): FakeResponse {
		const form = tokenRequestFields(request);
		if (form.get('grant_type') === 'authorization_code') return this.grantFromCode(form);
		// Error codes: unverified beyond "invalid_code" (Zoho's OAuth docs name it for a bad refresh token).
		if (form.get('grant_type') !== 'refresh_token') return { status: 200, body: { error: 'unsupported_grant_type' } };
		if (form.get('client_id') !== this.clientId) return { status: 200, body: { error: 'invalid_client' } };
		if (form.get('client_secret') !== this.clientSecret) return { status: 200, body: { error: 'invalid_client_secret' } };
		if (!this.refreshTokens.has(form.get('refresh_token') ?? '')) return { status: 200, body: { error: 'invalid_code' } };
		return this.tokenAnswer();
	}

	/** SDK oauth_token.js parseResponse reads access_token, expires_in, refresh_token (absent on refresh), api_domain. */
	private tokenAnswer(refreshToken?: string): FakeResponse {
		return {
			status: 200,
			body: {
				access_token: this.issueAccessToken(),
				...(refreshToken ? { refresh_token: refreshToken } : {}),
				api_domain: this.apiDomain,
				token_type: 'Bearer',
				expires_in: Math.round(this.accessTokenLifetimeMs / 1000),
			},
		};
	}

	/** Zoho's access-token request (see zohoConsent.ts, Token): a refresh token only with access_type=offline. */
	private grantFromCode(form: URLSearchParams): FakeResponse {
		const grant = this.consent.exchange(form);
		if ('error' in grant) return { status: 200, body: grant };
		const refreshToken = grant.offline ? `1000.refresh.${randomUUID().replace(/-/g, '')}` : undefined;
		if (refreshToken) this.refreshTokens.add(refreshToken);
		return this.tokenAnswer(refreshToken);
	}
}

/** A per-window request budget announced in X-RATELIMIT-* headers (unverified for Zoho, see rateLimit). */
interface RateLimitWindow {
	limit: number;
	windowMs: number;
	startedAt: number;
	used: number;
}

/**
 * Zoho CRM's API v8 for record attachments: `Authorization: Zoho-oauthtoken <token>` (SDK
 * oauth_token.js authenticate; else 401 INVALID_TOKEN, a code in SDK attachments/api_exception),
 * multipart uploads stored byte for byte, links, paged lists with mandatory `fields`, downloads with
 * Content-Disposition, deletes, and the module list.
 */
export class FakeZohoApi extends FakeServer {
	readonly attachments: ZohoAttachment[] = [];
	/** Existing records, by module. */
	readonly records = new Map<string, Set<string>>([
		['Leads', new Set(['4150868000000224005', '4150868000000224006'])],
		['Deals', new Set(['4150868000000300001'])],
		['Projects_Custom', new Set(['site/7?draft'])],
	]);
	/** Record names (the module's name field, see listRecords), by "module/id"; unnamed records have none. */
	readonly recordNames = new Map<string, string>();
	/** An organisation that keeps its files in WorkDrive without the integration enabled. */
	workDriveWithoutIntegration = false;
	dispositionStyle: DispositionStyle = 'rfc5987';
	/**
	 * From this page on, the list answers with `next_page_token` and expects `page_token` (SDK
	 * attachments/info has next_page_token; get_attachments_param has page_token). The page where Zoho
	 * switches to tokens is unverified for attachments (Zoho's record lists switch after 2000 records).
	 */
	pageTokensFromPage = 11;
	private rateLimitWindow?: RateLimitWindow;
	private readonly pageTokens = new Map<string, number>();
	private nextId = 4150868000000500000n;

	constructor(private readonly accounts: FakeZohoAccounts) {
		super('Zoho CRM API');
		// SDK modules/modules_operations.js getModules: GET /crm/v8/settings/modules -> {modules: [...]}.
		this.route('GET', `${ZOHO_API_PATH}/settings/modules`, (request) =>
			this.authorized(request, () => ({ status: 200, body: { modules: FAKE_MODULES } })),
		);
		// SDK attachments_operations.js uploadAttachments (multipart) and uploadUrlAttachments (attachmentUrl param).
		this.route('POST', `${ZOHO_API_PATH}/:module/:recordId/Attachments`, (request) =>
			this.authorized(request, () => this.upload(request)),
		);
		// SDK attachments_operations.js getAttachments.
		this.route('GET', `${ZOHO_API_PATH}/:module/:recordId/Attachments`, (request) =>
			this.authorized(request, () => this.list(request)),
		);
		// SDK attachments_operations.js getAttachment (the file itself).
		this.route('GET', `${ZOHO_API_PATH}/:module/:recordId/Attachments/:id`, (request) =>
			this.authorized(request, () => this.download(request)),
		);
		// SDK attachments_operations.js deleteAttachment.
		this.route('DELETE', `${ZOHO_API_PATH}/:module/:recordId/Attachments/:id`, (request) =>
			this.authorized(request, () => this.remove(request)),
		);
		// SDK record/record_operations.js getRecords (GET /crm/v8/{module}; get_records_param fields, page,
		// per_page, page_token) and searchRecords (GET /crm/v8/{module}/search; search_records_param word,
		// page, per_page).
		this.route('GET', `${ZOHO_API_PATH}/:module/search`, (request) => this.authorized(request, () => this.listRecords(request, true)));
		this.route('GET', `${ZOHO_API_PATH}/:module`, (request) => this.authorized(request, () => this.listRecords(request, false)));
		this.noRoute = (request) => this.unknownRoute(request);
	}

	/**
	 * A module's records, or those a word search finds. SDK "record/response_wrapper" {data, info} with
	 * "record/info" per_page, count, page, more_records, next_page_token; 204 without a body when none
	 * (common_api_handler NO_CONTENT_STATUS_CODE). `fields` is mandatory for getRecords (v8 docs, Get
	 * Records); only the named fields come back. Unverified: how `word` matches (a case-insensitive
	 * "contains" on the record's name here), the list's order (seeding), and token paging (the fake
	 * pages by number only).
	 */
	private listRecords(request: FakeRequest, search: boolean): FakeResponse {
		const { module } = request.params;
		const ids = this.records.get(module);
		if (!ids) return zohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { api_name: module });
		const fields = (request.query.fields ?? '').split(',').map((field) => field.trim()).filter(Boolean);
		if (!search && fields.length === 0) {
			return zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'fields' });
		}
		const word = String(request.query.word ?? '').toLowerCase();
		if (search && !word) return zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'criteria/email/phone/word' });
		const perPage = Number(request.query.per_page ?? MAX_PER_PAGE);
		const page = Number(request.query.page ?? 1);
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
			return zohoError(400, 'INVALID_DATA', 'invalid data', { param: 'page/per_page' });
		}
		const all = [...ids].filter((id) => !word || (this.recordNames.get(`${module}/${id}`) ?? '').toLowerCase().includes(word));
		const slice = all.slice((page - 1) * perPage, page * perPage);
		if (slice.length === 0) return { status: 204 };
		const nameField = RECORD_NAME_FIELDS[module] ?? 'Name';
		const view = (id: string): Record<string, unknown> => {
			const full: Record<string, unknown> = { id, [nameField]: this.recordNames.get(`${module}/${id}`) ?? null };
			return fields.length === 0 ? full : Object.fromEntries(Object.entries(full).filter(([field]) => field === 'id' || fields.includes(field)));
		};
		return {
			status: 200,
			body: {
				data: slice.map(view),
				info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < all.length, next_page_token: null },
			},
		};
	}

	/**
	 * Every answer carries X-RATELIMIT-LIMIT / -REMAINING / -RESET (seconds until the window ends), and a
	 * request over the budget gets 429 TOO_MANY_REQUESTS. Zoho documents TOO_MANY_REQUESTS (HTTP 429) for
	 * its concurrency and credit limits (help.zoho.com Kaizen #203, "Handling API Limits and Error
	 * Responses"); the header names and the meaning of RESET are unverified.
	 */
	limitRate(limit: number, windowMs: number): void {
		this.rateLimitWindow = { limit, windowMs, startedAt: Date.now(), used: 0 };
	}

	clearRateLimit(): void {
		this.rateLimitWindow = undefined;
	}

	/**
	 * Opt-in: Zoho's concurrency limit, the number of API calls of the org active at one time (help.zoho.com
	 * Kaizen #203 "Handling API Limits and Error Responses": Free 5, Standard 10, Professional 15,
	 * Enterprise 20, Ultimate 25; a call beyond it gets TOO_MANY_REQUESTS, HTTP 429). The message text and
	 * the absence of Retry-After / X-RATELIMIT-* on this refusal are unverified.
	 */
	limitConcurrency(maxConcurrentCalls: number): void {
		this.limiter = (_request, inFlight) =>
			inFlight > maxConcurrentCalls
				? zohoError(429, 'TOO_MANY_REQUESTS', 'The number of concurrent requests exceeded the limit')
				: undefined;
	}

	addAttachment(module: string, recordId: string, fileName: string, data: Buffer, contentType = 'application/octet-stream'): ZohoAttachment {
		const attachment: ZohoAttachment = {
			id: String(this.nextId++),
			module,
			recordId,
			fileName,
			data,
			sha256: createHash('sha256').update(data).digest('hex'),
			contentType,
			createdTime: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
		};
		this.attachments.push(attachment);
		return attachment;
	}

	/** Every answer to the API, in order, with the token it carried (for refresh assertions). */
	tokensSeen(): Array<{ method: string; path: string; status?: number; token?: string }> {
		return this.requests.map((request) => ({
			method: request.method,
			path: request.path,
			status: request.status,
			token: /^Zoho-oauthtoken (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1],
		}));
	}

	/**
	 * Docs (upload page, "Possible Errors"): INVALID_URL_PATTERN 404 for a wrong URL and
	 * INVALID_REQUEST_METHOD 400 for a method the URL does not take. The message texts are the docs'.
	 */
	private unknownRoute(request: RecordedRequest): FakeResponse {
		const attachmentsPath = new RegExp(`^${ZOHO_API_PATH}/[^/]+/[^/]+/Attachments(/[^/]+)?/?$`);
		if (attachmentsPath.test(request.rawPath) || request.rawPath === `${ZOHO_API_PATH}/settings/modules`) {
			return zohoError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
		}
		return zohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
	}

	private rateLimited(): { refused?: FakeResponse; headers: Record<string, string> } {
		const window = this.rateLimitWindow;
		if (!window) return { headers: {} };
		const now = Date.now();
		if (now - window.startedAt >= window.windowMs) {
			window.startedAt = now;
			window.used = 0;
		}
		window.used++;
		const headers = {
			'x-ratelimit-limit': String(window.limit),
			'x-ratelimit-remaining': String(Math.max(0, window.limit - window.used)),
			'x-ratelimit-reset': String(Math.ceil((window.startedAt + window.windowMs - now) / 1000)),
		};
		if (window.used > window.limit) {
			return {
				headers,
				refused: zohoError(429, 'TOO_MANY_REQUESTS', 'The number of requests exceeded the limit'),
			};
		}
		return { headers };
	}

	private authorized(request: FakeRequest, handle: () => FakeResponse): FakeResponse {
		const token = /^Zoho-oauthtoken (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		// SDK attachments/api_exception lists INVALID_TOKEN; the HTTP status 401 is the docs' (status codes page).
		if (!token || !this.accounts.isValid(token)) return zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
		const limited = this.rateLimited();
		const answer = limited.refused ?? handle();
		return { ...answer, headers: { ...(answer.headers ?? {}), ...limited.headers } };
	}

	private checkRecord(request: FakeRequest): FakeResponse | undefined {
		const { module, recordId } = request.params;
		// Docs (upload page): INVALID_MODULE 400 "the module name given seems to be invalid".
		if (!ATTACHABLE.has(module)) return zohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
		if (!this.records.get(module)?.has(recordId)) {
			// Docs (upload page): INVALID_DATA 400 "the related id given seems to be invalid".
			return zohoError(400, 'INVALID_DATA', 'the related id given seems to be invalid', { resource_path_index: 1 });
		}
		return undefined;
	}

	/** SDK json_details "attachments/success_response" in an "attachments/action_wrapper" ({data: [...]}). */
	private actionAnswer(attachment: ZohoAttachment, message: string): FakeResponse {
		const who = { name: 'Patricia Boyle', id: '4150868000000191001' };
		return {
			status: 200,
			body: {
				data: [
					{
						code: 'SUCCESS',
						details: {
							Modified_Time: attachment.createdTime,
							Modified_By: who,
							Created_Time: attachment.createdTime,
							id: attachment.id,
							Created_By: who,
						},
						message,
						status: 'success',
					},
				],
			},
		};
	}

	private upload(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		const contentType = String(request.headers['content-type'] ?? '');
		const parts = /multipart\/form-data/i.test(contentType) ? parseMultipart(contentType, request.body) : [];
		if (!parts) return zohoError(400, 'INVALID_DATA', 'the request body is not multipart/form-data');
		if (parts.length > 0 && request.headers['content-length'] === undefined) {
			// Not Zoho's: the fake insists on a Content-Length so streamed uploads are checked (unverified for Zoho).
			return zohoError(411, 'LENGTH_REQUIRED', 'the fake refuses uploads without a Content-Length');
		}
		if (this.workDriveWithoutIntegration) {
			return zohoError(400, 'INTEGRATION_NOT_ENABLED', 'Zoho WorkDrive integration is not enabled');
		}
		const file = parts.find((part) => part.name === 'file' && part.fileName !== undefined);
		// SDK uploadUrlAttachments sends attachmentUrl as a query parameter; the docs' curl sample sends it
		// as a form field (-F "attachmentUrl=..."): both are taken.
		const linkUrl = request.query.attachmentUrl ?? parts.find((part) => part.name === 'attachmentUrl')?.data.toString('utf8');
		if (file && linkUrl !== undefined) {
			// Docs (v8 upload page): "you can add either a file or an attachment link, but not both". The answer is unverified.
			return zohoError(400, 'INVALID_DATA', 'either a file or an attachment link can be added');
		}
		if (file) {
			// Docs (upload page): INVALID_DATA 415 "invalid file type" for .exe.
			if (/\.exe$/i.test(file.fileName!)) return zohoError(415, 'INVALID_DATA', 'invalid file type');
			if (file.data.length > MAX_FILE_BYTES) {
				// Docs (upload page): FILE_SIZE_MORE_THAN_ALLOWED_SIZE 415.
				return zohoError(415, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'please check if the file size is in the correct range');
			}
			const stored = this.addAttachment(request.params.module, request.params.recordId, file.fileName!, file.data, file.contentType);
			// Docs (upload page sample answer): message "attachment uploaded successfully".
			return this.actionAnswer(stored, 'attachment uploaded successfully');
		}
		if (linkUrl !== undefined) {
			// Docs (v8 upload page, "Parameters"): title is a (query) parameter; SDK UploadUrlAttachmentsParam.TITLE too.
			const title = request.query.title;
			const stored = this.addAttachment(request.params.module, request.params.recordId, title ?? linkUrl, Buffer.alloc(0));
			stored.linkUrl = linkUrl;
			stored.title = title;
			// The link's success message is unverified.
			return this.actionAnswer(stored, 'attachment uploaded successfully');
		}
		// REQUIRED_PARAM_MISSING and its details shape: Zoho's answer to a missing mandatory parameter
		// (SDK attachments/api_exception has MANDATORY_NOT_FOUND; the exact code here is unverified).
		return zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'file' });
	}

	private list(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		// Docs (v8 get-attachments): "fields string, mandatory"; SDK get_attachments_param: fields required_for "true".
		const fields = (request.query.fields ?? '').split(',').map((field) => field.trim()).filter(Boolean);
		if (fields.length === 0) {
			return zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'fields' });
		}
		const perPage = Number(request.query.per_page ?? MAX_PER_PAGE);
		let page = Number(request.query.page ?? 1);
		if (request.query.page_token !== undefined) {
			const tokenPage = this.pageTokens.get(request.query.page_token);
			// The answer to an unknown page token is unverified.
			if (tokenPage === undefined) return zohoError(400, 'INVALID_DATA', 'invalid page token', { param: 'page_token' });
			page = tokenPage;
		} else if (page >= this.pageTokensFromPage) {
			// Unverified for attachments: Zoho's record lists refuse page beyond 2000 records without page_token.
			return zohoError(400, 'INVALID_DATA', 'use page_token to fetch records beyond this page', { param: 'page' });
		}
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
			return zohoError(400, 'INVALID_DATA', 'invalid data', { param: 'page/per_page' });
		}
		const all = this.attachments.filter(
			(attachment) => attachment.module === request.params.module && attachment.recordId === request.params.recordId,
		);
		const slice = all.slice((page - 1) * perPage, page * perPage);
		// Zoho answers 204 with no body for an empty list (SDK common_api_handler: NO_CONTENT_STATUS_CODE 204).
		if (slice.length === 0) return { status: 204 };
		const moreRecords = page * perPage < all.length;
		let nextPageToken: string | null = null;
		if (moreRecords && page + 1 >= this.pageTokensFromPage) {
			nextPageToken = randomUUID();
			this.pageTokens.set(nextPageToken, page + 1);
		}
		const owner = { name: 'Patricia Boyle', id: '4150868000000191001', email: 'p.boyle@zylker.com' };
		return {
			status: 200,
			body: {
				// SDK "attachments/response_wrapper": {data: [attachment], info}; only the asked-for fields come back.
				data: slice.map((attachment) => {
					const full: Record<string, unknown> = {
						id: attachment.id,
						File_Name: attachment.fileName,
						Size: String(attachment.data.length),
						Created_Time: attachment.createdTime,
						Modified_Time: attachment.createdTime,
						Owner: owner,
						Created_By: owner,
						Modified_By: owner,
						Parent_Id: { id: attachment.recordId, name: null },
						$se_module: attachment.module,
						$type: attachment.linkUrl ? 'Link URL' : 'Attachment', // value unverified
						$link_url: attachment.linkUrl ?? null,
						$file_id: attachment.linkUrl ? null : `file_${attachment.id}`,
						$editable: true,
					};
					return Object.fromEntries(Object.entries(full).filter(([key]) => fields.includes(key)));
				}),
				// SDK "attachments/info": per_page, count, page, more_records, next_page_token, previous_page_token, page_token_expiry.
				info: {
					per_page: perPage,
					count: slice.length,
					page,
					more_records: moreRecords,
					next_page_token: nextPageToken,
					previous_page_token: null,
					page_token_expiry: null,
				},
			},
		};
	}

	private find(request: FakeRequest): ZohoAttachment | undefined {
		return this.attachments.find(
			(attachment) =>
				attachment.id === request.params.id &&
				attachment.module === request.params.module &&
				attachment.recordId === request.params.recordId,
		);
	}

	private download(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		const attachment = this.find(request);
		// The answer for an unknown id, and for a link (no file), is unverified.
		if (!attachment) return zohoError(400, 'INVALID_DATA', 'the related id given seems to be invalid', { resource_path_index: 3 });
		if (attachment.linkUrl) return zohoError(400, 'INVALID_DATA', 'the attachment is a link and has no file');
		// SDK getAttachment: the answer is the file with its own Content-Type (not JSON), name in Content-Disposition.
		return {
			status: 200,
			headers: {
				'content-type': attachment.contentType,
				'content-disposition': contentDispositionFor(attachment.fileName, this.dispositionStyle),
			},
			body: attachment.data,
		};
	}

	private remove(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		const attachment = this.find(request);
		if (!attachment) {
			// The answer for an id that is gone is unverified: an action_wrapper entry with status "error".
			return {
				status: 400,
				body: {
					data: [
						{ code: 'INVALID_DATA', details: { id: request.params.id }, message: 'the related id given seems to be invalid', status: 'error' },
					],
				},
			};
		}
		this.attachments.splice(this.attachments.indexOf(attachment), 1);
		// SDK deleteAttachment -> action_wrapper with success_response (details.id); message text unverified.
		return {
			status: 200,
			body: { data: [{ code: 'SUCCESS', details: { id: attachment.id }, message: 'record deleted', status: 'success' }] },
		};
	}
}

/** Both fake servers, started together, and credential data pointing at them. */
export class FakeZoho {
	readonly accounts = new FakeZohoAccounts();
	readonly api = new FakeZohoApi(this.accounts);

	async start(): Promise<void> {
		await this.accounts.start();
		this.accounts.apiDomain = await this.api.start();
	}

	async stop(): Promise<void> {
		await this.api.stop();
		await this.accounts.stop();
	}

	/** Credential data as n8n stores it after "Connect my account", with a working access token. */
	credentials(overrides: { accessToken?: string; tokenData?: Record<string, unknown> } & ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
		const { accessToken, tokenData, ...rest } = overrides;
		return {
			dataCenter: 'custom',
			accountsUrl: this.accounts.baseUrl,
			apiDomain: this.api.baseUrl,
			clientId: this.accounts.clientId,
			clientSecret: this.accounts.clientSecret,
			grantType: 'authorizationCode',
			authUrl: `${this.accounts.baseUrl}/oauth/v2/auth`,
			accessTokenUrl: `${this.accounts.baseUrl}/oauth/v2/token`,
			scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.modules.READ',
			authQueryParameters: 'access_type=offline&prompt=consent',
			authentication: 'body',
			oauthTokenData: {
				access_token: accessToken ?? this.accounts.issueAccessToken(),
				refresh_token: this.accounts.refreshToken,
				api_domain: this.api.baseUrl,
				token_type: 'Bearer',
				expires_in: 3600,
				...(tokenData ?? {}),
			},
			...rest,
		} as ICredentialDataDecryptedObject;
	}
}
