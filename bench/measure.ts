import type { BenchContext } from './context';
import { pastDeadline } from './context';
import type { ProbeRequest, ProbeResult } from './probe';
import { runProbe } from './rig';

export interface Measurement {
	wallMs: number;
	/** n8n's peak RSS growth during the run (the probe's figure); undefined for curl. */
	growthBytes?: number;
	/** curl's own peak RSS (whole process), when /usr/bin/time is there. */
	peakRssBytes?: number;
	/** CPU seconds spent during the run by n8n's process, by the fakes and proxy (this process), by radosgw + its OSD. */
	cpu?: { n8n?: number; fakes: number; s3: number };
}

export interface RowPlan {
	label: string;
	/** At most this many measured runs (a slow reference row), else the context's count. */
	repeats?: number;
	/** One measured run; throws (or returns a failure) when the run did not do the job. */
	run(repeat: number): Promise<Measurement>;
}

export interface RowOutcome {
	label: string;
	runs: Measurement[];
	failure?: string;
}

/**
 * Runs every row `repeats` times, interleaved (row A, B, C, then A, B, C again) so a slow phase of
 * the machine hits every row alike. A row that fails is not run again. No run starts after the
 * deadline.
 */
export async function measureRows(context: BenchContext, rows: RowPlan[], repeats = context.repeats): Promise<RowOutcome[]> {
	const outcomes = rows.map((row) => ({ label: row.label, runs: [] as Measurement[] }) as RowOutcome);
	for (let repeat = 0; repeat < repeats; repeat++) {
		for (const [index, row] of rows.entries()) {
			const outcome = outcomes[index];
			if (outcome.failure || repeat >= (row.repeats ?? repeats)) continue;
			if (context.rowFilter && !row.label.includes(context.rowFilter)) {
				outcome.failure = `not run: --rows=${context.rowFilter}`;
				continue;
			}
			if (pastDeadline(context)) {
				outcome.failure ??= outcome.runs.length ? undefined : 'not run: the benchmark ran out of time';
				continue;
			}
			try {
				const cpuBefore = cpuNow(context);
				const measurement = await row.run(repeat);
				const cpuAfter = cpuNow(context);
				measurement.cpu = {
					n8n: measurement.cpu?.n8n,
					fakes: cpuAfter.self - cpuBefore.self,
					s3: cpuAfter.s3 - cpuBefore.s3,
				};
				outcome.runs.push(measurement);
				context.log(`  ${row.label} #${repeat + 1}: ${(measurement.wallMs / 1000).toFixed(2)} s${measurement.growthBytes !== undefined ? `, RSS +${(measurement.growthBytes / 1048576).toFixed(1)} MB` : ''}`);
			} catch (error) {
				outcome.failure = (error as Error).message;
				context.log(`  ${row.label} #${repeat + 1}: FAILED ${outcome.failure}`);
			}
		}
	}
	return outcomes;
}

function cpuNow(context: BenchContext): { self: number; s3: number } {
	const usage = process.cpuUsage();
	return { self: (usage.user + usage.system) / 1e6, s3: context.s3CpuSeconds() };
}

/** Runs the probe and turns a failed run (no result, or the workflow's own error) into an exception. */
export async function probe(request: ProbeRequest, timeoutMs: number): Promise<ProbeResult> {
	const outcome = await runProbe(request, timeoutMs);
	if (!outcome.result) throw new Error(outcome.failure ?? 'the probe gave no result');
	if (outcome.result.error) throw new Error(`the workflow failed: ${outcome.result.error}`.slice(0, 400));
	if (outcome.result.itemsOut !== outcome.result.itemsIn) {
		throw new Error(`${outcome.result.itemsIn} items in, ${outcome.result.itemsOut} out`);
	}
	return outcome.result;
}
