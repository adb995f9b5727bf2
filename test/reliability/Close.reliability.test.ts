import { CloseCrmApi } from '../../credentials/CloseCrmApi.credentials';
import { CloseCrm } from '../../nodes/CloseCrm/CloseCrm.node';
import { FakeClose } from '../fakes/close';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import { storedObject } from '../rig/s3';
import { useS3 } from '../rig/useS3';
import { HttpsFront } from '../nodes/CloseCrm/httpsFront';
import type { NodeAdapter, Scenario } from './harness';
import { enableStallAfterHeaders, reliabilitySuite, STALL_AFTER_HEADERS } from './harness';

const s3 = useS3();
let close: FakeClose;
let front: HttpsFront;

beforeAll(async () => {
	close = new FakeClose(s3);
	await close.start();
	enableStallAfterHeaders(close);
	front = new HttpsFront(close.baseUrl);
	await front.start();
	s3.tap.watchSecrets(...secrets());
});

afterAll(async () => {
	await front.stop();
	await close.stop();
});

function secrets(): string[] {
	return [close.apiKey, close.basicAuthorization.slice('Basic '.length)];
}

const note = { resource: 'note', operation: 'create', leadId: 'lead_existing', note: 'reliability', binaryPropertyName: 'data' };
const FORM = /\/files\/upload\/$/;
const NOTE = /\/activity\/note\/$/;
/** A short "Timeout" for the hang scenarios: users can set it too. */
const SHORT_TIMEOUT = { timeout: 800 };

let mark = 0;
const remember = () => (mark = close.requests.length);
let tapMark = 0;
const sentSince = (path: RegExp) => close.requests.slice(mark).filter((request) => path.test(request.path));

function adapter(): NodeAdapter<number> {
	return {
		node: 'Close',
		s3,
		secrets,
		run: async ({ parameters, items, continueOnFail, binaryMode, credentials }) =>
			await runNode({
				nodeType: new CloseCrm(),
				parameters: { ...note, options: {}, ...parameters },
				items,
				binaryMode,
				continueOnFail,
				credentialTypes: [new CloseCrmApi()],
				credentials: credentials ?? { closeCrmApi: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl } },
			}),
		snapshot: () => close.notes.length,
		registrationsSince: (before) =>
			close.notes.slice(before).flatMap((created) =>
				created.attachments.map((attachment) => ({
					fileName: attachment.filename,
					intact: async (file) => {
						const key = close.files.get(attachment.url)?.key;
						return key !== undefined && (await storedObject(s3.client, key)).sha256 === file.sha256;
					},
				})),
			),
		credentialTest: {
			type: new CloseCrmApi(),
			good: () => ({ apiKey: close.apiKey, baseUrl: close.apiBaseUrl }),
			wrong: () => ({ apiKey: 'api_wrongwrongwrong', baseUrl: close.apiBaseUrl }),
			wrongSecrets: ['api_wrongwrongwrong'],
			message: /^Close refused the API key \(HTTP 401\)/,
		},
	};
}

const registrationFailed = /is already stored at S3 key "temporary\/user\/[^"]+" but is not registered with Close, so nothing is lost: Close's file URL https:\/\/app\.close\.com\/go\/file\/\S+ stays usable for 24 hours/;

const scenarios: Scenario[] = [
	// Throttles: waited out and retried, even for the note (the server did not act).
	{
		name: '429 with Retry-After on the upload form request',
		kind: 'fault',
		arrange: () => close.injectFault({ method: 'POST', path: FORM, status: 429, headers: { 'retry-after': '1' }, body: { error: 'Too many requests' } }),
	},
	{
		name: '429 with error.rate_reset on the note',
		kind: 'fault',
		arrange: () => {
			remember();
			close.injectFault({ method: 'POST', path: NOTE, status: 429, body: { error: { rate_reset: 0.5, message: 'API call count exceeded' } } });
		},
		check: () => expect(sentSince(NOTE).map((request) => request.status)).toEqual([429, 200, 200]),
	},
	{
		name: '503 on the note (not processed: retried)',
		kind: 'fault',
		arrange: () => close.injectFault({ method: 'POST', path: NOTE, status: 503, headers: { 'retry-after': '0' } }),
	},
	// Server errors on the form request: asking for a form again is harmless, so it is retried.
	{ name: '500 on the upload form request', kind: 'fault', arrange: () => close.injectFault({ method: 'POST', path: FORM, status: 500 }) },
	{ name: '502 on the upload form request', kind: 'fault', arrange: () => close.injectFault({ method: 'POST', path: FORM, status: 502 }) },
	{ name: 'connection reset on the upload form request', kind: 'fault', arrange: () => close.injectFault({ method: 'POST', path: FORM, reset: true }) },
	// Server errors on the note: Close may have created it, so it is not repeated; the file is findable.
	...[500, 502].map<Scenario>((status) => ({
		name: `${status} on the note after S3 stored the file (not retried)`,
		kind: 'fault',
		arrange: () => {
			remember();
			close.injectFault({ method: 'POST', path: NOTE, status, body: { error: 'Internal error' } });
		},
		failing: [0],
		error: new RegExp(`^Close failed while handling the note on lead "lead_existing": Internal error \\(HTTP ${status}\\)$`),
		description: new RegExp(`${registrationFailed.source}[\\s\\S]*may have completed the note on lead "lead_existing" anyway`),
		storedBeforeFailure: true,
		check: (_result, { continueOnFail }) =>
			expect(sentSince(NOTE).map((request) => request.status)).toEqual(continueOnFail ? [status, 200] : [status]),
	})),
	{
		name: 'connection reset on the note after S3 stored the file (not retried)',
		kind: 'fault',
		arrange: () => {
			remember();
			close.injectFault({ method: 'POST', path: NOTE, reset: true });
		},
		failing: [0],
		error: /^Could not reach Close for the note on lead "lead_existing": the connection was reset$/,
		description: new RegExp(`${registrationFailed.source}[\\s\\S]*may have completed the note on lead \"lead_existing\"`),
		storedBeforeFailure: true,
		check: (_result, { continueOnFail }) => expect(sentSince(NOTE)).toHaveLength(continueOnFail ? 2 : 1),
	},
	// A server that stops answering: bounded by the Timeout option, with a clear message.
	{
		name: 'a server that stops answering the form request (every attempt)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => close.injectFault({ method: 'POST', path: FORM, hang: true, times: 4 }),
		cleanup: () => close.clearFaults(),
		failing: [0],
		error: /^Could not reach Close for the upload form for "[^"]+": it stopped answering \(timed out\)$/,
		description: /raise "Timeout" in the node's options/,
	},
	{
		name: 'a note answer that stops after its headers',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => close.injectFault({ method: 'POST', path: NOTE, status: 200, body: STALL_AFTER_HEADERS }),
		failing: [0],
		error: /^Could not reach Close for the note on lead "lead_existing": (it stopped answering \(timed out\)|its answer stopped before the end)/,
		description: /may have completed the note/,
		storedBeforeFailure: true,
	},
	// Storage faults.
	{ name: 'S3 connection reset mid-upload', kind: 'fault', arrange: () => s3.tap.injectFault({ resetAfterBytes: 1500 }) },
	{ name: 'S3 503 SlowDown', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 503, code: 'SlowDown' }) },
	{ name: 'S3 500 InternalError', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 500, code: 'InternalError' }) },
	{
		name: 'the 60 s S3 form expires before the upload: a new form is asked for',
		kind: 'fault',
		items: 1,
		arrange: () => {
			remember();
			close.expiredFormsToHandOut = 1;
		},
		check: () => expect(sentSince(FORM)).toHaveLength(2),
	},
	{
		name: 'S3 refuses the form (AccessDenied): not retried',
		kind: 'fault',
		arrange: () => s3.tap.injectFault({ status: 403, code: 'AccessDenied' }),
		failing: [0],
		error: /^S3 refused the upload of "[^"]+": AccessDenied: Injected by the test tap \(HTTP 403\)$/,
		description: /form's conditions/,
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
	{
		name: 'a wrongly named binary property',
		kind: 'input',
		property: 'attachment',
		failing: [0, 1],
		error: /has no binary property "data"$/,
		description: /"attachment"/,
	},
	{
		name: 'an empty file',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 0 : 700, 'text/plain'),
		failing: [0],
		error: /is empty \(0 bytes\)$/,
	},
	{
		name: 'a file larger than the form allows (S3 EntityTooLarge)',
		kind: 'input',
		arrange: () => s3.tap.injectFault({ status: 400, code: 'EntityTooLarge' }),
		failing: [0],
		error: /^S3 refused the upload of "[^"]+": EntityTooLarge/,
		description: /larger than the form allows/,
	},
	{
		name: 'a lead id with "/", "..", "?" and "#" (refused before anything is sent)',
		kind: 'input',
		parameters: { leadId: 'lead_../../x?y=1#z' },
		arrange: () => {
			remember();
			tapMark = s3.tap.requests.length;
		},
		failing: [0, 1],
		error: /^"lead_\.\.\/\.\.\/x\?y=1#z" is not a valid Lead ID \(item \d\)$/,
		description: /has no "\/", "\?" or "#"/,
		check: () => {
			expect(close.requests.slice(mark)).toEqual([]);
			expect(s3.tap.requests.length).toBe(tapMark);
		},
	},
	{
		name: 'a lead that does not exist (read before uploading: nothing stored that no note points to)',
		kind: 'input',
		parameters: { leadId: 'lead_missing' },
		arrange: () => {
			remember();
			tapMark = s3.tap.requests.length;
		},
		failing: [0, 1],
		error: /^Close refused the note on lead "lead_missing": Lead matching query does not exist\. \(HTTP 404\)$/,
		description: /lead ids start with "lead_"/,
		check: () => {
			expect(sentSince(FORM)).toEqual([]);
			expect(sentSince(NOTE)).toEqual([]);
			expect(s3.tap.requests.length).toBe(tapMark);
		},
	},
	{ name: 'an empty lead id', kind: 'input', parameters: { leadId: ' ' }, failing: [0, 1], error: /^"Lead ID" of item \d is empty$/ },
	{
		name: 'an HTML page instead of the upload form',
		kind: 'input',
		arrange: () =>
			close.injectFault({ method: 'POST', path: FORM, status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>Sign in</body></html>' }),
		failing: [0],
		error: /^Close's answer to the upload form request for "[^"]+" has no upload form or download URL$/,
		description: /Base URL/,
	},
	{
		name: 'an upload form without url and fields',
		kind: 'input',
		arrange: () => close.injectFault({ method: 'POST', path: FORM, status: 200, body: { upload: {}, download: {} } }),
		failing: [0],
		error: /has no upload form or download URL$/,
	},
	{
		name: 'a plain-http S3 form while Close is reached over https (refused)',
		kind: 'input',
		credentials: () => ({ closeCrmApi: { apiKey: close.apiKey, baseUrl: `${front.baseUrl}/api/v1` } }),
		failing: [0, 1],
		error: /^The upload form from Close points to a plain-http URL \(http:\/\/127\.0\.0\.1:\d+\); the file was not sent$/,
	},
];

reliabilitySuite(adapter, scenarios);
