import { createHash } from 'crypto';

import { EspoCrmApi } from '../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../nodes/EspoCrm/EspoCrm.node';
import { FakeEspoCrm } from '../fakes/espoCrm';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import type { NodeAdapter, Scenario } from './harness';
import { enableStallAfterHeaders, reliabilitySuite, STALL_AFTER_HEADERS } from './harness';

const espo = new FakeEspoCrm();
let caseId = '';

beforeAll(async () => {
	await espo.start();
	enableStallAfterHeaders(espo.server);
	caseId = espo.addRecord('Case', { name: 'Reliability' }).id;
});

afterAll(async () => {
	await espo.stop();
});

/** Every credential value of every auth mode, and the header that carries username:password. */
function secrets(): string[] {
	return [
		espo.apiKey,
		espo.hmacApiKey,
		espo.secretKey,
		espo.password,
		Buffer.from(`${espo.username}:${espo.password}`).toString('base64'),
	];
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
const locator = (value: string) => ({ __rl: true, mode: 'name', value });
const upload = {
	resource: 'attachment',
	operation: 'upload',
	entityType: locator('Case'),
	field: locator('attachments'),
	fieldType: 'attachmentMultiple',
	binaryPropertyName: 'data',
};
const ATTACHMENT = /\/api\/v1\/Attachment$/;
const RECORD = /\/api\/v1\/Case\/[^/]+$/;
const SHORT_TIMEOUT = { timeout: 800 };

let mark = 0;
const remember = () => (mark = espo.server.requests.length);
const sentSince = (path: RegExp, method?: string) =>
	espo.server.requests.slice(mark).filter((request) => path.test(request.path) && (!method || request.method === method));

const linkedIds = () => (espo.record('Case', caseId)?.attachmentsIds as string[] | undefined) ?? [];

/** The attachment id a "created but not linked" error names, and whether it holds the file intact. */
function createdButNotLinked(text: string | undefined, fileSha: string): boolean {
	const id = /as attachment id "([^"]+)"/.exec(text ?? '')?.[1];
	const attachment = id ? espo.attachments.get(id) : undefined;
	return !!attachment && sha256(attachment.content) === fileSha && !linkedIds().includes(id!);
}

function adapter(): NodeAdapter<number> {
	return {
		node: 'EspoCRM',
		secrets,
		run: async ({ parameters, items, continueOnFail, binaryMode, credentials }) =>
			await runNode({
				nodeType: new EspoCrm(),
				parameters: { ...upload, recordId: caseId, options: {}, ...parameters },
				items,
				binaryMode,
				continueOnFail,
				credentialTypes: [new EspoCrmApi()],
				// HMAC: the mode with the most secrets to leak (key, secret, signature).
				credentials: credentials ?? { espoCrmApi: espo.credentials('hmac') as never },
				// The cases set Field Type, as workflows saved at typeVersion 2 do (3 reads it from the metadata first).
				typeVersion: 2,
			}),
		// The node appends new ids to the field's list, keeping the ones there.
		snapshot: () => linkedIds().length,
		registrationsSince: (before) =>
			linkedIds()
				.slice(before)
				.map((id) => {
					const attachment = espo.attachments.get(id);
					return {
						fileName: attachment?.name ?? '',
						intact: async (file) => !!attachment && sha256(attachment.content) === file.sha256,
					};
				}),
		credentialTest: {
			type: new EspoCrmApi(),
			good: () => espo.credentials('apiKey') as never,
			wrong: () => espo.credentials('apiKey', { apiKey: 'wrongwrongwrongkey' }) as never,
			wrongSecrets: ['wrongwrongwrongkey'],
			message: /^EspoCRM refused the sign-in \(HTTP 401\)/,
		},
	};
}

const linkFailed =
	/EspoCRM stored "[^"]+" as attachment id "[0-9a-f]+", but it is not linked to field "attachments" of Case record "[0-9a-f]+", so nothing is lost: fix the cause above, then add the id to "attachmentsIds" of the record/;

/** Checks the failed items' errors name an attachment that exists, holds the file and is not linked. */
const attachmentNamed: Scenario['check'] = (result, { continueOnFail, files }) => {
	const description = continueOnFail
		? (result.items[0].json.errorDescription as string)
		: String((result.error as { description?: unknown }).description);
	expect(createdButNotLinked(description, files[0]!.sha256)).toBe(true);
};

const scenarios: Scenario[] = [
	// Throttles and "not processed" answers: retried, even for the (non-idempotent) upload.
	{
		name: '429 with Retry-After on the upload',
		kind: 'fault',
		arrange: () => {
			remember();
			espo.server.injectFault({ method: 'POST', path: ATTACHMENT, status: 429, headers: { 'retry-after': '1' } });
		},
		check: () => expect(sentSince(ATTACHMENT).map((request) => request.status)).toEqual([429, 200, 200]),
	},
	{ name: '503 on the upload (not processed: retried)', kind: 'fault', arrange: () => espo.server.injectFault({ method: 'POST', path: ATTACHMENT, status: 503, headers: { 'retry-after': '0' } }) },
	{ name: '429 with Retry-After on the link (PUT)', kind: 'fault', arrange: () => espo.server.injectFault({ method: 'PUT', path: RECORD, status: 429, headers: { 'retry-after': '0' } }) },
	// Reads and the PUT of the whole id list are idempotent: retried on 500/502 and resets.
	{ name: '500 on the record read', kind: 'fault', arrange: () => espo.server.injectFault({ method: 'GET', path: RECORD, status: 500 }) },
	{ name: '502 on the record read', kind: 'fault', arrange: () => espo.server.injectFault({ method: 'GET', path: RECORD, status: 502 }) },
	{ name: 'connection reset on the record read', kind: 'fault', arrange: () => espo.server.injectFault({ method: 'GET', path: RECORD, reset: true }) },
	{
		name: '502 on the link (PUT of the full list: retried, linked once)',
		kind: 'fault',
		arrange: () => {
			remember();
			espo.server.injectFault({ method: 'PUT', path: RECORD, status: 502 });
		},
		check: () => expect(sentSince(RECORD, 'PUT').map((request) => request.status)).toEqual([502, 200, 200]),
	},
	{ name: 'connection reset on the link (PUT: retried)', kind: 'fault', arrange: () => espo.server.injectFault({ method: 'PUT', path: RECORD, reset: true }) },
	// The upload creates an attachment: EspoCRM may have acted, so it is not repeated.
	...[500, 502].map<Scenario>((status) => ({
		name: `${status} on the upload (EspoCRM may have created it: not repeated)`,
		kind: 'fault',
		arrange: () => {
			remember();
			espo.server.injectFault({ method: 'POST', path: ATTACHMENT, status, headers: { 'X-Status-Reason': 'Internal problem' } });
		},
		failing: [0],
		error: new RegExp(`^EspoCRM failed while handling the upload of "[^"]+" \\(.+\\): Internal problem \\(HTTP ${status}\\)$`),
		check: (_result, { continueOnFail }) =>
			expect(sentSince(ATTACHMENT).map((request) => request.status)).toEqual(continueOnFail ? [status, 200] : [status]),
	})),
	{
		name: 'connection reset during the upload (not repeated)',
		kind: 'fault',
		arrange: () => {
			remember();
			espo.server.injectFault({ method: 'POST', path: ATTACHMENT, reset: true });
		},
		failing: [0],
		error: /^Could not reach EspoCRM for the upload of "[^"]+" \(.+\): the connection was reset$/,
		check: (_result, { continueOnFail }) => expect(sentSince(ATTACHMENT)).toHaveLength(continueOnFail ? 2 : 1),
	},
	// Created but not linked: the error names the attachment, which holds the file.
	{
		name: 'the attachment is created but linking keeps failing (500 on every PUT)',
		kind: 'fault',
		arrange: () => espo.server.injectFault({ method: 'PUT', path: RECORD, status: 500, headers: { 'X-Status-Reason': 'Database error' }, times: 4 }),
		cleanup: () => espo.server.clearFaults(),
		failing: [0],
		error: /^EspoCRM failed while handling linking the attachment to field "attachments" of Case record "[0-9a-f]+": Database error \(HTTP 500\)$/,
		description: new RegExp(`${linkFailed.source}[\\s\\S]*may have been made anyway`),
		check: attachmentNamed,
	},
	{
		name: 'the attachment is created but EspoCRM refuses the link (403: not retried)',
		kind: 'fault',
		arrange: () => {
			remember();
			espo.server.injectFault({ method: 'PUT', path: RECORD, status: 403, headers: { 'X-Status-Reason': 'No edit access.' } });
		},
		failing: [0],
		error: /^EspoCRM refused linking the attachment to field "attachments" of Case record "[0-9a-f]+": No edit access\. \(HTTP 403\)$/,
		description: linkFailed,
		check: (result, context) => {
			attachmentNamed(result, context);
			expect(sentSince(RECORD, 'PUT').map((request) => request.status)).toEqual(context.continueOnFail ? [403, 200] : [403]);
		},
	},
	// A server that stops answering: bounded by the Timeout option, with a clear message.
	{
		name: 'a server that stops answering the upload',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => espo.server.injectFault({ method: 'POST', path: ATTACHMENT, hang: true }),
		failing: [0],
		error: /^Could not reach EspoCRM for the upload of "[^"]+" \(.+\): it stopped answering \(timed out\)$/,
		description: /raise "Timeout" in the node's options/,
	},
	{
		name: 'a record read that stops after its headers (every attempt)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => espo.server.injectFault({ method: 'GET', path: RECORD, status: 200, body: STALL_AFTER_HEADERS, times: 4 }),
		cleanup: () => espo.server.clearFaults(),
		failing: [0],
		error: /^Could not reach EspoCRM for the read of Case record "[0-9a-f]+": (it stopped answering \(timed out\)|its answer stopped before the end)/,
	},
	// Bad input.
	{
		name: 'an item without binary data',
		kind: 'input',
		file: (index, name) => (index === 0 ? null : randomFile(name, 500, 'text/plain')),
		failing: [0],
		error: /^Item 1 has no binary property "data"$/,
		description: /no binary data at all/,
	},
	{ name: 'a wrongly named binary property', kind: 'input', property: 'file', failing: [0, 1], error: /has no binary property "data"$/, description: /"file"/ },
	{
		name: 'an empty file',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 0 : 700, 'text/plain'),
		failing: [0],
		error: /is empty \(0 bytes\)$/,
	},
	{
		// Tools/Attachment/DetailsObtainer::getUploadMaxSize: the field's maxFileSize (MB) wins; read before sending.
		name: "a file over the field's Max File Size (refused before it is sent)",
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 6_000 : 800, 'application/zip'),
		arrange: () => espo.setField('Case', 'attachments', { type: 'attachmentMultiple', maxFileSize: 0.004 }),
		cleanup: () => espo.setField('Case', 'attachments', { type: 'attachmentMultiple' }),
		failing: [0],
		error: /^EspoCRM would refuse the upload of "[^"]+" \(.+\): the file is larger than this EspoCRM server accepts for field "attachments" of Case \(.+\)$/,
		description: /Max File Size/,
	},
	{
		name: "a file over a proxy's body limit (413)",
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 6_000 : 800, 'application/zip'),
		arrange: () => {
			espo.proxyBodyLimitBytes = 5_000;
		},
		cleanup: () => {
			espo.proxyBodyLimitBytes = 0;
		},
		failing: [0],
		error: /^EspoCRM refused the upload of "[^"]+" \(.+\): the file is larger than this EspoCRM server accepts: .*\(HTTP 413\)$/,
		description: /attachmentUploadMaxSize/,
	},
	{
		name: 'a file type the field refuses (EspoCRM\'s reason kept)',
		kind: 'input',
		arrange: () => espo.server.injectFault({ method: 'POST', path: ATTACHMENT, status: 403, headers: { 'X-Status-Reason': 'Not allowed file type.' } }),
		failing: [0],
		error: /^EspoCRM refused the upload of "[^"]+" \(.+\): Not allowed file type\. \(HTTP 403\)$/,
		description: /role/,
	},
	{
		name: 'a record id with "/", "..", "?" and "#" (URL-encoded into one path segment)',
		kind: 'input',
		parameters: { recordId: 'r/../../Attachment?x=1#y' },
		// API key mode: the fake's HMAC check re-encodes "%2F" to "%252F" (test/fakes/espoCrm.ts
		// resourcePath), so it refuses the node's correct signature of the path as sent.
		credentials: () => ({ espoCrmApi: espo.credentials('apiKey') as never }),
		arrange: remember,
		failing: [0, 1],
		// Core/Record/Service::read: NotFoundSilent "Record $id does not exist." in X-Status-Reason.
		error: /^EspoCRM refused the read of Case record "r\/\.\.\/\.\.\/Attachment\?x=1#y": Record r\/\.\.\/\.\.\/Attachment\?x=1#y does not exist\. \(HTTP 404\)$/,
		description: /Check the entity type, the record id/,
		check: () => {
			for (const request of espo.server.requests.slice(mark)) {
				expect(request).toMatchObject({ method: 'GET', path: '/api/v1/Case/r%2F..%2F..%2FAttachment%3Fx%3D1%23y' });
			}
		},
	},
	...['..', '.'].map<Scenario>((recordId) => ({
		name: `a record id that is "${recordId}" (refused before anything is sent)`,
		kind: 'input',
		parameters: { recordId },
		arrange: remember,
		failing: [0, 1],
		error: new RegExp(`^"${recordId.replace(/\./g, '\\.')}" is not a valid entity type or ID for the read of Case record "${recordId.replace(/\./g, '\\.')}" \\(item \\d\\)$`),
		description: /would change the request's path/,
		check: () => expect(espo.server.requests.slice(mark)).toEqual([]),
	})),
	{ name: 'an empty field', kind: 'input', parameters: { field: locator(' ') }, failing: [0, 1], error: /^"Field" of item \d is empty$/ },
	{
		name: 'a misnamed field (refused before anything is uploaded)',
		kind: 'input',
		parameters: { field: locator('attachmnets') },
		arrange: remember,
		failing: [0, 1],
		error: /has no Attachment-Multiple field "attachmnets"/,
		check: () => expect(sentSince(ATTACHMENT)).toEqual([]),
	},
	{
		name: 'an HTML page (HTTP 200) instead of the record',
		kind: 'input',
		arrange: () =>
			espo.server.injectFault({ method: 'GET', path: RECORD, status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>Sign in</body></html>' }),
		failing: [0],
		error: /^EspoCRM's answer to the read of Case record "[0-9a-f]+" is not a record$/,
		description: /HTML page\?\)\. Check that the Base URL/,
	},
	{
		name: 'an upload answer without the attachment id',
		kind: 'input',
		arrange: () => espo.server.injectFault({ method: 'POST', path: ATTACHMENT, status: 200, body: { name: 'x' } }),
		failing: [0],
		error: /^EspoCRM accepted the upload of "[^"]+" \(.+\) but returned no attachment id$/,
		description: /Base URL/,
	},
	{
		name: 'an HTML error page from a proxy (HTTP 502) on the upload',
		kind: 'input',
		arrange: () =>
			espo.server.injectFault({ method: 'POST', path: ATTACHMENT, status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }),
		failing: [0],
		error: /^EspoCRM failed while handling the upload of "[^"]+" \(.+\): .*\(HTTP 502\)$/,
	},
	// Secrets in the other auth modes.
	...(['apiKey', 'basic'] as const).map<Scenario>((mode) => ({
		name: `a wrong ${mode === 'apiKey' ? 'API key' : 'password'} (401 on every item, no secret shown)`,
		kind: 'input',
		credentials: () => ({ espoCrmApi: espo.credentials(mode, mode === 'apiKey' ? { apiKey: 'wrongwrongwrongkey' } : { password: 'wrongwrongwrongpw' }) as never }),
		failing: [0, 1],
		error: /^EspoCRM refused the read of Case record "[0-9a-f]+": the credential was not accepted \(HTTP 401\)$/,
		description: /Use the credential's "Test" button/,
		check: (result) => expect(JSON.stringify(result.items) + String(result.error?.message)).not.toMatch(/wrongwrongwrong/),
	})),
];

reliabilitySuite(adapter, scenarios);
