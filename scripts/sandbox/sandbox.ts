/**
 * The local CRM sandbox: the test rig's fake CRMs and a real S3 (Ceph radosgw), run outside jest.
 *
 *   - radosgw in <dir>/rgw (test/rig/radosgw.sh), with the rig's recording tap in front of it;
 *   - every fake CRM of test/fakes on a fixed port of 127.0.0.1 (a free port when that one is taken),
 *     seeded with the records the examples use;
 *   - a status server (HTML at /, JSON at /status.json) listing what each CRM holds: file name, size,
 *     sha256 and where it landed (the record, the S3 key);
 *   - n8n credentials (plain text, for `n8n import:credentials`) pointing at the fakes.
 *
 * Used by start.ts (npm start) and demo.ts (npm run demo). Alone: `node -r ./test/harness/registerTs.js
 * scripts/sandbox/sandbox.ts` runs the sandbox until Ctrl-C.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { createServer } from 'http';
import type { AddressInfo, Socket } from 'net';
import { join } from 'path';
import { promisify } from 'util';

import type { N8nCredential } from '../n8n/e2e';
import { REPO_ROOT } from '../n8n/e2e';
import { FakeClose } from '../../test/fakes/close';
import { FakeEspoCrm } from '../../test/fakes/espoCrm';
import { FakeServer } from '../../test/fakes/fakeServer';
import { OnePageCrmFake } from '../../test/fakes/onePageCrm';
import { FakeTraffio } from '../../test/fakes/traffio';
import { FakeZoho } from '../../test/fakes/zoho';
import type { PresignedForm, S3Settings } from '../../test/rig/s3';
import { storedObject, TEST_BUCKET } from '../../test/rig/s3';
import type { S3Rig } from '../../test/rig/useS3';
import { closeS3Rig, createS3Rig } from '../../test/rig/useS3';

const execFileAsync = promisify(execFile);

export const SANDBOX_DIR = join(REPO_ROOT, '.sandbox');
const RADOSGW_SH = join(REPO_ROOT, 'test', 'rig', 'radosgw.sh');

/** The fixed ports (127.0.0.1); each falls back to a free port when taken. */
export const PORTS = {
	status: 5700,
	onePageCrm: 5701,
	close: 5702,
	traffio: 5703,
	zohoApi: 5704,
	zohoAccounts: 5705,
	espoCrm: 5706,
	onePageCrmFiles: 5707,
} as const;

export type CrmId = 'presigned' | 'onePageCrm' | 'close' | 'traffio' | 'zohoCrm' | 'espoCrm';

export const CRM_LABELS: Record<CrmId, string> = {
	presigned: 'S3 presigned POST',
	onePageCrm: 'OnePageCRM',
	close: 'Close',
	traffio: 'Traffio',
	zohoCrm: 'Zoho CRM',
	espoCrm: 'EspoCRM',
};

/** The node type (after the package prefix) of each CRM, and its credential type. */
export const CRM_NODES: Record<CrmId, { nodeType: string; credentialType?: string }> = {
	presigned: { nodeType: 'presignedPostUpload' },
	onePageCrm: { nodeType: 'onePageCrm', credentialType: 'onePageCrmApi' },
	close: { nodeType: 'closeCrm', credentialType: 'closeCrmApi' },
	traffio: { nodeType: 'traffio', credentialType: 'traffioApi' },
	zohoCrm: { nodeType: 'zohoCrm', credentialType: 'zohoCrmOAuth2Api' },
	espoCrm: { nodeType: 'espoCrm', credentialType: 'espoCrmApi' },
};

/** Where presigned-POST uploads of the sandbox go in the bucket. */
export const PRESIGNED_PREFIX = 'sandbox/presigned/';

/** The records every sandbox starts with (fixed ids, so they can be typed in the editor). */
export const SEEDS = {
	onePageCrm: { contactId: '5f1e00000000000000000001', referenceTypes: ['deal', 'note', 'call', 'meeting'], referenceId: '5f1e0000000000000000d001' },
	close: { leadId: 'lead_sandbox', contactId: 'cont_sandbox', filesLeadId: 'lead_sandbox_files' },
	traffio: { personId: '15', documentTypeId: 6 },
	zohoCrm: { module: 'Leads', recordId: '4150868000000224005' },
	espoCrm: { entityType: 'Case', caseId: 'sandboxcase000001', documentId: 'sandboxdoc0000001', accountId: 'sandboxacct000001' },
} as const;

/** One file a CRM (or the presigned bucket) holds. */
export interface Holding {
	crm: CrmId;
	name: string;
	size: number;
	sha256: string;
	mimeType?: string;
	/** Where it landed, in words: the record, the field, the activity. */
	where: string;
	/** The S3 key, for files kept in S3. */
	key?: string;
	/** The CRM's id of the file/attachment. */
	id?: string;
}

export interface CrmSandbox {
	dir: string;
	s3: S3Rig;
	onePageCrm: OnePageCrmFake;
	close: FakeClose;
	traffio: FakeTraffio;
	zoho: FakeZoho;
	espo: FakeEspoCrm;
	statusUrl: string;
	/** The base URL of each CRM (what its credential points at). */
	urls: Record<CrmId, string>;
	/** One credential per credential type, plain text, pointing at the fakes. */
	credentials: N8nCredential[];
	credentialFor(type: string): N8nCredential | undefined;
	/** A real presigned POST form for the sandbox bucket (keys under PRESIGNED_PREFIX). */
	presignedForm(expiresSeconds?: number): Promise<PresignedForm>;
	holdings(): Promise<Record<CrmId, Holding[]>>;
	stop(): Promise<void>;
}

export interface SandboxOptions {
	dir?: string;
	/** Use the fixed PORTS (default true); false: free ports for everything. */
	fixedPorts?: boolean;
	log?: (line: string) => void;
}

// ---------------------------------------------------------------------------------------------

/** Starts a FakeServer on `port`, or on a free port when that one is taken. */
async function listen(server: FakeServer, port: number | undefined, log: (line: string) => void): Promise<string> {
	// FakeServer's own start (a fake's start() may start more than its server, e.g. OnePageCRM's file host).
	const start = async (value: number) => await FakeServer.prototype.start.call(server, value);
	if (port) {
		try {
			return await start(port);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
			log(`port ${port} is taken: ${server.name} gets a free port`);
		}
	}
	return await start(0);
}

async function startRadosgw(rgwDir: string, log: (line: string) => void): Promise<S3Settings> {
	// A sandbox that was killed without stopping leaves its daemons: stop exactly those (radosgw.sh
	// only kills pids of its pids file still running with this folder's ceph.conf).
	if (existsSync(join(rgwDir, 'pids'))) {
		await execFileAsync('bash', [RADOSGW_SH, 'stop', rgwDir]).catch(() => undefined);
	}
	// On a fresh machine Ceph comes from Debian's packages first (instant when installed).
	await execFileAsync('bash', [RADOSGW_SH, 'install'], { maxBuffer: 16 * 1024 * 1024 });
	const started = Date.now();
	try {
		await execFileAsync('bash', [RADOSGW_SH, 'start', rgwDir], { maxBuffer: 16 * 1024 * 1024 });
	} catch (error) {
		const { stderr } = error as { stderr?: string };
		throw new Error(
			`radosgw did not start (test/rig/radosgw.sh start ${rgwDir}):\n${(stderr ?? '').slice(-3000)}\n` +
				'If Ceph is missing: bash test/rig/radosgw.sh install',
		);
	}
	const raw = JSON.parse(readFileSync(join(rgwDir, 's3.json'), 'utf8')) as Record<string, string>;
	log(`radosgw (S3) on ${raw.S3_ENDPOINT} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
	return { endpoint: raw.S3_ENDPOINT, accessKey: raw.S3_ACCESS_KEY, secretKey: raw.S3_SECRET_KEY, region: raw.S3_REGION };
}

export async function stopRadosgw(rgwDir: string): Promise<void> {
	await execFileAsync('bash', [RADOSGW_SH, 'stop', rgwDir]).catch(() => undefined);
}

/**
 * The files on the Close lead SEEDS.close.filesLeadId (the Close -> EspoCRM example moves them): office
 * files, since they become EspoCRM Documents; one with a non-ASCII name.
 */
export const CLOSE_SEED_FILES: Array<{ activity: 'note' | 'email'; filename: string; size: number; content_type: string }> = [
	{ activity: 'note', filename: 'Angebot Müller.pdf', size: 240_000, content_type: 'application/pdf' },
	{ activity: 'note', filename: 'Lieferplan.xlsx', size: 61_000, content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
	{ activity: 'email', filename: '見積書 Zoë 🚀.docx', size: 130_000, content_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
];

/** Fixed bytes for a seeded file: the same on every start, so its sha256 is too. */
export function seedContent(name: string, size: number): Buffer {
	const content = Buffer.alloc(size);
	for (let offset = 0, block = 0; offset < size; block++) offset += createHash('sha256').update(`${name}:${block}`).digest().copy(content, offset);
	return content;
}

async function seed(sandbox: Pick<CrmSandbox, 's3' | 'onePageCrm' | 'close' | 'espo' | 'zoho' | 'traffio'>): Promise<void> {
	const { s3, onePageCrm, close, espo, zoho, traffio } = sandbox;
	onePageCrm.contacts.add(SEEDS.onePageCrm.contactId);
	onePageCrm.contactNames.set(SEEDS.onePageCrm.contactId, { first_name: 'Sandbox', last_name: 'Contact', company_name: 'Sandbox Ltd' });
	// One id for a deal, a note, a call and a meeting of the contact: any reference type works.
	for (const type of ['deal', 'note', 'call', 'meeting'] as const) {
		onePageCrm.records.set(`${type}:${SEEDS.onePageCrm.referenceId}`, {
			id: SEEDS.onePageCrm.referenceId,
			type,
			contact_id: SEEDS.onePageCrm.contactId,
			...(type === 'deal' ? { name: 'Sandbox deal' } : { text: `Sandbox ${type}` }),
		});
	}
	// A file already on the seeded note (its bytes in S3 under the attachment's key), so the note's
	// attachment list (Download, Delete, ...) has an entry before any example has uploaded one.
	const noteFile = { filename: 'sandbox-brief.pdf', size: 90_000, contentType: 'application/pdf' };
	const noteAttachmentId = onePageCrm.seedAttachment(SEEDS.onePageCrm.contactId, 'note', SEEDS.onePageCrm.referenceId, noteFile.filename);
	const noteAttachment = onePageCrm.attachments.get(noteAttachmentId)!;
	const noteContent = seedContent(noteFile.filename, noteFile.size);
	await s3.client.send(
		new PutObjectCommand({ Bucket: TEST_BUCKET, Key: noteAttachment.key, Body: noteContent, ContentType: noteFile.contentType }),
	);
	noteAttachment.size = noteContent.length;
	close.leads.set(SEEDS.close.leadId, [SEEDS.close.contactId]);
	close.leadNames.set(SEEDS.close.leadId, 'Sandbox Lead');
	close.contactNames.set(SEEDS.close.contactId, 'Sandbox Contact');
	// A lead whose note and email carry files in S3, behind /go/file/ links the fake serves itself.
	close.fileOrigin = close.baseUrl;
	for (const activity of ['note', 'email'] as const) {
		const files = CLOSE_SEED_FILES.filter((file) => file.activity === activity).map(({ filename, size, content_type }) => ({
			filename,
			content_type,
			content: seedContent(filename, size),
		}));
		const fields = activity === 'email' ? { subject: 'Your quote', status: 'inbox' } : { note: 'Proposal and delivery plan' };
		await close.addActivityWithFiles(activity, SEEDS.close.filesLeadId, files, fields);
	}
	if (!traffio.persons.has(SEEDS.traffio.personId)) traffio.persons.set(SEEDS.traffio.personId, '1');
	if (!zoho.api.records.get(SEEDS.zohoCrm.module)) zoho.api.records.set(SEEDS.zohoCrm.module, new Set());
	zoho.api.records.get(SEEDS.zohoCrm.module)!.add(SEEDS.zohoCrm.recordId);
	zoho.api.recordNames.set(`${SEEDS.zohoCrm.module}/${SEEDS.zohoCrm.recordId}`, 'Sandbox Lead');
	const existing = Buffer.from('Pump serial number: P-2291\n');
	const kase = espo.addRecord('Case', { id: SEEDS.espoCrm.caseId, name: 'Broken pump' });
	const note = espo.addAttachment(existing, 'serial-number.txt', 'text/plain', {
		field: 'attachments',
		parentType: 'Case',
		parentId: kase.id,
	});
	kase.attachmentsIds = [note.id];
	espo.addRecord('Document', { id: SEEDS.espoCrm.documentId, name: 'Signed contract' });
	// The account the Documents example links its new Document to.
	espo.addRecord('Account', { id: SEEDS.espoCrm.accountId, name: 'Acme Pumps' });
}

// ---------------------------------------------------------------------------------------------

/** Starts radosgw, the fakes and the status server. */
export async function startCrmSandbox(options: SandboxOptions = {}): Promise<CrmSandbox> {
	const dir = options.dir ?? SANDBOX_DIR;
	const log = options.log ?? ((line: string) => console.log(line));
	const fixed = options.fixedPorts ?? true;
	const port = (value: number) => (fixed ? value : 0);
	mkdirSync(dir, { recursive: true });
	const rgwDir = join(dir, 'rgw');

	const cleanups: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
	};
	try {
		const settings = await startRadosgw(rgwDir, log);
		cleanups.push(async () => await stopRadosgw(rgwDir));
		const s3 = await createS3Rig(settings);
		cleanups.push(async () => await closeS3Rig(s3));

		const onePageCrm = new OnePageCrmFake(s3);
		const close = new FakeClose(s3);
		const traffio = new FakeTraffio(s3);
		const zoho = new FakeZoho();
		const espo = new FakeEspoCrm();

		// The same steps as each fake's own start(), with the sandbox's ports.
		await listen(onePageCrm.fileHost, port(PORTS.onePageCrmFiles), log);
		cleanups.push(async () => await onePageCrm.fileHost.stop());
		await listen(onePageCrm, port(PORTS.onePageCrm), log);
		cleanups.push(async () => await FakeServer.prototype.stop.call(onePageCrm));
		await listen(close, port(PORTS.close), log);
		cleanups.push(async () => await close.stop());
		await listen(traffio, port(PORTS.traffio), log);
		cleanups.push(async () => await traffio.stop());
		await listen(zoho.accounts, port(PORTS.zohoAccounts), log);
		cleanups.push(async () => await zoho.accounts.stop());
		zoho.accounts.apiDomain = await listen(zoho.api, port(PORTS.zohoApi), log);
		cleanups.push(async () => await zoho.api.stop());
		await listen(espo.server, port(PORTS.espoCrm), log);
		cleanups.push(async () => await espo.stop());

		await seed({ s3, onePageCrm, close, espo, zoho, traffio });

		const credentials: N8nCredential[] = [
			{ id: 'sbxOnePageCrm001', name: 'OnePageCRM (sandbox)', type: 'onePageCrmApi', data: { userId: onePageCrm.userId, apiKey: onePageCrm.apiKey, baseUrl: onePageCrm.apiBaseUrl } },
			{ id: 'sbxCloseCrm00001', name: 'Close (sandbox)', type: 'closeCrmApi', data: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl } },
			{ id: 'sbxTraffio000001', name: 'Traffio (sandbox)', type: 'traffioApi', data: { accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl } },
			{ id: 'sbxZohoCrm000001', name: 'Zoho CRM (sandbox)', type: 'zohoCrmOAuth2Api', data: zoho.credentials() as Record<string, unknown> },
			{ id: 'sbxEspoCrm000001', name: 'EspoCRM (sandbox)', type: 'espoCrmApi', data: espo.credentials('hmac') },
		];

		const urls: Record<CrmId, string> = {
			presigned: `${s3.tap.baseUrl}/${TEST_BUCKET}/${PRESIGNED_PREFIX}`,
			onePageCrm: onePageCrm.apiBaseUrl,
			close: close.apiBaseUrl,
			traffio: traffio.apiBaseUrl,
			zohoCrm: zoho.api.baseUrl,
			espoCrm: espo.siteUrl,
		};

		const sandbox = {
			dir,
			s3,
			onePageCrm,
			close,
			traffio,
			zoho,
			espo,
			urls,
			credentials,
			statusUrl: '',
			credentialFor: (type: string) => credentials.find((credential) => credential.type === type),
			presignedForm: async (expiresSeconds = 7 * 24 * 3600) =>
				await s3.form({
					Key: `${PRESIGNED_PREFIX}\${filename}`,
					Conditions: [
						['starts-with', '$key', PRESIGNED_PREFIX],
						['content-length-range', 1, 100 * 1024 * 1024],
						{ success_action_status: '201' },
					],
					Fields: { success_action_status: '201' },
					Expires: expiresSeconds,
				}),
			holdings: async () => await holdingsOf(sandbox),
			stop: stopAll,
		} as CrmSandbox;

		const status = await startStatusServer(sandbox, port(PORTS.status), log);
		cleanups.push(status.stop);
		sandbox.statusUrl = status.url;
		return sandbox;
	} catch (error) {
		await stopAll();
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------
// What each CRM holds
// ---------------------------------------------------------------------------------------------

const s3Checksums = new Map<string, { size: number; sha256: string; contentType?: string }>();

/** Size and sha256 of an S3 object, read once (keys are not rewritten in the sandbox). */
async function s3Object(s3: S3Rig, key: string): Promise<{ size: number; sha256: string; contentType?: string } | undefined> {
	const cached = s3Checksums.get(key);
	if (cached) return cached;
	try {
		const stored = await storedObject(s3.client, key);
		s3Checksums.set(key, stored);
		return stored;
	} catch {
		return undefined;
	}
}

function sha256(buffer: Buffer): string {
	return createHash('sha256').update(buffer).digest('hex');
}

async function holdingsOf(sandbox: CrmSandbox): Promise<Record<CrmId, Holding[]>> {
	const { s3, onePageCrm, close, traffio, zoho, espo } = sandbox;
	const result: Record<CrmId, Holding[]> = { presigned: [], onePageCrm: [], close: [], traffio: [], zohoCrm: [], espoCrm: [] };

	// Presigned POST uploads: the objects under the sandbox prefix.
	let token: string | undefined;
	do {
		const page = await s3.client.send(
			new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: PRESIGNED_PREFIX, ContinuationToken: token }),
		);
		for (const object of page.Contents ?? []) {
			const stored = await s3Object(s3, object.Key!);
			if (!stored) continue;
			result.presigned.push({
				crm: 'presigned',
				name: object.Key!.slice(PRESIGNED_PREFIX.length),
				size: stored.size,
				sha256: stored.sha256,
				mimeType: stored.contentType,
				where: `S3 ${TEST_BUCKET}/${object.Key}`,
				key: object.Key,
			});
		}
		token = page.NextContinuationToken;
	} while (token);

	for (const attachment of onePageCrm.attachments.values()) {
		const where = `${attachment.reference_type} ${attachment.reference_id} (contact ${attachment.contact_id})`;
		if (attachment.storage_provider !== 'amazon') {
			result.onePageCrm.push({ crm: 'onePageCrm', id: attachment.id, name: attachment.filename, size: 0, sha256: '', where: `${where}, link ${attachment.external_url ?? ''}` });
			continue;
		}
		const stored = await s3Object(s3, attachment.key);
		result.onePageCrm.push({
			crm: 'onePageCrm',
			id: attachment.id,
			name: attachment.custom_filename ?? attachment.filename,
			size: stored?.size ?? attachment.size ?? 0,
			sha256: stored?.sha256 ?? '(missing in S3)',
			mimeType: stored?.contentType,
			where: `${where}, S3 key ${attachment.key}`,
			key: attachment.key,
		});
	}

	// Close: files handed out by /files/upload/ whose upload reached S3, with the activities using them.
	for (const file of close.files.values()) {
		const stored = await s3Object(s3, file.key);
		if (!stored) continue;
		const activities = [...close.notes, ...close.emails]
			.filter((activity) => activity.attachments.some((attachment) => attachment.url === file.downloadUrl))
			.map((activity) => `${String(activity._type ?? 'activity').toLowerCase()} ${activity.id} on lead ${activity.lead_id}`);
		result.close.push({
			crm: 'close',
			id: file.id,
			name: file.filename,
			size: stored.size,
			sha256: stored.sha256,
			mimeType: file.content_type,
			where: `${activities.length ? activities.join('; ') : 'uploaded, not attached to an activity yet'}, S3 key ${file.key}`,
			key: file.key,
		});
	}

	for (const file of traffio.files) {
		const stored = await s3Object(s3, file.file_name);
		result.traffio.push({
			crm: 'traffio',
			id: String(file.file_id),
			name: file.file_name.slice(file.file_name.lastIndexOf('/') + 1),
			size: stored?.size ?? file.stored.size,
			sha256: stored?.sha256 ?? '(missing in S3)',
			mimeType: file.stored.contentType,
			where: `person ${file.person_id}, document type ${file.document_type_id}, S3 key ${file.file_name}`,
			key: file.file_name,
		});
	}

	for (const attachment of zoho.api.attachments) {
		result.zohoCrm.push({
			crm: 'zohoCrm',
			id: attachment.id,
			name: attachment.fileName,
			size: attachment.data.length,
			sha256: attachment.linkUrl ? '' : attachment.sha256,
			mimeType: attachment.contentType,
			where: `${attachment.module} ${attachment.recordId}${attachment.linkUrl ? `, link ${attachment.linkUrl}` : ''}`,
		});
	}

	for (const attachment of espo.attachments.values()) {
		const parent = attachment.parentId
			? `${attachment.parentType} ${attachment.parentId}`
			: attachment.relatedId
				? `${attachment.relatedType} ${attachment.relatedId}`
				: 'not linked to a record';
		result.espoCrm.push({
			crm: 'espoCrm',
			id: attachment.id,
			name: attachment.name,
			size: attachment.content.length,
			sha256: sha256(attachment.content),
			mimeType: attachment.type ?? undefined,
			where: `${parent}${attachment.field ? `, field ${attachment.field}` : ''}`,
		});
	}
	return result;
}

// ---------------------------------------------------------------------------------------------
// The status server
// ---------------------------------------------------------------------------------------------

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

async function statusJson(sandbox: CrmSandbox): Promise<Record<string, unknown>> {
	const holdings = await sandbox.holdings();
	const seeds: Record<CrmId, unknown> = {
		presigned: { bucket: TEST_BUCKET, prefix: PRESIGNED_PREFIX, form: `${sandbox.statusUrl}/presigned-form` },
		...SEEDS,
	};
	return {
		sandbox: sandbox.dir,
		s3: { endpoint: sandbox.s3.settings.endpoint, tap: sandbox.s3.tap.baseUrl, bucket: TEST_BUCKET },
		crms: Object.fromEntries(
			(Object.keys(CRM_LABELS) as CrmId[]).map((crm) => [
				crm,
				{
					label: CRM_LABELS[crm],
					url: sandbox.urls[crm],
					credential: CRM_NODES[crm].credentialType ? sandbox.credentialFor(CRM_NODES[crm].credentialType!)?.name : undefined,
					seeds: seeds[crm],
					files: holdings[crm],
				},
			]),
		),
	};
}

function statusHtml(status: Record<string, unknown>): string {
	const crms = status.crms as Record<string, { label: string; url: string; credential?: string; seeds: unknown; files: Holding[] }>;
	const sections = Object.values(crms)
		.map((crm) => {
			const rows = crm.files
				.map(
					(file) =>
						`<tr><td>${escapeHtml(file.name)}</td><td class="n">${file.size.toLocaleString('en')} (${formatSize(file.size)})</td><td><code>${escapeHtml(file.sha256.slice(0, 16))}</code></td><td>${escapeHtml(file.mimeType ?? '')}</td><td>${escapeHtml(file.where)}</td></tr>`,
				)
				.join('\n');
			return `<section><h2>${escapeHtml(crm.label)} <small>${crm.files.length} file(s)</small></h2>
<p><code>${escapeHtml(crm.url)}</code>${crm.credential ? ` &middot; n8n credential: <b>${escapeHtml(crm.credential)}</b>` : ''}<br>
Seeded: <code>${escapeHtml(JSON.stringify(crm.seeds))}</code></p>
${crm.files.length ? `<table><tr><th>File</th><th>Bytes</th><th>sha256</th><th>Type</th><th>Where</th></tr>\n${rows}</table>` : '<p class="empty">Nothing yet.</p>'}
</section>`;
		})
		.join('\n');
	return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>CRM sandbox</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}h2 small{color:#888;font-weight:normal}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}code{font-size:12px}.empty{color:#888}</style></head>
<body><h1>CRM sandbox</h1><p>What each fake CRM (and the S3 bucket) holds. Refreshes every 3 s. JSON: <a href="/status.json">/status.json</a>.
A fresh presigned POST form: <a href="/presigned-form">/presigned-form</a>.</p>
${sections}</body></html>`;
}

async function startStatusServer(
	sandbox: CrmSandbox,
	port: number,
	log: (line: string) => void,
): Promise<{ url: string; stop: () => Promise<void> }> {
	const sockets = new Set<Socket>();
	const handle = async (request: IncomingMessage, response: ServerResponse) => {
		const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
		const send = (status: number, type: string, body: string) => {
			response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
			response.end(body);
		};
		try {
			if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}');
			if (path === '/presigned-form') {
				return send(200, 'application/json', JSON.stringify(await sandbox.presignedForm(3600), null, 2));
			}
			if (path === '/status.json' || (path === '/' && /json/.test(String(request.headers.accept ?? '')))) {
				return send(200, 'application/json', JSON.stringify(await statusJson(sandbox), null, 2));
			}
			if (path === '/') return send(200, 'text/html; charset=utf-8', statusHtml(await statusJson(sandbox)));
			send(404, 'application/json', JSON.stringify({ message: `no page ${path}: try / or /status.json` }));
		} catch (error) {
			send(500, 'application/json', JSON.stringify({ message: (error as Error).message }));
		}
	};
	const open = async (wanted: number): Promise<Server> => {
		const server = createServer((request, response) => void handle(request, response));
		server.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(wanted, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		return server;
	};
	let server: Server;
	try {
		server = await open(port);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		log(`port ${port} is taken: the status page gets a free port`);
		server = await open(0);
	}
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		stop: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Writes the sandbox's credentials (plain text, for `n8n import:credentials`) into its folder. */
export function writeCredentialsFile(sandbox: CrmSandbox): string {
	const file = join(sandbox.dir, 'credentials.json');
	writeFileSync(file, JSON.stringify(sandbox.credentials, null, 2), { mode: 0o600 });
	return file;
}

/** Prints where each CRM listens (no secrets). */
export function describeSandbox(sandbox: CrmSandbox): string {
	const lines = (Object.keys(CRM_LABELS) as CrmId[]).map((crm) => `  ${CRM_LABELS[crm].padEnd(18)} ${sandbox.urls[crm]}`);
	return `${lines.join('\n')}\n  ${'status page'.padEnd(18)} ${sandbox.statusUrl}/`;
}

/** Ends the process cleanly on Ctrl-C / SIGTERM after `stop` ran (once). */
export function onShutdown(stop: () => Promise<void>): void {
	let stopping = false;
	const handler = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the sandbox...`);
		stop()
			.catch((error: Error) => console.error(error.message))
			.finally(() => process.exit(0));
	};
	process.on('SIGINT', handler);
	process.on('SIGTERM', handler);
}

if (require.main === module) {
	startCrmSandbox()
		.then((sandbox) => {
			writeCredentialsFile(sandbox);
			console.log(`CRM sandbox up:\n${describeSandbox(sandbox)}\nCredentials for n8n: ${join(sandbox.dir, 'credentials.json')}\nCtrl-C stops it.`);
			onShutdown(sandbox.stop);
		})
		.catch((error: Error) => {
			console.error(error.message);
			process.exit(1);
		});
}
