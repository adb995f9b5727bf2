import type { IBinaryData } from 'n8n-workflow';
import { PassThrough, Readable } from 'stream';

import { drainStream, isStream, storeAnsweredFile } from '../../nodes/transfer/answeredFile';
import type { HttpResponse } from '../../nodes/transfer/httpResponse';
import { fakeContext } from '../shared/fakeContext';

/**
 * A downloaded answer put into n8n's binary store, with n8n's helpers as they behave in memory mode
 * (the bytes as base64 in the item) or with a store (an id whose metadata has the size).
 */
function storeContext(mode: 'memory' | 'store') {
	const prepared: Array<{ data: unknown; fileName: string; mimeType: string | undefined }> = [];
	const ctx = fakeContext({
		helpers: {
			prepareBinaryData: async (data: Buffer | Readable, fileName: string, mimeType?: string): Promise<IBinaryData> => {
				prepared.push({ data, fileName, mimeType });
				const bytes = Buffer.isBuffer(data) ? data : await drainStream(data);
				return mode === 'memory'
					? { data: bytes.toString('base64'), mimeType: mimeType ?? 'text/plain', fileName }
					: { data: 'filesystem-v2', id: `filesystem-v2:${bytes.length}`, mimeType: mimeType ?? 'text/plain', fileName };
			},
			getBinaryMetadata: async (id: string) => ({ fileSize: Number(id.split(':')[1]) }),
		},
	});
	return { ctx, prepared };
}

function answer(body: unknown, headers: Record<string, string> = {}): HttpResponse {
	return { statusCode: 200, headers, body };
}

describe('storeAnsweredFile', () => {
	it('stores a buffered answer under the file name, with the answer\'s type without its parameters, and its size from the item', async () => {
		const { ctx, prepared } = storeContext('memory');
		const stored = await storeAnsweredFile(ctx, answer(Buffer.from('%PDF-1.7'), { 'Content-Type': ' Application/PDF ; charset=binary' }), 'a.pdf');
		expect(prepared).toEqual([{ data: Buffer.from('%PDF-1.7'), fileName: 'a.pdf', mimeType: 'application/pdf' }]);
		expect(stored.size).toBe(8);
		expect(stored.binary.fileName).toBe('a.pdf');
	});

	it.each(['application/octet-stream', 'Binary/Octet-Stream; x=1'])('leaves the type to n8n (from the file name) for the generic %p', async (type) => {
		const { ctx, prepared } = storeContext('memory');
		await storeAnsweredFile(ctx, answer(Buffer.from('x'), { 'content-type': type }), 'a.png');
		expect(prepared[0].mimeType).toBeUndefined();
	});

	it('leaves the type to n8n when the answer names none', async () => {
		const { ctx, prepared } = storeContext('memory');
		await storeAnsweredFile(ctx, answer(Buffer.from('x')), 'a.png');
		expect(prepared[0].mimeType).toBeUndefined();
	});

	it('hands a streamed answer on as the stream itself, and reads the size from the store', async () => {
		const { ctx, prepared } = storeContext('store');
		const stream = Readable.from([Buffer.from('hello '), Buffer.from('world')]);
		const stored = await storeAnsweredFile(ctx, answer(stream, { 'content-type': 'text/plain' }), 'a.txt');
		expect(prepared[0].data).toBe(stream);
		expect(stored.size).toBe(11);
		expect(stored.binary.id).toBe('filesystem-v2:11');
	});

	it('stores a text answer as its bytes, and no body as an empty file', async () => {
		const { ctx, prepared } = storeContext('memory');
		expect((await storeAnsweredFile(ctx, answer('héllo'), 'a.txt')).size).toBe(6);
		expect(prepared[0].data).toEqual(Buffer.from('héllo'));
		expect((await storeAnsweredFile(ctx, answer(undefined), 'b.txt')).size).toBe(0);
		expect(prepared[1].data).toEqual(Buffer.alloc(0));
	});

	it('has no size when the store says nothing of the file', async () => {
		const ctx = fakeContext({
			helpers: { prepareBinaryData: async () => ({ mimeType: 'text/plain', fileName: 'a.txt' }) as unknown as IBinaryData },
		});
		expect((await storeAnsweredFile(ctx, answer(Buffer.from('x')), 'a.txt')).size).toBeNull();
	});
});

describe('isStream and drainStream', () => {
	it('tells a stream by its pipe method', () => {
		expect(isStream(new PassThrough())).toBe(true);
		expect(isStream({ pipe: () => undefined })).toBe(true);
		for (const value of [undefined, null, '', 'text', Buffer.from('x'), { pipe: 'no' }, {}]) expect(isStream(value)).toBe(false);
	});

	it('reads the whole of a stream of buffers or text', async () => {
		expect((await drainStream(Readable.from([Buffer.from('ab'), Buffer.from('cd')]))).toString()).toBe('abcd');
		expect((await drainStream(Readable.from(['é', 'f'], { objectMode: true }))).toString()).toBe('éf');
		expect(await drainStream(Readable.from([]))).toEqual(Buffer.alloc(0));
	});
});
