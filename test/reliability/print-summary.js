#!/usr/bin/env node
// Prints the figures the reliability suite wrote (test/reliability/summary.json) as a Markdown
// table: `node test/reliability/print-summary.js` after `npx jest test/reliability`.
const { readFileSync } = require('fs');
const { join } = require('path');

const summary = JSON.parse(readFileSync(join(__dirname, 'summary.json'), 'utf8'));
const columns = [
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
const header = ['Node', ...columns.map(([name]) => name)];
const rows = summary.nodes.map((f) => [f.node, ...columns.map(([, cell]) => cell(f))]);
rows.push(['**Total**', ...columns.map(([, cell]) => `**${cell(summary.totals)}**`)]);
console.log([`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n'));
const failures = summary.nodes.flatMap((f) => f.failures.map((failure) => `${f.node}: ${failure}`));
if (failures.length) {
	console.log(`\nFailed scenarios:\n${failures.join('\n')}`);
	process.exitCode = 1;
}
