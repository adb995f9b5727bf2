/**
 * Scenario 2: 500 files of 64 KB through OnePageCRM's upload (form request, S3 POST, registration:
 * three requests per file), with 25 ms added to every request (the fake API's `latencyMs`, and a
 * latency proxy in front of radosgw), at concurrency 1 and 8, against the same job built from n8n's
 * HTTP Request nodes.
 */
import { randomUUID } from 'crypto';

import { OnePageCrmFake } from '../../test/fakes/onePageCrm';
import type { BenchContext } from '../context';
import { CREDENTIALS, NODES, runTimeout } from '../context';
import type { RowPlan } from '../measure';
import { measureRows, probe } from '../measure';
import { HTTP_REQUEST_VERSION, httpJson, httpMultipart, MERGE_VERSION } from '../n8nNodes';
import type { InputSpec } from '../probe';
import { S3Tap } from '../../test/rig/s3Tap';
import { rigWithFormsAt } from '../rig';
import type { Table } from '../table';
import { CPU_COLUMN, CPU_NOTE, cpuCell, median, megabytes, seconds, spread, verdict } from '../table';

const FILES = 500;
const FILE_BYTES = 64 * 1024;
const LATENCY_MS = 25;
const TARGET = 6;
/** The signed fields of OnePageCRM's form, which a user maps one by one in the HTTP Request node. */
const FORM_FIELDS = ['acl', 'success_action_status', 'policy', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date', 'x-amz-signature'];

export async function manyFilesScenario(context: BenchContext): Promise<Table> {
	// The rig's S3 pass-through, delaying every request like a WAN would.
	const proxy = new S3Tap(context.s3Origin);
	proxy.latencyMs = LATENCY_MS;
	await proxy.start();
	const crm = new OnePageCrmFake(rigWithFormsAt(context.rig, proxy.baseUrl));
	await crm.start();
	crm.latencyMs = LATENCY_MS;
	const contactId = crm.seedContact();
	const noteId = crm.seedRecord('note', contactId);
	const timeout = () => runTimeout(context, 240_000);
	const input = (): InputSpec => ({
		kind: 'random',
		count: FILES,
		size: FILE_BYTES,
		// A fresh name per run: object keys never repeat across runs.
		fileNamePrefix: `file-${randomUUID().slice(0, 8)}`,
		extension: 'bin',
		mimeType: 'application/octet-stream',
	});
	const credentials = { onePageCrmApi: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl } };

	/** The fake HEADs every object in S3 before it accepts a registration: count what it accepted. */
	const expectRegistered = (before: number) => {
		// +1: the probe's warm-up run uploads one small file first.
		const registered = crm.registrations.length - before;
		if (registered !== FILES + 1) throw new Error(`OnePageCRM registered ${registered - 1} of ${FILES} files`);
		crm.requests.length = 0;
	};
	const ours = (concurrency: number): RowPlan => ({
		label: `OnePageCRM node, concurrency ${concurrency}`,
		run: async () => {
			const before = crm.registrations.length;
			const result = await probe(
				{
					label: `onepage-${concurrency}`,
					binaryMode: 'filesystem',
					input: input(),
					credentialModules: [CREDENTIALS.onePageCrm],
					credentials,
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
								options: { concurrency },
							},
						},
					],
				},
				timeout(),
			);
			expectRegistered(before);
			return { wallMs: result.wallMs, growthBytes: result.growthBytes, cpu: { n8n: result.cpuSeconds, fakes: 0, s3: 0 } };
		},
	});

	// Concurrency 1 waits 3 × 25 ms per file, one file after the other (about a minute): one run.
	const rows: RowPlan[] = [{ ...ours(1), repeats: 1 }, ours(8)];
	const nodesBase = context.nodesBase;
	if (nodesBase) {
		const http = { ...nodesBase.httpRequest, typeVersion: HTTP_REQUEST_VERSION };
		const key = `${contactId}/{{ $execution.id }}/{{ $('Merge').item.binary.data.fileName }}`;
		rows.push({
			label: 'HTTP Request chain (form, Merge, S3, register)',
			run: async () => {
				const before = crm.registrations.length;
				const result = await probe(
					{
						label: 'chain-onepage',
						binaryMode: 'filesystem',
						shareModulesWith: [nodesBase.root],
						input: input(),
						credentialModules: [nodesBase.httpBasicAuth],
						credentials: { httpBasicAuth: { user: crm.userId, password: crm.apiKey } },
						nodes: [
							{
								name: 'Request form',
								...http,
								credentials: ['httpBasicAuth'],
								parameters: httpJson('GET', `${crm.apiBaseUrl}/attachments/s3_form`, {
									basicAuth: true,
									query: [{ name: 'contact_id', value: contactId }],
								}),
							},
							{
								name: 'Merge',
								...nodesBase.merge,
								typeVersion: MERGE_VERSION,
								from: ['Request form', 'Files'],
								parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} },
							},
							{
								name: 'POST to S3',
								...http,
								parameters: httpMultipart('={{ $json.data.url }}', [
									...FORM_FIELDS.map((name) => ({ name, value: `={{ $json.data.fields["${name}"] }}` })),
									{ name: 'key', value: `=${key}` },
									{ name: 'filename', value: '={{ $binary.data.fileName }}' },
								]),
							},
							{
								name: 'Register',
								...http,
								credentials: ['httpBasicAuth'],
								parameters: httpJson('POST', `${crm.apiBaseUrl}/attachments`, {
									basicAuth: true,
									jsonBody:
										`={{ JSON.stringify({ reference_type: "note", reference_id: "${noteId}", contact_id: "${contactId}", ` +
										`name: $('Merge').item.binary.data.fileName, ` +
										`key: "${contactId}/" + $execution.id + "/" + $('Merge').item.binary.data.fileName, ` +
										`size: $('Merge').item.binary.data.bytes }) }}`,
								}),
							},
						],
					},
					timeout(),
				);
				expectRegistered(before);
				return { wallMs: result.wallMs, growthBytes: result.growthBytes, cpu: { n8n: result.cpuSeconds, fakes: 0, s3: 0 } };
			},
		});
	}

	context.log(`Scenario 2: ${FILES} files of ${FILE_BYTES / 1024} KB, ${LATENCY_MS} ms per request, ${context.repeats} runs per row`);
	let outcomes;
	try {
		outcomes = await measureRows(context, rows);
	} finally {
		await crm.stop();
		await proxy.stop();
	}

	const rate = (wallMs: number) => FILES / (wallMs / 1000);
	const chain = outcomes.find((outcome) => outcome.label.startsWith('HTTP Request'));
	const chainRate = chain?.runs.length ? rate(median(chain.runs.map((run) => run.wallMs))) : undefined;
	return {
		title: `Scenario 2: ${FILES} files of 64 KB through OnePageCRM's upload, ${LATENCY_MS} ms added per request`,
		columns: ['Row', 'Items/s (median)', 'Wall (median, min–max)', '× HTTP Request chain', 'n8n peak RSS growth (max)', CPU_COLUMN, '≥ 6× chain at concurrency 8'],
		rows: outcomes.map((outcome) => {
			const isTarget = outcome.label.endsWith('concurrency 8');
			if (outcome.runs.length === 0) return [outcome.label, `FAILED: ${outcome.failure ?? ''}`, '—', '—', '—', '—', isTarget ? 'MISSED' : '—'];
			const walls = outcome.runs.map((run) => run.wallMs);
			const itemsPerSecond = rate(median(walls));
			const ratio = chainRate ? itemsPerSecond / chainRate : undefined;
			return [
				outcome.label + (outcome.failure ? ` (a later run failed: ${outcome.failure})` : ''),
				itemsPerSecond.toFixed(1),
				spread(walls, seconds),
				ratio ? `${ratio.toFixed(2)}×` : '—',
				megabytes(Math.max(...outcome.runs.map((run) => run.growthBytes ?? 0))),
				cpuCell(outcome.runs),
				isTarget && ratio ? verdict(ratio >= TARGET) : '—',
			];
		}),
		notes: [
			`${FILES} items, each with its own ${FILE_BYTES}-byte random file in n8n's filesystem binary store; every file goes through OnePageCRM's three steps: GET /attachments/s3_form, the S3 POST, POST /attachments. The fake checks each object in S3 before it accepts the registration; every run must register all ${FILES}.`,
			`Latency: the OnePageCRM fake waits ${LATENCY_MS} ms before answering each request (FakeServer.latencyMs); S3 requests go through a pass-through proxy that waits ${LATENCY_MS} ms before forwarding to radosgw. So a file costs at least ${3 * LATENCY_MS} ms of waiting when its steps run one after the other.`,
			'The HTTP Request chain is what a user builds without our node: HTTP Request (GET the form, Basic Auth credential) → Merge (combine by position with the files) → HTTP Request (multipart POST, every signed field mapped by name, key and filename by expression, the binary as `file`) → HTTP Request (POST /attachments, JSON body by expression with the key and size). n8n\'s HTTP Request node sends all of a node\'s items at once unless its Batching option is set; it is left at its default here.',
			CPU_NOTE,
			'Items/s: 500 divided by the wall time of the workflow run (after the 500 files are in the binary store and a one-file warm-up run).',
		],
	};
}
