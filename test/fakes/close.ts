import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'crypto';

import { TEST_BUCKET } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { FakeRequest, FakeResponse } from './fakeServer';
import { FakeServer } from './fakeServer';

/** Where Close's API lives below the fake's origin, as in https://api.close.com/api/v1. */
export const CLOSE_API_PATH = '/api/v1';

export interface CloseAttachmentRecord {
	url: string;
	filename: string;
	size: number;
	content_type: string;
}

export interface HandedOutFile {
	id: string;
	key: string;
	filename: string;
	content_type: string;
	downloadUrl: string;
}

export interface CloseActivity {
	id: string;
	lead_id: string;
	attachments: CloseAttachmentRecord[];
	[field: string]: unknown;
}

const MAX_FILE_BYTES = 25 * 1024 * 1024;
const EMAIL_STATUSES = ['inbox', 'draft', 'scheduled', 'outbox', 'sent'];

/**
 * A fake Close API enforcing the Files API contract: HTTP Basic with the API key as user name, a
 * real presigned S3 POST form valid 60 s per /files/upload/ request (key prefix and size range in
 * its policy), and activities that accept only download URLs it handed out whose object really
 * exists in S3 with the stated size.
 */
export class FakeClose extends FakeServer {
	readonly leads = new Map<string, string[]>();
	readonly files = new Map<string, HandedOutFile>();
	readonly notes: CloseActivity[] = [];
	readonly emails: CloseActivity[] = [];
	/** How many of the next forms are handed out already expired (Expires 1 s, answered 2.5 s later). */
	expiredFormsToHandOut = 0;
	readonly keyPrefix = `close/${randomUUID()}/`;

	constructor(
		private readonly s3: S3Rig,
		readonly apiKey = `api_${randomUUID().replace(/-/g, '')}`,
	) {
		super('Close');
		this.leads.set('lead_existing', ['cont_existing']);
		this.route('GET', `${CLOSE_API_PATH}/me/`, (request) =>
			this.authorized(request, () => ({ status: 200, body: { id: 'user_fake', email: 'owner@example.com' } })),
		);
		this.route('GET', `${CLOSE_API_PATH}/lead/:id/`, (request) =>
			this.authorized(request, () => this.readLead(request.params.id, request.query._fields)),
		);
		this.route('POST', `${CLOSE_API_PATH}/files/upload/`, async (request) =>
			await this.authorizedAsync(request, async () => await this.uploadForm(request)),
		);
		this.route('POST', `${CLOSE_API_PATH}/activity/note/`, async (request) =>
			await this.authorizedAsync(request, async () => await this.createNote(request)),
		);
		this.route('POST', `${CLOSE_API_PATH}/activity/email/`, async (request) =>
			await this.authorizedAsync(request, async () => await this.createEmail(request)),
		);
	}

	/** The credential's base URL for this fake. */
	get apiBaseUrl(): string {
		return `${this.baseUrl}${CLOSE_API_PATH}`;
	}

	get basicAuthorization(): string {
		return `Basic ${Buffer.from(`${this.apiKey}:`).toString('base64')}`;
	}

	private isAuthorized(request: FakeRequest): boolean {
		return request.headers.authorization === this.basicAuthorization;
	}

	private authorized(request: FakeRequest, handler: () => FakeResponse): FakeResponse {
		return this.isAuthorized(request) ? handler() : this.unauthorized();
	}

	private async authorizedAsync(request: FakeRequest, handler: () => Promise<FakeResponse>): Promise<FakeResponse> {
		return this.isAuthorized(request) ? await handler() : this.unauthorized();
	}

	private unauthorized(): FakeResponse {
		return {
			status: 401,
			headers: { 'www-authenticate': 'Basic realm="Close API"' },
			body: { error: 'The API key is invalid or has been deleted.' },
		};
	}

	/** GET /lead/{id}/: the lead with its contacts; `_fields` picks the fields, as Close does. */
	private readLead(id: string, fields: string | undefined): FakeResponse {
		const contacts = this.leads.get(id);
		if (!contacts) return { status: 404, body: { error: 'Lead matching query does not exist.' } };
		const lead: Record<string, unknown> = {
			id,
			display_name: `Lead ${id}`,
			contacts: contacts.map((contactId) => ({ id: contactId, lead_id: id, name: `Contact ${contactId}` })),
		};
		if (!fields) return { status: 200, body: lead };
		const picked = fields.split(',').map((field) => field.trim());
		return { status: 200, body: Object.fromEntries(Object.entries(lead).filter(([field]) => picked.includes(field))) };
	}

	private async uploadForm(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const fieldErrors: Record<string, string> = {};
		if (typeof json.filename !== 'string' || !json.filename) fieldErrors.filename = 'This field is required.';
		if (typeof json.content_type !== 'string' || !json.content_type) fieldErrors.content_type = 'This field is required.';
		if (Object.keys(fieldErrors).length) return { status: 400, body: { errors: [], 'field-errors': fieldErrors } };

		const id = `file_${randomUUID().replace(/-/g, '')}`;
		const prefix = `${this.keyPrefix}${id}/`;
		const filename = json.filename as string;
		const expired = this.expiredFormsToHandOut > 0;
		if (expired) this.expiredFormsToHandOut--;
		const form = await this.s3.form({
			Key: `${prefix}\${filename}`,
			Conditions: [['content-length-range', 1, MAX_FILE_BYTES], { success_action_status: '201' }],
			Fields: { success_action_status: '201' },
			Expires: expired ? 1 : 60,
		});
		if (expired) await new Promise((resolve) => setTimeout(resolve, 2500));
		const downloadUrl = `https://app.close.com/go/file/${id}/`;
		this.files.set(downloadUrl, {
			id,
			key: `${prefix}${filename}`,
			filename,
			content_type: json.content_type as string,
			downloadUrl,
		});
		return {
			status: 200,
			body: { upload: { url: form.url, fields: form.fields }, download: { url: downloadUrl } },
		};
	}

	/** Close refuses attachments it did not hand out, or whose upload to S3 never happened. */
	private async attachmentErrors(attachments: unknown): Promise<string | undefined> {
		if (attachments === undefined) return undefined;
		if (!Array.isArray(attachments)) return 'attachments must be a list';
		for (const [index, attachment] of (attachments as Array<Record<string, unknown>>).entries()) {
			const handedOut = typeof attachment?.url === 'string' ? this.files.get(attachment.url) : undefined;
			if (!handedOut) return `attachments[${index}].url is not a URL returned by /files/upload/`;
			if (typeof attachment.filename !== 'string' || !attachment.filename) return `attachments[${index}].filename is required`;
			if (typeof attachment.content_type !== 'string' || !attachment.content_type) {
				return `attachments[${index}].content_type is required`;
			}
			if (typeof attachment.size !== 'number') return `attachments[${index}].size must be a number`;
			let stored: number | undefined;
			try {
				const head = await this.s3.client.send(
					new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: handedOut.key }),
				);
				stored = head.ContentLength;
			} catch {
				return `attachments[${index}]: the file was never uploaded to S3`;
			}
			if (stored !== attachment.size) return `attachments[${index}].size is ${attachment.size} but the uploaded file has ${stored} bytes`;
		}
		return undefined;
	}

	private async createNote(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		if (typeof json.lead_id !== 'string' || !json.lead_id) {
			return { status: 400, body: { errors: [], 'field-errors': { lead_id: 'This field is required.' } } };
		}
		if (!this.leads.has(json.lead_id)) return { status: 404, body: { error: `Lead matching query does not exist.` } };
		const attachmentError = await this.attachmentErrors(json.attachments);
		if (attachmentError) return { status: 400, body: { errors: [], 'field-errors': { attachments: attachmentError } } };
		const note: CloseActivity = {
			id: `acti_${randomUUID().replace(/-/g, '')}`,
			_type: 'Note',
			lead_id: json.lead_id,
			note: json.note ?? '',
			attachments: (json.attachments ?? []) as CloseAttachmentRecord[],
			date_created: new Date().toISOString(),
		};
		this.notes.push(note);
		return { status: 200, body: note };
	}

	private async createEmail(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const fieldErrors: Record<string, string> = {};
		if (typeof json.lead_id !== 'string' || !json.lead_id) fieldErrors.lead_id = 'This field is required.';
		if (!EMAIL_STATUSES.includes(json.status as string)) fieldErrors.status = `Must be one of ${EMAIL_STATUSES.join(', ')}.`;
		if (json.direction !== 'outgoing' && json.direction !== 'incoming') fieldErrors.direction = 'Must be incoming or outgoing.';
		if (!Array.isArray(json.to) || json.to.length === 0) fieldErrors.to = 'At least one recipient is required.';
		if (Object.keys(fieldErrors).length) return { status: 400, body: { errors: [], 'field-errors': fieldErrors } };
		const contacts = this.leads.get(json.lead_id as string);
		if (!contacts) return { status: 404, body: { error: 'Lead matching query does not exist.' } };
		if (json.contact_id !== undefined && !contacts.includes(json.contact_id as string)) {
			return { status: 400, body: { errors: [], 'field-errors': { contact_id: 'Contact does not belong to this lead.' } } };
		}
		const attachmentError = await this.attachmentErrors(json.attachments);
		if (attachmentError) return { status: 400, body: { errors: [], 'field-errors': { attachments: attachmentError } } };
		const email: CloseActivity = {
			id: `acti_${randomUUID().replace(/-/g, '')}`,
			_type: 'Email',
			...json,
			lead_id: json.lead_id as string,
			attachments: (json.attachments ?? []) as CloseAttachmentRecord[],
		};
		this.emails.push(email);
		return { status: 201, body: email };
	}
}
