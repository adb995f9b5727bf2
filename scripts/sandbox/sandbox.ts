/**
 * The local CRM sandbox: the test rig's fake CRMs and a real S3 (Ceph radosgw), run outside jest.
 *
 *   - radosgw in <dir>/rgw (test/rig/radosgw.sh), with the rig's recording tap in front of it;
 *   - the fake of every CRM of the registry (test/crms/registry.ts) on its entry's fixed ports of
 *     127.0.0.1 (a free port when one is taken), seeded with the entry's records the examples use;
 *   - a status server (HTML at /, JSON at /status.json) listing what each CRM holds: file name, size,
 *     sha256 and where it landed (the record, the S3 key);
 *   - n8n credentials (plain text, for `n8n import:credentials`) pointing at the fakes, one per entry.
 *
 * Used by start.ts (npm start) and demo.ts (npm run demo). Alone: `node -r ./test/harness/registerTs.js
 * scripts/sandbox/sandbox.ts` runs the sandbox until Ctrl-C.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { execFile } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import { createServer } from 'http';
import type { AddressInfo, Socket } from 'net';
import { join } from 'path';
import { promisify } from 'util';

import type { N8nCredential } from '../n8n/e2e';
import { REPO_ROOT } from '../n8n/e2e';
import type { Holding, S3ObjectReader } from '../../test/crms/crm';
import type { CrmFakes, CrmName } from '../../test/crms/registry';
import { credentialTypeOf, CRMS, crmEntries } from '../../test/crms/registry';
import { FakeServer } from '../../test/fakes/fakeServer';
import type { PresignedForm, S3Settings } from '../../test/rig/s3';
import { storedObject, TEST_BUCKET } from '../../test/rig/s3';
import type { S3Rig } from '../../test/rig/useS3';
import { closeS3Rig, createS3Rig } from '../../test/rig/useS3';

const execFileAsync = promisify(execFile);

export const SANDBOX_DIR = join(REPO_ROOT, '.sandbox');
const RADOSGW_SH = join(REPO_ROOT, 'test', 'rig', 'radosgw.sh');

/** The status page's fixed port (127.0.0.1); each CRM's ports are in its registry entry (test/crms/). */
export const STATUS_PORT = 5700;

/** A CRM of the registry, or the sandbox's presigned-POST bucket. */
export type CrmId = 'presigned' | CrmName;

const PRESIGNED_LABEL = 'S3 presigned POST';

/** What the status page, the demo and the logs call a CRM. */
export function crmLabel(crm: CrmId): string {
	return crm === 'presigned' ? PRESIGNED_LABEL : CRMS[crm].label;
}

/** Where presigned-POST uploads of the sandbox go in the bucket. */
export const PRESIGNED_PREFIX = 'sandbox/presigned/';

export type { Holding };

export interface CrmSandbox {
	dir: string;
	s3: S3Rig;
	/** Each CRM's running fake, by registry id. */
	fakes: CrmFakes;
	statusUrl: string;
	/** The base URL of each CRM (what its credential points at). */
	urls: Record<CrmId, string>;
	/** One credential per credential type, plain text, pointing at the fakes. */
	credentials: N8nCredential[];
	credentialFor(type: string): N8nCredential | undefined;
	/** A real presigned POST form for the sandbox bucket (keys under PRESIGNED_PREFIX). */
	presignedForm(expiresSeconds?: number): Promise<PresignedForm>;
	holdings(): Promise<Record<CrmId, Holding[]>>;
	/** Tells each CRM the editor's address once n8n runs (e.g. Zoho's OAuth2 redirect URI). */
	editorStarted(editorUrl: string): void;
	stop(): Promise<void>;
}

export interface SandboxOptions {
	dir?: string;
	/** Use the fixed ports (default true); false: free ports for everything. */
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

// ---------------------------------------------------------------------------------------------

/** Starts radosgw, the fakes of the registry's CRMs (seeded) and the status server. */
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

		const fakes: Record<string, unknown> = {};
		const credentials: N8nCredential[] = [];
		const urls: Record<string, string> = { presigned: `${s3.tap.baseUrl}/${TEST_BUCKET}/${PRESIGNED_PREFIX}` };
		for (const [name, entry] of crmEntries()) {
			const fake = entry.create(s3);
			for (const [portName, server] of Object.entries(entry.servers(fake))) {
				await listen(server, port(entry.ports[portName]), log);
				cleanups.push(async () => await FakeServer.prototype.stop.call(server));
			}
			await entry.seed(fake, s3);
			fakes[name] = fake;
			urls[name] = entry.url(fake);
			credentials.push({ id: entry.sandboxCredentialId, name: `${entry.label} (sandbox)`, type: credentialTypeOf(entry), data: entry.credentialData(fake) });
		}

		const sandbox: CrmSandbox = {
			dir,
			s3,
			fakes: fakes as CrmFakes,
			urls: urls as Record<CrmId, string>,
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
			editorStarted: (editorUrl: string) => {
				for (const [name, entry] of crmEntries()) entry.editorStarted?.(fakes[name], editorUrl);
			},
			stop: stopAll,
		};

		const status = await startStatusServer(sandbox, port(STATUS_PORT), log);
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

async function holdingsOf(sandbox: CrmSandbox): Promise<Record<CrmId, Holding[]>> {
	const { s3 } = sandbox;
	const result = { presigned: [] } as unknown as Record<CrmId, Holding[]>;

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

	const reader: S3ObjectReader = async (key) => await s3Object(s3, key);
	for (const [name, entry] of crmEntries()) {
		const held = await entry.holdings(sandbox.fakes[name], reader);
		result[name] = held.map((file) => ({ crm: name, ...file }));
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
	const crm = (id: CrmId, url: string, credential: string | undefined, seeds: unknown) => [
		id,
		{ label: crmLabel(id), url, credential, seeds, files: holdings[id] },
	];
	return {
		sandbox: sandbox.dir,
		s3: { endpoint: sandbox.s3.settings.endpoint, tap: sandbox.s3.tap.baseUrl, bucket: TEST_BUCKET },
		crms: Object.fromEntries([
			crm('presigned', sandbox.urls.presigned, undefined, { bucket: TEST_BUCKET, prefix: PRESIGNED_PREFIX, form: `${sandbox.statusUrl}/presigned-form` }),
			...crmEntries().map(([name, entry]) => crm(name, sandbox.urls[name], sandbox.credentialFor(credentialTypeOf(entry))?.name, entry.seeds)),
		]),
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
	const lines = (Object.keys(sandbox.urls) as CrmId[]).map((crm) => `  ${crmLabel(crm).padEnd(18)} ${sandbox.urls[crm]}`);
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
