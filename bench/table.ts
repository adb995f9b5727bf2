/** Result tables: printed as Markdown so the same text goes to the terminal and to docs/benchmarks.md. */

export interface Table {
	title: string;
	columns: string[];
	rows: string[][];
	notes: string[];
}

export function renderTable(table: Table): string {
	const widths = table.columns.map((column, index) =>
		Math.max(column.length, ...table.rows.map((row) => (row[index] ?? '').length)),
	);
	const line = (cells: string[]) => `| ${cells.map((cell, index) => (cell ?? '').padEnd(widths[index])).join(' | ')} |`;
	return [
		`### ${table.title}`,
		'',
		line(table.columns),
		`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
		...table.rows.map(line),
		'',
		...table.notes.map((note) => `- ${note}`),
		'',
	].join('\n');
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** "1.23 s (1.20–1.31)" for repeated runs. */
export function spread(values: number[], format: (value: number) => string): string {
	if (values.length === 0) return '—';
	if (values.length === 1) return format(values[0]);
	const sorted = [...values].sort((a, b) => a - b);
	return `${format(median(values))} (${format(sorted[0]).replace(/ .*/, '')}–${format(sorted[sorted.length - 1])})`;
}

export function verdict(met: boolean): string {
	return met ? 'met' : 'MISSED';
}

/** Median CPU seconds of the runs: n8n's process (curl for curl rows), the fakes and proxy, radosgw + OSD. */
export function cpuCell(runs: Array<{ cpu?: { n8n?: number; fakes: number; s3: number } }>): string {
	const pick = (get: (cpu: { n8n?: number; fakes: number; s3: number }) => number | undefined) => {
		const values = runs.map((run) => (run.cpu ? get(run.cpu) : undefined)).filter((value): value is number => value !== undefined);
		return values.length ? median(values).toFixed(1) : '?';
	};
	return `${pick((cpu) => cpu.n8n)} / ${pick((cpu) => cpu.fakes)} / ${pick((cpu) => cpu.s3)}`;
}

export const CPU_COLUMN = 'CPU s: client / fakes / S3';
export const CPU_NOTE =
	'CPU s (medians): the client process (n8n\'s engine running the workflow, or curl), the bench process that runs the fakes and the latency proxy (its whole CPU while the row ran, warm-up and checks included), and radosgw with its OSD and monitor. The machine has the number of cores listed above, shared by all three.';
