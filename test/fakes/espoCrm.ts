import { createHmac, randomBytes } from 'crypto';

import type { FakeRequest, FakeResponse, RecordedRequest, RouteHandler } from './fakeServer';
import { FakeServer } from './fakeServer';

/**
 * A fake EspoCRM written from the server's own source (github.com/espocrm/espocrm, read at
 * 2cde9d98, v10.0.0 line; docs/vendor-contracts/espocrm.md lists every file). Paths below are
 * relative to `application/Espo/`. What no source settles is marked "unverified".
 *
 * Error answers follow Core/Api/ErrorOutput.php: the status, `X-Status-Reason: <exception message>`
 * for Error/Forbidden/Conflict/BadRequest/NotFound (and their *Silent variants), and a body only
 * when the exception carries one (`Core/Exceptions/Error/Body::encode`: `{messageTranslation, message}`).
 */

export interface FakeEspoAttachment {
	id: string;
	name: string;
	type: string | null;
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
	/** EspoCRM's `attachmentUploadMaxSize` setting, in MB as in data/config.php (default 256: Resources/defaults/config.php). */
	attachmentUploadMaxSize?: number;
	/** The same limit in bytes (bench/scenarios/crmUploads.ts), rounded up to the whole MB the setting is read as. */
	maxUploadBytes?: number;
}

interface FieldDef {
	type: string;
	/** Enum options (Document `status`, `type`). */
	options?: string[];
	/** A non-`javascript:` default, applied on create (Core/Utils/Database/Orm/Converter::getInitValues). */
	default?: string;
	/** MB, overrides attachmentUploadMaxSize (Tools/Attachment/DetailsObtainer::getUploadMaxSize). */
	maxFileSize?: number;
	/** File-type tokens (".pdf", "image/*"), Tools/Attachment/Checker::checkType. */
	accept?: string[];
	required?: boolean;
}

type FieldDefs = Record<string, FieldDef>;

/** A relation of entityDefs `links`: `hasMany` both ways is many-to-many (Orm/LinkConverters/ManyMany). */
interface LinkDef {
	type: 'hasMany' | 'belongsTo';
	entity: string;
	foreign?: string;
}

/** Entity definitions: the fields the node works with, as EspoCRM ships them. */
export function defaultEntityDefs(): Record<string, { fields: FieldDefs; links?: Record<string, LinkDef> }> {
	return {
		// Modules/Crm/Resources/metadata/entityDefs/Document.json: `file` is required and accepts office files only.
		Document: {
			fields: {
				// Document.json `name`: required (its `$noBadCharacters` pattern is not modelled: unverified).
				name: { type: 'varchar', required: true },
				file: {
					type: 'file',
					required: true,
					accept: ['.pdf', '.odt', '.ods', '.odp', '.docx', '.xlsx', '.pptx', '.doc', '.xls', '.ppt', '.rtf', '.csv', '.md', '.txt'],
				},
				// Document.json: status enum, default "Active"; type enum with an empty option.
				status: { type: 'enum', options: ['Draft', 'Active', 'Canceled', 'Expired'], default: 'Active' },
				type: { type: 'enum', options: ['', 'Contract', 'NDA', 'EULA', 'License Agreement'] },
				// Document.json publishDate: required, its default is `javascript:` (front end only; the ORM
				// drops such defaults, Orm/Converter::getInitValues), so an API client must send it.
				publishDate: { type: 'date', required: true },
				expirationDate: { type: 'date' },
				description: { type: 'text' },
				// Document.json: `accounts` is the one link-multiple field; `folder` a link field.
				accounts: { type: 'linkMultiple' },
				folder: { type: 'link' },
			},
			// Document.json `links`: accounts, opportunities, leads, contacts (hasMany, foreign "documents"), folder.
			links: {
				accounts: { type: 'hasMany', entity: 'Account', foreign: 'documents' },
				opportunities: { type: 'hasMany', entity: 'Opportunity', foreign: 'documents' },
				leads: { type: 'hasMany', entity: 'Lead', foreign: 'documents' },
				contacts: { type: 'hasMany', entity: 'Contact', foreign: 'documents' },
				folder: { type: 'belongsTo', entity: 'DocumentFolder', foreign: 'documents' },
			},
		},
		// Modules/Crm/Resources/metadata/entityDefs/DocumentFolder.json: name required, parent folder, its documents.
		DocumentFolder: {
			fields: { name: { type: 'varchar', required: true }, description: { type: 'text' }, parent: { type: 'link' } },
			links: {
				parent: { type: 'belongsTo', entity: 'DocumentFolder', foreign: 'children' },
				documents: { type: 'hasMany', entity: 'Document', foreign: 'folder' },
			},
		},
		// Modules/Crm/Resources/metadata/entityDefs/{Opportunity,Contact,Lead}.json: each has the link "documents".
		Opportunity: { fields: { name: { type: 'varchar' } }, links: { documents: { type: 'hasMany', entity: 'Document', foreign: 'opportunities' } } },
		Contact: { fields: { name: { type: 'varchar' } }, links: { documents: { type: 'hasMany', entity: 'Document', foreign: 'contacts' } } },
		Lead: { fields: { name: { type: 'varchar' } }, links: { documents: { type: 'hasMany', entity: 'Document', foreign: 'leads' } } },
		// Modules/Crm/Resources/metadata/entityDefs/Case.json (attachments); `photo` is a custom Image field
		// (Resources/metadata/fields/image.json), added here to exercise image checks.
		Case: { fields: { name: { type: 'varchar' }, attachments: { type: 'attachmentMultiple' }, photo: { type: 'image' } } },
		// Resources/metadata/entityDefs/Note.json
		Note: { fields: { post: { type: 'text' }, attachments: { type: 'attachmentMultiple' } } },
		// Modules/Crm/Resources/metadata/entityDefs/Account.json (link "documents").
		Account: { fields: { name: { type: 'varchar' } }, links: { documents: { type: 'hasMany', entity: 'Document', foreign: 'accounts' } } },
	};
}

/** Resources/metadata/app/image.json allowedFileTypeList. */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/svg+xml', 'image/avif'];

/**
 * The first MIME type EspoCRM's Core/Utils/File/MimeType maps an extension to (a subset of its
 * table, Resources/metadata/app/mimeTypes.json, enough for the tests; unverified beyond these).
 */
const MIME_BY_EXTENSION: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	svg: 'image/svg+xml',
	avif: 'image/avif',
	pdf: 'application/pdf',
	txt: 'text/plain',
	csv: 'text/csv',
	zip: 'application/zip',
};

export function espoId(): string {
	return randomBytes(9).toString('hex').slice(0, 17);
}

function header(request: RecordedRequest, name: string): string | undefined {
	const value = request.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** ErrorOutput: the exception's message goes into X-Status-Reason; the body only when the exception has one. */
function refusal(status: number, reason: string, body?: unknown): FakeResponse {
	return { status, headers: { 'X-Status-Reason': reason }, ...(body === undefined ? {} : { body }) };
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
	/** Attachments removed: by DELETE Attachment/{id}, or by EspoCRM when a File field's id changed. */
	readonly deleted: string[] = [];
	/** Many-to-many relations, by `{entityType}/{id}/{link}` (relate() in Core/Record/Service::link and LinkMultipleSaver). */
	readonly relations = new Map<string, Set<string>>();

	/** data/config.php `attachmentUploadMaxSize` in MB; 0 = no limit. */
	attachmentUploadMaxSize: number;
	readonly entityDefs = defaultEntityDefs();
	/** Resources/defaults/config.php `maintenanceMode`: non-admin users get 503 (Core/Authentication/Authentication::login). */
	maintenanceMode = false;
	/**
	 * Not EspoCRM: a reverse proxy's body limit in front of it (nginx `client_max_body_size`, default 1m,
	 * nginx.org/en/docs/http/ngx_http_core_module.html), answering its own 413 page. 0 = no proxy limit.
	 */
	proxyBodyLimitBytes = 0;
	/** Auth modes seen (and which HMAC digest), for asserting each mode was really used. */
	readonly authModes: string[] = [];

	readonly sitePath: string;

	constructor(options: FakeEspoOptions = {}) {
		this.sitePath = options.sitePath ?? '';
		this.attachmentUploadMaxSize =
			options.attachmentUploadMaxSize ?? (options.maxUploadBytes ? Math.ceil(options.maxUploadBytes / (1024 * 1024)) : 256);
		this.server.noRoute = (request) => this.unknownRoute(request);
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

	setField(entityType: string, field: string, def: FieldDef): void {
		this.entityDefs[entityType] ??= { fields: {} };
		this.entityDefs[entityType].fields[field] = def;
	}

	/**
	 * Field labels by entity type, as en_US ships them (Modules/Crm/Resources/i18n/en_US/Case.json
	 * "attachments": "Attachments", Document.json "file": "File"; Global.json for fields without their
	 * own); a test may set a custom label, as Administration > Entity Manager > Fields > Label does.
	 */
	readonly fieldLabels: Record<string, Record<string, string>> = {
		Global: { attachments: 'Attachments', name: 'Name', description: 'Description' },
		Case: { photo: 'Photo' },
		Document: { file: 'File' },
	};

	private i18n(): Record<string, unknown> {
		return Object.fromEntries(Object.entries(this.fieldLabels).map(([scope, fields]) => [scope, { fields }]));
	}

	addRecord(entityType: string, attributes: Record<string, unknown> = {}): FakeEspoRecord {
		const record: FakeEspoRecord = { id: espoId(), ...attributes };
		for (const [field, def] of Object.entries(this.entityDefs[entityType]?.fields ?? {})) {
			if (def.type === 'attachmentMultiple') record[`${field}Ids`] ??= [];
			if (def.type === 'file' || def.type === 'image') record[`${field}Id`] ??= null;
		}
		if (!this.records.has(entityType)) this.records.set(entityType, new Map());
		this.records.get(entityType)!.set(record.id, record);
		return record;
	}

	addAttachment(content: Buffer, name: string, type: string | null, link: Partial<FakeEspoAttachment> = {}): FakeEspoAttachment {
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
			createdAt: new Date().toISOString().replace('T', ' ').slice(0, 19),
			...link,
		};
		this.attachments.set(attachment.id, attachment);
		return attachment;
	}

	/** The ids related through a link, either side of the relation. */
	linkedIds(entityType: string, id: string, link: string): string[] {
		return [...(this.relations.get(`${entityType}/${id}/${link}`) ?? [])];
	}

	private relate(entityType: string, id: string, link: string, foreignId: string): void {
		const def = this.entityDefs[entityType]?.links?.[link];
		const add = (key: string, value: string) => {
			if (!this.relations.has(key)) this.relations.set(key, new Set());
			this.relations.get(key)!.add(value);
		};
		add(`${entityType}/${id}/${link}`, foreignId);
		if (def?.foreign) add(`${def.entity}/${foreignId}/${def.foreign}`, id);
	}

	record(entityType: string, id: string): FakeEspoRecord | undefined {
		return this.records.get(entityType)?.get(id);
	}

	/** Tools/Attachment/DetailsObtainer::getUploadMaxSize, in bytes (0 = none). */
	uploadMaxBytes(entityType: string, field: string): number {
		const fieldMax = (this.entityDefs[entityType]?.fields[field]?.maxFileSize ?? 0) * 1024 * 1024;
		if (fieldMax) return fieldMax;
		// `(int) $config->get('attachmentUploadMaxSize', 0) * 1024 * 1024`: the cast binds first, 0.5 MB means none.
		return Math.trunc(this.attachmentUploadMaxSize) * 1024 * 1024;
	}

	// ---- auth (Core/Api/Auth.php) ----

	private resourcePath(request: RecordedRequest): string {
		// Core/Api/RequestWrapper::getResourcePath: the URI path (as sent, percent-encoded) minus the base
		// path (Core/Utils/Route::detectBasePath: the directory of api/v1/index.php); no query string.
		return request.rawPath.slice(`${this.sitePath}/api/v1`.length);
	}

	/** Core/Authentication/Logins/Hmac::login: hex digest (v8.4.1+) or the legacy raw-byte digest. */
	private hmacLogin(value: string, request: RecordedRequest): boolean {
		const decoded = Buffer.from(value, 'base64').toString('latin1');
		const colon = decoded.indexOf(':');
		if (colon <= 0 || decoded.slice(0, colon) !== this.hmacApiKey) return false;
		const hash = decoded.slice(colon + 1);
		const signed = `${request.method} ${this.resourcePath(request)}`;
		const mac = () => createHmac('sha256', this.secretKey).update(signed, 'utf8');
		if (hash === mac().digest('hex')) {
			this.authModes.push('hmac');
			return true;
		}
		if (hash === mac().digest().toString('latin1')) {
			this.authModes.push('hmac-legacy');
			return true;
		}
		return false;
	}

	private authenticate(request: RecordedRequest): FakeResponse | undefined {
		// Auth::obtainAuthenticationMethodFromRequest: `Espo-Authorization` present means username/password,
		// whatever else is sent; otherwise the API methods by their credentialsHeader
		// (Resources/metadata/authenticationMethods/ApiKey.json X-Api-Key, Hmac.json X-Hmac-Authorization).
		let pair: string | undefined;
		const espo = header(request, 'espo-authorization');
		if (espo !== undefined) {
			pair = Buffer.from(espo, 'base64').toString('utf8');
			// Auth::decodeAuthorizationString
			if (!pair.includes(':')) return refusal(400, 'Auth: Bad authorization string provided.');
		} else {
			const apiKey = header(request, 'x-api-key');
			const hmac = header(request, 'x-hmac-authorization');
			// Logins/ApiKey::login finds a user by key among API users with the ApiKey method only.
			if (apiKey !== undefined) return apiKey === this.apiKey ? this.signedIn('apiKey') : this.loginFailed();
			if (hmac !== undefined) return this.hmacLogin(hmac, request) ? this.signedIn() : this.loginFailed();
			// Auth::obtainUsernamePasswordFromRequest: PHP_AUTH_USER/PW, i.e. a standard Basic header PHP passed on.
			const basic = header(request, 'authorization');
			if (basic?.startsWith('Basic ')) pair = Buffer.from(basic.slice(6), 'base64').toString('utf8');
		}
		if (pair === undefined) {
			// Auth::process with no auth data: 401, and a Basic challenge for a non-XHR, non-POST request without Referer.
			const dialog = !/xmlhttprequest/i.test(header(request, 'x-requested-with') ?? '') && !header(request, 'referer') && request.method !== 'POST';
			return { status: 401, headers: dialog ? { 'WWW-Authenticate': 'Basic realm=""' } : {} };
		}
		const colon = pair.indexOf(':');
		// decodeAuthorizationString trims both parts.
		if (pair.slice(0, colon).trim() === this.username && pair.slice(colon + 1).trim() === this.password) {
			return this.signedIn('basic');
		}
		return this.loginFailed();
	}

	private signedIn(mode?: string): FakeResponse | undefined {
		if (mode) this.authModes.push(mode);
		if (this.maintenanceMode) {
			// Authentication::login throws ServiceUnavailable::createWithBody; Auth::handleException sends reason + body.
			return refusal(503, 'Application is in maintenance mode.', { message: 'Application is in maintenance mode.' });
		}
		return undefined;
	}

	/** Auth::handleUnauthorized: a failed login is a bare 401, no X-Status-Reason (only for FailReason::ERROR), empty body. */
	private loginFailed(): FakeResponse {
		return { status: 401 };
	}

	private route(method: string, path: string, handler: RouteHandler): void {
		this.server.route(method, `${this.sitePath}/api/v1${path}`, async (request) => {
			if (this.proxyBodyLimitBytes && request.body.length > this.proxyBodyLimitBytes) {
				return {
					status: 413,
					headers: { 'content-type': 'text/html' },
					body: '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
				};
			}
			const refused = this.authenticate(request);
			if (refused) return refused;
			return await handler(request);
		});
	}

	/**
	 * No route of the fake. Paths that fit a generic route of Resources/routes.json (`/:controller`,
	 * `/:controller/:id`, `/:controller/:id/:link`) reach Core/Api/ControllerActionProcessor, which
	 * answers 404 for a controller that does not exist (after sign-in); anything else is Slim's
	 * HttpNotFoundException rendered by its JsonErrorRenderer for `Accept: application/json`
	 * (slimphp/Slim Error/Renderers/JsonErrorRenderer.php; exact text unverified across Slim 4 versions).
	 */
	private unknownRoute(request: RecordedRequest): FakeResponse {
		const prefix = `${this.sitePath}/api/v1/`;
		const segments = request.rawPath.startsWith(prefix) ? request.rawPath.slice(prefix.length).split('/') : [];
		if (segments.length >= 1 && segments.length <= 3 && segments.every((segment) => segment !== '')) {
			const refused = this.authenticate(request);
			if (refused) return refused;
			const controller = decodeURIComponent(segments[0]);
			if (!this.entityDefs[controller]) return refusal(404, `Controller '${controller}' does not exist.`);
			return refusal(404, `Action ${request.method} does not exist in controller '${controller}'.`);
		}
		return { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Not found.' }, null, 4) };
	}

	// ---- the API (Resources/routes.json) ----

	private registerRoutes(): void {
		// routes.json GET /App/user -> Tools/App/Api/GetUser (AppService::getUserData): any signed-in user.
		this.route('GET', '/App/user', () => ({
			status: 200,
			body: {
				user: { id: '1', userName: this.username, type: 'api' },
				acl: {},
				preferences: {},
				token: null,
				settings: this.settingsForUser(),
			},
		}));

		// routes.json GET /Metadata -> Controllers/Metadata::getActionRead: `key` (v8.2+) picks a dot path
		// (Tools/App/MetadataService::getDataForFrontendByKey, Core/Utils/Util::getValueByKey); null when absent.
		this.route('GET', '/Metadata', (request) => {
			const all: Record<string, unknown> = { entityDefs: this.entityDefs, scopes: {} };
			if (typeof request.query.key !== 'string') return { status: 200, body: all };
			let value: unknown = all;
			for (const key of request.query.key.split('.')) {
				value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
				if (value === undefined) break;
			}
			return { status: 200, body: JSON.stringify(value ?? null), headers: { 'content-type': 'application/json' } };
		});

		// routes.json GET /I18n -> Controllers/I18n::getActionRead (Services/Language::getDataForFrontend): the
		// language data by scope, each scope's `fields` mapping field names to labels (Resources/i18n/en_US/*.json).
		// Only the field labels of the entity types above are modelled; the real answer holds much more.
		this.route('GET', '/I18n', () => ({ status: 200, body: this.i18n() }));

		// routes.json GET /Settings -> Controllers/Settings::getActionRead (Tools/App/SettingsService::getConfigData):
		// `attachmentUploadMaxSize` is not in adminItems/systemItems (Resources/defaults/systemConfig.php), so any user reads it.
		this.route('GET', '/Settings', () => ({ status: 200, body: this.settingsForUser() }));

		// routes.json POST /:controller -> Record create (Controllers/Attachment extends RecordBase).
		this.route('POST', '/Attachment', (request) => this.createAttachment(request));
		// routes.json GET /Attachment/file/:id -> Tools/Attachment/Api/GetFile.
		this.route('GET', '/Attachment/file/:id', (request) => this.downloadAttachment(request.params.id));
		// routes.json GET /:controller/:id -> Core/Record/Service::read.
		this.route('GET', '/Attachment/:id', (request) => {
			const attachment = this.attachments.get(request.params.id);
			if (!attachment) return refusal(404, `Record ${request.params.id} does not exist.`);
			return { status: 200, body: this.attachmentAttributes(attachment) };
		});
		// routes.json DELETE /:controller/:id -> Core/Record/Service::delete; RecordBase::deleteActionDelete returns true.
		this.route('DELETE', '/Attachment/:id', (request) => {
			if (!this.attachments.delete(request.params.id)) return refusal(404, `Record ${request.params.id} not found.`);
			this.deleted.push(request.params.id);
			return { status: 200, body: true };
		});

		// routes.json GET /:controller/:id -> Core/Record/Service::read (NotFoundSilent "Record $id does not exist.").
		this.route('GET', '/:entityType/:id', (request) => {
			const { entityType, id } = request.params;
			if (!this.entityDefs[entityType]) return refusal(404, `Controller '${entityType}' does not exist.`);
			const record = this.record(entityType, id);
			if (!record) return refusal(404, `Record ${id} does not exist.`);
			return { status: 200, body: this.readRecord(entityType, record) };
		});
		// routes.json PUT and PATCH /:controller/:id -> Core/Record/Service::update.
		this.route('PUT', '/:entityType/:id', (request) => this.updateRecord(request));
		this.route('PATCH', '/:entityType/:id', (request) => this.updateRecord(request));

		// routes.json GET /:controller -> Controllers/RecordBase::getActionList (Core/Record/SearchParamsFetcher).
		this.route('GET', '/:entityType', (request) => this.listRecords(request));
		// routes.json POST /:controller -> Controllers/RecordBase::postActionCreate (Core/Record/Service::create).
		this.route('POST', '/:entityType', (request) => this.createRecord(request));
		// routes.json POST /:controller/:id/:link -> Controllers/Record::postActionCreateLink (`id` or `ids`).
		this.route('POST', '/:entityType/:id/:link', (request) => this.createLink(request));
	}

	private settingsForUser(): Record<string, unknown> {
		// Resources/defaults/config.php: attachmentUploadMaxSize 256, attachmentUploadChunkSize 4, inlineAttachmentUploadMaxSize 20.
		return { attachmentUploadMaxSize: this.attachmentUploadMaxSize, attachmentUploadChunkSize: 4, inlineAttachmentUploadMaxSize: 20 };
	}

	/** Entity::getValueMap of an Attachment (`contents` cleared by RecordHooks/Attachment/AfterCreate). */
	private attachmentAttributes(attachment: FakeEspoAttachment): Record<string, unknown> {
		const { content: _content, ...attributes } = attachment;
		return { ...attributes, isBeingUploaded: false, global: false, sourceId: null, storage: null, createdById: '1' };
	}

	private readRecord(entityType: string, record: FakeEspoRecord): Record<string, unknown> {
		const result: Record<string, unknown> = { ...record };
		for (const [field, def] of Object.entries(this.entityDefs[entityType]?.fields ?? {})) {
			// Core/Utils/Database/Orm/FieldConverters/AttachmentMultiple: {field}Ids and {field}Names (no Types attribute).
			if (def.type === 'attachmentMultiple') {
				const ids = (record[`${field}Ids`] as string[]) ?? [];
				result[`${field}Names`] = Object.fromEntries(ids.map((id) => [id, this.attachments.get(id)?.name ?? null]));
			}
			if (def.type === 'file' || def.type === 'image') {
				const id = record[`${field}Id`] as string | null;
				result[`${field}Name`] = id ? (this.attachments.get(id)?.name ?? null) : null;
			}
			// Orm/FieldConverters/Link: `{field}Name` is the linked record's name (a foreign attribute).
			const linkDef = this.entityDefs[entityType]?.links?.[field];
			if (def.type === 'link' && linkDef && typeof record[`${field}Id`] === 'string') {
				result[`${field}Name`] = this.record(linkDef.entity, record[`${field}Id`] as string)?.name ?? null;
			}
		}
		return result;
	}

	/**
	 * POST Attachment, in the order Core/Record/Service::create runs it: CreateInputFilter
	 * (Classes/Record/Attachment/CreateInputFilter), field validation, BeforeCreate hook
	 * (Classes/RecordHooks/Attachment/BeforeCreate), then the repository sets `size` from the contents
	 * (Repositories/Attachment::processBeforeSaveNew).
	 */
	private createAttachment(request: FakeRequest): FakeResponse {
		// A copy: the recorded request stays what the client sent.
		const data = { ...(request.json && typeof request.json === 'object' ? request.json : {}) } as Record<string, unknown>;
		// CreateInputFilter::filter clears parentId and relatedId: the link is made by saving the record.
		delete data.parentId;
		delete data.relatedId;
		// CreateInputFilter::handleContents
		if (!('file' in data)) return refusal(400, 'No file contents.');
		if (typeof data.file !== 'string') return refusal(400, 'Non-string file contents.');
		const parts = data.file.split(',');
		if (parts.length < 2) return refusal(400, 'Bad file contents.');
		// PHP base64_decode (non-strict) skips characters outside the alphabet; Buffer.from does the same.
		const content = Buffer.from(parts[1], 'base64');
		// CreateInputFilter::getRelatedEntityType: parentType wins and clears relatedType.
		if (data.parentType != null) data.relatedType = null;
		const entityType = (data.parentType ?? data.relatedType) as string | null | undefined;
		const field = data.field as string | undefined;
		if (!entityType || !field) return refusal(400, 'No `field` and `parentType`.');
		const role = (data.role as string | undefined) ?? 'Attachment';
		// Tools/Attachment/AccessChecker::check
		if (!['Attachment', 'Inline Attachment'].includes(role)) return refusal(403, 'Role not allowed.');
		const fieldDef = this.entityDefs[entityType]?.fields[field];
		if (!fieldDef) return refusal(403, `Field '${field}' does not exist.`);
		const allowedTypes = role === 'Inline Attachment' ? ['wysiwyg'] : ['file', 'image', 'attachmentMultiple'];
		if (!allowedTypes.includes(fieldDef.type)) return refusal(403, `Field type '${fieldDef.type}' is not allowed for ${role}.`);
		// CreateInputFilter::checkMaxSize multiplies the byte limit by 1024 * 1024 once more, so this
		// check only bites at a million times the limit; the real one is BeforeCreate's below.
		const maxBytes = this.uploadMaxBytes(entityType, field);
		if (maxBytes && content.length > maxBytes * 1024 * 1024) return refusal(400, `File size should not exceed ${maxBytes} Mb.`);
		// Attachment name: required, maxLength 255 (Resources/metadata/entityDefs/Attachment.json) -> ValidationError.
		const name = data.name;
		if (typeof name !== 'string' || name === '' || [...name].length > 255) {
			return refusal(400, 'validationFailure', {
				messageTranslation: { label: 'validationFailure', scope: null, data: { field: 'name', type: typeof name === 'string' && name !== '' ? 'maxLength' : 'required' } },
			});
		}
		// BeforeCreate::processSize: "Checking not actual file size but a set value" (the `size` the client sent).
		const declaredSize = typeof data.size === 'number' ? data.size : Number(data.size ?? 0);
		if (declaredSize && declaredSize > maxBytes) return refusal(403, 'Attachment size exceeds `attachmentUploadMaxSize`.');
		// BeforeCreate -> Tools/Attachment/Checker::checkType
		const type = typeof data.type === 'string' ? data.type : null;
		const typeRefusal = this.checkType(fieldDef, name, type);
		if (typeRefusal) return typeRefusal;
		const attachment = this.addAttachment(content, name, type, {
			field,
			role,
			relatedType: (data.relatedType as string | null) ?? null,
			parentType: (data.parentType as string | null) ?? null,
		});
		return { status: 200, body: this.attachmentAttributes(attachment) };
	}

	/** Tools/Attachment/Checker::checkType and checkTypeImage (the finfo content sniffing is not modelled: unverified). */
	private checkType(fieldDef: FieldDef, name: string, type: string | null): FakeResponse | undefined {
		const extension = (name.split('.').pop() ?? '').toLowerCase();
		const byExtension = MIME_BY_EXTENSION[extension];
		if (fieldDef.type === 'image') {
			if (!byExtension || !IMAGE_TYPES.includes(byExtension)) return refusal(403, 'Not allowed file type.');
			if ((type ?? '').toLowerCase() !== byExtension) return refusal(403, 'Passed type does not correspond to extension.');
			return undefined;
		}
		const accept = fieldDef.accept ?? [];
		if (accept.length === 0) return undefined;
		const mimeType = byExtension ?? type;
		const found = accept.some((token) => {
			if (token.toLowerCase() === `.${extension}`) return true;
			if (!mimeType) return false;
			if (mimeType === token) return true;
			return ['audio/*', 'video/*', 'image/*'].includes(token) && mimeType.startsWith(token.slice(0, -2));
		});
		return found ? undefined : refusal(403, 'Not allowed file type.');
	}

	/**
	 * Tools/Attachment/Api/GetFile: `Content-Disposition: attachment; filename="<name>"` with the name's
	 * raw UTF-8 bytes and nothing escaped (no filename*), Content-Length, and Content-Type only when
	 * the attachment has a type. Node's writeHead takes a header as latin1 characters, one per byte.
	 */
	private downloadAttachment(id: string): FakeResponse {
		const attachment = this.attachments.get(id);
		// Tools/Attachment/Service::getFileData throws `new NotFound()`: empty reason.
		if (!attachment) return refusal(404, '');
		const headers: Record<string, string> = {
			'Content-Disposition': Buffer.from(`attachment; filename="${attachment.name}"`, 'utf8').toString('latin1'),
			'Content-Length': String(attachment.content.length),
		};
		if (attachment.type) headers['Content-Type'] = attachment.type;
		return { status: 200, headers, body: attachment.content };
	}

	/**
	 * Core/Record/Service::update. Attachment-Multiple: Core/FieldProcessing/Relation/LinkMultipleSaver
	 * REPLACES the list: ids left out are unrelated (the attachment stays, parentId emptied); new ids must
	 * exist (Core/Record/Access/LinkCheck::processLinkedRecordsCheckItem). File/Image:
	 * Core/FieldProcessing/File/Saver relates the new attachment and REMOVES the previous one.
	 */
	private updateRecord(request: FakeRequest): FakeResponse {
		const { entityType, id } = request.params;
		if (!this.entityDefs[entityType]) return refusal(404, `Controller '${entityType}' does not exist.`);
		const record = this.record(entityType, id);
		if (!record) return refusal(404, `Record ${id} not found.`);
		const data = (request.json ?? {}) as Record<string, unknown>;
		const fields = this.entityDefs[entityType].fields;
		const nonExisting = (link: string) =>
			refusal(403, `Can't relate with non-existing record. entity type: ${entityType}, link: ${link}.`, {
				messageTranslation: { label: 'cannotRelateNonExisting', scope: null, data: { foreignEntityType: 'Attachment' } },
			});
		// LinkCheck runs before anything is saved: a refusal leaves the record as it was.
		for (const [attribute, value] of Object.entries(data)) {
			const multiple = /^(.+)Ids$/.exec(attribute);
			const single = /^(.+)Id$/.exec(attribute);
			if (multiple && fields[multiple[1]]?.type === 'attachmentMultiple' && Array.isArray(value)) {
				const previous = (record[attribute] as string[]) ?? [];
				for (const attachmentId of value) {
					if (!previous.includes(String(attachmentId)) && !this.attachments.has(String(attachmentId))) return nonExisting(multiple[1]);
				}
			} else if (single && ['file', 'image'].includes(fields[single[1]]?.type) && value !== null && !this.attachments.has(String(value))) {
				return nonExisting(single[1]);
			}
		}
		for (const [attribute, value] of Object.entries(data)) {
			const multiple = /^(.+)Ids$/.exec(attribute);
			const single = /^(.+)Id$/.exec(attribute);
			if (multiple && fields[multiple[1]]?.type === 'attachmentMultiple') {
				// LinkMultipleSaver: a value that is not an array is ignored.
				if (!Array.isArray(value)) continue;
				const field = multiple[1];
				const next = value.map(String);
				for (const previous of (record[attribute] as string[]) ?? []) {
					if (next.includes(previous)) continue;
					this.unlinked.push({ entityType, id, field, attachmentId: previous });
					const attachment = this.attachments.get(previous);
					if (attachment) {
						attachment.parentId = null;
						attachment.parentType = null;
					}
				}
				for (const attachmentId of next) {
					const attachment = this.attachments.get(attachmentId);
					if (!attachment) continue;
					attachment.parentType = entityType;
					attachment.parentId = id;
				}
				record[attribute] = next;
			} else if (single && ['file', 'image'].includes(fields[single[1]]?.type)) {
				const field = single[1];
				const previous = record[attribute] as string | null;
				const next = value ? String(value) : null;
				if (previous === next) continue;
				record[attribute] = next;
				if (next) {
					const attachment = this.attachments.get(next)!;
					attachment.relatedType = entityType;
					attachment.relatedId = id;
				}
				if (previous) {
					// File/Saver::removePrevious: the old attachment is deleted, not only unlinked.
					this.unlinked.push({ entityType, id, field, attachmentId: previous });
					if (this.attachments.delete(previous)) this.deleted.push(previous);
				}
			} else if (attribute !== 'id') {
				record[attribute] = value;
			}
		}
		return { status: 200, body: this.readRecord(entityType, record) };
	}

	/**
	 * GET {Entity}: Core/Record/SearchParamsFetcher (maxSize, offset, where[i][type|attribute|value];
	 * maxSize above `recordListMaxSizeLimit`, default 200, is a 403), Core/Record/Collection::toApiOutput
	 * `{total, list}`; the order is the entity's `collection` default (Document.json: createdAt desc).
	 * Only the `equals` where-type is modelled.
	 */
	private listRecords(request: FakeRequest): FakeResponse {
		const { entityType } = request.params;
		if (!this.entityDefs[entityType]) return refusal(404, `Controller '${entityType}' does not exist.`);
		const maxSize = request.query.maxSize === undefined || request.query.maxSize === '' ? 200 : parseInt(request.query.maxSize, 10);
		if (maxSize > 200) return refusal(403, 'Max size should not exceed 200. Use offset and limit.');
		const offset = parseInt(request.query.offset ?? '0', 10) || 0;
		let list = [...(this.records.get(entityType)?.values() ?? [])];
		for (let index = 0; request.query[`where[${index}][type]`] !== undefined; index++) {
			const type = request.query[`where[${index}][type]`];
			const attribute = request.query[`where[${index}][attribute]`];
			const value = request.query[`where[${index}][value]`];
			// Other where types exist (Core/Select/Where/ItemGeneralConverter); unverified beyond `equals` here.
			if (type !== 'equals') return refusal(400, `Unknown where type '${type}'.`);
			list = list.filter((record) => String(record[attribute] ?? '') === value);
		}
		// `textFilter` (SearchParamsFetcher::fetchRawMultipleParams) searches the entity's textFilterFields,
		// `name` by default (Core/Select/Text/Applier); its full-text and wildcard rules are unverified:
		// a case-insensitive "starts with" on name, EspoCRM's default for a plain word, is modelled.
		const text = typeof request.query.textFilter === 'string' ? request.query.textFilter.toLowerCase() : '';
		if (text) list = list.filter((record) => String(record.name ?? '').toLowerCase().startsWith(text));
		list.sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')) || b.id.localeCompare(a.id));
		return {
			status: 200,
			body: { total: list.length, list: list.slice(offset, offset + maxSize).map((record) => this.readRecord(entityType, record)) },
		};
	}

	/**
	 * POST {Entity}, in Core/Record/Service::create's order: system attributes dropped
	 * (filterInputSystemAttributes), defaults (non-`javascript:` ones), validation (`required`, enum
	 * options; 400 validationFailure), Core/Record/Access/LinkCheck::processFields (a link without a
	 * link-multiple field takes one id; related records must exist: 403), then the save:
	 * File/Saver relates the attachment, Relation/Saver relates `{link}Ids`. Answer 200: the record.
	 */
	private createRecord(request: FakeRequest): FakeResponse {
		const { entityType } = request.params;
		const defs = this.entityDefs[entityType];
		if (!defs) return refusal(404, `Controller '${entityType}' does not exist.`);
		const data = { ...(request.json && typeof request.json === 'object' ? request.json : {}) } as Record<string, unknown>;
		for (const system of ['id', 'deleted', 'createdAt', 'createdById', 'modifiedAt', 'modifiedById', 'versionNumber']) delete data[system];
		for (const [field, def] of Object.entries(defs.fields)) {
			if (def.default !== undefined && data[field] === undefined) data[field] = def.default;
		}
		const invalid = (field: string, type: string) =>
			refusal(400, 'validationFailure', { messageTranslation: { label: 'validationFailure', scope: null, data: { field, type } } });
		for (const [field, def] of Object.entries(defs.fields)) {
			const attribute = ['file', 'image', 'link'].includes(def.type) ? `${field}Id` : field;
			const value = data[attribute];
			if (def.required && (value === undefined || value === null || value === '')) return invalid(field, 'required');
			if (def.options && value !== undefined && value !== null && !def.options.includes(String(value))) return invalid(field, 'valid');
		}
		const nonExisting = (link: string, foreignEntityType: string) =>
			refusal(403, `Can't relate with non-existing record. entity type: ${entityType}, link: ${link}.`, {
				messageTranslation: { label: 'cannotRelateNonExisting', scope: null, data: { foreignEntityType } },
			});
		const manyLinks: Array<[string, string[]]> = [];
		for (const [link, def] of Object.entries(defs.links ?? {})) {
			if (def.type === 'hasMany' && Array.isArray(data[`${link}Ids`])) {
				const ids = (data[`${link}Ids`] as unknown[]).map(String);
				if (defs.fields[link]?.type !== 'linkMultiple' && ids.length > 1) {
					return refusal(403, `Cannot set multiple IDs for link '${link}' as there's no link-multiple field.`);
				}
				for (const id of ids) if (!this.record(def.entity, id)) return nonExisting(link, def.entity);
				manyLinks.push([link, ids]);
			}
			if (def.type === 'belongsTo' && typeof data[`${link}Id`] === 'string' && !this.record(def.entity, data[`${link}Id`] as string)) {
				return nonExisting(link, def.entity);
			}
		}
		for (const [field, def] of Object.entries(defs.fields)) {
			const fileId = data[`${field}Id`];
			if (['file', 'image'].includes(def.type) && typeof fileId === 'string' && !this.attachments.has(fileId)) return nonExisting(field, 'Attachment');
		}
		const attributes: Record<string, unknown> = {};
		for (const [attribute, value] of Object.entries(data)) {
			// `{link}Ids` and `{link}Names` are not stored on the row (Orm/LinkConverters: notStorable).
			if (!/(Ids|Names)$/.test(attribute)) attributes[attribute] = value;
		}
		const record = this.addRecord(entityType, { ...attributes, createdAt: new Date().toISOString().replace('T', ' ').slice(0, 19) });
		for (const [field, def] of Object.entries(defs.fields)) {
			const attachment = ['file', 'image'].includes(def.type) ? this.attachments.get(String(record[`${field}Id`])) : undefined;
			if (attachment) {
				// File/Saver: the attachment gets the record as its related record.
				attachment.relatedType = entityType;
				attachment.relatedId = record.id;
			}
		}
		for (const [link, ids] of manyLinks) for (const id of ids) this.relate(entityType, record.id, link, id);
		return { status: 200, body: this.readRecord(entityType, record) };
	}

	/**
	 * POST {Entity}/{id}/{link} `{id}` or `{ids: [...]}`: Controllers/Record::postActionCreateLink calls
	 * Core/Record/Service::link per id: 404 for an unknown record, "Entity X does not have link Y." for an
	 * unknown link, 404 (empty reason) for an unknown foreign record. Answer: `true` (false with no ids).
	 */
	private createLink(request: FakeRequest): FakeResponse {
		const { entityType, id, link } = request.params;
		const defs = this.entityDefs[entityType];
		if (!defs) return refusal(404, `Controller '${entityType}' does not exist.`);
		const data = (request.json ?? {}) as Record<string, unknown>;
		const ids = [...(data.id !== undefined ? [data.id] : []), ...(Array.isArray(data.ids) ? data.ids : [])].map(String);
		for (const foreignId of ids) {
			if (!this.record(entityType, id)) return refusal(404, '');
			const def = defs.links?.[link];
			if (!def) return refusal(404, `Entity ${entityType} does not have link ${link}.`);
			if (!this.record(def.entity, foreignId)) return refusal(404, '');
			this.relate(entityType, id, link, foreignId);
		}
		return { status: 200, body: ids.length > 0 };
	}
}
