import { createHmac, randomBytes } from 'crypto';

import type { FakeRequest, FakeResponse, RouteHandler } from './fakeServer';
import { FakeServer } from './fakeServer';

/**
 * A fake EspoCRM enforcing the API contract the node relies on:
 * - every request signs in with X-Api-Key, X-Hmac-Authorization (recomputed to the byte over
 *   `METHOD /path-after-api/v1`, query excluded, hex digest) or Espo-Authorization / Basic; 401 otherwise;
 * - POST Attachment takes JSON with a `data:<mime>;base64,` URI, needs a Content-Length, checks
 *   role/field/relatedType|parentType against the entity definitions, enforces a max size (403 like
 *   EspoCRM's `attachmentUploadMaxSize`, or 413 like a proxy's body limit);
 * - PUT {Entity}/{id} REPLACES an Attachment-Multiple field's id list, unlinking what it leaves out.
 */

export interface FakeEspoAttachment {
	id: string;
	name: string;
	type: string;
	size: number;
	role: string;
	field: string;
	relatedType: string | null;
	relatedId: string | null;
	parentType: string | null;
	parentId: string | null;
	content: Buffer;
	createdAt: string;
}

export type FakeEspoRecord = Record<string, unknown> & { id: string };

export interface FakeEspoOptions {
	/** Path of the site below the host, e.g. "/crm" for a site behind a reverse proxy. */
	sitePath?: string;
	/** EspoCRM's attachmentUploadMaxSize in bytes (the real setting is in MB). */
	maxUploadBytes?: number;
	/** How an oversized upload is refused: EspoCRM's own 403 or a proxy's 413 page. */
	oversizeStatus?: 403 | 413;
}

type FieldDefs = Record<string, { type: string }>;

const ENTITY_DEFS: Record<string, { fields: FieldDefs }> = {
	Document: { fields: { name: { type: 'varchar' }, file: { type: 'file' } } },
	Case: { fields: { name: { type: 'varchar' }, attachments: { type: 'attachmentMultiple' }, photo: { type: 'image' } } },
	Note: { fields: { post: { type: 'text' }, attachments: { type: 'attachmentMultiple' } } },
	Account: { fields: { name: { type: 'varchar' } } },
};

export function espoId(): string {
	return randomBytes(9).toString('hex').slice(0, 17);
}

function hmacHex(secret: string, text: string): string {
	return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

function header(request: FakeRequest, name: string): string | undefined {
	const value = request.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

export class FakeEspoCrm {
	readonly server = new FakeServer('EspoCRM');

	readonly apiKey = `key${randomBytes(12).toString('hex')}`;
	readonly hmacApiKey = `hkey${randomBytes(12).toString('hex')}`;
	readonly secretKey = `secret${randomBytes(16).toString('hex')}`;
	readonly username = 'api-admin';
	readonly password = `pw${randomBytes(10).toString('hex')}`;

	readonly attachments = new Map<string, FakeEspoAttachment>();
	readonly records = new Map<string, Map<string, FakeEspoRecord>>();
	/** Ids an update unlinked from a record (the data-loss trap, observed). */
	readonly unlinked: Array<{ entityType: string; id: string; field: string; attachmentId: string }> = [];
	readonly deleted: string[] = [];

	maxUploadBytes: number;
	oversizeStatus: 403 | 413;
	metadataForbidden = false;
	/** Auth modes seen, for asserting each mode was really used. */
	readonly authModes: string[] = [];

	readonly sitePath: string;

	constructor(options: FakeEspoOptions = {}) {
		this.sitePath = options.sitePath ?? '';
		this.maxUploadBytes = options.maxUploadBytes ?? 5 * 1024 * 1024;
		this.oversizeStatus = options.oversizeStatus ?? 403;
		this.registerRoutes();
	}

	/** The site URL users would paste into the credential. */
	get siteUrl(): string {
		return `${this.server.baseUrl}${this.sitePath}`;
	}

	async start(): Promise<string> {
		await this.server.start();
		return this.siteUrl;
	}

	async stop(): Promise<void> {
		await this.server.stop();
	}

	credentials(mode: 'apiKey' | 'hmac' | 'basic', overrides: Record<string, unknown> = {}) {
		const base = { baseUrl: this.siteUrl, authType: mode };
		if (mode === 'apiKey') return { ...base, apiKey: this.apiKey, ...overrides };
		if (mode === 'hmac') return { ...base, apiKey: this.hmacApiKey, secretKey: this.secretKey, ...overrides };
		return { ...base, username: this.username, password: this.password, ...overrides };
	}

	// ---- seeding and inspection ----

	addRecord(entityType: string, attributes: Record<string, unknown> = {}): FakeEspoRecord {
		const record: FakeEspoRecord = { id: espoId(), ...attributes };
		for (const [field, def] of Object.entries(ENTITY_DEFS[entityType]?.fields ?? {})) {
			if (def.type === 'attachmentMultiple') record[`${field}Ids`] ??= [];
			if (def.type === 'file' || def.type === 'image') record[`${field}Id`] ??= null;
		}
		if (!this.records.has(entityType)) this.records.set(entityType, new Map());
		this.records.get(entityType)!.set(record.id, record);
		return record;
	}

	addAttachment(content: Buffer, name: string, type: string, link: Partial<FakeEspoAttachment> = {}): FakeEspoAttachment {
		const attachment: FakeEspoAttachment = {
			id: espoId(),
			name,
			type,
			size: content.length,
			role: 'Attachment',
			field: '',
			relatedType: null,
			relatedId: null,
			parentType: null,
			parentId: null,
			content,
			createdAt: new Date().toISOString(),
			...link,
		};
		this.attachments.set(attachment.id, attachment);
		return attachment;
	}

	record(entityType: string, id: string): FakeEspoRecord | undefined {
		return this.records.get(entityType)?.get(id);
	}

	// ---- auth ----

	private resourcePath(request: FakeRequest): string {
		// The signed path is the path after /api/v1 exactly as sent (percent-encoded), without the query.
		const prefix = `${this.sitePath}/api/v1`;
		return request.rawPath.slice(prefix.length);
	}

	private authenticate(request: FakeRequest): FakeResponse | undefined {
		const hmac = header(request, 'x-hmac-authorization');
		if (hmac) {
			const decoded = Buffer.from(hmac, 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			const key = decoded.slice(0, colon);
			const hash = decoded.slice(colon + 1);
			const expected = hmacHex(this.secretKey, `${request.method} ${this.resourcePath(request)}`);
			if (colon > 0 && key === this.hmacApiKey && hash === expected) {
				this.authModes.push('hmac');
				return undefined;
			}
			return { status: 401, headers: { 'X-Status-Reason': 'Unauthorized' } };
		}
		const apiKey = header(request, 'x-api-key');
		if (apiKey !== undefined) {
			if (apiKey === this.apiKey) {
				this.authModes.push('apiKey');
				return undefined;
			}
			return { status: 401 };
		}
		const espo = header(request, 'espo-authorization');
		const basic = header(request, 'authorization');
		const pair = espo
			? Buffer.from(espo, 'base64').toString('utf8')
			: basic?.startsWith('Basic ')
				? Buffer.from(basic.slice(6), 'base64').toString('utf8')
				: undefined;
		if (pair !== undefined) {
			if (pair === `${this.username}:${this.password}`) {
				this.authModes.push('basic');
				return undefined;
			}
			return { status: 401 };
		}
		return { status: 401 };
	}

	private route(method: string, path: string, handler: RouteHandler): void {
		this.server.route(method, `${this.sitePath}/api/v1${path}`, async (request) => {
			const refused = this.authenticate(request);
			if (refused) return refused;
			return await handler(request);
		});
	}

	// ---- the API ----

	private registerRoutes(): void {
		this.route('GET', '/App/user', () => ({
			status: 200,
			body: { user: { id: '1', userName: this.username, type: 'api' }, acl: {}, preferences: {} },
		}));

		this.route('GET', '/Metadata', (request) => {
			if (this.metadataForbidden) return { status: 403, headers: { 'X-Status-Reason': 'No access to metadata.' } };
			if (request.query.key === 'entityDefs') return { status: 200, body: ENTITY_DEFS };
			return { status: 200, body: { entityDefs: ENTITY_DEFS, scopes: {} } };
		});

		this.route('POST', '/Attachment', (request) => this.createAttachment(request));
		this.route('GET', '/Attachment/file/:id', (request) => this.downloadAttachment(request.params.id));
		this.route('GET', '/Attachment/:id', (request) => {
			const attachment = this.attachments.get(request.params.id);
			if (!attachment) return { status: 404 };
			return { status: 200, body: this.attachmentAttributes(attachment) };
		});
		this.route('DELETE', '/Attachment/:id', (request) => {
			if (!this.attachments.delete(request.params.id)) return { status: 404 };
			this.deleted.push(request.params.id);
			return { status: 200, body: true };
		});

		this.route('GET', '/:entityType/:id', (request) => {
			const record = this.record(request.params.entityType, request.params.id);
			if (!record) return { status: 404 };
			return { status: 200, body: this.readRecord(request.params.entityType, record) };
		});
		this.route('PUT', '/:entityType/:id', (request) => this.updateRecord(request));
	}

	private attachmentAttributes(attachment: FakeEspoAttachment): Record<string, unknown> {
		const { content: _content, ...attributes } = attachment;
		return attributes;
	}

	private readRecord(entityType: string, record: FakeEspoRecord): Record<string, unknown> {
		const result: Record<string, unknown> = { ...record };
		for (const [field, def] of Object.entries(ENTITY_DEFS[entityType]?.fields ?? {})) {
			if (def.type === 'attachmentMultiple') {
				const ids = (record[`${field}Ids`] as string[]) ?? [];
				result[`${field}Names`] = Object.fromEntries(ids.map((id) => [id, this.attachments.get(id)?.name ?? null]));
				result[`${field}Types`] = Object.fromEntries(ids.map((id) => [id, this.attachments.get(id)?.type ?? null]));
			}
			if (def.type === 'file' || def.type === 'image') {
				const id = record[`${field}Id`] as string | null;
				result[`${field}Name`] = id ? (this.attachments.get(id)?.name ?? null) : null;
			}
		}
		return result;
	}

	private createAttachment(request: FakeRequest): FakeResponse {
		if (header(request, 'content-length') === undefined) {
			return { status: 411, body: 'Length Required' };
		}
		if (!/application\/json/.test(header(request, 'content-type') ?? '')) {
			return { status: 400, headers: { 'X-Status-Reason': 'Content-Type must be application/json.' } };
		}
		const data = request.json as Record<string, unknown> | undefined;
		if (!data || typeof data !== 'object') {
			return { status: 400, headers: { 'X-Status-Reason': 'Bad payload: not JSON.' } };
		}
		const { name, type, role, field, relatedType, parentType, file } = data as Record<string, string | undefined>;
		if (role !== 'Attachment') return { status: 403, headers: { 'X-Status-Reason': 'Not allowed role.' } };
		const entityType = relatedType ?? parentType;
		if (!field || !entityType) {
			return { status: 403, headers: { 'X-Status-Reason': 'No field or related type.' } };
		}
		const fieldDef = ENTITY_DEFS[entityType]?.fields[field];
		const isFileField = fieldDef?.type === 'file' || fieldDef?.type === 'image';
		if (!fieldDef || (relatedType && !isFileField) || (parentType && fieldDef.type !== 'attachmentMultiple')) {
			return { status: 403, headers: { 'X-Status-Reason': `Not allowed field '${field}'.` } };
		}
		const match = /^data:([^;,]*);base64,(.*)$/s.exec(file ?? '');
		if (!match) return { status: 400, headers: { 'X-Status-Reason': 'Bad file contents.' } };
		const content = Buffer.from(match[2], 'base64');
		if (content.toString('base64') !== match[2]) {
			return { status: 400, headers: { 'X-Status-Reason': 'Bad base64.' } };
		}
		if (content.length > this.maxUploadBytes) {
			if (this.oversizeStatus === 413) {
				return {
					status: 413,
					headers: { 'content-type': 'text/html' },
					body: '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center></body></html>',
				};
			}
			return { status: 403, headers: { 'X-Status-Reason': 'Attachment size exceeds `attachmentUploadMaxSize`.' } };
		}
		const attachment = this.addAttachment(content, String(name ?? 'unnamed'), String(type ?? match[1]), {
			field,
			relatedType: relatedType ?? null,
			relatedId: (data.relatedId as string) ?? null,
			parentType: parentType ?? null,
		});
		return { status: 200, body: this.attachmentAttributes(attachment) };
	}

	private downloadAttachment(id: string): FakeResponse {
		const attachment = this.attachments.get(id);
		if (!attachment) return { status: 404 };
		return {
			status: 200,
			headers: {
				'content-type': attachment.type,
				'content-disposition': `attachment; filename="${attachment.name.replace(/"/g, '\\"')}"; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
				'content-length': String(attachment.content.length),
			},
			body: attachment.content,
		};
	}

	private updateRecord(request: FakeRequest): FakeResponse {
		const { entityType, id } = request.params;
		const record = this.record(entityType, id);
		if (!record) return { status: 404 };
		const data = (request.json ?? {}) as Record<string, unknown>;
		const fields = ENTITY_DEFS[entityType]?.fields ?? {};
		for (const [attribute, value] of Object.entries(data)) {
			const multiple = /^(.+)Ids$/.exec(attribute);
			const single = /^(.+)Id$/.exec(attribute);
			if (multiple && fields[multiple[1]]?.type === 'attachmentMultiple') {
				const field = multiple[1];
				if (!Array.isArray(value)) return { status: 400, headers: { 'X-Status-Reason': `${attribute} must be a list.` } };
				const next = (value as unknown[]).map(String).filter((attachmentId) => this.attachments.has(attachmentId));
				// Like EspoCRM: the list replaces the field; whatever it leaves out is unlinked.
				for (const previous of (record[attribute] as string[]) ?? []) {
					if (!next.includes(previous)) {
						this.unlinked.push({ entityType, id, field, attachmentId: previous });
						const attachment = this.attachments.get(previous);
						if (attachment) attachment.parentId = null;
					}
				}
				for (const attachmentId of next) {
					const attachment = this.attachments.get(attachmentId)!;
					attachment.parentType = entityType;
					attachment.parentId = id;
				}
				record[attribute] = next;
			} else if (single && ['file', 'image'].includes(fields[single[1]]?.type)) {
				const field = single[1];
				const previous = record[attribute] as string | null;
				if (value !== null && !this.attachments.has(String(value))) {
					return { status: 400, headers: { 'X-Status-Reason': `No attachment ${String(value)}.` } };
				}
				if (previous && previous !== value) this.unlinked.push({ entityType, id, field, attachmentId: previous });
				record[attribute] = value === null ? null : String(value);
				if (value !== null) {
					const attachment = this.attachments.get(String(value))!;
					attachment.relatedType = entityType;
					attachment.relatedId = id;
				}
			} else if (attribute !== 'id') {
				record[attribute] = value;
			}
		}
		return { status: 200, body: this.readRecord(entityType, record) };
	}
}
