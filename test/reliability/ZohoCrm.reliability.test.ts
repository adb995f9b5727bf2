import { createHash } from 'crypto';
import { Readable } from 'stream';

import { ZohoCrmOAuth2Api } from '../../credentials/ZohoCrmOAuth2Api.credentials';
import { ZohoCrm } from '../../nodes/ZohoCrm/ZohoCrm.node';
import { FakeZoho } from '../fakes/zoho';
import type { RandomFile } from '../harness/fixtures';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import type { NodeAdapter, Scenario } from './harness';
import { enableStallAfterHeaders, reliabilitySuite, STALL_AFTER_HEADERS } from './harness';

const zoho = new FakeZoho();
const LEAD = '4150868000000224005';

beforeAll(async () => {
	await zoho.start();
	enableStallAfterHeaders(zoho.api);
});

afterAll(async () => {
	await zoho.stop();
});

/** Every credential value: the client secret, the refresh token and each access token issued. */
const secrets = () => [zoho.accounts.clientSecret, zoho.accounts.refreshToken, ...zoho.accounts.accessTokens.keys()];
const upload = { resource: 'attachment', operation: 'upload', module: 'Leads', recordId: LEAD, binaryPropertyName: 'data' };
const UPLOAD = /\/Attachments$/;
const SHORT_TIMEOUT = { timeout: 800 };

let mark = 0;
const remember = () => (mark = zoho.api.requests.length);
const sentSince = () => zoho.api.requests.slice(mark);

/** A file larger than Zoho's 100 MB, streamed from n8n's filesystem store (never held in memory). */
function oversize(name: string): RandomFile {
	const size = 100 * 1024 * 1024 + 1;
	const chunk = Buffer.alloc(1024 * 1024);
	return {
		size,
		sha256: '',
		spec: {
			fileName: name,
			mimeType: 'application/octet-stream',
			content: {
				size,
				stream: () =>
					Readable.from(
						(function* () {
							for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
						})(),
					),
			},
		},
	};
}

function adapter(): NodeAdapter<number> {
	return {
		node: 'Zoho CRM',
		secrets,
		run: async ({ parameters, items, continueOnFail, binaryMode, credentials }) =>
			await runNode({
				nodeType: new ZohoCrm(),
				parameters: { ...upload, options: {}, ...parameters },
				items,
				binaryMode: binaryMode ?? 'memory',
				continueOnFail,
				credentialTypes: [new ZohoCrmOAuth2Api()],
				credentials: credentials ?? { zohoCrmOAuth2Api: zoho.credentials() },
			}),
		snapshot: () => zoho.api.attachments.length,
		registrationsSince: (before) =>
			zoho.api.attachments.slice(before).map((attachment) => ({
				fileName: attachment.fileName,
				intact: async (file) => attachment.sha256 === file.sha256 && attachment.sha256 === createHash('sha256').update(attachment.data).digest('hex'),
			})),
	};
}

const scenarios: Scenario[] = [
	{
		name: '429 TOO_MANY_REQUESTS with Retry-After (not processed: retried)',
		kind: 'fault',
		arrange: () =>
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, status: 429, headers: { 'retry-after': '1' }, body: { code: 'TOO_MANY_REQUESTS', message: 'too many requests', status: 'error', details: {} } }),
	},
	{ name: '503 (not processed: retried)', kind: 'fault', arrange: () => zoho.api.injectFault({ method: 'POST', path: UPLOAD, status: 503, headers: { 'retry-after': '0' } }) },
	{
		name: 'an expired access token (401 INVALID_TOKEN): renewed, then uploaded once',
		kind: 'fault',
		arrange: () => zoho.api.injectFault({ method: 'POST', path: UPLOAD, status: 401, body: { code: 'INVALID_TOKEN', message: 'invalid oauth token', status: 'error', details: {} } }),
	},
	...[500, 502].map<Scenario>((status) => ({
		name: `${status} on the upload (Zoho may have attached it: not repeated)`,
		kind: 'fault',
		arrange: () => {
			remember();
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, status, body: { code: 'INTERNAL_ERROR', message: 'internal error', status: 'error', details: {} } });
		},
		failing: [0],
		error: new RegExp(`^Zoho CRM failed while handling the upload of "[^"]+" to Leads record ${LEAD}: INTERNAL_ERROR: internal error \\(HTTP ${status}\\)$`),
		check: (_result, { continueOnFail }) => {
			expect(sentSince().filter((request) => request.status === status)).toHaveLength(1);
			expect(sentSince()).toHaveLength(continueOnFail ? 2 : 1);
		},
	})),
	// A lost answer to the upload: whether Zoho attached the file is read from the record's list; not attached, so it is sent again.
	{
		name: 'connection reset during the upload (settled by listing the record, then sent again)',
		kind: 'fault',
		arrange: () => {
			remember();
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, reset: true });
		},
		check: () => expect(sentSince().filter((request) => request.method === 'POST')).toHaveLength(3),
	},
	{
		name: 'connection reset after Zoho attached the file (settled by listing the record: not sent again)',
		kind: 'fault',
		arrange: () => {
			remember();
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, reset: true, afterHandling: true });
		},
		check: () => expect(sentSince().filter((request) => request.method === 'POST')).toHaveLength(2),
	},
	{
		name: 'a server that stops answering the upload (settled by listing the record, then sent again)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => {
			remember();
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, hang: true });
		},
		check: () => expect(sentSince().filter((request) => request.method === 'POST')).toHaveLength(3),
	},
	{
		name: 'an upload answer that stops after its headers (settled by listing the record, then sent again)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => {
			remember();
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, status: 200, body: STALL_AFTER_HEADERS });
		},
		check: () => expect(sentSince().filter((request) => request.method === 'POST')).toHaveLength(3),
	},
	{
		name: 'an item without binary data',
		kind: 'input',
		file: (index, name) => (index === 0 ? null : randomFile(name, 500, 'text/plain')),
		failing: [0],
		error: /^Item 1 has no binary property "data"$/,
	},
	{ name: 'a wrongly named binary property', kind: 'input', property: 'document', failing: [0, 1], error: /has no binary property "data"$/, description: /"document"/ },
	{
		name: 'an empty file',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 0 : 700, 'text/plain'),
		failing: [0],
		error: /is empty \(0 bytes\)$/,
	},
	{
		name: 'an .exe file (refused before anything is sent)',
		kind: 'input',
		arrange: remember,
		file: (index, name) => randomFile(index === 0 ? name.replace(/\.txt$/, '.exe') : name, 900, 'application/x-msdownload'),
		failing: [0],
		error: /^Zoho CRM does not accept \.exe files: "[^"]+\.exe"/,
		check: () => expect(sentSince().every((request) => !/\.exe/.test(request.body.toString('latin1', 0, 2000)))).toBe(true),
	},
	{
		name: 'a file over 100 MB (refused before anything is sent)',
		kind: 'input',
		binaryMode: 'filesystem',
		items: 1,
		arrange: remember,
		file: (_index, name) => oversize(name),
		failing: [0],
		error: /^Zoho CRM accepts files up to 100 MB: "[^"]+" \(binary property "data", item 1\) is 104,857,601 bytes \(100 MB \+ 1 byte\)$/,
		check: () => expect(sentSince()).toHaveLength(0),
	},
	{
		name: 'a record id with "/", "?" and "#" (URL-encoded into one path segment)',
		kind: 'input',
		parameters: { module: 'Projects_Custom', recordId: 'site/7?draft' },
		arrange: remember,
		check: () => {
			for (const request of sentSince()) expect(request.path).toBe('/crm/v8/Projects_Custom/site%2F7%3Fdraft/Attachments');
			expect(zoho.api.attachments.slice(-2).map((attachment) => attachment.recordId)).toEqual(['site/7?draft', 'site/7?draft']);
		},
	},
	{
		name: 'a record id with "..", "/" and "#" inside (encoded, refused by Zoho, never another path)',
		kind: 'input',
		parameters: { recordId: `${LEAD}/../../settings/modules#x` },
		arrange: remember,
		failing: [0, 1],
		error: /^Zoho CRM refused the upload of "[^"]+" to Leads record 4150868000000224005\/\.\.\/\.\.\/settings\/modules#x: INVALID_DATA/,
		check: () => {
			for (const request of sentSince()) expect(request.path).toBe(`/crm/v8/Leads/${LEAD}%2F..%2F..%2Fsettings%2Fmodules%23x/Attachments`);
		},
	},
	{
		name: 'a record id that is ".." (refused before anything is sent)',
		kind: 'input',
		parameters: { recordId: '..' },
		arrange: remember,
		failing: [0, 1],
		error: /^"\.\." is not a valid ID for the upload of "[^"]+" to Leads record \.\. \(item \d\)$/,
		check: () => expect(sentSince()).toHaveLength(0),
	},
	{ name: 'an empty record id', kind: 'input', parameters: { recordId: '={{ $json.recordId ?? "" }}' }, failing: [0, 1], error: /^"Record ID" of item \d is empty$/ },
	{
		name: 'an HTML page (HTTP 200) instead of Zoho\'s answer',
		kind: 'input',
		arrange: () =>
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Please sign in</body></html>' }),
		failing: [0],
		error: /^Zoho CRM's answer to the upload of "[^"]+" has no attachment ID \(item 1\)$/,
		description: /Please sign in/,
	},
	{
		name: 'an HTML error page (HTTP 502 from a proxy)',
		kind: 'input',
		arrange: () =>
			zoho.api.injectFault({ method: 'POST', path: UPLOAD, status: 502, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body><h1>Bad Gateway</h1></body></html>' }),
		failing: [0],
		error: /HTML page instead of the API's answer \("Bad Gateway"\).*\(HTTP 502\)$/,
	},
];

reliabilitySuite(adapter, scenarios);
