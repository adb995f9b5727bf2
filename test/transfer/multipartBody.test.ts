import { randomBytes } from 'crypto';
import { PassThrough, Readable } from 'stream';

import type { BinaryFile } from '../../nodes/transfer/binaryInput';
import type { MultipartBody } from '../../nodes/transfer/multipartBody';
import { buildMultipartBody, buildMultipartFields, MULTIPART_READ_CHUNK_BYTES } from '../../nodes/transfer/multipartBody';

/**
 * The multipart body S3 forms get, read back byte by byte: the fields in order, the file last with
 * its name and type, and a Content-Length equal to the bytes actually sent (S3 and radosgw refuse a
 * chunked POST, and a wrong length cuts the upload or hangs it).
 */

interface Part {
	headers: string[];
	content: Buffer;
}

async function bytesOf(body: MultipartBody): Promise<Buffer> {
	const chunks: Buffer[] = [];
	// form-data is an old-style stream: piped, as the request helpers send it.
	const sent = new PassThrough();
	body.form.pipe(sent);
	for await (const chunk of sent) {
		chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	}
	return Buffer.concat(chunks);
}

/** The parts between the boundaries (RFC 7578): header lines, a blank line, the content. */
function partsOf(bytes: Buffer, boundary: string): Part[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: Part[] = [];
	let at = bytes.indexOf(delimiter);
	expect(at).toBe(0);
	for (;;) {
		const start = at + delimiter.length;
		if (bytes.subarray(start, start + 4).toString() === '--\r\n') break;
		const next = bytes.indexOf(delimiter, start);
		expect(next).toBeGreaterThan(start);
		const part = bytes.subarray(start + 2, next - 2);
		const headerEnd = part.indexOf('\r\n\r\n');
		parts.push({
			headers: part.subarray(0, headerEnd).toString().split('\r\n'),
			content: part.subarray(headerEnd + 4),
		});
		at = next;
	}
	expect(bytes.length).toBe(at + delimiter.length + 4);
	return parts;
}

function fileOf(content: Buffer, streamed: boolean, readSizes: Array<number | undefined> = []): BinaryFile {
	return {
		propertyName: 'data',
		fileName: 'report 2026.pdf',
		mimeType: 'application/pdf',
		size: content.length,
		streamed,
		openContent: async (readChunkBytes?: number) => {
			readSizes.push(readChunkBytes);
			return streamed ? Readable.from([content.subarray(0, 1000), content.subarray(1000)]) : content;
		},
	};
}

function boundaryOf(body: MultipartBody): string {
	const match = /^multipart\/form-data; boundary=(\S+)$/.exec(body.headers['content-type']);
	expect(match).not.toBeNull();
	return match![1];
}

describe('buildMultipartBody', () => {
	const fields: Array<[string, string | number | boolean]> = [
		['key', 'uploads/report 2026.pdf'],
		['success_action_status', 201],
		['x-amz-meta-checked', true],
	];

	for (const streamed of [false, true]) {
		it(`sends the fields in order and the file last, with a Content-Length of the bytes sent (${streamed ? 'a stream' : 'a buffer'})`, async () => {
			const content = randomBytes(70_000);
			const readSizes: Array<number | undefined> = [];
			const body = await buildMultipartBody(fields, 'file', fileOf(content, streamed, readSizes));
			const bytes = await bytesOf(body);

			expect(body.length).toBe(bytes.length);
			expect(body.headers['content-length']).toBe(String(bytes.length));
			expect(Object.keys(body.headers).sort()).toEqual(['content-length', 'content-type']);
			const parts = partsOf(bytes, boundaryOf(body));
			expect(parts.map((part) => part.headers)).toEqual([
				['Content-Disposition: form-data; name="key"'],
				['Content-Disposition: form-data; name="success_action_status"'],
				['Content-Disposition: form-data; name="x-amz-meta-checked"'],
				['Content-Disposition: form-data; name="file"; filename="report 2026.pdf"', 'Content-Type: application/pdf'],
			]);
			expect(parts.slice(0, 3).map((part) => part.content.toString())).toEqual(['uploads/report 2026.pdf', '201', 'true']);
			expect(parts[3].content.equals(content)).toBe(true);
			// Reads of 1 MiB from n8n's store.
			expect(readSizes).toEqual([MULTIPART_READ_CHUNK_BYTES]);
			expect(MULTIPART_READ_CHUNK_BYTES).toBe(1024 * 1024);
		});
	}

	it('counts a streamed file by its stated size, before a byte of it is read', async () => {
		const content = randomBytes(5000);
		const small = await buildMultipartBody([], 'file', fileOf(content, true));
		const larger = await buildMultipartBody([], 'file', { ...fileOf(content, true), size: 5001 });
		expect(larger.length).toBe(small.length + 1);
		expect(small.length).toBe((await bytesOf(small)).length);
	});
});

describe('buildMultipartFields', () => {
	it('sends text fields only, with a Content-Length of the bytes sent', async () => {
		const body = buildMultipartFields([
			['url', 'https://files.example/a.pdf'],
			['size', 12],
		]);
		const bytes = await bytesOf(body);
		expect(body.length).toBe(bytes.length);
		expect(body.headers['content-length']).toBe(String(bytes.length));
		expect(Object.keys(body.headers).sort()).toEqual(['content-length', 'content-type']);
		const parts = partsOf(bytes, boundaryOf(body));
		expect(parts.map((part) => [part.headers, part.content.toString()])).toEqual([
			[['Content-Disposition: form-data; name="url"'], 'https://files.example/a.pdf'],
			[['Content-Disposition: form-data; name="size"'], '12'],
		]);
	});
});
