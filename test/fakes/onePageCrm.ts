import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'crypto';
import type { Readable } from 'stream';

import { TEST_BUCKET } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { FakeRequest, FakeResponse } from './fakeServer';
import { FakeServer } from './fakeServer';

/**
 * A fake OnePageCRM API v3 (https://developer.onepagecrm.com/api/) with the attachment handshake
 * of the vendor's blog post (seeds/onepagecrm-attachments.md): Basic auth (user ID : API key),
 * the `{status, message, timestamp, data}` envelope, a REAL presigned S3 POST form from the rig,
 * and registrations checked against what radosgw actually stores.
 */

export const REFERENCE_TYPES = ['deal', 'note', 'call', 'meeting'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];
const COLLECTIONS: Record<string, ReferenceType> = { deals: 'deal', notes: 'note', calls: 'call', meetings: 'meeting' };
const LINK_TYPES = ['dropbox', 'google_drive', 'evernote'];

export const MAX_FILE_BYTES = 10_485_760;
export const API_PATH = '/api/v3';

export interface FakeRecord {
	id: string;
	type: ReferenceType;
	contact_id: string;
}

export interface FakeAttachment {
	id: string;
	contact_id: string;
	reference_type: ReferenceType;
	reference_id: string;
	filename: string;
	custom_filename: string | null;
	pinned: boolean;
	size: number | null;
	key: string | null;
	link_type: string | null;
	external_url: string | null;
	created_at: string;
}

function newId(): string {
	return randomBytes(12).toString('hex');
}

function envelope(data: unknown, message = 'OK'): unknown {
	return { status: 0, message, timestamp: Math.floor(Date.now() / 1000), data };
}

/** A 200 answer in OnePageCRM's envelope. */
function ok(data: unknown, message = 'OK'): FakeResponse {
	return { status: 200, body: envelope(data, message) };
}

function failure(status: number, errorName: string, message: string, errorMessage: string, errors?: unknown): FakeResponse {
	return {
		status,
		body: {
			status,
			message,
			error_name: errorName,
			error_message: errorMessage,
			...(errors ? { errors } : {}),
			timestamp: Math.floor(Date.now() / 1000),
		},
	};
}

function notFound(what: string, id: string): FakeResponse {
	return failure(404, 'resource_not_found', 'Resource not found', `${what} with id ${id} was not found`);
}

function invalid(errorMessage: string, errors?: Record<string, string>): FakeResponse {
	return failure(400, 'invalid_request_data', 'Invalid request data', errorMessage, errors);
}

export class OnePageCrmFake extends FakeServer {
	readonly contacts = new Set<string>();
	readonly records = new Map<string, FakeRecord>();
	readonly attachments = new Map<string, FakeAttachment>();
	/** The bodies of every accepted `POST /attachments`, in order. */
	readonly registrations: Array<Record<string, unknown>> = [];
	/** The file host behind attachment `url`s: a presigned GET on another host, refusing credentials. */
	readonly fileHost = new FakeServer('OnePageCRM file host');
	quota = 214_748_364_800;
	storageLeft = 214_692_599_468;
	/** How long a download url stays valid. */
	urlLifetimeMs = 60_000;
	private readonly downloadTokens = new Map<string, { key: string; expiresAt: number }>();

	constructor(
		/** The S3 rig for forms, stored files and downloads; a credential test can go without. */
		private readonly s3Rig: S3Rig | undefined,
		readonly userId = `user${randomBytes(6).toString('hex')}`,
		readonly apiKey = `key${randomBytes(18).toString('base64url')}`,
	) {
		super('OnePageCRM');
		this.defineRoutes();
		this.fileHost.route('GET', '/files/:token', (request) => this.serveFile(request));
	}

	get apiBaseUrl(): string {
		return `${this.baseUrl}${API_PATH}`;
	}

	/** The Authorization header value a client with the right credential sends. */
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

	seedContact(): string {
		const id = newId();
		this.contacts.add(id);
		return id;
	}

	seedRecord(type: ReferenceType, contactId: string): string {
		const id = newId();
		this.records.set(`${type}:${id}`, { id, type, contact_id: contactId });
		return id;
	}

	/** OnePageCRM's rate limit: HTTP 403 with a plain-text body, for the next `times` API requests. */
	throttle(times = 1, path?: RegExp): void {
		this.injectFault({
			path: path ?? new RegExp(`^${API_PATH}/`),
			times,
			status: 403,
			headers: { 'content-type': 'text/plain' },
			body: 'Rate limit exceeded',
		});
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
				return failure(401, 'authorization_data_not_found', 'Unauthorized', 'Wrong user ID or API key');
			}
			return await handler(request);
		});
	}

	private defineRoutes(): void {
		this.api('GET', '/contacts', () => ok({ contacts: [...this.contacts].slice(0, 1).map((id) => ({ contact: { id } })), total_count: this.contacts.size, page: 1, per_page: 1 }));
		this.api('GET', '/attachments/s3_form', async (request) => await this.s3Form(request));
		this.api('POST', '/attachments', async (request) => await this.register(request));
		this.api('GET', '/attachments/:id', (request) => this.withAttachment(request, (attachment) => ok({ attachment: this.view(attachment) })));
		this.api('PATCH', '/attachments/:id', (request) =>
			this.withAttachment(request, (attachment) => {
				const body = (request.json ?? {}) as Record<string, unknown>;
				if (typeof body.custom_filename !== 'string' || body.custom_filename.trim() === '') {
					return invalid('custom_filename is required', { custom_filename: 'can\'t be blank' });
				}
				attachment.custom_filename = body.custom_filename;
				return ok({ attachment: this.view(attachment) }, 'Updated');
			}),
		);
		for (const action of ['pin', 'unpin']) {
			this.api('PATCH', `/attachments/:id/${action}`, (request) =>
				this.withAttachment(request, (attachment) => {
					attachment.pinned = action === 'pin';
					return ok({ attachment: this.view(attachment) }, 'Updated');
				}),
			);
		}
		this.api('DELETE', '/attachments/:id', (request) =>
			this.withAttachment(request, (attachment) => {
				this.attachments.delete(attachment.id);
				if (attachment.size) this.storageLeft += attachment.size;
				return ok({}, 'Deleted');
			}),
		);
		this.api('GET', '/contacts/:id/pinned_attachments', (request) => {
			const contactId = request.params.id;
			if (!this.contacts.has(contactId)) return notFound('Contact', contactId);
			const perPage = Number(request.query.per_page ?? 10);
			const page = Number(request.query.page ?? 1);
			const pinned = [...this.attachments.values()].filter((attachment) => attachment.contact_id === contactId && attachment.pinned);
			return ok({
				pinned_attachments: pinned.slice((page - 1) * perPage, page * perPage).map((attachment) => ({ attachment: this.view(attachment) })),
				total_count: pinned.length,
				page,
				per_page: perPage,
				max_page: Math.max(1, Math.ceil(pinned.length / perPage)),
			});
		});
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

	private withAttachment(request: FakeRequest, handler: (attachment: FakeAttachment) => FakeResponse): FakeResponse {
		const attachment = this.attachments.get(request.params.id);
		if (!attachment) return notFound('Attachment', request.params.id);
		return handler(attachment);
	}

	private async s3Form(request: FakeRequest): Promise<FakeResponse> {
		const contactId = request.query.contact_id;
		if (!contactId) return invalid('contact_id is required', { contact_id: 'can\'t be blank' });
		if (!this.contacts.has(contactId)) return notFound('Contact', contactId);
		const form = await this.s3.form({
			Key: `${contactId}/\${filename}`,
			Conditions: [
				['starts-with', '$key', `${contactId}/`],
				['starts-with', '$filename', ''],
				['content-length-range', 1, MAX_FILE_BYTES],
				{ acl: 'private' },
				{ success_action_status: '201' },
			],
			Fields: { acl: 'private', success_action_status: '201' },
			Expires: 600,
		});
		const signed = form.fields;
		// OnePageCRM's shape and order: lower-case names, an empty key, the pattern to fill it in.
		return {
			status: 200,
			body: envelope({
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
			}),
		};
	}

	private async objectSize(key: string): Promise<number | undefined> {
		try {
			const head = await this.s3.client.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
			return head.ContentLength;
		} catch {
			return undefined;
		}
	}

	private async register(request: FakeRequest): Promise<FakeResponse> {
		const body = request.json as Record<string, unknown> | undefined;
		if (!body || typeof body !== 'object') return invalid('The request body must be JSON');
		const referenceType = body.reference_type as ReferenceType;
		const referenceId = String(body.reference_id ?? '');
		const contactId = String(body.contact_id ?? '');
		if (!REFERENCE_TYPES.includes(referenceType)) {
			return invalid('reference_type is not valid', { reference_type: `must be one of ${REFERENCE_TYPES.join(', ')}` });
		}
		const record = this.records.get(`${referenceType}:${referenceId}`);
		if (!record) return notFound(referenceType[0].toUpperCase() + referenceType.slice(1), referenceId);
		if (record.contact_id !== contactId) {
			return invalid(`The ${referenceType} does not belong to contact ${contactId}`, { contact_id: 'does not match the reference' });
		}
		const name = typeof body.name === 'string' ? body.name : '';
		if (!name) return invalid('name is required', { name: 'can\'t be blank' });

		let attachment: FakeAttachment;
		if (body.link_type !== undefined || body.external_url !== undefined) {
			if (!LINK_TYPES.includes(String(body.link_type))) {
				return invalid('link_type is not valid', { link_type: `must be one of ${LINK_TYPES.join(', ')}` });
			}
			if (typeof body.external_url !== 'string' || !/^https?:\/\//.test(body.external_url)) {
				return invalid('external_url is not valid', { external_url: 'must be a URL' });
			}
			attachment = this.newAttachment(contactId, referenceType, referenceId, name, {
				link_type: String(body.link_type),
				external_url: body.external_url,
			});
		} else {
			const key = typeof body.key === 'string' ? body.key : '';
			const size = body.size;
			if (!key.startsWith(`${contactId}/`)) {
				return invalid(`key must start with ${contactId}/`, { key: 'is not valid' });
			}
			if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
				return invalid('size must be a positive number of bytes', { size: 'is not valid' });
			}
			const stored = await this.objectSize(key);
			if (stored === undefined) return invalid(`No uploaded file was found under key ${key}`, { key: 'file not found' });
			if (stored !== size) return invalid(`The uploaded file has ${stored} bytes, not ${size}`, { size: 'does not match the uploaded file' });
			if (size > this.storageLeft) return invalid('Storage quota exceeded', { size: 'exceeds the storage left' });
			this.storageLeft -= size;
			attachment = this.newAttachment(contactId, referenceType, referenceId, name, { key, size });
		}
		this.registrations.push(body);
		this.attachments.set(attachment.id, attachment);
		return { status: 201, body: envelope({ attachment: this.view(attachment) }, 'Created') };
	}

	private newAttachment(
		contactId: string,
		referenceType: ReferenceType,
		referenceId: string,
		name: string,
		extra: Partial<FakeAttachment>,
	): FakeAttachment {
		return {
			id: newId(),
			contact_id: contactId,
			reference_type: referenceType,
			reference_id: referenceId,
			filename: name,
			custom_filename: null,
			pinned: false,
			size: null,
			key: null,
			link_type: null,
			external_url: null,
			created_at: new Date().toISOString(),
			...extra,
		};
	}

	/** What the API shows: a fresh, short-lived download url for a stored file. */
	private view(attachment: FakeAttachment): Record<string, unknown> {
		const common = {
			id: attachment.id,
			contact_id: attachment.contact_id,
			reference_type: attachment.reference_type,
			reference_id: attachment.reference_id,
			filename: attachment.filename,
			custom_filename: attachment.custom_filename,
			pinned: attachment.pinned,
			created_at: attachment.created_at,
		};
		if (attachment.link_type) {
			return { ...common, size: null, storage_provider: attachment.link_type, link_type: attachment.link_type, external_url: attachment.external_url, url: attachment.external_url, thumbnail: null };
		}
		const token = randomBytes(16).toString('hex');
		const expiresAt = Date.now() + this.urlLifetimeMs;
		this.downloadTokens.set(token, { key: attachment.key!, expiresAt });
		return {
			...common,
			size: attachment.size,
			storage_provider: 's3',
			url: `${this.fileHost.baseUrl}/files/${token}?X-Amz-Expires=${Math.round(this.urlLifetimeMs / 1000)}`,
			url_expires_at: new Date(expiresAt).toISOString(),
			thumbnail: null,
		};
	}

	private async serveFile(request: FakeRequest): Promise<FakeResponse> {
		const s3Error = (status: number, code: string, message: string): FakeResponse => ({
			status,
			headers: { 'content-type': 'application/xml' },
			body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
		});
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
			return { status: 200, headers: { 'content-type': 'binary/octet-stream' }, body: Buffer.concat(chunks) };
		} catch {
			return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
		}
	}
}
