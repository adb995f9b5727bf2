/**
 * Scenario 3: one 100 MB file to EspoCRM (base64 JSON, then the record's attachment list) and to
 * Zoho CRM (direct multipart): wall time and n8n's peak RSS growth, with curl and the HTTP Request
 * node (for EspoCRM: Extract From File to base64, then HTTP Request) as reference rows.
 */
import { createHash } from 'crypto';
import { rmSync } from 'fs';
import { dirname } from 'path';

import { FakeEspoCrm } from '../../test/fakes/espoCrm';
import { FakeZoho, ZOHO_API_PATH } from '../../test/fakes/zoho';
import { randomFileOnDisk } from '../../test/harness/fixtures';
import type { BenchContext } from '../context';
import { CREDENTIALS, NODES, runTimeout } from '../context';
import type { Measurement, RowPlan } from '../measure';
import { measureRows, probe } from '../measure';
import { HTTP_REQUEST_VERSION, httpJson, httpMultipart } from '../n8nNodes';
import type { InputSpec, ProbeResult } from '../probe';
import { curlAvailable, curlUpload, MB } from '../rig';
import type { Table } from '../table';
import { CPU_COLUMN, CPU_NOTE, cpuCell, megabytes, seconds, spread, verdict } from '../table';

const FILE_BYTES = 100 * MB;
const MIME = 'application/octet-stream';
const RSS_TARGET = 32 * MB;
const LEAD = '4150868000000224005';
const EXTRACT_FROM_FILE_VERSION = 1.1;

export async function crmUploadsScenario(context: BenchContext): Promise<Table> {
	const file = await randomFileOnDisk('crm-100mb.bin', FILE_BYTES, MIME);
	const espo = new FakeEspoCrm({ maxUploadBytes: 2 * FILE_BYTES });
	const zoho = new FakeZoho();
	await espo.start();
	await zoho.start();
	const timeout = () => runTimeout(context, 180_000);
	const input: InputSpec = { kind: 'disk', path: file.path, size: file.size, fileName: 'large.bin', mimeType: MIME };
	const fromProbe = (result: ProbeResult): Measurement => ({
		wallMs: result.wallMs,
		growthBytes: result.growthBytes,
		cpu: { n8n: result.cpuSeconds, fakes: 0, s3: 0 },
	});
	const zohoUrl = () => `${zoho.api.baseUrl}${ZOHO_API_PATH}/Leads/${LEAD}/Attachments`;

	/** The fakes keep every body they received: check the stored file, then let go of it. */
	const checkEspo = (recordId: string) => {
		const ids = (espo.record('Case', recordId)?.attachmentsIds as string[] | undefined) ?? [];
		const stored = ids.map((id) => espo.attachments.get(id)).find((attachment) => attachment?.size === FILE_BYTES);
		const ok = stored && createHash('sha256').update(stored.content).digest('hex') === file.sha256;
		espo.server.requests.length = 0;
		for (const attachment of espo.attachments.values()) attachment.content = Buffer.alloc(0);
		if (!ok) throw new Error('EspoCRM does not hold the file on the record');
	};
	const checkZoho = () => {
		const stored = zoho.api.attachments.find((attachment) => attachment.data.length === FILE_BYTES);
		const ok = stored?.sha256 === file.sha256;
		zoho.api.requests.length = 0;
		zoho.api.attachments.length = 0;
		if (!ok) throw new Error('Zoho does not hold the file');
	};

	const rows: RowPlan[] = [
		{
			label: 'EspoCRM node: upload to an Attachment-Multiple field',
			run: async () => {
				const record = espo.addRecord('Case', { name: 'Bench' });
				const result = await probe(
					{
						label: 'espo',
						binaryMode: 'filesystem',
						input,
						credentialModules: [CREDENTIALS.espoCrm],
						credentials: { espoCrmApi: espo.credentials('apiKey') as Record<string, string> },
						nodes: [
							{
								name: 'EspoCRM',
								...NODES.espoCrm,
								credentials: ['espoCrmApi'],
								parameters: {
									resource: 'attachment',
									operation: 'upload',
									entityType: { __rl: true, mode: 'name', value: 'Case' },
									field: { __rl: true, mode: 'name', value: 'attachments' },
									fieldType: 'attachmentMultiple',
									recordId: record.id,
									binaryPropertyName: 'data',
									options: {},
								},
							},
						],
					},
					timeout(),
				);
				checkEspo(record.id);
				return fromProbe(result);
			},
		},
		{
			label: 'Zoho CRM node: Attachment > Upload',
			run: async () => {
				const result = await probe(
					{
						label: 'zoho',
						binaryMode: 'filesystem',
						input,
						credentialModules: [CREDENTIALS.zoho],
						credentials: { zohoCrmOAuth2Api: zoho.credentials() as Record<string, never> },
						nodes: [
							{
								name: 'Zoho CRM',
								...NODES.zoho,
								credentials: ['zohoCrmOAuth2Api'],
								parameters: { resource: 'attachment', operation: 'upload', module: 'Leads', recordId: LEAD, binaryPropertyName: 'data', options: {} },
							},
						],
					},
					timeout(),
				);
				checkZoho();
				return fromProbe(result);
			},
		},
	];
	if (curlAvailable()) {
		rows.push({
			label: 'curl -F file=@… to Zoho (reference)',
			run: async () => {
				const token = zoho.accounts.issueAccessToken();
				const outcome = await curlUpload({ url: zohoUrl(), fields: {} }, file.path, 'large.bin', MIME, timeout(), {
					Authorization: `Zoho-oauthtoken ${token}`,
				});
				if (!outcome.result) throw new Error(outcome.failure);
				if (outcome.result.status !== 200) throw new Error(`Zoho answered ${outcome.result.status}`);
				checkZoho();
				return { wallMs: outcome.result.wallMs, peakRssBytes: outcome.result.peakRssBytes, cpu: { n8n: outcome.result.cpuSeconds, fakes: 0, s3: 0 } };
			},
		});
	}
	const nodesBase = context.nodesBase;
	if (nodesBase) {
		const http = { ...nodesBase.httpRequest, typeVersion: HTTP_REQUEST_VERSION };
		rows.push({
			label: 'HTTP Request node: multipart POST to Zoho (reference)',
			run: async () => {
				const token = zoho.accounts.issueAccessToken();
				const result = await probe(
					{
						label: 'chain-zoho',
						binaryMode: 'filesystem',
						shareModulesWith: [nodesBase.root],
						input,
						nodes: [
							{
								name: 'POST to Zoho',
								...http,
								parameters: httpMultipart(zohoUrl(), [], { headers: [{ name: 'Authorization', value: `Zoho-oauthtoken ${token}` }] }),
							},
						],
					},
					timeout(),
				);
				checkZoho();
				return fromProbe(result);
			},
		});
		rows.push({
			label: 'Extract From File + HTTP Request to EspoCRM (reference)',
			// About a minute and a half and close to 1 GB: one run.
			repeats: 1,
			run: async () => {
				const record = espo.addRecord('Case', { name: 'Bench chain' });
				const result = await probe(
					{
						label: 'chain-espo',
						binaryMode: 'filesystem',
						shareModulesWith: [nodesBase.root],
						input,
						nodes: [
							{
								name: 'To base64',
								...nodesBase.extractFromFile,
								typeVersion: EXTRACT_FROM_FILE_VERSION,
								parameters: { operation: 'binaryToPropery', binaryPropertyName: 'data', destinationKey: 'data', options: {} },
							},
							{
								name: 'POST Attachment',
								...http,
								parameters: httpJson('POST', `${espo.siteUrl}/api/v1/Attachment`, {
									headers: [{ name: 'X-Api-Key', value: espo.apiKey }],
									jsonBody:
										'={{ JSON.stringify({ name: "large.bin", type: "application/octet-stream", role: "Attachment", field: "attachments", ' +
										'parentType: "Case", file: "data:application/octet-stream;base64," + $json.data }) }}',
								}),
							},
							{
								name: 'Link to record',
								...http,
								parameters: {
									...httpJson('POST', `${espo.siteUrl}/api/v1/Case/${record.id}`, {
										headers: [{ name: 'X-Api-Key', value: espo.apiKey }],
										jsonBody: '={{ JSON.stringify({ attachmentsIds: [$json.id] }) }}',
									}),
									method: 'PUT',
								},
							},
						],
					},
					timeout(),
				);
				checkEspo(record.id);
				return fromProbe(result);
			},
		});
	}

	context.log(`Scenario 3: one ${FILE_BYTES / MB} MB file to EspoCRM and Zoho, ${context.repeats} runs per row`);
	let outcomes;
	try {
		outcomes = await measureRows(context, rows);
	} finally {
		await espo.stop();
		await zoho.stop();
		rmSync(dirname(file.path), { recursive: true, force: true });
	}

	return {
		title: `Scenario 3: one 100 MB file to EspoCRM and to Zoho CRM (filesystem binary mode)`,
		columns: ['Row', 'Wall (median, min–max)', 'n8n peak RSS growth (max)', CPU_COLUMN, 'RSS ≤ 32 MB'],
		rows: outcomes.map((outcome) => {
			const isOurs = outcome.label.includes('node:') && !outcome.label.startsWith('HTTP');
			if (outcome.runs.length === 0) return [outcome.label, `FAILED: ${outcome.failure ?? ''}`, '—', '—', isOurs ? 'MISSED' : '—'];
			const growths = outcome.runs.map((run) => run.growthBytes).filter((value): value is number => value !== undefined);
			const growth = growths.length ? Math.max(...growths) : undefined;
			const curlRss = outcome.runs[0].peakRssBytes;
			return [
				outcome.label + (outcome.failure ? ` (a later run failed: ${outcome.failure})` : ''),
				spread(outcome.runs.map((run) => run.wallMs), seconds),
				growth !== undefined ? megabytes(growth) : curlRss ? `curl's whole RSS: ${megabytes(curlRss)}` : '—',
				cpuCell(outcome.runs),
				isOurs && growth !== undefined ? verdict(growth <= RSS_TARGET) : '—',
			];
		}),
		notes: [
			`${FILE_BYTES} bytes (Zoho's limit, 100 MiB) of random data. The EspoCRM fake (attachmentUploadMaxSize raised to ${(2 * FILE_BYTES) / MB} MB) takes the base64 JSON, decodes it and links the attachment to a Case; the Zoho fake parses the multipart body. Both fakes run in the parent process and keep what they receive; each run's stored bytes are checked against the file's SHA-256.`,
			'The EspoCRM node sends the file as one JSON body whose base64 is encoded on the fly with a known Content-Length (133 MB on the wire); it reads the record\'s current attachment list and sends the union. The Zoho node streams the multipart body.',
			CPU_NOTE,
			'Reference rows (no target): curl and n8n\'s HTTP Request node posting the same multipart body to the Zoho fake (token in a header), and the way a user reaches EspoCRM without our node: Extract From File (binary to base64 property) then HTTP Request (POST Attachment, JSON by expression) then HTTP Request (PUT the record\'s attachmentsIds).',
		],
	};
}
