import { TraffioApi } from '../../credentials/TraffioApi.credentials';
import { Traffio } from '../../nodes/Traffio/Traffio.node';
import { FakeTraffio } from '../fakes/traffio';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import { storedObject } from '../rig/s3';
import { useS3 } from '../rig/useS3';
import { HttpsFront } from '../nodes/CloseCrm/httpsFront';
import type { NodeAdapter, Scenario } from './harness';
import { enableStallAfterHeaders, reliabilitySuite, STALL_AFTER_HEADERS } from './harness';

const s3 = useS3();
let traffio: FakeTraffio;
let front: HttpsFront;

beforeAll(async () => {
	traffio = new FakeTraffio(s3);
	await traffio.start();
	enableStallAfterHeaders(traffio);
	front = new HttpsFront(traffio.baseUrl);
	await front.start();
	s3.tap.watchSecrets(...secrets());
});

afterAll(async () => {
	await front.stop();
	await traffio.stop();
});

const secrets = () => [traffio.accessToken];
const upload = { resource: 'personFile', operation: 'upload', personId: '15', binaryPropertyName: 'data' };
const FORM = /\/v1_upload\/s3_upload_person_file$/;
const REGISTER = /\/v1_files\/person_file$/;
const SHORT_TIMEOUT = { timeout: 800 };

let mark = 0;
const remember = () => (mark = traffio.requests.length);
const sentSince = (path: RegExp) => traffio.requests.slice(mark).filter((request) => path.test(request.path));

function adapter(): NodeAdapter<number> {
	return {
		node: 'Traffio',
		s3,
		secrets,
		run: async ({ parameters, items, continueOnFail, binaryMode, credentials }) =>
			await runNode({
				nodeType: new Traffio(),
				parameters: { ...upload, options: {}, ...parameters },
				items,
				binaryMode,
				continueOnFail,
				credentialTypes: [new TraffioApi()],
				credentials: credentials ?? { traffioApi: { accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl } },
			}),
		snapshot: () => traffio.files.length,
		registrationsSince: (before) =>
			traffio.files.slice(before).map((record) => ({
				fileName: record.file_name,
				intact: async (file) => (await storedObject(s3.client, record.file_name)).sha256 === file.sha256,
			})),
		credentialTest: {
			type: new TraffioApi(),
			good: () => ({ accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl }),
			wrong: () => ({ accessToken: 'tk_wrongwrongwrong', baseUrl: traffio.apiBaseUrl }),
			wrongSecrets: ['tk_wrongwrongwrong'],
			message: /Traffio|401/,
		},
	};
}

const registrationFailed = /is already stored at S3 key "traffio\/[^"]+" but is not registered with Traffio, so nothing is lost: register it with Traffio's person file API \(POST \/v1_files\/person_file with file_name "traffio\/[^"]+"/;

const scenarios: Scenario[] = [
	{
		name: '429 with Retry-After on the upload form request',
		kind: 'fault',
		arrange: () => traffio.injectFault({ method: 'POST', path: FORM, status: 429, headers: { 'retry-after': '1' }, body: { message: 'Too Many Attempts.' } }),
	},
	{
		name: '429 with Retry-After on the registration',
		kind: 'fault',
		arrange: () => traffio.injectFault({ method: 'POST', path: REGISTER, status: 429, headers: { 'retry-after': '0' } }),
	},
	{ name: '503 on the registration (not processed: retried)', kind: 'fault', arrange: () => traffio.injectFault({ method: 'POST', path: REGISTER, status: 503 }) },
	{ name: '500 on the upload form request', kind: 'fault', arrange: () => traffio.injectFault({ method: 'POST', path: FORM, status: 500 }) },
	{ name: '502 on the upload form request', kind: 'fault', arrange: () => traffio.injectFault({ method: 'POST', path: FORM, status: 502 }) },
	{ name: 'connection reset on the upload form request', kind: 'fault', arrange: () => traffio.injectFault({ method: 'POST', path: FORM, reset: true }) },
	...[500, 502].map<Scenario>((status) => ({
		name: `${status} on the registration after S3 stored the file (not retried)`,
		kind: 'fault',
		arrange: () => {
			remember();
			traffio.injectFault({ method: 'POST', path: REGISTER, status, body: { status: 'error', message: 'Server Error' } });
		},
		failing: [0],
		error: new RegExp(`^Traffio failed while handling the file record for "[^"]+" on person "15": Server Error \\(HTTP ${status}\\)$`),
		description: new RegExp(`${registrationFailed.source}[\\s\\S]*may have completed the file record`),
		storedBeforeFailure: true,
		check: (_result, { continueOnFail }) =>
			expect(sentSince(REGISTER).map((request) => request.status)).toEqual(continueOnFail ? [status, 200] : [status]),
	})),
	{
		name: 'connection reset on the registration (not retried)',
		kind: 'fault',
		arrange: () => {
			remember();
			traffio.injectFault({ method: 'POST', path: REGISTER, reset: true });
		},
		failing: [0],
		error: /^Could not reach Traffio for the file record for "[^"]+" on person "15": the connection was reset$/,
		description: new RegExp(`${registrationFailed.source}[\\s\\S]*may have completed the file record`),
		storedBeforeFailure: true,
		check: (_result, { continueOnFail }) => expect(sentSince(REGISTER)).toHaveLength(continueOnFail ? 2 : 1),
	},
	{
		name: 'a server that stops answering the form request (every attempt)',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => traffio.injectFault({ method: 'POST', path: FORM, hang: true, times: 4 }),
		cleanup: () => traffio.clearFaults(),
		failing: [0],
		error: /^Could not reach Traffio for the upload form for "[^"]+" on person "15": it stopped answering \(timed out\)$/,
		description: /raise "Timeout" in the node's options/,
	},
	{
		name: 'a registration answer that stops after its headers',
		kind: 'fault',
		parameters: { options: SHORT_TIMEOUT },
		arrange: () => traffio.injectFault({ method: 'POST', path: REGISTER, status: 200, body: STALL_AFTER_HEADERS }),
		failing: [0],
		error: /^Could not reach Traffio for the file record for "[^"]+" on person "15": (it stopped answering \(timed out\)|its answer stopped before the end)/,
		description: /may have completed the file record/,
		storedBeforeFailure: true,
	},
	{ name: 'S3 connection reset mid-upload', kind: 'fault', arrange: () => s3.tap.injectFault({ resetAfterBytes: 1500 }) },
	{ name: 'S3 503 SlowDown', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 503, code: 'SlowDown' }) },
	{ name: 'S3 500 InternalError', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 500, code: 'InternalError' }) },
	{
		name: 'S3 refuses the form (AccessDenied): not retried',
		kind: 'fault',
		arrange: () => s3.tap.injectFault({ status: 403, code: 'AccessDenied' }),
		failing: [0],
		error: /^S3 refused the upload of "[^"]+": AccessDenied: Injected by the test tap \(HTTP 403\)$/,
	},
	{
		name: 'an item without binary data',
		kind: 'input',
		file: (index, name) => (index === 1 ? null : randomFile(name, 500, 'text/plain')),
		failing: [1],
		error: /^Item 2 has no binary property "data"$/,
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
		name: 'a file larger than the form allows (S3 EntityTooLarge)',
		kind: 'input',
		arrange: () => s3.tap.injectFault({ status: 400, code: 'EntityTooLarge' }),
		failing: [0],
		error: /EntityTooLarge/,
	},
	{
		name: 'a person id with "/", "..", "?" and "#" (sent in the body, never a path)',
		kind: 'input',
		parameters: { personId: '../15/?x=1#y' },
		arrange: remember,
		failing: [0, 1],
		error: /^Traffio refused the upload form for "[^"]+" on person "\.\.\/15\/\?x=1#y": Person \.\.\/15\/\?x=1#y not found \(HTTP 404\)$/,
		check: () => {
			for (const request of traffio.requests.slice(mark)) expect(request.path).toMatch(FORM);
			expect((sentSince(FORM)[0].json as { person_id: string }).person_id).toBe('../15/?x=1#y');
		},
	},
	{ name: 'an empty person id', kind: 'input', parameters: { personId: '={{ $json.personId ?? "" }}' }, failing: [0, 1], error: /^"Person ID" of item \d is empty$/ },
	{
		name: 'an HTML page instead of the upload form',
		kind: 'input',
		arrange: () =>
			traffio.injectFault({ method: 'POST', path: FORM, status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Login</body></html>' }),
		failing: [0],
		error: /^Traffio's answer to the upload form request for "[^"]+" has no upload form$/,
		description: /Base URL/,
	},
	{
		name: 'an upload form without action and inputs',
		kind: 'input',
		arrange: () => traffio.injectFault({ method: 'POST', path: FORM, status: 200, body: { status: 'success', data: {} } }),
		failing: [0],
		error: /has no upload form$/,
	},
	{
		name: 'a plain-http S3 form while Traffio is reached over https (refused)',
		kind: 'input',
		credentials: () => ({ traffioApi: { accessToken: traffio.accessToken, baseUrl: `${front.baseUrl}/api_third_party` } }),
		failing: [0, 1],
		error: /^The upload form from Traffio points to a plain-http URL \(http:\/\/127\.0\.0\.1:\d+\); the file was not sent$/,
	},
];

reliabilitySuite(adapter, scenarios);
