import { createHash, randomUUID } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { FakeRequest, FakeResponse } from './fakeServer';
import { FakeServer } from './fakeServer';

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

const API = '/crm/v2';
const MAX_FILE_BYTES = 100 * 1024 * 1024;
const MAX_PER_PAGE = 200;

/** Modules as GET /crm/v2/settings/modules lists them (trimmed to the fields the node reads). */
export const FAKE_MODULES = [
	{ api_name: 'Leads', module_name: 'Leads', plural_label: 'Leads', singular_label: 'Lead', api_supported: true, generated_type: 'default' },
	{ api_name: 'Contacts', module_name: 'Contacts', plural_label: 'Contacts', singular_label: 'Contact', api_supported: true, generated_type: 'default' },
	{ api_name: 'Deals', module_name: 'Deals', plural_label: 'Deals', singular_label: 'Deal', api_supported: true, generated_type: 'default' },
	{ api_name: 'Sales_Orders', module_name: 'SalesOrders', plural_label: 'Sales Orders', singular_label: 'Sales Order', api_supported: true, generated_type: 'default' },
	{ api_name: 'Projects_Custom', module_name: 'Projects_Custom', plural_label: 'Site Visits', singular_label: 'Site Visit', api_supported: true, generated_type: 'custom' },
	{ api_name: 'Home', module_name: 'Home', plural_label: 'Home', singular_label: 'Home', api_supported: false, generated_type: 'default' },
	{ api_name: 'Documents', module_name: 'Documents', plural_label: 'Documents', singular_label: 'Document', api_supported: false, generated_type: 'default' },
	{ api_name: 'Visits', module_name: 'Visits', plural_label: 'Visits', singular_label: 'Visit', api_supported: true, generated_type: 'default' },
	{ api_name: 'Approvals', module_name: 'Approvals', plural_label: 'Approvals', singular_label: 'Approval', api_supported: false, generated_type: 'default' },
];
const ATTACHABLE = new Set(['Leads', 'Contacts', 'Deals', 'Sales_Orders', 'Projects_Custom']);

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

/**
 * Zoho's accounts server: the refresh_token grant with the client id and secret in the body, short
 * access tokens, and `api_domain` pointing at the fake API. Like Zoho, a refused renewal is an
 * HTTP 200 whose JSON says {"error": ...}.
 */
export class FakeZohoAccounts extends FakeServer {
	readonly clientId = `1000.${randomUUID().replace(/-/g, '').toUpperCase()}`;
	readonly clientSecret = `secret-${randomUUID()}`;
	readonly refreshToken = `1000.refresh.${randomUUID().replace(/-/g, '')}`;
	/** Access tokens issued, with when they stop working. */
	readonly accessTokens = new Map<string, number>();
	accessTokenLifetimeMs = 3_600_000;
	apiDomain = '';

	constructor() {
		super('Zoho accounts');
		this.route('POST', '/oauth/v2/token', (request) => this.token(request));
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
		if (!/application\/x-www-form-urlencoded/.test(String(request.headers['content-type']))) {
			return { status: 400, body: { error: 'invalid_request' } };
		}
		const form = new URLSearchParams(request.body.toString('utf8'));
		if (form.get('grant_type') !== 'refresh_token') return { status: 200, body: { error: 'unsupported_grant_type' } };
		if (form.get('client_id') !== this.clientId) return { status: 200, body: { error: 'invalid_client' } };
		if (form.get('client_secret') !== this.clientSecret) return { status: 200, body: { error: 'invalid_client_secret' } };
		if (form.get('refresh_token') !== this.refreshToken) return { status: 200, body: { error: 'invalid_code' } };
		return {
			status: 200,
			body: {
				access_token: this.issueAccessToken(),
				api_domain: this.apiDomain,
				token_type: 'Bearer',
				expires_in: Math.round(this.accessTokenLifetimeMs / 1000),
			},
		};
	}
}

/**
 * Zoho CRM's API v2 for attachments: `Authorization: Zoho-oauthtoken <valid token>` (else 401
 * INVALID_TOKEN), multipart uploads with a Content-Length whose bytes are stored, .exe and >100 MB
 * refused with 415, paged lists, downloads with Content-Disposition, deletes, and the module list.
 */
export class FakeZohoApi extends FakeServer {
	readonly attachments: ZohoAttachment[] = [];
	/** Existing records, by module. */
	readonly records = new Map<string, Set<string>>([
		['Leads', new Set(['4150868000000224005', '4150868000000224006'])],
		['Deals', new Set(['4150868000000300001'])],
		['Projects_Custom', new Set(['site/7?draft'])],
	]);
	/** An organisation that keeps its files in WorkDrive without the integration enabled. */
	workDriveWithoutIntegration = false;
	private nextId = 4150868000000500000n;

	constructor(private readonly accounts: FakeZohoAccounts) {
		super('Zoho CRM API');
		this.route('GET', `${API}/settings/modules`, (request) =>
			this.authorized(request, () => ({ status: 200, body: { modules: FAKE_MODULES } })),
		);
		this.route('POST', `${API}/:module/:recordId/Attachments`, (request) =>
			this.authorized(request, () => this.upload(request)),
		);
		this.route('GET', `${API}/:module/:recordId/Attachments`, (request) =>
			this.authorized(request, () => this.list(request)),
		);
		this.route('GET', `${API}/:module/:recordId/Attachments/:id`, (request) =>
			this.authorized(request, () => this.download(request)),
		);
		this.route('DELETE', `${API}/:module/:recordId/Attachments/:id`, (request) =>
			this.authorized(request, () => this.remove(request)),
		);
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

	private authorized(request: FakeRequest, handle: () => FakeResponse): FakeResponse {
		const token = /^Zoho-oauthtoken (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
		if (!token || !this.accounts.isValid(token)) return zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
		return handle();
	}

	private checkRecord(request: FakeRequest): FakeResponse | undefined {
		const { module, recordId } = request.params;
		if (!ATTACHABLE.has(module)) return zohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid');
		if (!this.records.get(module)?.has(recordId)) {
			return zohoError(400, 'INVALID_DATA', 'the related id given seems to be invalid', { id: recordId });
		}
		return undefined;
	}

	private upload(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		if (request.headers['content-length'] === undefined) {
			return zohoError(411, 'LENGTH_REQUIRED', 'the fake refuses uploads without a Content-Length');
		}
		const parts = parseMultipart(String(request.headers['content-type'] ?? ''), request.body);
		if (!parts) return zohoError(400, 'INVALID_DATA', 'the request body is not multipart/form-data');
		if (this.workDriveWithoutIntegration) {
			return zohoError(400, 'INTEGRATION_NOT_ENABLED', 'Zoho WorkDrive integration is not enabled');
		}
		const file = parts.find((part) => part.name === 'file' && part.fileName !== undefined);
		const link = parts.find((part) => part.name === 'attachmentUrl');
		let attachment: ZohoAttachment;
		if (file) {
			if (/\.exe$/i.test(file.fileName!)) return zohoError(415, 'INVALID_DATA', 'invalid file type');
			if (file.data.length > MAX_FILE_BYTES) {
				return zohoError(415, 'FILE_SIZE_MORE_THAN_ALLOWED_SIZE', 'please check if the file size is in the correct range');
			}
			attachment = this.addAttachment(request.params.module, request.params.recordId, file.fileName!, file.data, file.contentType);
		} else if (link) {
			const url = link.data.toString('utf8');
			const title = parts.find((part) => part.name === 'title')?.data.toString('utf8');
			attachment = this.addAttachment(request.params.module, request.params.recordId, title ?? url, Buffer.alloc(0));
			attachment.linkUrl = url;
			attachment.title = title;
		} else {
			return zohoError(400, 'REQUIRED_PARAM_MISSING', 'one of the expected parameter is missing', { param_name: 'file' });
		}
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
						message: 'attachment uploaded successfully',
						status: 'success',
					},
				],
			},
		};
	}

	private list(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		const page = Number(request.query.page ?? 1);
		const perPage = Number(request.query.per_page ?? MAX_PER_PAGE);
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
			return zohoError(400, 'INVALID_DATA', 'invalid data', { param: 'page/per_page' });
		}
		const all = this.attachments.filter(
			(attachment) => attachment.module === request.params.module && attachment.recordId === request.params.recordId,
		);
		const slice = all.slice((page - 1) * perPage, page * perPage);
		if (slice.length === 0) return { status: 204 };
		return {
			status: 200,
			body: {
				data: slice.map((attachment) => ({
					File_Name: attachment.fileName,
					Size: String(attachment.data.length),
					id: attachment.id,
					Created_Time: attachment.createdTime,
					$link_url: attachment.linkUrl ?? null,
					$type: attachment.linkUrl ? 'Link URL' : 'Attachment',
					Parent_Id: { id: attachment.recordId },
					$se_module: attachment.module,
				})),
				info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < all.length },
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
		if (!attachment) return zohoError(400, 'INVALID_DATA', 'the related id given seems to be invalid', { id: request.params.id });
		const ascii = attachment.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
		return {
			status: 200,
			headers: {
				'content-type': attachment.contentType,
				'content-disposition': `attachment;filename="${ascii}";filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
			},
			body: attachment.data,
		};
	}

	private remove(request: FakeRequest): FakeResponse {
		const refused = this.checkRecord(request);
		if (refused) return refused;
		const attachment = this.find(request);
		if (!attachment) {
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
