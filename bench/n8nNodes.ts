/**
 * Where n8n's own nodes (n8n-nodes-base) come from for the HTTP Request chain: the real n8n 2.8.4
 * installed by scripts/n8n/install-n8n.sh (.cache/n8n/2.8.4), else a standalone n8n-nodes-base
 * installed with `npm install n8n-nodes-base@2.8.1 --no-save --prefix .cache/nodes-base --ignore-scripts`.
 */
import { existsSync, readFileSync, realpathSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

import type { ModuleRef } from './probe';
import { ROOT } from './rig';

export interface NodesBase {
	/** Where it was found, and which n8n-nodes-base version it is. */
	origin: string;
	version: string;
	/** The node_modules folder it lives in (its packages share the engine's modules, see sharedModules.ts). */
	root: string;
	httpRequest: ModuleRef & { typeName: string };
	merge: ModuleRef & { typeName: string };
	loopOverItems: ModuleRef & { typeName: string };
	extractFromFile: ModuleRef & { typeName: string };
	httpBasicAuth: ModuleRef;
}

/** Where scripts/n8n/install-n8n.sh installs n8n (its CACHE). */
const INSTALL_CACHE = process.env.CRM_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'n8n-nodes-crm-attachments');

const CANDIDATES = [
	{ dir: join(ROOT, '.cache/n8n/2.8.4/node_modules/n8n-nodes-base'), origin: 'n8n 2.8.4 (.cache/n8n/2.8.4, scripts/n8n/install-n8n.sh)' },
	{ dir: join(INSTALL_CACHE, 'n8n/2.8.4/node_modules/n8n-nodes-base'), origin: 'n8n 2.8.4 (scripts/n8n/install-n8n.sh 2.8.4)' },
	{ dir: join(ROOT, '.cache/nodes-base/node_modules/n8n-nodes-base'), origin: 'n8n-nodes-base alone (.cache/nodes-base)' },
];

export function findNodesBase(): NodesBase | undefined {
	for (const { dir, origin } of CANDIDATES) {
		const httpRequest = join(dir, 'dist/nodes/HttpRequest/HttpRequest.node.js');
		if (!existsSync(httpRequest)) continue;
		const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
		return {
			origin,
			version,
			// Node names modules by their real path (.cache/n8n may be a symlink).
			root: realpathSync(join(dir, '..')),
			httpRequest: { module: httpRequest, export: 'HttpRequest', typeName: 'n8n-nodes-base.httpRequest' },
			merge: { module: join(dir, 'dist/nodes/Merge/Merge.node.js'), export: 'Merge', typeName: 'n8n-nodes-base.merge' },
			loopOverItems: {
				module: join(dir, 'dist/nodes/SplitInBatches/SplitInBatches.node.js'),
				export: 'SplitInBatches',
				typeName: 'n8n-nodes-base.splitInBatches',
			},
			extractFromFile: {
				module: join(dir, 'dist/nodes/Files/ExtractFromFile/ExtractFromFile.node.js'),
				export: 'ExtractFromFile',
				typeName: 'n8n-nodes-base.extractFromFile',
			},
			httpBasicAuth: { module: join(dir, 'dist/credentials/HttpBasicAuth.credentials.js'), export: 'HttpBasicAuth' },
		};
	}
	return undefined;
}

/** HTTP Request node version the chain uses (n8n 2.8's default). */
export const HTTP_REQUEST_VERSION = 4.4;
export const MERGE_VERSION = 3.2;
/** Loop Over Items (Split In Batches) version: n8n 2.8's default. Output 0 is "done", 1 is "loop". */
export const LOOP_OVER_ITEMS_VERSION = 3;

type Pair = { name: string; value: string };

/** HTTP Request parameters: a JSON request with Basic auth from n8n's "Basic Auth" credential. */
export function httpJson(
	method: 'GET' | 'POST',
	url: string,
	options: { query?: Pair[]; body?: Pair[]; jsonBody?: string; basicAuth?: boolean; headers?: Pair[] } = {},
) {
	return {
		method,
		url,
		authentication: options.basicAuth ? 'genericCredentialType' : 'none',
		genericAuthType: 'httpBasicAuth',
		sendQuery: Boolean(options.query),
		queryParameters: { parameters: options.query ?? [] },
		sendHeaders: Boolean(options.headers),
		headerParameters: { parameters: options.headers ?? [] },
		sendBody: Boolean(options.body ?? options.jsonBody),
		contentType: 'json',
		specifyBody: options.jsonBody ? 'json' : 'keypair',
		bodyParameters: { parameters: options.body ?? [] },
		jsonBody: options.jsonBody ?? '',
		options: {},
	};
}

/** HTTP Request parameters: a multipart/form-data POST with the given fields, then the item's binary as `file`. */
export function httpMultipart(url: string, fields: Pair[], options: { headers?: Pair[] } = {}) {
	return {
		method: 'POST',
		url,
		authentication: 'none',
		sendHeaders: Boolean(options.headers),
		headerParameters: { parameters: options.headers ?? [] },
		sendBody: true,
		contentType: 'multipart-form-data',
		bodyParameters: {
			parameters: [
				...fields.map((field) => ({ parameterType: 'formData', ...field })),
				{ parameterType: 'formBinaryData', name: 'file', inputDataFieldName: 'data' },
			],
		},
		options: { response: { response: { responseFormat: 'text' } } },
	};
}
