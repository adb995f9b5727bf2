import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';

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
		failures: [],
		ranAt: new Date().toISOString(),
	};
}

function writeAtomically(path: string, content: string): void {
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, content);
	renameSync(temporary, path);
}

export interface Summary {
	generatedAt: string;
	nodes: NodeFigures[];
	totals: Omit<NodeFigures, 'node' | 'failures' | 'ranAt'>;
}

export function summarize(nodes: NodeFigures[]): Summary {
	const totals = emptyFigures('total');
	for (const figures of nodes) {
		for (const key of Object.keys(totals) as Array<keyof NodeFigures>) {
			if (typeof totals[key] === 'number') (totals[key] as number) += figures[key] as number;
		}
	}
	const { node: _node, failures: _failures, ranAt: _ranAt, ...numbers } = totals;
	return { generatedAt: new Date().toISOString(), nodes, totals: numbers };
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

const COLUMNS: Array<[string, (figures: Omit<NodeFigures, 'node' | 'failures' | 'ranAt'>) => string]> = [
	['Scenarios', (f) => `${f.passed}/${f.scenarios}`],
	['Faults survived', (f) => `${f.faultsSurvived}/${f.faultScenarios}`],
	['Inputs tried', (f) => `${f.inputsTried}`],
	['Credential checks', (f) => `${f.credentialChecks}`],
	['Executions', (f) => `${f.executions}`],
	['S3 requests checked', (f) => `${f.s3RequestsChecked}`],
	['Files lost', (f) => `${f.filesLost}`],
	['Duplicates', (f) => `${f.duplicates}`],
	['Secrets leaked', (f) => `${f.secretsLeaked}`],
];

/** The summary as a Markdown table (the README's Reliability section uses it as is). */
export function summaryTable(summary: Summary): string {
	const header = ['Node', ...COLUMNS.map(([name]) => name)];
	const rows = summary.nodes.map((figures) => [figures.node, ...COLUMNS.map(([, cell]) => cell(figures))]);
	rows.push(['**Total**', ...COLUMNS.map(([, cell]) => `**${cell(summary.totals)}**`)]);
	return [
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...rows.map((row) => `| ${row.join(' | ')} |`),
	].join('\n');
}
