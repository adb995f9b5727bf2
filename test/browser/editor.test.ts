/**
 * The package as a person meets it: Debian's Chromium (test/browser/chromium.sh installs it) driven by
 * playwright-core against `npm start`'s n8n (scripts/sandbox/start.ts: n8n 2.8.4 with the package
 * installed, the credentials and examples imported, every CRM a local fake). What it opens comes from the
 * built node descriptions, so a new operation, field or list search is covered without editing this file.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'fs';
import { join } from 'path';
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import type { NodeOperation } from '../../scripts/docs/nodeReference';
import { DOCUMENTED_NODES, newestDescription, newestVersion, nodeOperations, showsUnconditionally } from '../../scripts/docs/nodeReference';
import type { N8nWorkflow } from '../../scripts/n8n/e2e';
import { freePorts, REPO_ROOT } from '../../scripts/n8n/e2e';
import { hasFormTrigger } from '../../scripts/n8n/formSubmission';
import { crmDefaults, crmOfNodeType, exampleWorkflowId } from '../../scripts/sandbox/examples';
import { SANDBOX_DIR } from '../../scripts/sandbox/sandbox';
import type { RunningSandbox } from '../../scripts/sandbox/start';
import { SANDBOX_OWNER, startAll } from '../../scripts/sandbox/start';

const CHROMIUM = '/usr/bin/chromium';
const PACKAGE = 'n8n-nodes-crm-attachments';
const DIR = join(SANDBOX_DIR, 'browser');
const SHOTS = join(DIR, 'screenshots');
/** The screenshots README and docs/nodes show: written when missing, or all again with UPDATE_SCREENSHOTS=1. */
const DOC_SHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const UI_TIMEOUT_MS = 60_000;

jest.setTimeout(15 * 60_000);

let running: RunningSandbox;
let browser: Browser;
let page: Page;

interface TourNode {
	description: INodeTypeDescription;
	operation: NodeOperation;
	/** The node's name on the tour canvas. */
	name: string;
	/** A list search to open in this node, when the node is there for one. */
	listSearch?: INodeProperties;
}

const described = DOCUMENTED_NODES.map(newestDescription);

function credentialFor(description: INodeTypeDescription): Record<string, { id: string; name: string }> {
	const credentials: Record<string, { id: string; name: string }> = {};
	for (const { name } of description.credentials ?? []) {
		const credential = running.crm.credentials.find((candidate) => candidate.type === name);
		if (credential) credentials[name] = { id: credential.id, name: credential.name };
	}
	return credentials;
}

/** A resource locator's parameters with the list mode, in the node's newest version. */
function listSearches(operation: NodeOperation): INodeProperties[] {
	return operation.fields.filter(
		(field) => field.type === 'resourceLocator' && (field.modes ?? []).some((mode) => mode.type === 'list'),
	);
}

/**
 * The parameters a list search's node copy starts from: those the examples of the same resource give
 * this node (patched to the sandbox's seeded records), then the seeded records themselves (crmDefaults)
 * for what no such example sets, since a list often depends on another field (the lead of Close's contact
 * list, the note of OnePageCRM's attachment list); a plain id where the newest version has a resource
 * locator becomes its By ID mode.
 */
function exampleParameters(description: INodeTypeDescription, operation: NodeOperation): Record<string, unknown> {
	const parameters: Record<string, unknown> = {};
	const type = `${PACKAGE}.${description.name}`;
	const sameResource = running.examples
		.flatMap((example) => example.workflow.nodes)
		.filter((node) => node.type === type && node.parameters.resource === operation.parameters.resource)
		.map((node) => node.parameters as Record<string, unknown>);
	const crm = crmOfNodeType(type);
	for (const values of [...sameResource, crm ? crmDefaults(crm) : {}]) {
		for (const [name, value] of Object.entries(values)) if (!(name in parameters)) parameters[name] = value;
	}
	for (const field of operation.fields) {
		const value = parameters[field.name];
		if (field.type === 'resourceLocator' && (typeof value === 'string' || typeof value === 'number')) {
			parameters[field.name] = { __rl: true, mode: 'id', value: String(value) };
		}
	}
	return parameters;
}

/**
 * One workflow per node: a copy of the node for every resource/operation, and for every list search a
 * copy set up from the node's example (the records a list depends on, e.g. the entity type) with that list
 * emptied, so opening it lists the sandbox's values.
 */
function tourWorkflow(description: INodeTypeDescription, index: number): { workflow: N8nWorkflow; nodes: TourNode[] } {
	const nodes: TourNode[] = [];
	const seen = new Set<string>();
	for (const operation of nodeOperations(description)) {
		nodes.push({ description, operation, name: operation.title });
		for (const listSearch of listSearches(operation)) {
			if (seen.has(listSearch.name)) continue;
			seen.add(listSearch.name);
			nodes.push({ description, operation, name: `${operation.title} (list ${listSearch.displayName})`, listSearch });
		}
	}
	const workflow: N8nWorkflow = {
		id: `browserTour${String(index).padStart(5, '0')}`,
		name: `Browser tour: ${description.displayName}`,
		nodes: nodes.map((node, position) => ({
			id: `tour-${position}`,
			name: node.name,
			type: `${PACKAGE}.${description.name}`,
			typeVersion: newestVersion(description),
			position: [(position % 4) * 300, Math.floor(position / 4) * 250],
			parameters: {
				...(node.listSearch ? exampleParameters(description, node.operation) : {}),
				...Object.fromEntries(Object.entries(node.operation.parameters).filter(([, value]) => value !== undefined)),
				...(node.listSearch ? { [node.listSearch.name]: { __rl: true, mode: 'list', value: '' } } : {}),
			},
			credentials: credentialFor(description),
		})),
		connections: {},
	} as N8nWorkflow;
	return { workflow, nodes };
}

/** The node pictured in the docs: an upload where the node has one, else its first operation. */
function pictured(nodes: TourNode[]): TourNode {
	return nodes.find((node) => !node.listSearch && /upload|create/i.test(node.operation.title)) ?? nodes[0];
}

async function openWorkflow(id: string): Promise<void> {
	await page.goto(`${running.editorUrl}/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: UI_TIMEOUT_MS });
}

async function openNode(name: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	await page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]').waitFor({ timeout: UI_TIMEOUT_MS });
}

async function closeNode(): Promise<void> {
	await page.locator('[data-test-id="ndv-close-button"]').click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** The labels of the parameters the open node panel shows. */
async function shownLabels(): Promise<string[]> {
	return await page
		.locator('[data-test-id="ndv"] [data-test-id="node-parameters"] [data-test-id="parameter-item"] [data-test-id="input-label"]')
		.allInnerTexts();
}

async function screenshot(name: string, locator = page.locator('[data-test-id="ndv"]')): Promise<void> {
	mkdirSync(SHOTS, { recursive: true });
	const path = join(SHOTS, `${name}.png`);
	await locator.screenshot({ path });
	const docPath = join(DOC_SHOTS, `${name}.png`);
	if (!existsSync(docPath) || process.env.UPDATE_SCREENSHOTS === '1') {
		mkdirSync(DOC_SHOTS, { recursive: true });
		copyFileSync(path, docPath);
	}
}

beforeAll(async () => {
	rmSync(DIR, { recursive: true, force: true });
	const [port] = await freePorts(1);
	running = await startAll(['--port', String(port)], () => undefined, undefined, { dir: DIR, fixedPorts: false });
	mkdirSync(SHOTS, { recursive: true });
	const tours = described.map((description, index) => tourWorkflow(description, index));
	await running.n8n.importWorkflows(tours.map((tour) => tour.workflow));
	browser = await chromium.launch({ executablePath: CHROMIUM });
	page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
	// A loaded 2-core machine renders slowly: every click and wait gets the UI timeout, not Playwright's 30 s.
	page.setDefaultTimeout(UI_TIMEOUT_MS);
	await page.goto(`${running.editorUrl}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', SANDBOX_OWNER.email);
	await page.fill('input[name=password]', SANDBOX_OWNER.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((url) => !url.pathname.includes('signin'), { timeout: UI_TIMEOUT_MS });
});

afterAll(async () => {
	await browser?.close();
	await running?.stop();
});

describe('the n8n editor with the package (Chromium, n8n 2.8.4 from npm start)', () => {
	// The attachment lists below show the files seeded on the sandbox's records (and any the examples add).
	it('every example runs from the Execute button and its file lands in the sandbox', async () => {
		const failures: string[] = [];
		for (const example of running.examples) {
			const before = new Set((await running.crm.holdings())[example.crm].map((holding) => `${holding.id ?? ''}|${holding.where}`));
			await openWorkflow(exampleWorkflowId(example.file));
			if (hasFormTrigger(example.workflow)) {
				const formPage = page.context().waitForEvent('page');
				await page.locator('[data-test-id="execute-workflow-button"]').click();
				const form = await formPage;
				await form.locator('input[type=file]').first().setInputFiles(example.path!);
				await form.locator('button[type=submit], #submit-btn').first().click();
			} else {
				await page.locator('[data-test-id="execute-workflow-button"]').click();
			}
			const landed = await waitFor(async () => {
				const arrived = (await running.crm.holdings())[example.crm].filter(
					(holding) => !before.has(`${holding.id ?? ''}|${holding.where}`),
				);
				return arrived.find((holding) => holding.sha256 === example.sha256 && holding.size === example.size);
			});
			if (!landed) failures.push(`${example.file}: nothing with sha256 ${example.sha256.slice(0, 12)} arrived in ${example.crm}`);
		}
		expect(failures).toEqual([]);
	});

	it.each(described.map((description, index) => [description.displayName, description, index] as const))(
		'%s: every resource/operation opens with its fields, every list search lists sandbox records',
		async (_label, description, index) => {
			const { workflow, nodes } = tourWorkflow(description, index);
			await openWorkflow(workflow.id!);
			const problems: string[] = [];
			for (const node of nodes) {
				await openNode(node.name);
				if (node.listSearch) {
					const items = await listSearchItems(node.listSearch);
					if (items.length === 0) {
						problems.push(`${node.name}: the list is empty or failed (see ${join(SHOTS, `${node.name}.png`)})`);
						await page.locator('[data-test-id="ndv"]').screenshot({ path: join(SHOTS, `${node.name}.png`) });
					}
				} else {
					const labels = await shownLabels();
					const expected = node.operation.fields
						.filter((field) => showsUnconditionally(field) && field.type !== 'notice' && field.type !== 'hidden')
						.map((field) => field.displayName);
					const missing = expected.filter((label) => !labels.some((shown) => shown.trim().startsWith(label)));
					if (missing.length) problems.push(`${node.name}: missing ${missing.join(', ')} (shown: ${labels.join(', ')})`);
				}
				if (node === pictured(nodes)) await screenshot(description.name);
				await closeNode();
			}
			expect(problems).toEqual([]);
		},
	);

	it('every sandbox credential passes its test; Zoho CRM reconnects through the consent page', async () => {
		const failures: string[] = [];
		for (const credential of running.crm.credentials) {
			await page.goto(`${running.editorUrl}/home/credentials/${credential.id}`);
			const dialog = page.locator('[data-test-id="editCredential-modal"]');
			await dialog.waitFor({ timeout: UI_TIMEOUT_MS });
			const docs = await dialog.locator('a', { hasText: 'Open docs' }).getAttribute('href');
			if (!docs?.includes('/docs/nodes/')) failures.push(`${credential.name}: docs link ${docs}`);
			if (credential.type.endsWith('OAuth2Api')) {
				const consentPage = page.context().waitForEvent('page');
				await dialog.getByRole('button', { name: 'Reconnect' }).click();
				const popup = await consentPage;
				await popup.locator('#accept').click({ timeout: UI_TIMEOUT_MS });
				await popup.waitForEvent('close', { timeout: UI_TIMEOUT_MS });
				await dialog.locator('[data-test-id="oauth-connect-success-banner"]').waitFor({ timeout: UI_TIMEOUT_MS });
				const accepted = running.crm.fakes.zohoCrm.accounts.consent.decisions.filter((decision) => decision.accepted);
				if (accepted.length === 0) failures.push(`${credential.name}: the consent page was not accepted`);
			} else {
				const tested = dialog.locator('[data-test-id="credentials-config-container-test-success"]');
				try {
					await tested.waitFor({ timeout: UI_TIMEOUT_MS });
				} catch {
					failures.push(`${credential.name}: ${(await dialog.innerText()).slice(0, 300)}`);
				}
			}
			await page.keyboard.press('Escape');
		}
		expect(failures).toEqual([]);
	});

});

/** Opens the list of a resource locator and returns the entries it shows (none when it fails). */
async function listSearchItems(parameter: INodeProperties): Promise<string[]> {
	const locator = page.locator(`[data-test-id="ndv"] [data-test-id="parameter-input-${parameter.name}"]`);
	await locator.locator('[data-test-id="rlc-input"]').click();
	const items = page.locator('[data-test-id="rlc-item"]');
	try {
		await items.first().waitFor({ timeout: UI_TIMEOUT_MS });
	} catch {
		return [];
	}
	const texts = await items.allInnerTexts();
	await page.keyboard.press('Escape');
	return texts;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = UI_TIMEOUT_MS * 2): Promise<T | undefined> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined) return value;
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	return undefined;
}
