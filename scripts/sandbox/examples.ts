/**
 * The example workflows (examples/*.json) wired to the sandbox: which CRM each one exercises, which
 * file its Read/Write Files from Disk node reads, and which parameters point it at the seeded records.
 *
 * Adding an example is ONE entry in ADAPTERS (and often not even that: an example with no entry is
 * still run, with the defaults of the CRM whose node it holds). What it does by default:
 *   - every Read/Write Files from Disk node (read) gets the generated file's path (a Form Trigger's
 *     workflow gets it in its form instead: demo.ts submits the form with it);
 *   - every node of this package gets the sandbox credential of its type and, for each parameter it
 *     ALREADY has, the value its CRM's registry entry gives it (`parameters`: recordId, contactId, leadId, personId, ...);
 *   - the file lands where the sandbox's status page shows it: the demo finds it there by sha256.
 */
import { createHash, randomBytes } from 'crypto';
import { readdirSync, writeFileSync } from 'fs';
import { join } from 'path';

import type { N8nWorkflow } from '../n8n/e2e';
import { loadExample, PACKAGE_NAME, REPO_ROOT } from '../n8n/e2e';
import { CLOSE_SEED_FILES } from '../../test/crms/close';
import { credentialTypeOf, CRMS, crmEntries, nodeTypeOf } from '../../test/crms/registry';
import { seedContent } from '../../test/crms/seedContent';
import type { CrmId, CrmSandbox } from './sandbox';

export interface ExampleFile {
	name: string;
	size: number;
	mimeType: string;
}

/** What a prepared example needs to be checked: the file and where it should land. */
export interface PreparedExample {
	file: string;
	workflow: N8nWorkflow;
	crm: CrmId;
	/** The file the example moves: name, size and checksum of its bytes. */
	fileName: string;
	size: number;
	sha256: string;
	mimeType: string;
	/** The path of the generated file on disk (undefined when the file was seeded into a CRM). */
	path?: string;
}

export interface ExampleAdapter {
	/** Which example files this entry is for. */
	match: RegExp;
	/** The CRM the file should land in (default: the CRM of the first package node found). */
	crm?: CrmId;
	/** The file to generate for the Read/Write Files from Disk node. */
	file?: ExampleFile;
	/** Parameters by node type (after the package prefix) or node name; dotted paths reach into collections. */
	parameters?: (sandbox: CrmSandbox) => Record<string, Record<string, unknown>>;
	/**
	 * Extra preparation (e.g. a migration example: seed the file into the SOURCE CRM). Returning a
	 * file replaces the generated one: it is the file that must land in `crm`.
	 */
	prepare?: (workflow: N8nWorkflow, sandbox: CrmSandbox) => Promise<{ fileName: string; content: Buffer } | void>;
}

/** Seeded values each CRM's node parameters get, when the node has that parameter (its registry entry's). */
export function crmDefaults(crm: CrmId): Record<string, unknown> {
	return crm === 'presigned' ? {} : CRMS[crm].parameters;
}

/** The generic node's type (it needs no CRM: the sandbox's bucket). */
const PRESIGNED_NODE_TYPE = 'presignedPostUpload';

const DEFAULT_FILE: ExampleFile = { name: 'sample.pdf', size: 250_000, mimeType: 'application/pdf' };

/** The table: one entry per example (first match wins). */
export const ADAPTERS: ExampleAdapter[] = [
	{
		match: /^presigned-post/,
		crm: 'presigned',
		file: { name: 'report.pdf', size: 1_500_000, mimeType: 'application/pdf' },
	},
	{
		// A Document's file field accepts office files only (Document.json `accept`): a PDF.
		match: /^espocrm-document/,
		crm: 'espoCrm',
		file: { name: 'Rahmenvertrag Müller.pdf', size: 260_000, mimeType: 'application/pdf' },
		parameters: () => ({ espoCrm: { 'relatedRecords.accounts': CRMS.espoCrm.seeds.accountId } }),
	},
	{
		match: /^espocrm/,
		crm: 'espoCrm',
		file: { name: 'photo.png', size: 300_000, mimeType: 'image/png' },
	},
	{
		// If Already Attached = Skip on the seeded Case: a file name of its own, so no other example's file counts as attached.
		match: /^retry-safe-inbox-to-espocrm/,
		crm: 'espoCrm',
		file: { name: 'inbox-scan.pdf', size: 220_000, mimeType: 'application/pdf' },
	},
	{
		// Zoho -> EspoCRM: the file is a Zoho attachment seeded here; it must land in the EspoCRM Case.
		match: /^zoho-to-espocrm/,
		crm: 'espoCrm',
		prepare: async (_workflow, sandbox) => {
			const content = randomBytes(420_000);
			const fileName = 'zoho-migrated-scan.pdf';
			sandbox.fakes.zohoCrm.api.addAttachment(CRMS.zohoCrm.seeds.module, CRMS.zohoCrm.seeds.recordId, fileName, content, 'application/pdf');
			return { fileName, content };
		},
	},
	{ match: /^onepagecrm/, crm: 'onePageCrm', file: { name: 'quote.pdf', size: 400_000, mimeType: 'application/pdf' } },
	{
		// Close -> EspoCRM: the seeded Close lead's note and email files become Documents linked to the seeded
		// account. The demo checks the email's file (a non-ASCII name); the real-n8n case checks them all.
		match: /^close-lead-files-to-espocrm/,
		crm: 'espoCrm',
		parameters: () => ({ 'List Lead Files': { leadId: CRMS.close.seeds.filesLeadId }, espoCrm: { 'relatedRecords.accounts': CRMS.espoCrm.seeds.accountId } }),
		prepare: async () => {
			const file = CLOSE_SEED_FILES.find((candidate) => candidate.activity === 'email')!;
			return { fileName: file.filename, content: seedContent(file.filename, file.size) };
		},
	},
	{ match: /^close/, crm: 'close', file: { name: 'proposal.pdf', size: 350_000, mimeType: 'application/pdf' } },
	{ match: /^traffio/, crm: 'traffio', file: { name: 'licence.jpg', size: 200_000, mimeType: 'image/jpeg' } },
	{ match: /^zoho/, crm: 'zohoCrm', file: { name: 'contract.pdf', size: 500_000, mimeType: 'application/pdf' } },
];

/** The example files there are, sorted. */
export function exampleFiles(): string[] {
	return readdirSync(join(REPO_ROOT, 'examples'))
		.filter((file) => file.endsWith('.json'))
		.sort();
}

export function adapterFor(file: string): ExampleAdapter {
	return ADAPTERS.find((adapter) => adapter.match.test(file)) ?? { match: /./ };
}

function shortType(type: string): string | undefined {
	return type.startsWith(`${PACKAGE_NAME}.`) ? type.slice(PACKAGE_NAME.length + 1) : undefined;
}

/** The CRM of a package node type. */
export function crmOfNodeType(type: string): CrmId | undefined {
	const short = shortType(type);
	if (short === PRESIGNED_NODE_TYPE) return 'presigned';
	return crmEntries().find(([, entry]) => nodeTypeOf(entry) === short)?.[0];
}

/** Sets a parameter: a resource locator keeps its shape (only its value changes). */
function setParameter(parameters: Record<string, unknown>, path: string, value: unknown): void {
	const keys = path.split('.');
	let target = parameters;
	for (const key of keys.slice(0, -1)) {
		if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
		target = target[key] as Record<string, unknown>;
	}
	const last = keys[keys.length - 1];
	const current = target[last] as { __rl?: boolean; mode?: string } | undefined;
	if (current && typeof current === 'object' && current.__rl && (typeof value !== 'object' || value === null)) {
		target[last] = { ...current, value };
	} else {
		target[last] = value;
	}
}

/**
 * Patches an example for the sandbox. `filesDir` is where the generated file is written (a folder
 * n8n may read: N8N_RESTRICT_FILE_ACCESS_TO).
 */
export async function prepareExample(file: string, sandbox: CrmSandbox, filesDir: string): Promise<PreparedExample> {
	const adapter = adapterFor(file);
	const workflow = loadExample(file);
	const packageNodes = workflow.nodes.filter((node) => crmOfNodeType(node.type));
	const crm = adapter.crm ?? (packageNodes.length ? crmOfNodeType(packageNodes[packageNodes.length - 1].type)! : 'presigned');

	// Credentials and seeded parameters for every package node.
	for (const node of packageNodes) {
		const nodeCrm = crmOfNodeType(node.type)!;
		const credential = nodeCrm === 'presigned' ? undefined : sandbox.credentialFor(credentialTypeOf(CRMS[nodeCrm]));
		if (credential) node.credentials = { [credential.type]: { id: credential.id, name: credential.name } };
		for (const [name, value] of Object.entries(crmDefaults(nodeCrm))) {
			// Only parameters the example sets, and never an expression (it reads an earlier node's output).
			const current = node.parameters[name];
			if (current === undefined || (typeof current === 'string' && current.startsWith('='))) continue;
			setParameter(node.parameters, name, value);
		}
		if (nodeCrm === 'presigned' && 'url' in node.parameters) {
			const form = await sandbox.presignedForm();
			node.parameters.url = form.url;
			node.parameters.fields = JSON.stringify(form.fields, null, 2);
		}
	}
	const overrides = adapter.parameters?.(sandbox) ?? {};
	for (const [target, values] of Object.entries(overrides)) {
		const nodes = workflow.nodes.filter((node) => node.name === target || shortType(node.type) === target);
		if (!nodes.length) throw new Error(`${file}: no node named or of type "${target}" to set ${Object.keys(values).join(', ')} on`);
		for (const node of nodes) for (const [path, value] of Object.entries(values)) setParameter(node.parameters, path, value);
	}

	// The file: generated on disk for the Read File node, or handed over by the adapter.
	const spec = adapter.file ?? DEFAULT_FILE;
	let fileName = spec.name;
	let content: Buffer;
	let path: string | undefined;
	const given = await adapter.prepare?.(workflow, sandbox);
	if (given) {
		fileName = given.fileName;
		content = given.content;
	} else {
		content = randomBytes(spec.size);
		path = join(filesDir, fileName);
		writeFileSync(path, content);
	}
	if (path) {
		for (const node of workflow.nodes) {
			if (node.type !== 'n8n-nodes-base.readWriteFile') continue;
			if (node.parameters.operation !== undefined && node.parameters.operation !== 'read') continue;
			node.parameters.fileSelector = path;
		}
	}
	return {
		file,
		workflow,
		crm,
		fileName,
		size: content.length,
		sha256: createHash('sha256').update(content).digest('hex'),
		mimeType: spec.mimeType,
		path,
	};
}

/** A stable n8n workflow id per example file, so importing again replaces the workflow. */
export function exampleWorkflowId(file: string): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(createHash('sha256').update(`sandbox:${file}`).digest().subarray(0, 16), (byte) => alphabet[byte % alphabet.length]).join('');
}
