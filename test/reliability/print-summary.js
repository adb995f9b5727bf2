#!/usr/bin/env node
// Prints the figures the reliability suite wrote (test/reliability/summary.json) as a Markdown
// table, each distinct case once beside the per-node sums, then the generic cases with the nodes
// that run them: `node test/reliability/print-summary.js` after `npx jest test/reliability`.
require('../harness/registerTs.js');
const { readFileSync } = require('fs');
const { join } = require('path');

const { genericCaseList, summarize, summaryTable } = require('./summary.ts');

const written = JSON.parse(readFileSync(join(__dirname, 'summary.json'), 'utf8'));
// Recomputed from the per-node figures, so a summary.json written by an older suite still prints.
const summary = summarize(written.nodes);
console.log(summaryTable(summary));
if (process.argv.includes('--cases')) console.log(`\nGeneric cases:\n${genericCaseList(summary)}`);
const failures = summary.nodes.flatMap((f) => f.failures.map((failure) => `${f.node}: ${failure}`));
if (failures.length) {
	console.log(`\nFailed scenarios:\n${failures.join('\n')}`);
	process.exitCode = 1;
}
