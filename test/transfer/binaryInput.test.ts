import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Readable } from 'stream';

import { getInputFiles, splitList } from '../../nodes/transfer/binaryInput';
import { fakeContext } from '../shared/fakeContext';

/** n8n's helpers for binary data, as they behave in memory mode (base64 in the item) and in a store (an id). */
function contextWith(items: INodeExecutionData[], combined: Record<string, IBinaryData> = {}) {
	const streamsOpened: Array<number | undefined> = [];
	const ctx = fakeContext({
		items,
		helpers: {
			assertBinaryData: (_itemIndex: number, name: string) => {
				if (combined[name]) return combined[name];
				throw new Error(`no binary ${name}`);
			},
			getBinaryMetadata: async (id: string) => ({ fileSize: Number(id.split(':')[1]) }),
			getBinaryStream: async (_id: string, chunkSize?: number) => {
				streamsOpened.push(chunkSize);
				return Readable.from([Buffer.from('stored')]);
			},
			getBinaryDataBuffer: async (_itemIndex: number, data: IBinaryData) => Buffer.from(data.data, 'base64'),
		},
	});
	return { ctx, streamsOpened };
}

function inMemory(content: string, extra: Partial<IBinaryData> = {}): IBinaryData {
	return { data: Buffer.from(content).toString('base64'), mimeType: 'text/plain', fileName: 'a.txt', ...extra };
}

async function refusal(promise: Promise<unknown>): Promise<NodeOperationError> {
	try {
		await promise;
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected a refusal');
}

describe('splitList', () => {
	it('splits on commas, trims, and drops empty parts', () => {
		expect(splitList(' data , attachment,,  ')).toEqual(['data', 'attachment']);
		expect(splitList('')).toEqual([]);
	});
});

describe('getInputFiles', () => {
	it('reads a file in memory mode: its bytes, name, type and size', async () => {
		const { ctx } = contextWith([{ json: {}, binary: { data: inMemory('hello') } }]);
		const [file] = await getInputFiles(ctx, 0, { binaryPropertyName: 'data' });
		expect(file).toMatchObject({ propertyName: 'data', fileName: 'a.txt', mimeType: 'text/plain', size: 5, streamed: false });
		expect(await file.openContent()).toEqual(Buffer.from('hello'));
	});

	it('reads a stored file by its id as a fresh stream each time, with the chunk size asked for', async () => {
		const stored: IBinaryData = { data: '', id: 'filesystem-v2:1234', mimeType: '', fileName: 'big.bin' };
		const { ctx, streamsOpened } = contextWith([{ json: {}, binary: { data: stored } }]);
		const [file] = await getInputFiles(ctx, 0, { binaryPropertyName: 'data' });
		expect(file).toMatchObject({ fileName: 'big.bin', mimeType: 'application/octet-stream', size: 1234, streamed: true });
		const first = await file.openContent(1024);
		const second = await file.openContent();
		expect(first).not.toBe(second);
		expect(streamsOpened).toEqual([1024, undefined]);
	});

	it('names a file without a name after its property and extension, or its property alone', async () => {
		const { ctx } = contextWith([
			{ json: {}, binary: { scan: inMemory('x', { fileName: undefined, fileExtension: 'pdf' }), raw: inMemory('y', { fileName: undefined }) } },
		]);
		const files = await getInputFiles(ctx, 0, { binaryPropertyName: 'scan, raw' });
		expect(files.map((file) => file.fileName)).toEqual(['scan.pdf', 'raw']);
	});

	it('takes one file name per property, in order', async () => {
		const { ctx } = contextWith([{ json: {}, binary: { a: inMemory('1'), b: inMemory('2') } }]);
		const files = await getInputFiles(ctx, 0, { binaryPropertyName: 'b,a', fileName: 'second.txt, first.txt' });
		expect(files.map((file) => [file.propertyName, file.fileName])).toEqual([
			['b', 'second.txt'],
			['a', 'first.txt'],
		]);
	});

	it('finds a file kept in the JSON (combined binary mode) through n8n\'s lookup', async () => {
		const { ctx } = contextWith([{ json: {} }], { 'nested.file': inMemory('abc', { fileName: 'n.txt' }) });
		const [file] = await getInputFiles(ctx, 0, { binaryPropertyName: 'nested.file' });
		expect(file).toMatchObject({ propertyName: 'nested.file', fileName: 'n.txt', size: 3 });
	});

	it('refuses an empty property list', async () => {
		const { ctx } = contextWith([{ json: {} }]);
		const error = await refusal(getInputFiles(ctx, 0, { binaryPropertyName: ' , ' }));
		expect(error.message).toBe('No input binary field given');
		expect(error.description).toMatch(/^Set "Input Binary Field"/);
		expect(error.context.itemIndex).toBe(0);
	});

	it('refuses file names that do not match the properties one for one', async () => {
		const { ctx } = contextWith([{ json: {} }, { json: {}, binary: { a: inMemory('1'), b: inMemory('2') } }]);
		const error = await refusal(getInputFiles(ctx, 1, { binaryPropertyName: 'a,b', fileName: 'one.txt' }));
		expect(error.message).toBe('Item 2 has 2 input binary fields but 1 file names');
		expect(error.description).toMatch(/^Give one file name per input binary field/);
		expect(error.context.itemIndex).toBe(1);
	});

	it('refuses a missing property, listing the ones the item has', async () => {
		const { ctx } = contextWith([{ json: {}, binary: { attachment_0: inMemory('1'), attachment_1: inMemory('2') } }]);
		const error = await refusal(getInputFiles(ctx, 0, { binaryPropertyName: 'data' }));
		expect(error.message).toBe('Item 1 has no binary property "data"');
		expect(error.description).toBe('This item\'s binary properties are: "attachment_0", "attachment_1". Set "Input Binary Field" to one of them.');
		expect(error.context.itemIndex).toBe(0);
	});

	it('says so when the item has no binary data at all', async () => {
		const { ctx } = contextWith([{ json: {} }]);
		const error = await refusal(getInputFiles(ctx, 0, { binaryPropertyName: 'data' }));
		expect(error.description).toMatch(/^This item has no binary data at all\./);
	});

	it('refuses an empty file', async () => {
		const { ctx } = contextWith([{ json: {}, binary: { data: inMemory('', { fileName: 'empty.txt' }) } }]);
		const error = await refusal(getInputFiles(ctx, 0, { binaryPropertyName: 'data' }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The file "empty.txt" in binary property "data" of item 1 is empty (0 bytes)');
		expect(error.description).toMatch(/^Empty files are not uploaded/);
		expect(error.context.itemIndex).toBe(0);
	});
});
