import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';

/** One scenario of one node's table, as the summary counts it. */
export interface CaseResult {
	/** The case's name: the scenario's name (its `case` when several wordings mean one case). */
	name: string;
	kind: 'fault' | 'input' | 'credentials';
	passed: boolean;
}

/** What one node's scenario table proved, measured by the suite's own checks. */
export interface NodeFigures {
	node: string;
	scenarios: number;
	passed: number;
	/** Fault scenarios (throttles, 5xx, resets, hangs, expired forms, failed registrations) that passed. */
	faultsSurvived: number;
	faultScenarios: number;
	/** Bad-input scenarios tried (each also checked for a clear error, not a TypeError). */
	inputsTried: number;
	inputsClear: number;
	/** Credential-test scenarios (right key, wrong key). */
	credentialChecks: number;
	/** Executions run (each scenario runs with and without Continue On Fail). */
	executions: number;
	/** Input items whose file was neither registered intact nor reported stored at a key that holds it. */
	filesLost: number;
	/** Files registered more than once for one input item. */
	duplicates: number;
	/** Credential values found in error messages, descriptions, output items or S3 requests. */
	secretsLeaked: number;
	/** Requests the S3 side received, each checked for CRM credentials. */
	s3RequestsChecked: number;
	/** Error messages, descriptions and output items scanned for credential values. */
	textsScanned: number;
	/** Every scenario the table ran, by case name: the summary tells generic cases from CRM-specific ones. */
	cases: CaseResult[];
	failures: string[];
	ranAt: string;
}

export const RESULTS_DIR = join(__dirname, 'results');
export const SUMMARY_FILE = join(__dirname, 'summary.json');

export function emptyFigures(node: string): NodeFigures {
	return {
		node,
		scenarios: 0,
		passed: 0,
		faultsSurvived: 0,
		faultScenarios: 0,
		inputsTried: 0,
		inputsClear: 0,
		credentialChecks: 0,
		executions: 0,
		filesLost: 0,
		duplicates: 0,
		secretsLeaked: 0,
		s3RequestsChecked: 0,
		textsScanned: 0,
		cases: [],
		failures: [],
		ranAt: new Date().toISOString(),
	};
}

function writeAtomically(path: string, content: string): void {
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, content);
	renameSync(temporary, path);
}

type Counts = Omit<NodeFigures, 'node' | 'cases' | 'failures' | 'ranAt'>;

/** One distinct case over all tables: a case run by two or more nodes is generic, else CRM-specific. */
export interface DistinctCase {
	name: string;
	kind: CaseResult['kind'];
	/** The nodes whose table runs it. */
	nodes: string[];
	generic: boolean;
	/** Passed in every node that runs it. */
	passed: boolean;
}

/** Each distinct case counted once, split into generic and CRM-specific. */
export interface CaseCounts {
	cases: number;
	passed: number;
	generic: number;
	specific: number;
	faults: number;
	faultsPassed: number;
	inputs: number;
	credentials: number;
}

export interface Summary {
	generatedAt: string;
	nodes: NodeFigures[];
	/** Sums over the tables: a generic case counts once per node that runs it. */
	totals: Counts;
	/** Each case once. */
	distinct: CaseCounts;
	/** Each case once, with the nodes that run it. */
	cases: DistinctCase[];
}

/** The same case in several tables is matched by name, whatever the case of its letters or its spacing. */
export function caseKey(name: string): string {
	return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function distinctCases(nodes: NodeFigures[]): DistinctCase[] {
	const byKey = new Map<string, DistinctCase>();
	for (const figures of nodes) {
		for (const result of figures.cases ?? []) {
			const key = `${result.kind}:${caseKey(result.name)}`;
			const known = byKey.get(key);
			if (!known) {
				byKey.set(key, { name: result.name, kind: result.kind, nodes: [figures.node], generic: false, passed: result.passed });
				continue;
			}
			if (!known.nodes.includes(figures.node)) known.nodes.push(figures.node);
			known.passed &&= result.passed;
		}
	}
	const cases = [...byKey.values()];
	for (const found of cases) found.generic = found.nodes.length > 1;
	return cases.sort((a, b) => Number(b.generic) - Number(a.generic) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** Which of a node's scenarios are generic (another node runs the same case) and which only it runs. */
export function nodeCaseSplit(figures: NodeFigures, cases: DistinctCase[]): { generic: number; specific: number } {
	const generic = new Set(cases.filter((found) => found.generic).map((found) => `${found.kind}:${caseKey(found.name)}`));
	let shared = 0;
	for (const result of figures.cases ?? []) if (generic.has(`${result.kind}:${caseKey(result.name)}`)) shared++;
	return { generic: shared, specific: (figures.cases ?? []).length - shared };
}

export function countCases(cases: DistinctCase[]): CaseCounts {
	const count = (test: (found: DistinctCase) => boolean) => cases.filter(test).length;
	return {
		cases: cases.length,
		passed: count((found) => found.passed),
		generic: count((found) => found.generic),
		specific: count((found) => !found.generic),
		faults: count((found) => found.kind === 'fault'),
		faultsPassed: count((found) => found.kind === 'fault' && found.passed),
		inputs: count((found) => found.kind === 'input'),
		credentials: count((found) => found.kind === 'credentials'),
	};
}

export function summarize(nodes: NodeFigures[]): Summary {
	const totals = emptyFigures('total');
	for (const figures of nodes) {
		for (const key of Object.keys(totals) as Array<keyof NodeFigures>) {
			if (typeof totals[key] === 'number') (totals[key] as number) += figures[key] as number;
		}
	}
	const { node: _node, cases: _cases, failures: _failures, ranAt: _ranAt, ...numbers } = totals;
	const cases = distinctCases(nodes);
	return { generatedAt: new Date().toISOString(), nodes, totals: numbers, distinct: countCases(cases), cases };
}

/** Saves one node's figures and rewrites summary.json from every node's latest figures. */
export function recordFigures(figures: NodeFigures): Summary {
	mkdirSync(RESULTS_DIR, { recursive: true });
	writeAtomically(join(RESULTS_DIR, `${figures.node.replace(/[^\w-]+/g, '_')}.json`), JSON.stringify(figures, null, 2));
	const nodes = readdirSync(RESULTS_DIR)
		.filter((name) => name.endsWith('.json'))
		.map((name) => JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as NodeFigures)
		.sort((a, b) => a.node.localeCompare(b.node));
	const summary = summarize(nodes);
	writeAtomically(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
	return summary;
}

export function readSummary(): Summary | undefined {
	return existsSync(SUMMARY_FILE) ? (JSON.parse(readFileSync(SUMMARY_FILE, 'utf8')) as Summary) : undefined;
}

/**
 * The summary as a Markdown table (the README's Reliability section uses it as is). One row per
 * node; "Total" sums the rows, so a generic case counts once per node that runs it; "Distinct
 * cases" counts each case once.
 */
export function summaryTable(summary: Summary): string {
	const cases = summary.cases ?? distinctCases(summary.nodes);
	const distinct = summary.distinct ?? countCases(cases);
	const header = ['Node', 'Scenarios passed', 'Generic', 'CRM-specific', 'Faults survived', 'Inputs tried', 'Credential checks', 'Executions', 'S3 requests checked', 'Files lost', 'Duplicates', 'Secrets leaked'];
	const losses = (f: Counts) => [`${f.filesLost}`, `${f.duplicates}`, `${f.secretsLeaked}`];
	const rows = summary.nodes.map((figures) => {
		const split = nodeCaseSplit(figures, cases);
		return [
			figures.node,
			`${figures.passed}/${figures.scenarios}`,
			`${split.generic}`,
			`${split.specific}`,
			`${figures.faultsSurvived}/${figures.faultScenarios}`,
			`${figures.inputsTried}`,
			`${figures.credentialChecks}`,
			`${figures.executions}`,
			`${figures.s3RequestsChecked}`,
			...losses(figures),
		];
	});
	const t = summary.totals;
	const split = summary.nodes.map((figures) => nodeCaseSplit(figures, cases));
	rows.push(
		[
			'**Total** (a generic case once per node)',
			`${t.passed}/${t.scenarios}`,
			`${split.reduce((sum, s) => sum + s.generic, 0)}`,
			`${split.reduce((sum, s) => sum + s.specific, 0)}`,
			`${t.faultsSurvived}/${t.faultScenarios}`,
			`${t.inputsTried}`,
			`${t.credentialChecks}`,
			`${t.executions}`,
			`${t.s3RequestsChecked}`,
			...losses(t),
		].map((cell, index) => (index === 0 ? cell : `**${cell}**`)),
		[
			'**Distinct cases** (each once)',
			`**${distinct.passed}/${distinct.cases}**`,
			`**${distinct.generic}**`,
			`**${distinct.specific}**`,
			`**${distinct.faultsPassed}/${distinct.faults}**`,
			`**${distinct.inputs}**`,
			'',
			'',
			'',
			'',
			'',
			'',
		],
	);
	return [
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...rows.map((row) => `| ${row.join(' | ')} |`),
	].join('\n');
}

/** The generic cases (run by two or more nodes) with the nodes that run them, for docs/reliability.md. */
export function genericCaseList(summary: Summary): string {
	const cases = (summary.cases ?? distinctCases(summary.nodes)).filter((found) => found.generic);
	return cases.map((found) => `- [${found.kind}] ${found.name} (${found.nodes.join(', ')})`).join('\n');
}
