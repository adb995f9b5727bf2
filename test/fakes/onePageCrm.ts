import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'crypto';
import type { Readable } from 'stream';

import { TEST_BUCKET } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { FakeRequest, FakeResponse, RecordedRequest } from './fakeServer';
import { FakeServer } from './fakeServer';

/**
 * A fake OnePageCRM API v3, written from the vendor's OpenAPI spec (OnePageCRM/swagger `swagger.yaml`,
 * copied to shared/vendor/onepagecrm-openapi.yaml; "spec" below, cited by operationId or line) and
 * the vendor's blog post on attachments (shared/seeds/onepagecrm-attachments.md; "seed" below).
 * A REAL presigned S3 POST form comes from the rig, and registrations are checked against what
 * radosgw actually stores. What neither source settles is marked "unverified".
 */

/** spec createAttachment: `reference_type` enum [deal, note, call, meeting]. */
export const REFERENCE_TYPES = ['deal', 'note', 'call', 'meeting'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];
/** spec getDeal / getNote / getCall / getMeeting: GET /{collection}/{id} answers `data.<type>`. */
const COLLECTIONS: Record<string, ReferenceType> = { deals: 'deal', notes: 'note', calls: 'call', meetings: 'meeting' };
/** spec createAttachment `link_type` enum. */
export const LINK_TYPES = ['dropbox', 'google_drive', 'evernote'] as const;
/** spec components.schemas.Attachment `storage_provider` enum: amazon, google_drive, dropbox, evernote. */
export type StorageProvider = 'amazon' | (typeof LINK_TYPES)[number];

/** spec getAttachmentUploadForm: "Maximum file size is 10 MB"; seed: 10485760 bytes. */
export const MAX_FILE_BYTES = 10_485_760;
/** spec `servers`: https://app.onepagecrm.com/api/v3 */
export const API_PATH = '/api/v3';
/** spec components.parameters.query_per_page: "Maximum 100 allowed. Default is 10." */
const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 10;

export interface FakeRecord {
	id: string;
	type: ReferenceType;
	contact_id: string;
	/** spec schemas Deal `name`; Note/Call/Meeting `text` (Deal has one too). */
	name?: string;
	text?: string;
}

/** spec schemas Contact: the name fields the contact list shows. */
export interface FakeContactName {
	first_name?: string;
	last_name?: string;
	company_name?: string;
}

/** What the fake keeps about an attachment; only `view()` decides what the API shows. */
export interface FakeAttachment {
	id: string;
	contact_id: string;
	reference_type: ReferenceType;
	reference_id: string;
	filename: string;
	custom_filename: string | null;
	pinned: boolean;
	pinned_at: string | null;
	size: number | null;
	/** The `key` of the registration (a link's too: spec createAttachment requires it). */
	key: string;
	storage_provider: StorageProvider;
	/** A link's address (spec createAttachment `external_url`). */
	external_url: string | null;
}

/** How the file host names the file in its answer (see `fileNameHeader`). */
export type FileNameHeader = 'none' | 'rawUtf8' | 'rfc5987';

function newId(): string {
	return randomBytes(12).toString('hex');
}

/** spec components.schemas.Success: `{status: 0, message: "OK", timestamp, data}`. */
function envelope(data: unknown, message = 'OK', extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { status: 0, message, timestamp: Math.floor(Date.now() / 1000), data, ...extra };
}

function ok(data: unknown, status = 200, message = 'OK'): FakeResponse {
	return { status, body: envelope(data, message) };
}

/**
 * spec components.responses.400: "the error envelope used for all responses in the 4XX range":
 * `{status, message, error_name, error_message, errors}`. The error_name and texts the fake uses
 * for each case are unverified (the spec gives only generic examples).
 */
function failure(status: number, errorName: string, message: string, errorMessage: string, errors?: unknown): FakeResponse {
	return {
		status,
		body: {
			status,
			message,
			error_name: errorName,
			error_message: errorMessage,
			errors: errors ?? {},
			timestamp: Math.floor(Date.now() / 1000),
		},
	};
}

/** spec components.responses.404 "No resource exists for the ID you provided" (error_name unverified). */
function notFound(what: string, id: string): FakeResponse {
	return failure(404, 'resource_not_found', 'Resource not found', `${what} with id ${id} was not found`);
}

/** spec components.responses.400 (error_name and texts unverified). */
function invalid(errorMessage: string, errors?: Record<string, string>): FakeResponse {
	return failure(400, 'invalid_request_data', 'Invalid request data', errorMessage, errors);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

export class OnePageCrmFake extends FakeServer {
	readonly contacts = new Set<string>();
	readonly contactNames = new Map<string, FakeContactName>();
	readonly records = new Map<string, FakeRecord>();
	readonly attachments = new Map<string, FakeAttachment>();
	/** The bodies of every accepted `POST /attachments`, in order. */
	readonly registrations: Array<Record<string, unknown>> = [];
	/** The file host behind attachment `url`s: a presigned GET on another host, refusing credentials. */
	readonly fileHost = new FakeServer('OnePageCRM file host');
	quota = 214_748_364_800;
	storageLeft = 214_692_599_468;
	/** How long a download url stays valid (spec Attachment `url_expires_at`: the url expires). */
	urlLifetimeMs = 60_000;
	/**
	 * Whether the file host names the file in a Content-Disposition header, and how. Unverified: the
	 * spec's s3_form fields set no Content-Disposition on the object, so plain S3 sends none ('none',
	 * the default); a presigned url may still ask S3 for one (`response-content-disposition`), which
	 * S3 echoes as it was given: raw UTF-8 bytes ('rawUtf8') or RFC 5987 `filename*` ('rfc5987').
	 */
	fileNameHeader: FileNameHeader = 'none';
	private readonly downloadTokens = new Map<string, { key: string; expiresAt: number; fileName: string }>();

	constructor(
		/** The S3 rig for forms, stored files and downloads; a credential test can go without. */
		private readonly s3Rig: S3Rig | undefined,
		readonly userId = `user${randomBytes(6).toString('hex')}`,
		readonly apiKey = `key${randomBytes(18).toString('base64url')}`,
	) {
		super('OnePageCRM');
		this.defineRoutes();
		// A route the spec does not have (e.g. GET /attachments/{id}: spec line 3733 has PATCH and
		// DELETE only) answers 404 in the 4XX envelope (spec components.responses.400/404). The texts,
		// and 404 rather than 405 for a known path with another method, are unverified.
		this.noRoute = (request: RecordedRequest) =>
			failure(404, 'resource_not_found', 'Resource not found', `No route matches ${request.method} ${request.path}`);
		// The file host is S3 (spec Attachment `url` "External URL"; seed: files are kept on AWS S3).
		this.fileHost.route('GET', '/files/:token', (request) => this.serveFile(request));
		this.fileHost.noRoute = () => s3Error(403, 'AccessDenied', 'Access Denied');
	}

	get apiBaseUrl(): string {
		return `${this.baseUrl}${API_PATH}`;
	}

	/** spec components.securitySchemes.BasicAuth: user_id as user name, api_key as password. */
	get basicHeader(): string {
		return `Basic ${Buffer.from(`${this.userId}:${this.apiKey}`).toString('base64')}`;
	}

	async start(): Promise<string> {
		await this.fileHost.start();
		return await super.start();
	}

	async stop(): Promise<void> {
		await this.fileHost.stop();
		await super.stop();
	}

	seedContact(name: FakeContactName = {}): string {
		const id = newId();
		this.contacts.add(id);
		this.contactNames.set(id, name);
		return id;
	}

	seedRecord(type: ReferenceType, contactId: string, content: { name?: string; text?: string } = {}): string {
		const id = newId();
		this.records.set(`${type}:${id}`, { id, type, contact_id: contactId, ...content });
		return id;
	}

	/** A stored file attachment put straight in (for listings too long to upload one by one). */
	seedAttachment(contactId: string, referenceType: ReferenceType, referenceId: string, filename: string, pinnedAt: string | null = null): string {
		const id = newId();
		this.attachments.set(id, {
			id,
			contact_id: contactId,
			reference_type: referenceType,
			reference_id: referenceId,
			filename,
			custom_filename: null,
			pinned: pinnedAt !== null,
			pinned_at: pinnedAt,
			size: 1,
			key: `${contactId}/1/${filename}`,
			storage_provider: 'amazon',
			external_url: null,
		});
		return id;
	}

	/**
	 * spec components.responses.403: "the request-rate throttle also answers 403 with a plain-text
	 * body". The text and any headers are unverified; `headers` lets a test add a wait hint.
	 */
	throttle(times = 1, path?: RegExp, headers: Record<string, string> = {}): void {
		this.injectFault({
			path: path ?? new RegExp(`^${API_PATH}/`),
			times,
			status: 403,
			headers: { 'content-type': 'text/plain', ...headers },
			body: 'Rate limit exceeded',
		});
	}

	/**
	 * Opt-in: a request-rate limit per user (Basic credentials), `limit` requests per fixed window, each
	 * request beyond it answered with the throttle's 403 and a plain-text body (spec
	 * components.responses.403). The spec gives no numbers and no headers: the window's size and shape are
	 * unverified (the bench uses 10 requests/s). Only the API counts, not the file host.
	 */
	limitRate(limit: number, windowMs: number): void {
		const windows = new Map<string, { startedAt: number; count: number }>();
		this.limiter = (request) => {
			if (!request.rawPath.startsWith(`${API_PATH}/`)) return undefined;
			const user = String(request.headers.authorization ?? '');
			const now = Date.now();
			let window = windows.get(user);
			if (!window || now - window.startedAt >= windowMs) {
				window = { startedAt: now, count: 0 };
				windows.set(user, window);
			}
			window.count++;
			if (window.count <= limit) return undefined;
			return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Rate limit exceeded' };
		};
	}

	attachmentsOf(type: ReferenceType, id: string): FakeAttachment[] {
		return [...this.attachments.values()].filter((attachment) => attachment.reference_type === type && attachment.reference_id === id);
	}

	private get s3(): S3Rig {
		if (!this.s3Rig) throw new Error('this OnePageCRM fake was started without an S3 rig');
		return this.s3Rig;
	}

	private authorised(request: FakeRequest): boolean {
		return request.headers.authorization === this.basicHeader;
	}

	private api(method: string, path: string, handler: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>): void {
		this.route(method, `${API_PATH}${path}`, async (request) => {
			if (!this.authorised(request)) {
				// spec components.responses.401 example: error_name authorization_data_not_found.
				return failure(401, 'authorization_data_not_found', 'Authorization data not found', 'Cannot find suitable authorization data or data provided is not complete.');
			}
			return await handler(request);
		});
	}

	private defineRoutes(): void {
		// spec listContacts (line 5676): data.contacts[] as {contact: {...}} with page data; page/per_page
		// (query_page, query_per_page); `search` (query_contacts_search): "by contact name, company name or
		// phone number" (how it matches is unverified: a case-insensitive "contains" on the names here).
		this.api('GET', '/contacts', (request) => {
			const { page, perPage } = this.paging(request);
			const search = String(request.query.search ?? '').toLowerCase();
			const all = [...this.contacts].filter((id) => {
				const name = this.contactNames.get(id) ?? {};
				return !search || [`${name.first_name ?? ''} ${name.last_name ?? ''}`, name.company_name].some((value) => (value ?? '').toLowerCase().includes(search));
			});
			return ok({
				contacts: all.slice((page - 1) * perPage, page * perPage).map((id) => ({ contact: { id, ...this.contactNames.get(id) } })),
				...pageData(all.length, page, perPage),
			});
		});
		// spec listDeals (line 3108), listNotes (2063), listCalls (2385), listMeetings (2788): data.<collection>[]
		// as {<type>: {...}} with page data inside `data`; `contact_id` (query_<collection>_contact_id) filters
		// by contact; only deals take `search` (query_deals_search: "by deal name, contact name or company
		// name"; matching unverified: "contains" on the deal's name here). Order unverified (seeding order).
		for (const [collection, type] of Object.entries(COLLECTIONS)) {
			this.api('GET', `/${collection}`, (request) => {
				const { page, perPage } = this.paging(request);
				const contactId = request.query.contact_id;
				const search = type === 'deal' ? String(request.query.search ?? '').toLowerCase() : '';
				const all = [...this.records.values()].filter(
					(record) =>
						record.type === type &&
						(!contactId || record.contact_id === contactId) &&
						(!search || (record.name ?? '').toLowerCase().includes(search)),
				);
				return ok({
					[collection]: all.slice((page - 1) * perPage, page * perPage).map((record) => ({
						[type]: { id: record.id, contact_id: record.contact_id, ...(record.name !== undefined ? { name: record.name } : {}), text: record.text ?? '' },
					})),
					...pageData(all.length, page, perPage),
				});
			});
		}
		// spec getAttachmentUploadForm (line 3575).
		this.api('GET', '/attachments/s3_form', async (request) => await this.s3Form(request));
		// spec createAttachment (line 3654).
		this.api('POST', '/attachments', async (request) => await this.register(request));
		// spec updateAttachment (line 3733): body {attachment: {custom_filename}}; 200 data is the Attachment itself.
		this.api('PATCH', '/attachments/:id', (request) =>
			this.withAttachment(request, (attachment) => {
				const body = request.json;
				const wrapped = isObject(body) ? body.attachment : undefined;
				if (!isObject(wrapped) || !('custom_filename' in wrapped)) {
					// spec: `attachment` with required custom_filename; an unwrapped body has neither (refusal text unverified).
					return invalid('attachment[custom_filename] is missing', { attachment: 'is missing or invalid' });
				}
				const name = wrapped.custom_filename;
				// spec updateAttachment: "Once the custom file name is set it cannot be unset to nil/empty string".
				if (typeof name !== 'string' || name.trim() === '') {
					return invalid('custom_filename cannot be blank', { custom_filename: 'can\'t be blank' });
				}
				attachment.custom_filename = name;
				return ok(this.view(attachment));
			}),
		);
		// spec pinAttachment (line 3804) / unpinAttachment (line 3840): 200 data is the Attachment itself.
		for (const action of ['pin', 'unpin']) {
			this.api('PATCH', `/attachments/:id/${action}`, (request) =>
				this.withAttachment(request, (attachment) => {
					attachment.pinned = action === 'pin';
					attachment.pinned_at = attachment.pinned ? new Date().toISOString() : null;
					return ok(this.view(attachment));
				}),
			);
		}
		// spec deleteAttachment (line 3781): 200 is components.responses.200 "OK" (no body given: envelope assumed, unverified).
		this.api('DELETE', '/attachments/:id', (request) =>
			this.withAttachment(request, (attachment) => {
				this.attachments.delete(attachment.id);
				if (attachment.storage_provider === 'amazon' && attachment.size) this.storageLeft += attachment.size;
				return ok({});
			}),
		);
		// spec listContactPinnedAttachments (line 8125): data.pinned_attachments[] are Attachments (not
		// wrapped), sorted by pinned_at, newest first; total_count/page/per_page/max_page sit beside
		// `data` in this operation's schema (lines 8148-8159), unlike list answers elsewhere (inside data).
		this.api('GET', '/contacts/:id/pinned_attachments', (request) => {
			const contactId = request.params.id;
			if (!this.contacts.has(contactId)) return notFound('Contact', contactId);
			const { page, perPage } = this.paging(request);
			const pinned = [...this.attachments.values()]
				.filter((attachment) => attachment.contact_id === contactId && attachment.pinned)
				.sort((a, b) => String(b.pinned_at).localeCompare(String(a.pinned_at)));
			return {
				status: 200,
				body: envelope(
					{ pinned_attachments: pinned.slice((page - 1) * perPage, page * perPage).map((attachment) => this.view(attachment)) },
					'OK',
					pageData(pinned.length, page, perPage),
				),
			};
		});
		// spec getDeal (line 3310), getNote (2183), getCall (2508), getMeeting (2907): data.<type> with its
		// `attachments` (schemas Deal/Note/Call/Meeting `attachments`: Attachment[]). Other fields left out.
		for (const [collection, type] of Object.entries(COLLECTIONS)) {
			this.api('GET', `/${collection}/:id`, (request) => {
				const record = this.records.get(`${type}:${request.params.id}`);
				if (!record) return notFound(type[0].toUpperCase() + type.slice(1), request.params.id);
				return ok({
					[type]: {
						id: record.id,
						contact_id: record.contact_id,
						attachments: this.attachmentsOf(type, record.id).map((attachment) => this.view(attachment)),
					},
				});
			});
		}
	}

	/** spec query_page ("Starts from 1. Default is 1") and query_per_page ("Maximum 100 allowed. Default is 10"). */
	private paging(request: FakeRequest): { page: number; perPage: number } {
		const page = Math.max(1, Math.floor(Number(request.query.page ?? 1)) || 1);
		const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Math.floor(Number(request.query.per_page ?? DEFAULT_PER_PAGE)) || DEFAULT_PER_PAGE));
		return { page, perPage };
	}

	private withAttachment(request: FakeRequest, handler: (attachment: FakeAttachment) => FakeResponse): FakeResponse {
		const attachment = this.attachments.get(request.params.id);
		if (!attachment) return notFound('Attachment', request.params.id);
		return handler(attachment);
	}

	private async s3Form(request: FakeRequest): Promise<FakeResponse> {
		// spec getAttachmentUploadForm: `contact_id` query parameter, required.
		const contactId = request.query.contact_id;
		if (!contactId) return invalid('contact_id is required', { contact_id: 'can\'t be blank' });
		if (!this.contacts.has(contactId)) return notFound('Contact', contactId);
		const form = await this.s3.form({
			Key: `${contactId}/\${filename}`,
			Conditions: [
				// spec: "key must be constructed as {contact_id}/{timestamp}/{filename}".
				['starts-with', '$key', `${contactId}/`],
				// spec: "the filename field must match the filename at the end of key" (S3 cannot check the match).
				['starts-with', '$filename', ''],
				['content-length-range', 1, MAX_FILE_BYTES],
				{ acl: 'private' },
				{ success_action_status: '201' },
			],
			Fields: { acl: 'private', success_action_status: '201' },
			Expires: 600,
		});
		const signed = form.fields;
		// spec getAttachmentUploadForm 200: quota, display_quota, url, fields (lower-case names, empty key,
		// x-ignore-pattern); storage_left from the seed's example answer. Field order as the seed lists them.
		return ok({
			quota: this.quota,
			storage_left: this.storageLeft,
			display_quota: `${Math.round(this.quota / 1024 ** 3)} GB`,
			url: form.url,
			fields: {
				acl: 'private',
				success_action_status: 201,
				policy: signed.Policy,
				'x-amz-credential': signed['X-Amz-Credential'],
				'x-amz-algorithm': signed['X-Amz-Algorithm'],
				'x-amz-date': signed['X-Amz-Date'],
				'x-amz-signature': signed['X-Amz-Signature'],
				key: '',
				'x-ignore-pattern': `${contactId}/__timestamp__/\${filename}`,
			},
		});
	}

	private async objectSize(key: string): Promise<number | undefined> {
		try {
			const head = await this.s3.client.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
			return head.ContentLength;
		} catch {
			return undefined;
		}
	}

	/** spec createAttachment (line 3654): required reference_type and key; a link adds link_type and external_url. */
	private async register(request: FakeRequest): Promise<FakeResponse> {
		const body = request.json;
		if (!isObject(body)) return invalid('The request body must be JSON');
		const referenceType = body.reference_type as ReferenceType;
		if (!REFERENCE_TYPES.includes(referenceType)) {
			return invalid('reference_type is not valid', { reference_type: `must be one of ${REFERENCE_TYPES.join(', ')}` });
		}
		// spec: `key` is required, "composed as {contact_id}/{timestamp}/{filename}".
		const key = typeof body.key === 'string' ? body.key : '';
		if (!key) return invalid('key is required', { key: 'can\'t be blank' });
		// seed step 3: the record "has to be a note inside of the contact whom ID was used" (refusal texts unverified).
		const referenceId = String(body.reference_id ?? '');
		const contactId = String(body.contact_id ?? '');
		const record = this.records.get(`${referenceType}:${referenceId}`);
		if (!record) return notFound(referenceType[0].toUpperCase() + referenceType.slice(1), referenceId);
		if (record.contact_id !== contactId) {
			return invalid(`The ${referenceType} does not belong to contact ${contactId}`, { contact_id: 'does not match the reference' });
		}
		// Unverified: the spec composes key with the contact id; a key under another contact is refused here.
		if (!key.startsWith(`${contactId}/`)) return invalid(`key must start with ${contactId}/`, { key: 'is not valid' });
		// spec: `name` is Attachment.filename and optional; without it the key's last segment is used (unverified).
		const name = typeof body.name === 'string' && body.name !== '' ? body.name : key.slice(key.lastIndexOf('/') + 1);

		let attachment: FakeAttachment;
		const isLink = body.link_type !== undefined && body.link_type !== null;
		if (isLink || (body.external_url !== undefined && body.external_url !== null && body.external_url !== '')) {
			// spec createAttachment `link_type` enum; `external_url` "URL for the file (for use with external storage_providers)".
			if (!(LINK_TYPES as readonly string[]).includes(String(body.link_type))) {
				return invalid('link_type is not valid', { link_type: `must be one of ${LINK_TYPES.join(', ')}` });
			}
			if (typeof body.external_url !== 'string' || !/^https?:\/\//.test(body.external_url)) {
				return invalid('external_url is not valid', { external_url: 'must be a URL' });
			}
			attachment = this.newAttachment(record, name, key, {
				storage_provider: body.link_type as StorageProvider,
				external_url: body.external_url,
			});
		} else {
			// seed step 3: size "should equal the size of the file that you have already uploaded" (refusals unverified).
			const size = body.size;
			if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
				return invalid('size must be a positive number of bytes', { size: 'is not valid' });
			}
			const stored = await this.objectSize(key);
			if (stored === undefined) return invalid(`No uploaded file was found under key ${key}`, { key: 'file not found' });
			if (stored !== size) return invalid(`The uploaded file has ${stored} bytes, not ${size}`, { size: 'does not match the uploaded file' });
			// spec getAttachmentUploadForm: "1 GB of storage per user"; seed: "should not exceed your available storage".
			if (size > this.storageLeft) return invalid('Storage quota exceeded', { size: 'exceeds the storage left' });
			this.storageLeft -= size;
			attachment = this.newAttachment(record, name, key, { storage_provider: 'amazon', size });
		}
		this.registrations.push(body);
		this.attachments.set(attachment.id, attachment);
		// spec createAttachment 201: data.attachment is the Attachment.
		return ok({ attachment: this.view(attachment) }, 201, 'Created');
	}

	private newAttachment(record: FakeRecord, name: string, key: string, extra: Partial<FakeAttachment>): FakeAttachment {
		return {
			id: newId(),
			contact_id: record.contact_id,
			reference_type: record.type,
			reference_id: record.id,
			filename: name,
			custom_filename: null,
			pinned: false,
			pinned_at: null,
			size: null,
			key,
			storage_provider: 'amazon',
			external_url: null,
			...extra,
		};
	}

	/**
	 * spec components.schemas.Attachment (line 10102): id, filename, custom_filename, pinned, pinned_at,
	 * size, storage_provider, url, url_expires_at, thumbnail; nothing else (no contact or record id, no
	 * link_type/external_url). A stored file's url is a fresh short-lived presigned GET each time it is
	 * read. For a link, url = its external_url and url_expires_at/size null (unverified); thumbnail
	 * null when there is none (unverified: "if one exists").
	 */
	private view(attachment: FakeAttachment): Record<string, unknown> {
		const common = {
			id: attachment.id,
			filename: attachment.filename,
			custom_filename: attachment.custom_filename,
			pinned: attachment.pinned,
			pinned_at: attachment.pinned_at,
			storage_provider: attachment.storage_provider,
		};
		if (attachment.storage_provider !== 'amazon') {
			return { ...common, size: null, url: attachment.external_url, url_expires_at: null, thumbnail: null };
		}
		const token = randomBytes(16).toString('hex');
		const expiresAt = Date.now() + this.urlLifetimeMs;
		this.downloadTokens.set(token, { key: attachment.key, expiresAt, fileName: attachment.filename });
		return {
			...common,
			size: attachment.size,
			url: `${this.fileHost.baseUrl}/files/${token}?X-Amz-Expires=${Math.round(this.urlLifetimeMs / 1000)}`,
			url_expires_at: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
			thumbnail: null,
		};
	}

	private async serveFile(request: FakeRequest): Promise<FakeResponse> {
		// A presigned GET carries its signature in the query: S3 refuses a second auth mechanism.
		if (request.headers.authorization) {
			return s3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
		}
		const entry = this.downloadTokens.get(request.params.token);
		if (!entry) return s3Error(403, 'AccessDenied', 'Request signature does not match');
		if (Date.now() > entry.expiresAt) return s3Error(403, 'AccessDenied', 'Request has expired');
		try {
			const object = await this.s3.client.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: entry.key }));
			const chunks: Buffer[] = [];
			for await (const chunk of object.Body as Readable) chunks.push(chunk as Buffer);
			const body = Buffer.concat(chunks);
			// S3 answers a POSTed object (no Content-Type field in the spec's form) as binary/octet-stream.
			// (Content-Length comes from the body: Node's writeHead refuses a latin1 header beside an explicit one.)
			const headers: Record<string, string> = { 'content-type': 'binary/octet-stream' };
			const disposition = dispositionFor(this.fileNameHeader, entry.fileName);
			if (disposition) headers['content-disposition'] = disposition;
			return { status: 200, headers, body };
		} catch {
			return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
		}
	}
}

/** spec Page_data (line 11607). */
function pageData(total: number, page: number, perPage: number): Record<string, number> {
	return { total_count: total, page, per_page: perPage, max_page: Math.max(1, Math.ceil(total / perPage)) };
}

/** S3's XML error document (AWS S3 API reference, "Error responses"). */
function s3Error(status: number, code: string, message: string): FakeResponse {
	return {
		status,
		headers: { 'content-type': 'application/xml' },
		body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
	};
}

/** Node's writeHead refuses characters above 255: raw UTF-8 goes on the wire as latin1 characters. */
function dispositionFor(style: FileNameHeader, fileName: string): string | undefined {
	if (style === 'rawUtf8') return `attachment; filename="${Buffer.from(fileName, 'utf8').toString('latin1')}"`;
	if (style === 'rfc5987') {
		const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
		return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
	}
	return undefined;
}
