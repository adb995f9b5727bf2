import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHmac, randomUUID } from 'crypto';

import { TEST_BUCKET } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { FakeRequest, FakeResponse, RecordedRequest } from './fakeServer';
import { FakeServer } from './fakeServer';

/*
 * Sources, cited per route and refusal below:
 * [files]   developer.close.com/api/resources/files/create ("Generate a signed S3 POST"): request
 *           UploadFile {content_type, filename} (both required, additionalProperties false), answer 200
 *           with the example form; also /work/shared/seeds/close-files.md (60 s, 201, 24 h).
 * [note]    developer.close.com/api/resources/activities/notes/create: CreateNoteActivity (lead_id
 *           required, additionalProperties false), attachments items {url, filename, content_type}
 *           (filename, url required), url "must begin https://app.close.com/go/file/", answer 200
 *           with each attachment's size, and url/thumbnail_url under /go/file/persisted/.
 * [email]   developer.close.com/api/resources/activities/emails/create: CreateEmailActivity (lead_id,
 *           status required; status inbox|draft|scheduled|outbox|sent|error), attachments items
 *           {url, filename, size, content_type, ...} (filename, size, url required), answer 200.
 * [lead]    developer.close.com/api/resources/leads (GET /lead/{id}/ with _fields) and
 *           developer.close.com/api/overview/fields ("_fields" picks the answer's fields).
 * [me]      developer.close.com OpenAPI, operation get-me (GET /me/).
 * [auth]    developer.close.com/api/overview/api-key-authentication: HTTP Basic, key as user name,
 *           empty password; closeio-api closeio_api/__init__.py (`session.auth = (api_key, '')`).
 * [codes]   developer.close.com/api/overview/http-response-codes: 400 issue with the request, 401
 *           needs auth, 404 URL not found, 405 method not supported.
 * [errors]  closeio-api ValidationError and tests/test_api.py test_validation_error: 400 body
 *           {"errors": [], "field-errors": {field: message}}.
 * [rate]    developer.close.com/api/overview/rate-limits (per endpoint group, per key; "sleep for
 *           rate_reset"), changelog 2023-07-21 (RateLimit header per the RFC draft) and 2024-04-24
 *           (body deprecated, headers carry it); closeio-api 48d1503 reads `RateLimit: limit=N,
 *           remaining=R, reset=S`, then Retry-After, then RateLimit-Reset (tests/test_api.py
 *           test_retry_on_rate_limit sends those headers on a 429).
 * [lists]   developer.close.com/api/resources/activities/notes/list and .../emails/list (OpenAPI
 *           `activities.notes_list_Response_200`, `activities.emails_list_Response_200`): GET with
 *           lead_id, _skip (default 0), _limit (default 100), answer {data, has_more}; EmailActivity
 *           `attachments` items are `Attachment` {content_type, filename, size, thumbnail_url, url}.
 *           The OpenAPI types note list items as ActivityBase (no `attachments`): that notes carry them
 *           in lists as in the create answer ([note]) is unverified.
 * [fields]  developer.close.com/api/overview/fields: `_fields` picks the answer's fields.
 * [leads]   developer.close.com/api/resources/leads/list: GET /lead/ with `query` (Close's search
 *           syntax), _skip, _limit, _fields; answer {data, has_more} as [lists]. A lead's `html_url` is
 *           https://app.close.com/lead/{id}/ (the lead example there). How `query` matches plain words
 *           is unverified: a case-insensitive "contains" on display_name here; order unverified (seeding).
 * Anything marked "unverified" has no source and is our best guess.
 */

/** [fields] Only the named fields of an answer, when `_fields` names any. */
function pickFields(object: Record<string, unknown>, fields: string | undefined): Record<string, unknown> {
	if (!fields) return object;
	const picked = fields.split(',').map((field) => field.trim());
	return Object.fromEntries(Object.entries(object).filter(([field]) => picked.includes(field)));
}

/** Where Close's API lives below the fake's origin, as in https://api.close.com/api/v1. */
export const CLOSE_API_PATH = '/api/v1';

/** [note] Every attachment URL Close takes starts here. */
export const CLOSE_FILE_URL_PREFIX = 'https://app.close.com/go/file/';

export interface CloseAttachmentRecord {
	url: string;
	filename: string;
	size: number;
	content_type: string;
	thumbnail_url?: string | null;
}

export interface HandedOutFile {
	id: string;
	key: string;
	filename: string;
	content_type: string;
	/** The form field S3 stores as the object's Content-Disposition. */
	contentDisposition: string;
	downloadUrl: string;
}

export interface CloseActivity {
	id: string;
	lead_id: string;
	attachments: CloseAttachmentRecord[];
	[field: string]: unknown;
}

/** [email] CreateEmailActivityStatus. */
const EMAIL_STATUSES = ['inbox', 'draft', 'scheduled', 'outbox', 'sent', 'error'];
/** [note] CreateNoteActivity's properties (additionalProperties: false). */
const NOTE_FIELDS = ['activity_at', 'attachments', 'contact_id', 'created_by', 'date_created', 'lead_id', 'note', 'note_html', 'organization_id', 'pinned', 'title', 'user_id'];
/** [files] A form is usable for 60 seconds. */
const FORM_LIFETIME_S = 60;
const USER_ID = 'user_fake';

/** A rate window per API key and endpoint group, as Close counts ([rate]); the size of a group is unverified. */
export interface CloseRateLimit {
	limit: number;
	windowMs: number;
}

/**
 * A fake Close API enforcing the Files API contract: HTTP Basic with the API key as user name; a real
 * S3 POST form (signature v2 fields, full key and Content-Disposition, as Close's example) valid 60 s
 * per /files/upload/ request; activities that accept only download URLs it handed out whose object
 * really exists in S3; and Close's rate-limit headers on every answer.
 */
export class FakeClose extends FakeServer {
	readonly leads = new Map<string, string[]>();
	/** Names shown for leads and contacts (display_name, name); seeded ids without one get "Lead {id}" / "Contact {id}". */
	readonly leadNames = new Map<string, string>();
	readonly contactNames = new Map<string, string>();
	/** Handed-out files by download URL (temporary) and by the persisted URL a note gives them. */
	readonly files = new Map<string, HandedOutFile>();
	readonly notes: CloseActivity[] = [];
	readonly emails: CloseActivity[] = [];
	/** How many of the next forms are handed out already expired (policy 1 s, answered 2.5 s later). */
	expiredFormsToHandOut = 0;
	readonly keyPrefix = `temporary/user/${USER_ID}/${randomUUID().slice(0, 8)}`;
	/**
	 * Where the fake's `/go/file/` links point. Close's are https://app.close.com/go/file/... ([note]);
	 * tests that download set the fake's own origin, which serves them.
	 */
	fileOrigin = 'https://app.close.com';
	/** Close's limits are not published as numbers ([rate]): tests set a small one to see the headers work. */
	get rateLimit(): CloseRateLimit {
		return this.limit;
	}

	/**
	 * A new limit starts with fresh windows: requests counted under the one before (an earlier test's,
	 * less than a window ago) would otherwise be refused under the new one with no warning header first.
	 * A test control, not Close behaviour: Close's limits are fixed per plan and how its windows run is
	 * unverified (rate limits page, [rate]); only the refusal and its headers follow Close.
	 */
	set rateLimit(limit: CloseRateLimit) {
		this.limit = limit;
		this.windows.clear();
	}

	private limit: CloseRateLimit = { limit: 10_000, windowMs: 1000 };
	private readonly windows = new Map<string, { startedAt: number; count: number }>();
	private readonly knownPaths: Array<{ method: string; pattern: RegExp }> = [];

	constructor(
		private readonly s3: S3Rig,
		readonly apiKey = `api_${randomUUID().replace(/-/g, '')}`,
	) {
		super('Close');
		this.leads.set('lead_existing', ['cont_existing']);
		// [me] operation get-me; the answer's fields beyond id/email are left out.
		this.closeRoute('GET', '/me/', () => ({ status: 200, body: { id: USER_ID, email: 'owner@example.com' } }));
		// [lead] GET /lead/{id}/ with _fields.
		this.closeRoute('GET', '/lead/:id/', (request) => this.readLead(request.params.id, request.query._fields));
		// [leads] GET /lead/ with query, _skip, _limit, _fields.
		this.closeRoute('GET', '/lead/', (request) => this.listLeads(request));
		// [files] POST /files/upload/.
		this.closeRoute('POST', '/files/upload/', async (request) => await this.uploadForm(request));
		// [note] POST /activity/note/.
		this.closeRoute('POST', '/activity/note/', async (request) => await this.createNote(request));
		// [email] POST /activity/email/.
		this.closeRoute('POST', '/activity/email/', async (request) => await this.createEmail(request));
		// [lists] GET /activity/note/ and /activity/email/.
		this.closeRoute('GET', '/activity/note/', (request) => this.listActivities(this.notes, request));
		this.closeRoute('GET', '/activity/email/', (request) => this.listActivities(this.emails, request));
		// [codes] 404 for a URL Close does not have, 405 for a method it does not take there; the body's
		// wording is unverified (Close documents the codes, not these bodies).
		this.noRoute = (request) => this.unknownRoute(request);
	}

	/** The credential's base URL for this fake. */
	get apiBaseUrl(): string {
		return `${this.baseUrl}${CLOSE_API_PATH}`;
	}

	get basicAuthorization(): string {
		return `Basic ${Buffer.from(`${this.apiKey}:`).toString('base64')}`;
	}

	private closeRoute(method: string, path: string, handler: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>): void {
		const full = `${CLOSE_API_PATH}${path}`;
		this.knownPaths.push({ method, pattern: new RegExp(`^${full.replace(/:[a-z]+/g, '[^/]+')}?$`) });
		this.route(method, full, async (request) =>
			await this.rateLimited(request, async () => (this.isAuthorized(request) ? await handler(request) : this.unauthorized())),
		);
	}

	private unknownRoute(request: RecordedRequest): FakeResponse {
		// The file behind a /go/file/ link (any depth of path); see fileLink() for what is unverified.
		if (request.method === 'GET' && request.rawPath.startsWith('/go/file/')) return this.fileLink(request);
		const known = this.knownPaths.filter((candidate) => candidate.pattern.test(request.rawPath));
		if (known.length > 0) return { status: 405, body: { error: `Method ${request.method} not allowed.` } };
		return { status: 404, body: { error: 'Not found.' } };
	}

	/**
	 * [rate] Counts the request in its key's window for the endpoint group (here: method and first path
	 * segment, an approximation of Close's unpublished groups) and answers with the `RateLimit` header;
	 * over the limit, a 429 with `RateLimit`, `Retry-After` (the client reads it; whether Close sends it
	 * beside `RateLimit` is unverified) and the deprecated body `error.rate_reset`.
	 */
	private async rateLimited(request: RecordedRequest, handler: () => FakeResponse | Promise<FakeResponse>): Promise<FakeResponse> {
		const group = `${String(request.headers.authorization)} ${request.method} ${request.rawPath.slice(CLOSE_API_PATH.length).split('/')[1] ?? ''}`;
		const now = Date.now();
		let window = this.windows.get(group);
		if (!window || now - window.startedAt >= this.rateLimit.windowMs) {
			window = { startedAt: now, count: 0 };
			this.windows.set(group, window);
		}
		window.count++;
		const resetSeconds = Math.max(0, (window.startedAt + this.rateLimit.windowMs - now) / 1000);
		const resetWhole = Math.ceil(resetSeconds);
		if (window.count > this.rateLimit.limit) {
			return {
				status: 429,
				headers: {
					RateLimit: `limit=${this.rateLimit.limit}, remaining=0, reset=${resetWhole}`,
					'Retry-After': String(resetWhole),
				},
				// The message's wording is unverified; rate_reset is what the docs and the client's older versions read.
				body: { error: { rate_reset: resetSeconds, message: 'API call count exceeded for this window' } },
			};
		}
		const answer = await handler();
		const remaining = this.rateLimit.limit - window.count;
		return {
			...answer,
			headers: { ...(answer.headers ?? {}), RateLimit: `limit=${this.rateLimit.limit}, remaining=${remaining}, reset=${resetWhole}` },
		};
	}

	private isAuthorized(request: RecordedRequest): boolean {
		return request.headers.authorization === this.basicAuthorization;
	}

	/** [auth][codes] 401; the body's wording is unverified. */
	private unauthorized(): FakeResponse {
		return {
			status: 401,
			headers: { 'www-authenticate': 'Basic realm="Close API"' },
			body: { error: 'The API key is invalid or has been deleted.' },
		};
	}

	private fieldErrors(errors: Record<string, string>): FakeResponse {
		return { status: 400, body: { errors: [], 'field-errors': errors } };
	}

	/** [lead] The lead with its contacts; `_fields` picks the fields. The 404 body's wording is unverified. */
	private leadView(id: string, contacts: string[]): Record<string, unknown> {
		return {
			id,
			display_name: this.leadNames.get(id) ?? `Lead ${id}`,
			html_url: `https://app.close.com/lead/${id}/`,
			contacts: contacts.map((contactId) => ({ id: contactId, lead_id: id, name: this.contactNames.get(contactId) ?? `Contact ${contactId}` })),
		};
	}

	private readLead(id: string, fields: string | undefined): FakeResponse {
		const contacts = this.leads.get(id);
		if (!contacts) return { status: 404, body: { error: 'Lead matching query does not exist.' } };
		return { status: 200, body: pickFields(this.leadView(id, contacts), fields) };
	}

	private listLeads(request: FakeRequest): FakeResponse {
		const skip = Math.max(0, parseInt(request.query._skip ?? '0', 10) || 0);
		const limit = Math.max(1, parseInt(request.query._limit ?? '100', 10) || 100);
		const query = String(request.query.query ?? '').toLowerCase();
		const all = [...this.leads.entries()]
			.map(([id, contacts]) => this.leadView(id, contacts))
			.filter((lead) => !query || String(lead.display_name).toLowerCase().includes(query));
		return {
			status: 200,
			body: { data: all.slice(skip, skip + limit).map((lead) => pickFields(lead, request.query._fields)), has_more: skip + limit < all.length },
		};
	}

	/**
	 * [files] The form as Close's example: AWSAccessKeyId, Content-Disposition `inline; filename="…"`,
	 * Content-Type, the full key (no `${filename}`), policy, signature (S3 signature v2),
	 * success_action_status 201. How Close writes a non-ASCII name into Content-Disposition, the key and
	 * the download URL is unverified: here RFC 6266's `filename*` beside an ASCII fallback, the name as is
	 * in the key, and percent-encoded in the URL.
	 */
	private async uploadForm(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const errors: Record<string, string> = {};
		if (typeof json.filename !== 'string' || !json.filename) errors.filename = 'This field is required.';
		if (typeof json.content_type !== 'string' || !json.content_type) errors.content_type = 'This field is required.';
		for (const field of Object.keys(json)) {
			if (field !== 'filename' && field !== 'content_type') errors[field] = 'Unknown field.';
		}
		if (Object.keys(errors).length) return this.fieldErrors(errors);

		const id = randomUUID().replace(/-/g, '').slice(0, 22);
		const filename = json.filename as string;
		const contentType = json.content_type as string;
		const key = `${this.keyPrefix}/${id}/${filename}`;
		const contentDisposition = /^[\x20-\x7e]*$/.test(filename)
			? `inline; filename="${filename.replace(/["\\]/g, '\\$&')}"`
			: `inline; filename="${filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
		const expired = this.expiredFormsToHandOut > 0;
		if (expired) this.expiredFormsToHandOut--;
		const fields = this.signedFormV2(
			{ 'Content-Disposition': contentDisposition, 'Content-Type': contentType, key, success_action_status: '201' },
			expired ? 1 : FORM_LIFETIME_S,
		);
		if (expired) await new Promise((resolve) => setTimeout(resolve, 2500));
		const downloadUrl = `${CLOSE_FILE_URL_PREFIX}temporary/${USER_ID}/${id}/${encodeURIComponent(filename)}/`;
		this.files.set(downloadUrl, { id, key, filename, content_type: contentType, contentDisposition, downloadUrl });
		return {
			status: 200,
			body: { upload: { url: this.s3.tap.through(`${this.s3.settings.endpoint}/${TEST_BUCKET}/`), fields }, download: { url: downloadUrl } },
		};
	}

	/** An S3 signature v2 POST form (AWS "Browser-based uploads using POST", signature version 2) over exactly these fields. */
	private signedFormV2(fields: Record<string, string>, lifetimeSeconds: number): Record<string, string> {
		const policy = Buffer.from(
			JSON.stringify({
				expiration: new Date(Date.now() + lifetimeSeconds * 1000).toISOString(),
				conditions: [{ bucket: TEST_BUCKET }, ...Object.entries(fields).map(([name, value]) => ({ [name]: value }))],
			}),
			'utf8',
		).toString('base64');
		const signature = createHmac('sha1', this.s3.settings.secretKey).update(policy).digest('base64');
		const { key, success_action_status: status, ...headers } = fields;
		// The order of Close's example answer.
		return { AWSAccessKeyId: this.s3.settings.accessKey, ...headers, key, policy, signature, success_action_status: status };
	}

	/** The stored object's size, or why an attachment cannot be used. */
	private async storedSize(attachment: Record<string, unknown>, index: number): Promise<{ file: HandedOutFile; size: number } | string> {
		if (typeof attachment?.url !== 'string' || !attachment.url) return `attachments[${index}].url: This field is required.`;
		if (typeof attachment.filename !== 'string' || !attachment.filename) return `attachments[${index}].filename: This field is required.`;
		// [note] The URL must begin https://app.close.com/go/file/.
		if (!attachment.url.startsWith(CLOSE_FILE_URL_PREFIX)) return `attachments[${index}].url: must begin ${CLOSE_FILE_URL_PREFIX}`;
		const file = this.files.get(attachment.url);
		// [files] "attempting to use this file before the S3 upload request has been made successfully will
		// result in a failed request"; the message's wording is unverified.
		if (!file) return `attachments[${index}].url: not a file uploaded to Close`;
		try {
			const head = await this.s3.client.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: file.key }));
			return { file, size: head.ContentLength ?? 0 };
		} catch {
			return `attachments[${index}]: the file was never uploaded to S3`;
		}
	}

	private async createNote(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const errors: Record<string, string> = {};
		if (typeof json.lead_id !== 'string' || !json.lead_id) errors.lead_id = 'This field is required.';
		for (const field of Object.keys(json)) if (!NOTE_FIELDS.includes(field)) errors[field] = 'Unknown field.';
		if (json.attachments !== undefined && json.attachments !== null && !Array.isArray(json.attachments)) errors.attachments = 'Must be a list.';
		if (Object.keys(errors).length) return this.fieldErrors(errors);
		// The 404 for an unknown lead and its wording are unverified.
		if (!this.leads.has(json.lead_id as string)) return { status: 404, body: { error: 'Lead matching query does not exist.' } };
		const id = `acti_${randomUUID().replace(/-/g, '')}`;
		const attachments: CloseAttachmentRecord[] = [];
		for (const [index, attachment] of ((json.attachments ?? []) as Array<Record<string, unknown>>).entries()) {
			const stored = await this.storedSize(attachment, index);
			if (typeof stored === 'string') return this.fieldErrors({ attachments: stored });
			// [note] The answer gives each file's size and moves it under /go/file/persisted/.
			const persisted = `${CLOSE_FILE_URL_PREFIX}persisted/orga_fake/activity.note/${id}/${stored.file.id}/${encodeURIComponent(stored.file.filename)}/`;
			this.files.set(persisted, stored.file);
			attachments.push({
				content_type: typeof attachment.content_type === 'string' ? attachment.content_type : stored.file.content_type,
				filename: attachment.filename as string,
				size: stored.size,
				thumbnail_url: `${persisted}thumbnail/`,
				url: persisted,
			});
		}
		const note: CloseActivity = {
			_type: 'Note',
			id,
			lead_id: json.lead_id as string,
			note: json.note ?? '',
			attachments,
			source: 'api',
			date_created: new Date().toISOString(),
		};
		this.notes.push(note);
		return { status: 200, body: note };
	}

	private async createEmail(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const errors: Record<string, string> = {};
		if (typeof json.lead_id !== 'string' || !json.lead_id) errors.lead_id = 'This field is required.';
		if (!EMAIL_STATUSES.includes(json.status as string)) errors.status = `Must be one of ${EMAIL_STATUSES.join(', ')}.`;
		// [email] sender is required for inbox, scheduled, outbox and error; not for draft or sent.
		if (['inbox', 'scheduled', 'outbox', 'error'].includes(json.status as string) && !json.sender) errors.sender = 'This field is required.';
		if (json.attachments !== undefined && json.attachments !== null && !Array.isArray(json.attachments)) errors.attachments = 'Must be a list.';
		if (Object.keys(errors).length) return this.fieldErrors(errors);
		const contacts = this.leads.get(json.lead_id as string);
		// Unverified: the 404 for an unknown lead, and refusing a contact of another lead.
		if (!contacts) return { status: 404, body: { error: 'Lead matching query does not exist.' } };
		if (json.contact_id !== undefined && json.contact_id !== null && !contacts.includes(json.contact_id as string)) {
			return this.fieldErrors({ contact_id: 'Contact does not belong to this lead.' });
		}
		const attachments: CloseAttachmentRecord[] = [];
		for (const [index, attachment] of ((json.attachments ?? []) as Array<Record<string, unknown>>).entries()) {
			// [email] size is required on an email's attachment.
			if (typeof attachment?.size !== 'number') return this.fieldErrors({ attachments: `attachments[${index}].size: This field is required.` });
			const stored = await this.storedSize(attachment, index);
			if (typeof stored === 'string') return this.fieldErrors({ attachments: stored });
			// Unverified: Close may not compare the stated size with the stored object.
			if (stored.size !== attachment.size) {
				return this.fieldErrors({ attachments: `attachments[${index}].size is ${String(attachment.size)} but the uploaded file has ${stored.size} bytes` });
			}
			attachments.push({ ...(attachment as unknown as CloseAttachmentRecord) });
		}
		const email: CloseActivity = {
			_type: 'Email',
			...json,
			id: `acti_${randomUUID().replace(/-/g, '')}`,
			lead_id: json.lead_id as string,
			attachments,
		};
		this.emails.push(email);
		return { status: 200, body: email };
	}

	/**
	 * [lists] Activities of the leads in `lead_id` (comma-separated), `_skip`/`_limit` paging with
	 * `has_more`; [fields] `_fields`. The order (here: as created) and a maximum `_limit` are unverified.
	 */
	private listActivities(activities: CloseActivity[], request: FakeRequest): FakeResponse {
		const leadIds = request.query.lead_id?.split(',').map((id) => id.trim()).filter(Boolean);
		const skip = Number(request.query._skip ?? 0);
		const limit = Number(request.query._limit ?? 100);
		if (!Number.isInteger(skip) || skip < 0 || !Number.isInteger(limit) || limit < 0) {
			// [errors] the field-errors shape; the wording is unverified.
			return this.fieldErrors({ [Number.isInteger(skip) && skip >= 0 ? '_limit' : '_skip']: 'A valid integer is required.' });
		}
		const matching = activities.filter((activity) => !leadIds || leadIds.includes(activity.lead_id));
		const fields = request.query._fields?.split(',').map((field) => field.trim());
		const data = matching
			.slice(skip, skip + limit)
			.map((activity) => (fields ? Object.fromEntries(Object.entries(activity).filter(([field]) => fields.includes(field))) : activity));
		return { status: 200, body: { data, has_more: skip + limit < matching.length } };
	}

	/**
	 * Seeds a note or email on a lead with files already stored in S3, as Close keeps them after the
	 * activity was saved ([note]: url under /go/file/persisted/, size and thumbnail_url in the answer).
	 */
	async addActivityWithFiles(
		kind: 'note' | 'email',
		leadId: string,
		files: Array<{ filename: string; content: Buffer; content_type: string }>,
		extra: Record<string, unknown> = {},
	): Promise<CloseActivity> {
		if (!this.leads.has(leadId)) this.leads.set(leadId, []);
		const id = `acti_${randomUUID().replace(/-/g, '')}`;
		const attachments: CloseAttachmentRecord[] = [];
		for (const file of files) {
			const fileId = randomUUID().replace(/-/g, '').slice(0, 22);
			const key = `persisted/orga_fake/${id}/${fileId}/${file.filename}`;
			// [files] the form stores Content-Disposition `inline; filename="…"` with the object; non-ASCII as in uploadForm (unverified).
			const contentDisposition = /^[\x20-\x7e]*$/.test(file.filename)
				? `inline; filename="${file.filename.replace(/["\\]/g, '\\$&')}"`
				: `inline; filename="${file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '\\$&')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`;
			await this.s3.client.send(
				new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: file.content, ContentType: file.content_type, ContentDisposition: contentDisposition }),
			);
			const url = `${this.fileOrigin}/go/file/persisted/orga_fake/activity.${kind}/${id}/${fileId}/${encodeURIComponent(file.filename)}/`;
			this.files.set(url, { id: fileId, key, filename: file.filename, content_type: file.content_type, contentDisposition, downloadUrl: url });
			attachments.push({ content_type: file.content_type, filename: file.filename, size: file.content.length, thumbnail_url: `${url}thumbnail/`, url });
		}
		const activity: CloseActivity = { _type: kind === 'note' ? 'Note' : 'Email', id, lead_id: leadId, attachments, date_created: new Date().toISOString(), ...extra };
		(kind === 'note' ? this.notes : this.emails).push(activity);
		return activity;
	}

	/**
	 * GET /go/file/...: unverified throughout. Close documents these links only as what activities take
	 * and give ([note], [files] "download.url"), not how they are fetched. Modelled as the app would: the
	 * API key is required (401 otherwise) and the answer is a redirect to a short-lived signed S3 GET
	 * (signature v2 query string, like Close's v2 upload form [files]); S3 then sends the object with the
	 * Content-Disposition stored at upload.
	 */
	private fileLink(request: RecordedRequest): FakeResponse {
		if (!this.isAuthorized(request)) return this.unauthorized();
		const file = this.files.get(`${this.fileOrigin}${request.rawPath}`);
		if (!file) return { status: 404, body: { error: 'Not found.' } };
		const expires = Math.floor(Date.now() / 1000) + 60;
		const resource = `/${TEST_BUCKET}/${file.key.split('/').map(encodeURIComponent).join('/')}`;
		const signature = createHmac('sha1', this.s3.settings.secretKey).update(`GET\n\n\n${expires}\n${resource}`).digest('base64');
		const query = `AWSAccessKeyId=${encodeURIComponent(this.s3.settings.accessKey)}&Expires=${expires}&Signature=${encodeURIComponent(signature)}`;
		return { status: 302, headers: { Location: this.s3.tap.through(`${this.s3.settings.endpoint}${resource}?${query}`) } };
	}
}
