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
import { HTTP_REQUEST_VERSION, httpJson, httpMultipart, LOOP_OVER_ITEMS_VERSION, MERGE_VERSION } from '../n8nNodes';
import type { InputSpec, NodeSpec } from '../probe';
import type { NodeOutput } from '../workflow';
import { S3Tap } from '../../test/rig/s3Tap';
import { rigWithFormsAt } from '../rig';
import type { Table } from '../table';
import { CPU_COLUMN, CPU_NOTE, cpuCell, median, megabytes, seconds, spread } from '../table';

const FILES = 500;
const FILE_BYTES = 64 * 1024;
const LATENCY_MS = 25;
/** The signed fields of OnePageCRM's form, which a user maps one by one in the HTTP Request node. */
const ALL_AT_ONCE_CHAIN = 'HTTP Request chain (form, Merge, S3, register)';
const ONE_AT_A_TIME_CHAIN = 'Same chain in Loop Over Items, one file at a time';
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
	// 32: the option's maximum, to show where more files in flight lead on this machine.
	const rows: RowPlan[] = [{ ...ours(1), repeats: 1 }, ours(8), ours(32)];
	const nodesBase = context.nodesBase;
	if (nodesBase) {
		const http = { ...nodesBase.httpRequest, typeVersion: HTTP_REQUEST_VERSION };
		const key = `${contactId}/{{ $execution.id }}/{{ $('Merge').item.binary.data.fileName }}`;
		/** The three requests per file, built from n8n's nodes; `files` is where the file items come from. */
		const chain = (files: string | NodeOutput): NodeSpec[] => [
			{
				name: 'Request form',
				...http,
				credentials: ['httpBasicAuth'],
				from: [files],
				parameters: httpJson('GET', `${crm.apiBaseUrl}/attachments/s3_form`, {
					basicAuth: true,
					query: [{ name: 'contact_id', value: contactId }],
				}),
			},
			{
				name: 'Merge',
				...nodesBase.merge,
				typeVersion: MERGE_VERSION,
				from: ['Request form', files],
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
		];
		const chainRow = (label: string, probeLabel: string, nodes: NodeSpec[]): RowPlan => ({
			label,
			run: async () => {
				const before = crm.registrations.length;
				const result = await probe(
					{
						label: probeLabel,
						binaryMode: 'filesystem',
						shareModulesWith: [nodesBase.root],
						input: input(),
						credentialModules: [nodesBase.httpBasicAuth],
						credentials: { httpBasicAuth: { user: crm.userId, password: crm.apiKey } },
						nodes,
					},
					timeout(),
				);
				expectRegistered(before);
				return { wallMs: result.wallMs, growthBytes: result.growthBytes, cpu: { n8n: result.cpuSeconds, fakes: 0, s3: 0 } };
			},
		});
		rows.push(chainRow(ALL_AT_ONCE_CHAIN, 'chain-onepage', chain('Files')));
		// The same three requests one file at a time: Loop Over Items (batch size 1) around the chain,
		// the way n8n users keep one item's steps together. 500 rounds of 3 × 25 ms: one run.
		const loop = 'Loop Over Items';
		const loopChain = chain({ node: loop, output: 1 });
		loopChain[loopChain.length - 1] = {
			...loopChain[loopChain.length - 1]!,
			loopsBackTo: loop,
			resultFrom: { node: loop, output: 0 },
		};
		rows.push({
			...chainRow(ONE_AT_A_TIME_CHAIN, 'chain-onepage-loop', [
				{
					name: loop,
					...nodesBase.loopOverItems,
					typeVersion: LOOP_OVER_ITEMS_VERSION,
					parameters: { batchSize: 1, options: {} },
				},
				...loopChain,
			]),
			repeats: 1,
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
	const rateOf = (label: string) => {
		const outcome = outcomes.find((candidate) => candidate.label === label);
		return outcome?.runs.length ? rate(median(outcome.runs.map((run) => run.wallMs))) : undefined;
	};
	const chainRate = rateOf(ALL_AT_ONCE_CHAIN);
	const loopRate = rateOf(ONE_AT_A_TIME_CHAIN);
	const times = (ratio: number | undefined) => (ratio ? `${ratio.toFixed(2)}×` : '—');
	return {
		title: `Scenario 2: ${FILES} files of 64 KB through OnePageCRM's upload, ${LATENCY_MS} ms added per request`,
		columns: [
			'Row',
			'Items/s (median)',
			'Wall (median, min–max)',
			'× chain, all items at once',
			'× chain, one file at a time',
			'n8n peak RSS growth (max)',
			CPU_COLUMN,
		],
		rows: outcomes.map((outcome) => {
			if (outcome.runs.length === 0) return [outcome.label, `FAILED: ${outcome.failure ?? ''}`, '—', '—', '—', '—', '—'];
			const walls = outcome.runs.map((run) => run.wallMs);
			const itemsPerSecond = rate(median(walls));
			const ratio = chainRate ? itemsPerSecond / chainRate : undefined;
			const loopRatio = loopRate ? itemsPerSecond / loopRate : undefined;
			return [
				outcome.label + (outcome.failure ? ` (a later run failed: ${outcome.failure})` : ''),
				itemsPerSecond.toFixed(1),
				spread(walls, seconds),
				times(ratio),
				times(loopRatio),
				megabytes(Math.max(...outcome.runs.map((run) => run.growthBytes ?? 0))),
				cpuCell(outcome.runs),
			];
		}),
		notes: [
			`${FILES} items, each with its own ${FILE_BYTES}-byte random file in n8n's filesystem binary store; every file goes through OnePageCRM's three steps: GET /attachments/s3_form, the S3 POST, POST /attachments. The fake checks each object in S3 before it accepts the registration; every run must register all ${FILES}.`,
			`Latency: the OnePageCRM fake waits ${LATENCY_MS} ms before answering each request (FakeServer.latencyMs); S3 requests go through a pass-through proxy that waits ${LATENCY_MS} ms before forwarding to radosgw. So a file costs at least ${3 * LATENCY_MS} ms of waiting when its steps run one after the other.`,
			'The HTTP Request chain is what a user builds without our node: HTTP Request (GET the form, Basic Auth credential) → Merge (combine by position with the files) → HTTP Request (multipart POST, every signed field mapped by name, key and filename by expression, the binary as `file`) → HTTP Request (POST /attachments, JSON body by expression with the key and size). n8n\'s HTTP Request node sends all of a node\'s items at once unless its Batching option is set (which only spaces out when requests start); it is left at its default here, so each step runs 500 requests at once.',
			`The same chain one file at a time: Loop Over Items (Split In Batches v${LOOP_OVER_ITEMS_VERSION}, batch size 1) feeds one file to the chain and the registration loops back, the usual way to keep a file's three steps together in n8n. Run once (${FILES} rounds).`,
			`Bound: a file's three steps wait at least ${3 * LATENCY_MS} ms one after the other, so ${8} files in flight can never exceed ${(8 / ((3 * LATENCY_MS) / 1000)).toFixed(1)} files/s, whatever the client's speed.`,
			CPU_NOTE,
			'Items/s: 500 divided by the wall time of the workflow run (after the 500 files are in the binary store and a one-file warm-up run).',
		],
	};
}
