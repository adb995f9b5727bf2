import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import type { UploadInput } from '../../nodes/shared/uploadOperation';
import { onRecord, readUploadInput, uploadEachFile } from '../../nodes/shared/uploadOperation';
import { createRunContext } from '../../nodes/shared/runContext';
import { fakeContext } from './fakeContext';

/**
 * What every upload operation reads of its item, and the order its uploads run in: the files are
 * checked against the service's limits before any is sent, and with "If Already Attached" set the
 * work on one record runs one item at a time.
 */

function inMemory(content: string, fileName: string): IBinaryData {
	return { data: Buffer.from(content).toString('base64'), mimeType: 'text/plain', fileName };
}

function contextOf(parameters: Record<string, unknown>, binary: Record<string, IBinaryData>) {
	const items: INodeExecutionData[] = [{ json: {}, binary }];
	return fakeContext({
		items,
		parameters,
		helpers: {
			getBinaryDataBuffer: async (_itemIndex: number, data: IBinaryData) => Buffer.from(data.data, 'base64'),
		},
	});
}

/** A task that records when it starts and ends, and ends when the test says. */
function recorder() {
	const events: string[] = [];
	const releases = new Map<string, () => void>();
	const task = (name: string) => async () => {
		events.push(`${name} start`);
		await new Promise<void>((resolve) => releases.set(name, resolve));
		events.push(`${name} end`);
		return name;
	};
	const release = async (name: string) => {
		for (let tick = 0; tick < 10 && !releases.has(name); tick++) await new Promise((resolve) => setImmediate(resolve));
		releases.get(name)?.();
		await new Promise((resolve) => setImmediate(resolve));
	};
	return { events, task, release };
}

describe('readUploadInput', () => {
	it('reads the files of "Input Binary Field", named by options.fileName, with the options and If Already Attached', async () => {
		const ctx = contextOf(
			{ binaryPropertyName: 'a, b', options: { fileName: 'one.txt, two.txt', ifAlreadyAttached: 'skip' } },
			{ a: inMemory('first', 'a.txt'), b: inMemory('second', 'b.txt') },
		);
		const input = await readUploadInput(ctx, 0);
		expect(input.files.map((file) => [file.propertyName, file.fileName, file.size])).toEqual([
			['a', 'one.txt', 5],
			['b', 'two.txt', 6],
		]);
		expect(input.options).toEqual({ fileName: 'one.txt, two.txt', ifAlreadyAttached: 'skip' });
		expect(input.ifAlreadyAttached).toBe('skip');
	});

	it('keeps the files\' own names without options, and uploads by default', async () => {
		const input = await readUploadInput(contextOf({ binaryPropertyName: 'data' }, { data: inMemory('x', 'own.txt') }), 0);
		expect(input.files.map((file) => file.fileName)).toEqual(['own.txt']);
		expect(input.options).toEqual({});
		expect(input.ifAlreadyAttached).toBe('upload');
		const emptyName = await readUploadInput(contextOf({ binaryPropertyName: 'data', options: { fileName: '' } }, { data: inMemory('x', 'own.txt') }), 0);
		expect(emptyName.files[0].fileName).toBe('own.txt');
	});

	it('checks every file against the limits before it answers, and names the file refused', async () => {
		const ctx = contextOf({ binaryPropertyName: 'a, b' }, { a: inMemory('small', 'a.txt'), b: inMemory('far too large', 'b.txt') });
		await expect(readUploadInput(ctx, 0, { serviceName: 'Acme', maxBytes: 10 })).rejects.toThrow(/^Acme accepts files up to 10 bytes: "b.txt"/);
		expect((await readUploadInput(ctx, 0, { serviceName: 'Acme', maxBytes: 13 })).files).toHaveLength(2);
	});
});

describe('onRecord', () => {
	it('runs the work on one record one at a time when If Already Attached checks the record', async () => {
		for (const mode of ['skip', 'replace'] as const) {
			const run = createRunContext();
			const { events, task, release } = recorder();
			const first = onRecord(run, mode, 'lead 1', task('first'));
			const second = onRecord(run, mode, 'lead 1', task('second'));
			const other = onRecord(run, mode, 'lead 2', task('other'));
			await release('first');
			await release('second');
			await release('other');
			expect(await Promise.all([first, second, other])).toEqual(['first', 'second', 'other']);
			expect(events.indexOf('second start')).toBeGreaterThan(events.indexOf('first end'));
			// Another record does not wait.
			expect(events.indexOf('other start')).toBeLessThan(events.indexOf('first end'));
		}
	});

	it('runs uploads side by side when every file is simply uploaded', async () => {
		const run = createRunContext();
		const { events, task, release } = recorder();
		const first = onRecord(run, 'upload', 'lead 1', task('first'));
		const second = onRecord(run, 'upload', 'lead 1', task('second'));
		await new Promise((resolve) => setImmediate(resolve));
		expect(events).toEqual(['first start', 'second start']);
		await release('second');
		await release('first');
		expect(await Promise.all([first, second])).toEqual(['first', 'second']);
	});
});

describe('uploadEachFile', () => {
	it('gives one output item per file, uploaded one after the other in the order given', async () => {
		const ctx = contextOf({ binaryPropertyName: 'a, b, c' }, { a: inMemory('1', 'a.txt'), b: inMemory('2', 'b.txt'), c: inMemory('3', 'c.txt') });
		const input: UploadInput = await readUploadInput(ctx, 0);
		const started: string[] = [];
		let running = 0;
		const output = await uploadEachFile(createRunContext(), input, 'lead 1', async (file) => {
			running++;
			expect(running).toBe(1);
			started.push(file.fileName);
			await new Promise((resolve) => setImmediate(resolve));
			running--;
			return { json: { name: file.fileName } };
		});
		expect(started).toEqual(['a.txt', 'b.txt', 'c.txt']);
		expect(output).toEqual([{ json: { name: 'a.txt' } }, { json: { name: 'b.txt' } }, { json: { name: 'c.txt' } }]);
	});

	it('holds the record\'s lock for each file when If Already Attached checks it', async () => {
		const ctx = contextOf({ binaryPropertyName: 'a', options: { ifAlreadyAttached: 'skip' } }, { a: inMemory('1', 'a.txt') });
		const input = await readUploadInput(ctx, 0);
		const run = createRunContext();
		const { events, task, release } = recorder();
		const held = onRecord(run, 'skip', 'lead 1', task('held'));
		const uploads = uploadEachFile(run, input, 'lead 1', async (file) => {
			events.push(`upload ${file.fileName}`);
			return { json: {} };
		});
		await new Promise((resolve) => setImmediate(resolve));
		expect(events).toEqual(['held start']);
		await release('held');
		await uploads;
		await held;
		expect(events).toEqual(['held start', 'held end', 'upload a.txt']);
	});
});
