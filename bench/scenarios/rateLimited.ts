/**
 * Scenario 4 (issue 15): 300 files of 64 KB through Close (file upload), Zoho CRM and OnePageCRM
 * against fakes that enforce a limit (Close 20 requests/s per key, Zoho 5 concurrent calls, OnePageCRM
 * 10 requests/s), 25 ms added to every request, our node at its default settings (typeVersion 2,
 * automatic concurrency) beside the HTTP Request chain a user builds (all items at once, and the same
 * with Retry On Fail). Refusals, lost files and duplicates are counted from the fakes' and S3's
 * records, never from the node's output.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomUUID } from 'crypto';

import { FakeClose } from '../../test/fakes/close';
import { OnePageCrmFake } from '../../test/fakes/onePageCrm';
import type { RecordedRequest } from '../../test/fakes/fakeServer';
import { FakeZoho, ZOHO_API_PATH } from '../../test/fakes/zoho';
import { TEST_BUCKET } from '../../test/rig/s3';
import { S3Tap } from '../../test/rig/s3Tap';
import type { S3Rig } from '../../test/rig/useS3';
import type { BenchContext } from '../context';
import { CREDENTIALS, NODES, runTimeout } from '../context';
import type { Measurement, RowPlan } from '../measure';
import { measureRows } from '../measure';
import { HTTP_REQUEST_VERSION, httpJson, httpMultipart, MERGE_VERSION } from '../n8nNodes';
import type { InputSpec, NodeSpec, ProbeRequest } from '../probe';
import { rigWithFormsAt, runProbe } from '../rig';
import type { Table } from '../table';
import { median, megabytes, seconds, spread, verdict } from '../table';
import type { NodeSettings } from '../workflow';

const FILES = 300;
const FILE_BYTES = 64 * 1024;
const LATENCY_MS = 25;
/** The limits of issue 15. */
const CLOSE_RATE = 20;
const ONEPAGE_RATE = 10;
const ZOHO_CONCURRENT_CALLS = 5;
/** Targets for our node at default settings. */
const WALL_TARGET = 1.15;
const REFUSED_TARGET = 0.02;
const LEAD_ZOHO = '4150868000000224005';
const MIME = 'application/octet-stream';
/** The reference row (`--rows=REFERENCE` runs it alone). */
const ZOHO_FLOOR_LABEL = 'REFERENCE, not a target: Zoho CRM node, Concurrency 5, fake without limit (the setup\'s floor)';
/** n8n's Retry On Fail as a user switches it on: the editor's defaults (3 tries, 1000 ms apart). */
const RETRY_ON_FAIL: NodeSettings = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 };
/** The signed fields of Close's form ([files] in test/fakes/close.ts), mapped one by one in the chain. */
const CLOSE_FORM_FIELDS = ['AWSAccessKeyId', 'Content-Disposition', 'Content-Type', 'key', 'policy', 'signature', 'success_action_status'];
/** The signed fields of OnePageCRM's form (as in scenario 2). */
const ONEPAGE_FORM_FIELDS = ['acl', 'success_action_status', 'policy', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date', 'x-amz-signature'];

/** A run's workflow and credentials; the input and binary mode are the scenario's. */
type Workflow = Omit<ProbeRequest, 'input' | 'label' | 'binaryMode'>;

/** What one run did, from the services' records. */
interface Counts {
	/** Requests the limited API received (the warm-up's included), and how many it refused. */
	requests: number;
	refused: number;
	/** Items the workflow did not bring to a successful end (all of them when it stopped). */
	failed: number;
	stoppedAt?: string;
	/** Input files the service does not hold; extra copies it holds. */
	lost: number;
	duplicates: number;
}

interface Crm {
	name: string;
	/** The limit's ideal time and how it is computed. */
	idealMs: number;
	idealText: string;
	/** Requests that count against the limit, per file. */
	limitedRequestsPerFile: number;
	ours: () => Workflow;
	chain: (settings?: NodeSettings) => Workflow | undefined;
	/** Before a run: forget what earlier runs left in the fakes' logs. */
	reset(): void;
	/** After a run: what the service received and holds for the files named `prefix-*`. */
	count(prefix: string): Promise<Omit<Counts, 'failed' | 'stoppedAt'>>;
}

/** Lost and duplicated files from the names the service holds (each file name is unique in a run). */
function lostAndDuplicates(heldNames: string[], prefix: string): { lost: number; duplicates: number } {
	const copies = new Map<string, number>();
	for (const name of heldNames) if (name.startsWith(`${prefix}-`)) copies.set(name, (copies.get(name) ?? 0) + 1);
	let duplicates = 0;
	for (const count of copies.values()) duplicates += count - 1;
	return { lost: FILES - copies.size, duplicates };
}

function refusals(requests: RecordedRequest[], status: number, isLimited: (request: RecordedRequest) => boolean) {
	const limited = requests.filter(isLimited);
	return { requests: limited.length, refused: limited.filter((request) => request.status === status).length };
}

async function s3KeysUnder(rig: S3Rig, prefix: string): Promise<string[]> {
	const keys: string[] = [];
	let token: string | undefined;
	// At most 100 pages of 1000 keys: the bench stores a few thousand objects at most.
	for (let page = 0; page < 100; page++) {
		const answer = await rig.client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: prefix, ContinuationToken: token }));
		keys.push(...(answer.Contents ?? []).map((object) => object.Key ?? ''));
		if (!answer.IsTruncated) break;
		token = answer.NextContinuationToken;
	}
	return keys;
}

export async function rateLimitedScenario(context: BenchContext): Promise<Table> {
	const nodesBase = context.nodesBase;
	const http = nodesBase ? { ...nodesBase.httpRequest, typeVersion: HTTP_REQUEST_VERSION } : undefined;
	const merge = nodesBase ? { ...nodesBase.merge, typeVersion: MERGE_VERSION } : undefined;
	const shared = nodesBase ? { shareModulesWith: [nodesBase.root], credentialModules: [nodesBase.httpBasicAuth] } : {};
	const withSettings = (nodes: NodeSpec[], settings?: NodeSettings) =>
		nodes.map((node) => (settings && node.typeName === nodesBase?.httpRequest.typeName ? { ...node, settings } : node));

	// S3 behind a pass-through that waits 25 ms per request, like a WAN (the tap keeps no limit).
	const proxy = new S3Tap(context.s3Origin);
	proxy.latencyMs = LATENCY_MS;
	await proxy.start();
	const s3 = rigWithFormsAt(context.rig, proxy.baseUrl);

	const close = new FakeClose({ ...s3, tap: proxy });
	const zoho = new FakeZoho();
	// The reference row's Zoho: the same fake and latency without the concurrency limit.
	const zohoUnlimited = new FakeZoho();
	const onePage = new OnePageCrmFake(s3);
	await close.start();
	await zoho.start();
	await zohoUnlimited.start();
	await onePage.start();
	close.rateLimit = { limit: CLOSE_RATE, windowMs: 1000 };
	close.latencyMs = LATENCY_MS;
	zoho.api.limitConcurrency(ZOHO_CONCURRENT_CALLS);
	zoho.api.latencyMs = LATENCY_MS;
	zohoUnlimited.api.latencyMs = LATENCY_MS;
	onePage.limitRate(ONEPAGE_RATE, 1000);
	onePage.latencyMs = LATENCY_MS;
	const contactId = onePage.seedContact();
	const noteId = onePage.seedRecord('note', contactId);
	const zohoUrl = `${zoho.api.baseUrl}${ZOHO_API_PATH}/Leads/${LEAD_ZOHO}/Attachments`;
	/** Our Zoho node's upload against `fake`, with these options (none: default settings). */
	const zohoNode = (fake: FakeZoho, options: Record<string, number>): Workflow => {
		const parameters = { resource: 'attachment', operation: 'upload', module: 'Leads', recordId: LEAD_ZOHO, binaryPropertyName: 'data', options };
		const credentials = { zohoCrmOAuth2Api: fake.credentials() as Record<string, never> };
		return { credentialModules: [CREDENTIALS.zoho], credentials, nodes: [{ name: 'Zoho CRM', ...NODES.zoho, credentials: ['zohoCrmOAuth2Api'], parameters }] };
	};
	const zohoCount = (fake: FakeZoho, prefix: string) => {
		const counts = {
			...refusals(fake.api.requests, 429, (request) => request.rawPath.startsWith(`${ZOHO_API_PATH}/`)),
			...lostAndDuplicates(fake.api.attachments.map((attachment) => attachment.fileName), prefix),
		};
		// The fake keeps every body: let go of them once counted.
		fake.api.attachments.length = 0;
		return counts;
	};
	const zohoIdealMs = (FILES / ZOHO_CONCURRENT_CALLS) * LATENCY_MS;

	const crms: Crm[] = [
		{
			name: 'Close',
			idealMs: (FILES / CLOSE_RATE) * 1000,
			idealText: `Close: ${FILES} form requests (POST /files/upload/; the S3 POST is not counted by Close) ÷ ${CLOSE_RATE}/s = ${FILES / CLOSE_RATE} s`,
			limitedRequestsPerFile: 1,
			ours: () => ({
				credentialModules: [CREDENTIALS.close],
				credentials: { closeCrmApi: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl } },
				nodes: [
					{
						name: 'Close',
						...NODES.close,
						credentials: ['closeCrmApi'],
						parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'data', options: {} },
					},
				],
			}),
			chain: (settings) =>
				http && merge && {
					...shared,
					credentials: { httpBasicAuth: { user: close.apiKey, password: '' } },
					nodes: withSettings(
						[
							{
								name: 'Request form',
								...http,
								credentials: ['httpBasicAuth'],
								parameters: httpJson('POST', `${close.apiBaseUrl}/files/upload/`, {
									basicAuth: true,
									jsonBody: '={{ JSON.stringify({ filename: $binary.data.fileName, content_type: $binary.data.mimeType }) }}',
								}),
							},
							{
								name: 'Merge',
								...merge,
								from: ['Request form', 'Files'],
								parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} },
							},
							{
								name: 'POST to S3',
								...http,
								parameters: httpMultipart(
									'={{ $json.upload.url }}',
									CLOSE_FORM_FIELDS.map((name) => ({ name, value: `={{ $json.upload.fields["${name}"] }}` })),
								),
							},
						],
						settings,
					),
				},
			reset: () => {
				close.requests.length = 0;
			},
			count: async (prefix) => {
				const keys = await s3KeysUnder(s3, `${close.keyPrefix}/`);
				return {
					...refusals(close.requests, 429, (request) => request.rawPath.startsWith('/api/v1/')),
					// S3's record: every object under the fake's prefix, by file name (the key's last segment).
					...lostAndDuplicates(keys.map((key) => key.split('/').pop() ?? ''), prefix),
				};
			},
		},
		{
			name: 'Zoho CRM',
			idealMs: zohoIdealMs,
			idealText: `Zoho CRM: ${FILES} upload calls, ${ZOHO_CONCURRENT_CALLS} at a time, each answered after ${LATENCY_MS} ms: ${FILES} ÷ ${ZOHO_CONCURRENT_CALLS} × ${LATENCY_MS} ms = ${((FILES / ZOHO_CONCURRENT_CALLS) * LATENCY_MS) / 1000} s (the concurrency-bound time; the client's own work is not in it)`,
			limitedRequestsPerFile: 1,
			ours: () => zohoNode(zoho, {}),
			chain: (settings) =>
				http && {
					shareModulesWith: shared.shareModulesWith,
					nodes: withSettings(
						[
							{
								name: 'POST to Zoho',
								...http,
								parameters: httpMultipart(zohoUrl, [], {
									headers: [{ name: 'Authorization', value: `Zoho-oauthtoken ${zoho.accounts.issueAccessToken()}` }],
								}),
							},
						],
						settings,
					),
				},
			reset: () => {
				zoho.api.requests.length = 0;
			},
			count: async (prefix) => zohoCount(zoho, prefix),
		},
		{
			name: 'OnePageCRM',
			idealMs: ((2 * FILES) / ONEPAGE_RATE) * 1000,
			idealText: `OnePageCRM: ${2 * FILES} API requests (form and registration per file; the file host is not counted) ÷ ${ONEPAGE_RATE}/s = ${(2 * FILES) / ONEPAGE_RATE} s`,
			limitedRequestsPerFile: 2,
			ours: () => ({
				credentialModules: [CREDENTIALS.onePageCrm],
				credentials: { onePageCrmApi: { userId: onePage.userId, apiKey: onePage.apiKey, baseUrl: onePage.apiBaseUrl } },
				nodes: [
					{
						name: 'OnePageCRM',
						...NODES.onePageCrm,
						credentials: ['onePageCrmApi'],
						parameters: {
							resource: 'attachment',
							operation: 'upload',
							contactId,
							referenceType: 'note',
							referenceId: noteId,
							binaryPropertyName: 'data',
							options: {},
						},
					},
				],
			}),
			chain: (settings) => {
				if (!http || !merge) return undefined;
				const key = `${contactId}/{{ $execution.id }}/{{ $('Merge').item.binary.data.fileName }}`;
				return {
					...shared,
					credentials: { httpBasicAuth: { user: onePage.userId, password: onePage.apiKey } },
					nodes: withSettings(
						[
							{
								name: 'Request form',
								...http,
								credentials: ['httpBasicAuth'],
								parameters: httpJson('GET', `${onePage.apiBaseUrl}/attachments/s3_form`, {
									basicAuth: true,
									query: [{ name: 'contact_id', value: contactId }],
								}),
							},
							{
								name: 'Merge',
								...merge,
								from: ['Request form', 'Files'],
								parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} },
							},
							{
								name: 'POST to S3',
								...http,
								parameters: httpMultipart('={{ $json.data.url }}', [
									...ONEPAGE_FORM_FIELDS.map((name) => ({ name, value: `={{ $json.data.fields["${name}"] }}` })),
									{ name: 'key', value: `=${key}` },
									{ name: 'filename', value: '={{ $binary.data.fileName }}' },
								]),
							},
							{
								name: 'Register',
								...http,
								credentials: ['httpBasicAuth'],
								parameters: httpJson('POST', `${onePage.apiBaseUrl}/attachments`, {
									basicAuth: true,
									jsonBody:
										`={{ JSON.stringify({ reference_type: "note", reference_id: "${noteId}", contact_id: "${contactId}", ` +
										`name: $('Merge').item.binary.data.fileName, ` +
										`key: "${contactId}/" + $execution.id + "/" + $('Merge').item.binary.data.fileName, ` +
										`size: $('Merge').item.binary.data.bytes }) }}`,
								}),
							},
						],
						settings,
					),
				};
			},
			reset: () => {
				onePage.requests.length = 0;
			},
			count: async (prefix) => ({
				...refusals(onePage.requests, 403, (request) => request.rawPath.startsWith(new URL(onePage.apiBaseUrl).pathname)),
				...lostAndDuplicates(onePage.registrations.map((registration) => String(registration.name)), prefix),
			}),
		},
	];

	const timeout = () => runTimeout(context, 300_000);
	const counted = new Map<string, Counts[]>();
	const row = (crm: Crm, label: string, workflow: Workflow): RowPlan => ({
		label,
		run: async () => {
			// A fresh name per run: object keys and registrations never repeat across runs.
			const prefix = `rl-${randomUUID().slice(0, 8)}`;
			const input: InputSpec = { kind: 'random', count: FILES, size: FILE_BYTES, fileNamePrefix: prefix, extension: 'bin', mimeType: MIME };
			crm.reset();
			const outcome = await runProbe({ ...workflow, label, binaryMode: 'filesystem', input }, timeout());
			if (!outcome.result) throw new Error(outcome.failure ?? 'the probe gave no result');
			const result = outcome.result;
			const counts: Counts = {
				...(await crm.count(prefix)),
				// A workflow that stopped gives no output at all: n8n does not say which items went through.
				failed: result.error ? FILES : result.itemsWithError + (result.itemsIn - result.itemsOut),
				stoppedAt: result.error ? `${result.errorNode ?? '?'}: ${result.error.slice(0, 120)}` : undefined,
			};
			counted.set(label, [...(counted.get(label) ?? []), counts]);
			context.log(
				`    refused ${counts.refused} of ${counts.requests}, failed ${counts.failed}, lost ${counts.lost}, duplicates ${counts.duplicates}${counts.stoppedAt ? `, stopped at ${counts.stoppedAt}` : ''}`,
			);
			const measurement: Measurement = { wallMs: result.wallMs, growthBytes: result.growthBytes, cpu: { n8n: result.cpuSeconds, fakes: 0, s3: 0 } };
			return measurement;
		},
	});

	/**
	 * A reference, not a target: our Zoho node at a fixed Concurrency of the limit (5) against the same
	 * fake and latency with no limit, what this client can do on this machine beside the ideal's 1.5 s.
	 */
	const zohoFloor: Crm = {
		name: 'Zoho CRM',
		idealMs: zohoIdealMs,
		idealText: '',
		limitedRequestsPerFile: 1,
		ours: () => zohoNode(zohoUnlimited, { concurrency: ZOHO_CONCURRENT_CALLS }),
		chain: () => undefined,
		reset: () => {
			zohoUnlimited.api.requests.length = 0;
		},
		count: async (prefix) => zohoCount(zohoUnlimited, prefix),
	};
	const rows: RowPlan[] = [];
	const crmOf = new Map<string, Crm>();
	for (const crm of crms) {
		const plans: Array<[string, Workflow | undefined]> = [
			[`${crm.name} node, default settings`, crm.ours()],
			[`${crm.name}: HTTP Request chain, all at once`, crm.chain()],
			[`${crm.name}: HTTP Request chain, Retry On Fail`, crm.chain(RETRY_ON_FAIL)],
		];
		if (crm.name === zohoFloor.name) {
			rows.push(row(zohoFloor, ZOHO_FLOOR_LABEL, zohoFloor.ours()));
			crmOf.set(ZOHO_FLOOR_LABEL, zohoFloor);
		}
		for (const [label, workflow] of plans) {
			if (!workflow) continue;
			rows.push(row(crm, label, workflow));
			crmOf.set(label, crm);
		}
	}

	context.log(`Scenario 4: ${FILES} files of ${FILE_BYTES / 1024} KB at the CRMs' limits, ${LATENCY_MS} ms per request, ${context.repeats} runs per row`);
	let outcomes;
	try {
		outcomes = await measureRows(context, rows);
	} finally {
		await close.stop();
		await zoho.stop();
		await zohoUnlimited.stop();
		await onePage.stop();
		await proxy.stop();
	}

	const worst = (runs: Counts[], get: (counts: Counts) => number) => Math.max(...runs.map(get));
	return {
		title: `Scenario 4 (issue 15): ${FILES} files of 64 KB at the CRM's limit, ${LATENCY_MS} ms added per request`,
		columns: [
			'Row',
			'Wall (median, min–max)',
			'× ideal (median)',
			'Requests refused (worst run)',
			'Items failed',
			'Files lost',
			'Duplicates',
			'n8n peak RSS growth (max)',
			`Targets (≤ ${WALL_TARGET}× ideal, ≤ ${REFUSED_TARGET * 100}% refused, 0 failed/lost/duplicates)`,
		],
		rows: outcomes.map((outcome) => {
			const crm = crmOf.get(outcome.label)!;
			const runs = counted.get(outcome.label) ?? [];
			const isOurs = outcome.label.endsWith('default settings');
			if (outcome.runs.length === 0) {
				return [outcome.label, `FAILED: ${outcome.failure ?? ''}`, '—', '—', '—', '—', '—', '—', isOurs ? 'MISSED' : '—'];
			}
			const walls = outcome.runs.map((run) => run.wallMs);
			const ratio = median(walls) / crm.idealMs;
			const shares = runs.map((counts) => (counts.requests ? counts.refused / counts.requests : 0));
			const worstRun = runs[shares.indexOf(Math.max(...shares))];
			const failed = worst(runs, (counts) => counts.failed);
			const lost = worst(runs, (counts) => counts.lost);
			const duplicates = worst(runs, (counts) => counts.duplicates);
			const stopped = runs.find((counts) => counts.stoppedAt)?.stoppedAt;
			const met =
				ratio <= WALL_TARGET && Math.max(...shares) <= REFUSED_TARGET && failed === 0 && lost === 0 && duplicates === 0;
			const range = (get: (counts: Counts) => number) => {
				const values = runs.map(get);
				const low = Math.min(...values);
				const high = Math.max(...values);
				return low === high ? String(high) : `${low}–${high}`;
			};
			return [
				outcome.label + (outcome.failure ? ` (a later run failed: ${outcome.failure})` : ''),
				spread(walls, seconds),
				// A workflow that stopped did not do the job: its time is no multiple of the ideal.
				stopped ? `— (stopped after ${ratio.toFixed(2)}×)` : `${ratio.toFixed(2)}×`,
				`${worstRun.refused} of ${worstRun.requests} (${((worstRun.refused / worstRun.requests) * 100).toFixed(1)}%)`,
				range((counts) => counts.failed) + (stopped ? ` (stopped at ${stopped.split(':')[0]})` : ''),
				range((counts) => counts.lost),
				range((counts) => counts.duplicates),
				megabytes(Math.max(...outcome.runs.map((run) => run.growthBytes ?? 0))),
				isOurs ? verdict(met) : '—',
			];
		}),
		notes: [
			`${FILES} items, each with its own ${FILE_BYTES}-byte random file in n8n's filesystem binary store. Every request to a CRM fake and every S3 request (through a pass-through proxy) waits ${LATENCY_MS} ms before it is answered or forwarded.`,
			`Limits (opt-in in the fakes): Close ${CLOSE_RATE} requests per 1 s window per key and endpoint group, 429 with its RateLimit header (FakeClose.rateLimit); Zoho CRM ${ZOHO_CONCURRENT_CALLS} calls of the org in flight, beyond that 429 TOO_MANY_REQUESTS without a wait hint (FakeZohoApi.limitConcurrency); OnePageCRM ${ONEPAGE_RATE} API requests per 1 s window per user, beyond that 403 with a plain-text body (OnePageCrmFake.limitRate). S3 keeps no limit.`,
			`Ideal time (× ideal divides the median wall by it): ${crms.map((crm) => crm.idealText).join('; ')}.`,
			`The REFERENCE row is no target: our Zoho CRM node at a fixed Concurrency of ${ZOHO_CONCURRENT_CALLS} against the same fake and latency without the limit (nothing refused), so the reader sees how far the ideal ${zohoIdealMs / 1000} s is from what this client does on this machine (its × ideal is against that same ideal).`,
			'Requests refused: answers of the limited API with its refusal status, out of all requests that API received during the run (the probe\'s one-file warm-up included), from the fake\'s own log; the worst run is shown. Files lost: input files the service does not hold at the end; duplicates: extra copies it holds. Close: the objects in S3 under the fake\'s key prefix, by file name; Zoho CRM: the fake\'s attachments; OnePageCRM: the registrations the fake accepted (each checked against the object in S3).',
			'Items failed: items the workflow did not bring to a successful end. A workflow that stops on an error gives no output, and n8n does not say which items went through: all 300 count as failed (where it stopped is given), while lost and duplicates say what really happened.',
			`Our node: typeVersion 2 at default settings (automatic concurrency). The HTTP Request chains are built as in scenario 2 (n8n-nodes-base's HTTP Request v${HTTP_REQUEST_VERSION}, Merge v${MERGE_VERSION}, default options; every item sent at once): Close: POST /files/upload/ (Basic Auth credential, JSON body by expression), Merge by position with the files, multipart POST to S3 with every signed field mapped by name; Zoho CRM: one multipart POST with the token in a header; OnePageCRM: form, Merge, S3, registration as in scenario 2. "Retry On Fail": the node setting on every HTTP Request node at the editor's defaults (${RETRY_ON_FAIL.maxTries} tries, ${RETRY_ON_FAIL.waitBetweenTries} ms apart); n8n then runs the whole node again, all items.`,
			'n8n peak RSS growth: as in scenario 1, in the process that runs n8n\'s engine.',
		],
	};
}
