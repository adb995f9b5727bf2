import { OnePageCrmApi } from '../../credentials/OnePageCrmApi.credentials';
import { OnePageCrm } from '../../nodes/OnePageCrm/OnePageCrm.node';
import { OnePageCrmFake } from '../fakes/onePageCrm';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import { HttpsFront } from '../nodes/CloseCrm/httpsFront';
import { storedObject } from '../rig/s3';
import { useS3 } from '../rig/useS3';
import type { NodeAdapter, Scenario } from './harness';
import { enableStallAfterHeaders, reliabilitySuite, STALL_AFTER_HEADERS } from './harness';

const s3 = useS3();
let crm: OnePageCrmFake;
let front: HttpsFront;
let contactId = '';
let noteId = '';

beforeAll(async () => {
	crm = new OnePageCrmFake(s3);
	await crm.start();
	enableStallAfterHeaders(crm);
	front = new HttpsFront(crm.baseUrl);
	await front.start();
	contactId = crm.seedContact();
	noteId = crm.seedRecord('note', contactId);
	s3.tap.watchSecrets(...secrets());
});

afterAll(async () => {
	await front.stop();
	await crm.stop();
});

/** The API key and the Basic header that carries it (the user ID alone is not a secret). */
function secrets(): string[] {
	return [crm.apiKey, crm.basicHeader.slice('Basic '.length)];
}

const FORM = /\/attachments\/s3_form$/;
const REGISTER = /\/api\/v3\/attachments$/;
/** A short "Timeout" for the hang scenarios: users can set it too. */
const SHORT_TIMEOUT = { timeout: 800 };

let mark = 0;
const remember = () => (mark = crm.requests.length);
const sentSince = (path: RegExp, method?: string) =>
	crm.requests.slice(mark).filter((request) => path.test(request.path) && (!method || request.method === method));

function adapter(): NodeAdapter<number> {
	return {
		node: 'OnePageCRM',
		s3,
		secrets,
		run: async ({ parameters, items, continueOnFail, binaryMode, credentials }) =>
			await runNode({
				nodeType: new OnePageCrm(),
				parameters: {
					resource: 'attachment',
					operation: 'upload',
					contactId,
					referenceType: 'note',
					referenceId: noteId,
					binaryPropertyName: 'data',
					options: {},
					...parameters,
				},
				items,
				binaryMode,
				continueOnFail,
				credentialTypes: [new OnePageCrmApi()],
				credentials: credentials ?? { onePageCrmApi: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl } },
			}),
		snapshot: () => crm.registrations.length,
		registrationsSince: (before) =>
			crm.registrations.slice(before).map((registration) => ({
				fileName: String(registration.name),
				intact: async (file) => (await storedObject(s3.client, String(registration.key))).sha256 === file.sha256,
			})),
		credentialTest: {
			type: new OnePageCrmApi(),
			good: () => ({ userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl }),
			wrong: () => ({ userId: crm.userId, apiKey: 'wrongwrongwrongkey', baseUrl: crm.apiBaseUrl }),
			wrongSecrets: ['wrongwrongwrongkey'],
			message: /^OnePageCRM refused the User ID and API Key \(HTTP 401\)/,
		},
	};
}

// The scenario table is built before the fake seeds its records: match the seeded ids by shape.
const registration = () => 'the attachment "[^"]+" on note "[0-9a-f]{24}"';
/** The description of a registration that failed after S3 stored the file. */
const storedDescription = () =>
	new RegExp(
		`is already stored at S3 key "[0-9a-f]{24}/\\d+/[^"]+" but is not registered with OnePageCRM, so nothing is lost: .*"POST /attachments" with reference_type "note", reference_id "[0-9a-f]{24}", contact_id "[0-9a-f]{24}", key "[^"]+" and size \\d+`,
	);

const scenarios: Scenario[] = [
	// Throttles: waited out and retried, even for the registration (OnePageCRM did not act).
	{
		name: '429 with Retry-After on the upload form request',
		kind: 'fault',
		arrange: () => {
			remember();
			crm.injectFault({ method: 'GET', path: FORM, status: 429, headers: { 'retry-after': '1' }, body: { status: 429, message: 'Too many requests' } });
		},
		check: () => expect(sentSince(FORM).map((request) => request.status)).toEqual([429, 200, 200]),
	},
	{
		name: 'OnePageCRM\'s throttle (403 with a text body) on the registration: waited out',
		kind: 'fault',
		arrange: () => {
			remember();
			crm.throttle(1, REGISTER);
		},
		check: () => expect(sentSince(REGISTER).map((request) => request.status)).toEqual([403, 201, 201]),
	},
	{
		name: 'a JSON 403 (a real refusal) on the registration: not retried, the file is findable',
		kind: 'fault',
		arrange: () => {
			remember();
			crm.injectFault({
				method: 'POST',
				path: REGISTER,
				status: 403,
				body: { status: 403, message: 'Forbidden', error_name: 'forbidden', error_message: 'You cannot edit this note' },
			});
		},
		failing: [0],
		error: new RegExp(`^OnePageCRM refused ${registration()}: forbidden: Forbidden\\. You cannot edit this note \\(HTTP 403\\)$`),
		description: storedDescription(),
		storedBeforeFailure: true,
		check: (_result, { continueOnFail }) =>
			expect(sentSince(REGISTER).map((request) => request.status)).toEqual(continueOnFail ? [403, 201] : [403]),
	},
	{
		name: '503 on the registration (not processed: retried)',
		kind: 'fault',
		arrange: () => crm.injectFault({ method: 'POST', path: REGISTER, status: 503, headers: { 'retry-after': '0' } }),
	},
	// Server errors on the form request: asking for a form again is harmless, so it is retried.
	{ name: '500 on the upload form request', kind: 'fault', arrange: () => crm.injectFault({ method: 'GET', path: FORM, status: 500 }) },
	{ name: '502 on the upload form request', kind: 'fault', arrange: () => crm.injectFault({ method: 'GET', path: FORM, status: 502 }) },
	{ name: 'connection reset on the upload form request', kind: 'fault', arrange: () => crm.injectFault({ method: 'GET', path: FORM, reset: true }) },
	// Server errors on the registration: OnePageCRM may have created it, so it is not repeated.
	...[500, 502].map<Scenario>((status) => ({
		name: `${status} on the registration after S3 stored the file (not retried)`,
		kind: 'fault',
		arrange: () => {
			remember();
			crm.injectFault({ method: 'POST', path: REGISTER, status, body: { status, message: 'Internal server error', error_name: 'internal_error' } });
		},
		failing: [0],
		error: new RegExp(`^OnePageCRM failed while handling ${registration()}: internal_error: Internal server error \\(HTTP ${status}\\)$`),
		description: new RegExp(`${storedDescription().source}[\\s\\S]*may have completed ${registration()} anyway`),
		storedBeforeFailure: true,
		check: (_result, { continueOnFail }) =>
			expect(sentSince(REGISTER).map((request) => request.status)).toEqual(continueOnFail ? [status, 201] : [status]),
	})),
	// A reset on the registration: whether OnePageCRM made it is read from the note; not made, so it is sent again.
	{
		name: 'connection reset on the registration after S3 stored the file (settled by reading the note, then sent again)',
		kind: 'fault',
		arrange: () => {
			remember();
			crm.injectFault({ method: 'POST', path: REGISTER, reset: true });
		},
		check: () => expect(sentSince(REGISTER)).toHaveLength(3),
	},
	{
		name: 'connection reset after OnePageCRM made the registration (settled by reading the note: not sent again)',
		kind: 'fault',
		arrange: () => {
			remember();
			crm.injectFault({ method: 'POST', path: REGISTER, reset: true, afterHandling: true });
		},
		check: () => expect(sentSince(REGISTER)).toHaveLength(2),
	},
	// A server that stops answering: bounded by the Timeout option, with a clear message.
	{
		name: 'a server that stops answering the form request (every attempt)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => crm.injectFault({ method: 'GET', path: FORM, hang: true, times: 4 }),
		cleanup: () => crm.clearFaults(),
		failing: [0],
		error: /^Could not reach OnePageCRM for the upload form for contact "[^"]+": it stopped answering \(timed out\)$/,
		description: /raise "Timeout" in the node's options/,
	},
	{
		name: 'a registration answer that stops after its headers (settled by reading the note, then sent again)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => {
			remember();
			crm.injectFault({ method: 'POST', path: REGISTER, status: 200, body: STALL_AFTER_HEADERS });
		},
		check: () => expect(sentSince(REGISTER)).toHaveLength(3),
	},
	// Storage faults.
	{ name: 'S3 connection reset mid-upload', kind: 'fault', arrange: () => s3.tap.injectFault({ resetAfterBytes: 1500 }) },
	{ name: 'S3 503 SlowDown', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 503, code: 'SlowDown' }) },
	{ name: 'S3 500 InternalError', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 500, code: 'InternalError' }) },
	{
		name: 'S3 refuses the form (AccessDenied): not retried, nothing registered',
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
		name: 'a file over 10 MB (refused before anything is sent)',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 10_485_761 : 800, 'application/pdf'),
		arrange: remember,
		failing: [0],
		error: /^OnePageCRM accepts files up to 10 MB: "[^"]+" \(binary property "data", item 1\) is 10,485,761 bytes \(10 MB \+ 1 byte\)$/,
		description: /attach a link instead/,
		check: (_result, { continueOnFail }) => expect(sentSince(FORM)).toHaveLength(continueOnFail ? 1 : 0),
	},
	{
		name: 'a file larger than the account\'s storage left (refused before S3)',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 5_000 : 800, 'text/plain'),
		arrange: () => {
			crm.storageLeft = 1_000;
		},
		cleanup: () => {
			crm.storageLeft = 214_692_599_468;
		},
		failing: [0],
		error: /^The OnePageCRM account has 1000 bytes of storage left: "[^"]+" \(binary property "data", item 1\) is 4\.9 KB$/,
		description: /Free storage in OnePageCRM/,
	},
	{
		name: 'a contact id with "/", "..", "?" and "#" (sent as a query value, never a path)',
		kind: 'input',
		parameters: { contactId: 'c/../../x?y=1#z' },
		arrange: remember,
		failing: [0, 1],
		error: /^OnePageCRM refused the upload form for contact "c\/\.\.\/\.\.\/x\?y=1#z": resource_not_found: Resource not found\. Contact with id c\/\.\.\/\.\.\/x\?y=1#z was not found \(HTTP 404\)$/,
		description: /Check the id/,
		check: () => {
			for (const request of crm.requests.slice(mark)) expect(request.path).toBe('/api/v3/attachments/s3_form');
			expect(sentSince(FORM)[0].query.contact_id).toBe('c/../../x?y=1#z');
		},
	},
	{
		name: 'a note id with "/", "..", "?" and "#" (sent in the body; the file stays findable)',
		kind: 'input',
		parameters: { referenceId: 'n/../x?y=1#z' },
		arrange: remember,
		failing: [0, 1],
		error: /^OnePageCRM refused the attachment "[^"]+" on note "n\/\.\.\/x\?y=1#z": resource_not_found: Resource not found\. Note with id n\/\.\.\/x\?y=1#z was not found \(HTTP 404\)$/,
		description: /is already stored at S3 key "[^"]+" but is not registered with OnePageCRM/,
		storedBeforeFailure: true,
		check: () => {
			for (const request of crm.requests.slice(mark)) expect(request.path).toMatch(/^\/api\/v3\/attachments(\/s3_form)?$/);
			expect((sentSince(REGISTER)[0].json as { reference_id: string }).reference_id).toBe('n/../x?y=1#z');
		},
	},
	{
		name: 'an attachment id with "/", "..", "?" and "#" (URL-encoded into one path segment)',
		kind: 'input',
		parameters: { operation: 'delete', attachmentId: 'a/../../contacts?x=1#y' },
		arrange: remember,
		failing: [0, 1],
		error: /^OnePageCRM refused .*: resource_not_found: Resource not found\. Attachment with id a\/\.\.\/\.\.\/contacts\?x=1#y was not found \(HTTP 404\)$/,
		check: () => {
			for (const request of crm.requests.slice(mark)) {
				expect(request).toMatchObject({ method: 'DELETE', path: '/api/v3/attachments/a%2F..%2F..%2Fcontacts%3Fx%3D1%23y' });
			}
		},
	},
	...['..', '.'].map<Scenario>((attachmentId) => ({
		name: `an attachment id that is "${attachmentId}" (refused before anything is sent)`,
		kind: 'input',
		parameters: { operation: 'delete', attachmentId },
		arrange: remember,
		failing: [0, 1],
		error: new RegExp(`^"${attachmentId.replace(/\./g, '\\.')}" is not a valid ID for .* \\(item \\d\\)$`),
		description: /would change the request's path/,
		check: () => expect(crm.requests.slice(mark)).toEqual([]),
	})),
	{ name: 'an empty contact id', kind: 'input', parameters: { contactId: ' ' }, failing: [0, 1], error: /^"Contact ID" of item \d is empty$/ },
	{
		name: 'an HTML page instead of the upload form',
		kind: 'input',
		arrange: () =>
			crm.injectFault({ method: 'GET', path: FORM, status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>Sign in</body></html>' }),
		failing: [0],
		error: /^OnePageCRM answered the upload form request without a form$/,
		description: /Base URL/,
	},
	{
		name: 'an upload form without url and fields',
		kind: 'input',
		arrange: () => crm.injectFault({ method: 'GET', path: FORM, status: 200, body: { status: 0, message: 'OK', data: { storage_left: 100000 } } }),
		failing: [0],
		error: /^OnePageCRM answered the upload form request without a form$/,
	},
	{
		name: 'a registration answer without the attachment id (reported with the S3 key, not a silent success)',
		kind: 'input',
		arrange: () => crm.injectFault({ method: 'POST', path: REGISTER, status: 201, body: { status: 0, message: 'Created' } }),
		// The fault answers instead of the fake: nothing is registered, so item 0 is reported, not lost.
		failing: [0],
		error: /^OnePageCRM accepted the attachment "[^"]+" on note "[^"]+" but its answer has no attachment id$/,
		description: /is already stored at S3 key/,
		storedBeforeFailure: true,
	},
	{
		name: 'a plain-http S3 form while OnePageCRM is reached over https (refused)',
		kind: 'input',
		credentials: () => ({ onePageCrmApi: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: `${front.baseUrl}/api/v3` } }),
		failing: [0, 1],
		error: /^The upload form from OnePageCRM points to a plain-http URL \(http:\/\/127\.0\.0\.1:\d+\); the file was not sent$/,
	},
];

reliabilitySuite(adapter, scenarios);
