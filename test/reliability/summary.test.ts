import type { NodeFigures } from './summary';
import { distinctCases, emptyFigures, nodeCaseSplit, summarize, summaryTable } from './summary';

function node(name: string, cases: Array<[string, 'fault' | 'input' | 'credentials', boolean?]>): NodeFigures {
	const figures = emptyFigures(name);
	for (const [caseName, kind, passed = true] of cases) {
		figures.cases.push({ name: caseName, kind, passed });
		figures.scenarios++;
		if (passed) figures.passed++;
		if (kind === 'fault') {
			figures.faultScenarios++;
			if (passed) figures.faultsSurvived++;
		}
		if (kind === 'input') figures.inputsTried++;
	}
	return figures;
}

describe('the reliability summary', () => {
	const nodes = [
		node('Alpha', [['an empty file', 'input'], ['S3 503 SlowDown', 'fault'], ['Alpha\'s own throttle', 'fault']]),
		node('Beta', [['An  empty file ', 'input'], ['S3 503 SlowDown', 'fault', false], ['a misnamed field', 'input']]),
		node('Gamma', [['an empty file', 'input'], ['an empty file', 'fault']]),
	];

	it('counts a case several nodes run once, as generic, and passed only if it passed everywhere', () => {
		const cases = distinctCases(nodes);
		expect(cases.map((found) => [found.kind, found.name, found.nodes, found.generic, found.passed])).toEqual([
			['fault', 'S3 503 SlowDown', ['Alpha', 'Beta'], true, false],
			['input', 'an empty file', ['Alpha', 'Beta', 'Gamma'], true, true],
			['fault', 'Alpha\'s own throttle', ['Alpha'], false, true],
			// Same words, another kind: another case.
			['fault', 'an empty file', ['Gamma'], false, true],
			['input', 'a misnamed field', ['Beta'], false, true],
		]);
		expect(nodes.map((figures) => nodeCaseSplit(figures, cases))).toEqual([
			{ generic: 2, specific: 1 },
			{ generic: 2, specific: 1 },
			{ generic: 1, specific: 1 },
		]);
	});

	it('gives the sums over the tables and each distinct case once', () => {
		const summary = summarize(nodes);
		expect(summary.totals).toMatchObject({ scenarios: 8, passed: 7, faultScenarios: 4, faultsSurvived: 3, inputsTried: 4 });
		expect(summary.distinct).toEqual({ cases: 5, passed: 4, generic: 2, specific: 3, faults: 3, faultsPassed: 2, inputs: 2, credentials: 0 });
		const table = summaryTable(summary).split('\n');
		expect(table[0]).toBe(
			'| Node | Scenarios passed | Generic | CRM-specific | Faults survived | Inputs tried | Credential checks | Executions | S3 requests checked | Files lost | Duplicates | Secrets leaked |',
		);
		expect(table[2]).toBe('| Alpha | 3/3 | 2 | 1 | 2/2 | 1 | 0 | 0 | 0 | 0 | 0 | 0 |');
		expect(table[5]).toBe('| **Total** (a generic case once per node) | **7/8** | **5** | **3** | **3/4** | **4** | **0** | **0** | **0** | **0** | **0** | **0** |');
		expect(table[6]).toBe('| **Distinct cases** (each once) | **4/5** | **2** | **3** | **2/3** | **2** |  |  |  |  |  |  |');
	});

	it('reads figures written before cases were recorded as having none', () => {
		const old = { ...emptyFigures('Old'), cases: undefined } as unknown as NodeFigures;
		expect(summarize([old]).distinct.cases).toBe(0);
	});
});
