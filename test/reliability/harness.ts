import type { ICredentialDataDecryptedObject, ICredentialType, INodeExecutionData } from 'n8n-workflow';

import type { FakeServer } from '../fakes/fakeServer';
import type { BinaryMode } from '../harness/binaryStore';
import { runCredentialTest } from '../harness/credentialTest';
import type { RandomFile } from '../harness/fixtures';
import { randomFile } from '../harness/fixtures';
import type { RunNodeResult, TestItem } from '../harness/runNode';
import { storedObject } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { CaseResult, NodeFigures } from './summary';
import { emptyFigures, recordFigures, summaryTable } from './summary';

/** A file the CRM registered (attached, linked) since a snapshot, with a check of its stored bytes. */
export interface Registration {
	fileName: string;
	/** True when the bytes the CRM (or its storage) holds are exactly the input file's. */
	intact(file: RandomFile): Promise<boolean>;
}

/** How the suite drives one node against its fake: the same checks then run for every node. */
export interface NodeAdapter<Snapshot = unknown> {
	node: string;
	run(options: {
		parameters: Record<string, unknown>;
		items: TestItem[];
		continueOnFail: boolean;
		binaryMode?: BinaryMode;
		credentials?: Record<string, ICredentialDataDecryptedObject>;
	}): Promise<RunNodeResult>;
	/** Credential values that must never show anywhere (and every encoding the node sends). */
	secrets(): string[];
	/** The S3 rig when the node's files go through S3 (every request is then checked for credentials). */
	s3?: S3Rig;
	/** Called before each execution (may prepare per-execution state, e.g. a fresh S3 form). */
	snapshot(): Snapshot | Promise<Snapshot>;
	registrationsSince(snapshot: Snapshot): Registration[] | Promise<Registration[]>;
	credentialTest?: {
		type: ICredentialType;
		good(): ICredentialDataDecryptedObject;
		wrong(): ICredentialDataDecryptedObject;
		/** The wrong credential's values, which must not show in the message either. */
		wrongSecrets: string[];
		/** What the user must read on a wrong key. */
		message: RegExp;
	};
}

export type ScenarioKind = 'fault' | 'input';

export interface Scenario {
	name: string;
	/**
	 * The case this scenario checks, when it is worded differently from the same case in another
	 * node's table. The summary counts each case once: a case two or more nodes run is generic.
	 */
	case?: string;
	kind: ScenarioKind;
	/** Input items (default 2): each gets its own small random file unless `file` says otherwise. */
	items?: number;
	/** The file of item `index`, given a unique base name; `null` for an item without binary data. */
	file?: (index: number, baseName: string) => RandomFile | null;
	/** Binary property the file is put in (default "data"). */
	property?: string;
	parameters?: Record<string, unknown>;
	binaryMode?: BinaryMode;
	credentials?: () => Record<string, ICredentialDataDecryptedObject>;
	/** Injects the fault; called before each execution. */
	arrange?: () => unknown;
	/** Called after each execution (clear faults, reset switches). */
	cleanup?: () => void | Promise<void>;
	/** Items expected to fail (they fail with `error`), in order. */
	failing?: number[];
	error?: RegExp;
	description?: RegExp;
	/** The failing items' files reached S3 before the failure: the description must name a key that holds them. */
	storedBeforeFailure?: boolean;
	/** Extra, node-specific assertions per execution. */
	check?: (result: RunNodeResult, context: { continueOnFail: boolean; files: Array<RandomFile | null> }) => void | Promise<void>;
}

const CREDENTIAL_CASE = 'the credential test passes with the right key and fails clearly with a wrong one';

const TYPE_ERROR = /TypeError|Cannot read propert|is not a function|is not iterable|of undefined|of null|\[object Object\]/;

/** Every text of an execution a user or a log can see: messages, descriptions, output items. */
function visibleTexts(result: RunNodeResult): string[] {
	const texts: string[] = [];
	if (result.error) {
		texts.push(result.error.message ?? '', String((result.error as { description?: unknown }).description ?? ''));
		texts.push(safeStringify(result.error));
	}
	for (const item of result.items) texts.push(JSON.stringify(item.json ?? {}));
	return texts;
}

function safeStringify(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return JSON.stringify(value, (_key, candidate: unknown) => {
			if (candidate && typeof candidate === 'object') {
				if (seen.has(candidate)) return undefined;
				seen.add(candidate);
			}
			return candidate;
		});
	} catch {
		return String(value);
	}
}

function encodings(secret: string): string[] {
	return [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
}

export function leakedSecrets(texts: string[], secrets: string[]): string[] {
	const leaked = new Set<string>();
	for (const secret of secrets.filter((value) => value && value.length >= 4)) {
		for (const text of texts) if (encodings(secret).some((form) => text.includes(form))) leaked.add(secret);
	}
	return [...leaked];
}

function slug(text: string): string {
	return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
}

function errorOf(item: INodeExecutionData | undefined): { error?: string; description?: string } {
	return { error: item?.json.error as string | undefined, description: item?.json.errorDescription as string | undefined };
}

/** The S3 key a "stored but not registered" error names. */
export function storedKeyIn(text: string | undefined): string | undefined {
	return /S3 key "([^"]+)"/.exec(text ?? '')?.[1];
}

/**
 * Registers one jest test per scenario, each running the node twice (with and without Continue On
 * Fail) and applying the same checks to every node: N items in give N items out with pairedItem;
 * without Continue On Fail the first error stops the execution; no file is lost or registered
 * twice; no credential reaches S3 or any message, description or output; errors are clear.
 */
export function reliabilitySuite(adapter: () => NodeAdapter, scenarios: Scenario[]): void {
	let figures: NodeFigures;
	let nodeName = '';

	beforeAll(() => {
		nodeName = adapter().node;
		figures = emptyFigures(nodeName);
	});

	afterAll(() => {
		if (!figures) return;
		const summary = recordFigures(figures);
		// The table every run prints: the README's Reliability section quotes it.
		process.stdout.write(`\nReliability summary (test/reliability/summary.json)\n${summaryTable(summary)}\n`);
	});

	for (const scenario of scenarios) {
		it(`[${scenario.kind}] ${scenario.name}`, async () => {
			figures.scenarios++;
			if (scenario.kind === 'fault') figures.faultScenarios++;
			else figures.inputsTried++;
			const result: CaseResult = { name: scenario.case ?? scenario.name, kind: scenario.kind, passed: false };
			figures.cases.push(result);
			try {
				await runScenario(adapter(), scenario, figures);
				figures.passed++;
				result.passed = true;
				if (scenario.kind === 'fault') figures.faultsSurvived++;
				else figures.inputsClear++;
			} catch (error) {
				figures.failures.push(`${scenario.name}: ${(error as Error).message.split('\n')[0]}`);
				throw error;
			}
		});
	}

	// Only a node with a credential test gets this case: one without it must not count a check it never made.
	if (!adapter().credentialTest) return;
	it(`[credentials] ${CREDENTIAL_CASE}`, async () => {
		const node = adapter();
		if (!node.credentialTest) throw new Error('the node lost its credential test between registration and run');
		figures.scenarios++;
		figures.credentialChecks += 2;
		const result: CaseResult = { name: CREDENTIAL_CASE, kind: 'credentials', passed: false };
		figures.cases.push(result);
		try {
			const { type, good, wrong, wrongSecrets, message } = node.credentialTest;
			const passed = await runCredentialTest(type, good());
			expect(passed.status).toBe('OK');
			const refused = await runCredentialTest(type, wrong());
			figures.textsScanned += 2;
			const leaked = leakedSecrets([passed.message, refused.message], [...node.secrets(), ...wrongSecrets]);
			figures.secretsLeaked += leaked.length;
			expect(refused.status).toBe('Error');
			expect(refused.message).toMatch(message);
			expect(leaked).toEqual([]);
			figures.passed++;
			result.passed = true;
		} catch (error) {
			figures.failures.push(`credential test: ${(error as Error).message.split('\n')[0]}`);
			throw error;
		}
	});
}

async function runScenario(node: NodeAdapter, scenario: Scenario, figures: NodeFigures): Promise<void> {
	const count = scenario.items ?? 2;
	const failing = scenario.failing ?? [];
	const property = scenario.property ?? 'data';

	for (const continueOnFail of [true, false]) {
		const names = Array.from({ length: count }, (_, index) =>
			`${slug(scenario.name)}-${continueOnFail ? 'cof' : 'stop'}-${index}-${Math.random().toString(36).slice(2, 8)}.txt`,
		);
		const files = names.map((name, index) =>
			scenario.file ? scenario.file(index, name) : randomFile(name, 2_000 + index * 1_000, 'text/plain'),
		);
		const items: TestItem[] = files.map((file, index) => ({
			json: { index },
			files: file ? { [property]: file.spec } : undefined,
		}));
		const snapshot = await node.snapshot();
		const s3Before = node.s3?.tap.requests.length ?? 0;
		await scenario.arrange?.();
		let result: RunNodeResult;
		try {
			result = await node.run({
				parameters: scenario.parameters ?? {},
				items,
				continueOnFail,
				binaryMode: scenario.binaryMode,
				credentials: scenario.credentials?.(),
			});
		} finally {
			await scenario.cleanup?.();
		}
		figures.executions++;

		// Secrets: nothing a user or a log sees, and nothing the storage host received.
		const texts = visibleTexts(result);
		figures.textsScanned += texts.length;
		const leaked = leakedSecrets(texts, node.secrets());
		const s3Requests = node.s3?.tap.requests.slice(s3Before) ?? [];
		figures.s3RequestsChecked += s3Requests.length;
		const s3Leaks = s3Requests.filter((request) => request.headers.authorization !== undefined || request.secretsSeen.length > 0);
		figures.secretsLeaked += leaked.length + s3Leaks.length;

		// Files: each succeeding item registered exactly once with intact bytes; a failed one never
		// registered, and when it failed after S3 accepted it, findable at the key the error names.
		const registrations = await node.registrationsSince(snapshot);
		const firstFailing = failing.length ? failing[0] : count;
		const processed = continueOnFail ? [...Array(count).keys()] : [...Array(firstFailing).keys()];
		const expectedRegistered = processed.filter((index) => !failing.includes(index));
		let lost = 0;
		let duplicates = 0;
		const problems: string[] = [];
		for (const [index, name] of names.entries()) {
			const file = files[index];
			const registered = registrations.filter((registration) => registration.fileName.includes(name));
			if (registered.length > 1) {
				duplicates += registered.length - 1;
				problems.push(`item ${index} registered ${registered.length} times`);
			}
			if (expectedRegistered.includes(index)) {
				if (registered.length === 0 || !file || !(await registered[0].intact(file))) {
					lost++;
					problems.push(`item ${index} is not registered intact (${String(result.items[index]?.json.error ?? result.error?.message ?? 'no error')})`);
				}
			} else if (registered.length > 0) {
				problems.push(`item ${index} was registered although it ${failing.includes(index) ? 'failed' : 'came after the failure'}`);
			}
		}
		const failedTexts = continueOnFail
			? failing.map((index) => errorOf(result.items[index]))
			: [{ error: result.error?.message, description: String((result.error as { description?: unknown })?.description ?? '') }];
		if (scenario.storedBeforeFailure && node.s3) {
			for (const [position, failure] of failedTexts.entries()) {
				const index = continueOnFail ? failing[position] : firstFailing;
				const key = storedKeyIn(failure.description) ?? storedKeyIn(failure.error);
				const file = files[index];
				const stored = key ? await storedObject(node.s3.client, key).catch(() => undefined) : undefined;
				if (!file || !stored || stored.sha256 !== file.sha256) {
					lost++;
					problems.push(`item ${index}'s stored file is not at the key its error names (${key ?? 'none'})`);
				}
			}
		}
		figures.filesLost += lost;
		figures.duplicates += duplicates;

		expect(leaked).toEqual([]);
		expect(s3Leaks.map((request) => `${request.method} ${request.path}`)).toEqual([]);
		expect(problems).toEqual([]);

		if (continueOnFail) {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(count);
			for (const [index, item] of result.items.entries()) {
				expect(item.pairedItem).toEqual({ item: index });
				const { error, description } = errorOf(item);
				if (failing.includes(index)) {
					expect(error).toMatch(scenario.error ?? /./);
					expect(error).not.toMatch(TYPE_ERROR);
					if (scenario.description) expect(description).toMatch(scenario.description);
					expect(description ?? '').not.toBe('');
				} else {
					expect(error).toBeUndefined();
				}
			}
		} else if (failing.length) {
			expect(result.items).toEqual([]);
			expect(result.error?.message).toMatch(scenario.error ?? /./);
			expect(result.error?.message).not.toMatch(TYPE_ERROR);
			if (scenario.description) expect(String((result.error as { description?: unknown }).description)).toMatch(scenario.description);
		} else {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(count);
		}
		await scenario.check?.(result, { continueOnFail, files });
	}
}

/**
 * A hang after the headers: the fake answers 200 with its headers and the start of a body, then
 * sends nothing more (the connection stays open). A fault whose body is this marker does that.
 */
export const STALL_AFTER_HEADERS = '__stall after headers__';

export function enableStallAfterHeaders(server: FakeServer): void {
	const target = server as unknown as { send: (response: import('http').ServerResponse, answer: { status: number; body?: unknown }) => void };
	const send = target.send.bind(server);
	target.send = (response, answer) => {
		if (answer.body === STALL_AFTER_HEADERS) {
			response.writeHead(answer.status, { 'content-type': 'application/json' });
			response.write('{"data": ');
			return;
		}
		send(response, answer);
	};
}
