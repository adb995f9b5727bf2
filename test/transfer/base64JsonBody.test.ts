import { randomBytes } from 'crypto';
import { PassThrough, Readable } from 'stream';

import type { BinaryFile } from '../../nodes/transfer';
import { base64Length, buildBase64JsonBody } from '../../nodes/transfer';

function fileOf(content: Buffer, streamed: boolean, mimeType = 'application/pdf'): BinaryFile {
	return {
		propertyName: 'data',
		fileName: 'a.pdf',
		mimeType,
		size: content.length,
		streamed,
		// Odd chunk sizes make the encoder carry 1 or 2 bytes across chunks.
		openContent: async () =>
			streamed
				? Readable.from(
						(function* () {
							for (let at = 0; at < content.length; at += 7001) yield content.subarray(at, at + 7001);
						})(),
					)
				: content,
	};
}

async function collect(body: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks);
}

describe('buildBase64JsonBody', () => {
	it.each([
		[1, true],
		[2, true],
		[3, false],
		[100_000, true],
		[100_001, true],
		[100_002, false],
		[100_002, true],
	])('streams valid JSON of exactly the stated length with the file as a data URI (%i bytes, streamed %s)', async (size, streamed) => {
		const content = randomBytes(size);
		const json = { name: 'a "quoted" name.pdf', type: 'application/pdf', role: 'Attachment', field: 'attachments' };
		const built = await buildBase64JsonBody(json, 'file', fileOf(content, streamed));
		const bytes = await collect(built.body);

		expect(bytes.length).toBe(built.length);
		expect(built.headers['content-length']).toBe(String(bytes.length));
		expect(built.headers['content-type']).toBe('application/json');
		expect(base64Length(size)).toBe(Buffer.from(content).toString('base64').length);
		const parsed = JSON.parse(bytes.toString('utf8')) as Record<string, string>;
		expect(parsed).toMatchObject(json);
		const match = /^data:application\/pdf;base64,(.*)$/s.exec(parsed.file);
		expect(match).not.toBeNull();
		expect(Buffer.from(match![1], 'base64').equals(content)).toBe(true);
	});

	it('works with an empty JSON object around the file', async () => {
		const content = randomBytes(10);
		const built = await buildBase64JsonBody({}, 'file', fileOf(content, false, 'text/plain'));
		const bytes = await collect(built.body);
		expect(bytes.length).toBe(built.length);
		expect(JSON.parse(bytes.toString('utf8'))).toEqual({ file: `data:text/plain;base64,${content.toString('base64')}` });
	});

	it('gives a fresh body per call, so a retried request never reuses a consumed stream', async () => {
		const content = randomBytes(5000);
		const file = fileOf(content, true);
		const first = await collect((await buildBase64JsonBody({ a: 1 }, 'file', file)).body);
		const second = await collect((await buildBase64JsonBody({ a: 1 }, 'file', file)).body);
		expect(second.equals(first)).toBe(true);
	});

	it('sends the encoded bytes of a chunk before the file has ended (it never holds the whole file)', async () => {
		const source = new PassThrough();
		const file: BinaryFile = { ...fileOf(Buffer.alloc(0), true), size: 6, openContent: async () => source };
		const chunks = (await buildBase64JsonBody({}, 'file', file)).body[Symbol.asyncIterator]();
		await chunks.next(); // the JSON up to the data URI
		source.write(Buffer.from('abc'));
		// Only answered while the file is still open if the encoder passes whole groups on at once.
		expect(Buffer.from((await chunks.next()).value as string).toString()).toBe(Buffer.from('abc').toString('base64'));
		source.end(Buffer.from('def'));
		expect(Buffer.from((await chunks.next()).value as string).toString()).toBe(Buffer.from('def').toString('base64'));
	});
});
