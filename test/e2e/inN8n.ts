/**
 * Jest glue for the end-to-end runner (scripts/n8n/e2e.ts): for every n8n of scripts/n8n/versions.env,
 * one fresh user folder with the packed package installed, then one test per case of a table.
 *
 * A case is an example workflow (examples/<file>) plus what it needs around it:
 *   prepare(): start a fake / make an S3 form / write a file, then patch the workflow's parameters and
 *              give the credentials (plain text; n8n encrypts them on import),
 *   verify():  assert on what the fake / S3 received and stored, then on the workflow's output.
 * A case may run its workflow more than once (`runs`, e.g. a re-run after a failure): the workflow is
 * imported once and executed `runs` times, `betweenRuns()` gets each run's result before the next one
 * (to check it, or to change the input file), and verify() gets the last run's result and all of them.
 * A workflow that `n8n execute` cannot start (a Form Trigger's) gives its own `run()` (e.g. publish it,
 * `n8n start`, submit the form: scripts/n8n/formSubmission.ts).
 * A CRM's own cases are listed in its entry of the CRM registry (test/crms/), the others in the test file.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

import type { ExecuteResult, N8nCredential, N8nInstall, N8nTarget, N8nWorkflow, PackedPackage } from '../../scripts/n8n/e2e';
import { buildAndPack, installN8n, loadExample, N8nSandbox, n8nTargets } from '../../scripts/n8n/e2e';

/** Installing n8n (first run only), building and packing: minutes, not seconds. */
export const SETUP_TIMEOUT_MS = 15 * 60 * 1000;
/** One case: two imports and an execute (one per run), each a cold n8n start. */
export const CASE_TIMEOUT_MS = 5 * 60 * 1000;

export interface CaseContext {
	target: N8nTarget;
	sandbox: N8nSandbox;
	/** A scratch folder the Read/Write Files from Disk node may read; removed after the suite. */
	files: string;
}

export interface Prepared {
	workflow: N8nWorkflow;
	credentials?: N8nCredential[];
	/** Anything verify() needs (expected checksums, the fake, ...). */
	state?: Record<string, unknown>;
	/** Stops what prepare() started (a fake server). */
	cleanup?: () => Promise<void>;
}

export interface E2eCase {
	title: string;
	/** The example workflow file in examples/. */
	example: string;
	prepare(workflow: N8nWorkflow, context: CaseContext): Promise<Prepared>;
	/** How many times the imported workflow is executed, one `n8n execute` each (default 1). */
	runs?: number;
	/** Runs the imported workflow once, instead of `n8n execute --id`. */
	run?(id: string, prepared: Prepared, context: CaseContext): Promise<ExecuteResult>;
	/** After run `run` (1-based) when another follows: check its result, change the input for the next. */
	betweenRuns?(result: ExecuteResult, run: number, prepared: Prepared, context: CaseContext): Promise<void>;
	/** `result` is the last run's; `results` holds every run's, in order. */
	verify(result: ExecuteResult, prepared: Prepared, context: CaseContext, results: ExecuteResult[]): Promise<void>;
}

let packing: Promise<PackedPackage> | undefined;

/** Builds and packs once per test file (both n8n versions get the same tarball). */
export async function packedPackage(): Promise<PackedPackage> {
	packing ??= buildAndPack();
	return await packing;
}

// The tarball's folder goes when the test file that imported this module is done.
afterAll(async () => {
	const packed = await packing?.catch(() => undefined);
	if (packed) rmSync(dirname(packed.tarball), { recursive: true, force: true });
});

export interface N8nSuite {
	target: N8nTarget;
	install: N8nInstall;
	sandbox: N8nSandbox;
	files: string;
}

/**
 * describe() per n8n target: installs (cached) n8n, packs and installs the package into a fresh user
 * folder, runs each case, then `extra` for suite-specific tests (they get the live suite).
 */
export function describeInN8n(
	title: string,
	cases: E2eCase[],
	extra?: (suite: () => N8nSuite) => void,
): void {
	describe.each(n8nTargets().map((target) => [target.label, target] as const))(`${title} in %s`, (_label, target) => {
		const suite = { target } as N8nSuite;

		beforeAll(async () => {
			suite.install = await installN8n(target);
			const packed = await packedPackage();
			suite.files = mkdtempSync(join(tmpdir(), 'crm-e2e-files-'));
			suite.sandbox = await N8nSandbox.create(suite.install, packed.tarball, { fileAccess: [suite.files] });
		}, SETUP_TIMEOUT_MS);

		afterAll(async () => {
			await suite.sandbox?.dispose();
			if (suite.files) rmSync(suite.files, { recursive: true, force: true });
		});

		for (const testCase of cases) {
			it(
				testCase.title,
				async () => {
					const context: CaseContext = { target, sandbox: suite.sandbox, files: suite.files };
					const prepared = await testCase.prepare(loadExample(testCase.example), context);
					try {
						await suite.sandbox.importCredentials(prepared.credentials ?? []);
						const [id] = await suite.sandbox.importWorkflows([prepared.workflow]);
						const results: ExecuteResult[] = [];
						const runs = testCase.runs ?? 1;
						for (let run = 1; run <= runs; run++) {
							if (run > 1) await testCase.betweenRuns?.(results[run - 2], run - 1, prepared, context);
							const result = testCase.run ? await testCase.run(id, prepared, context) : await suite.sandbox.execute(id);
							expect(result.stdout + result.stderr).not.toMatch(/Unrecognized node type/);
							results.push(result);
						}
						await testCase.verify(results[results.length - 1], prepared, context, results);
					} finally {
						await prepared.cleanup?.();
					}
				},
				CASE_TIMEOUT_MS * (testCase.runs ?? 1),
			);
		}

		extra?.(() => suite);
	});
}
