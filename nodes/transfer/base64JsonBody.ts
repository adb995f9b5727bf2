import type { IDataObject } from 'n8n-workflow';
// Node's built-in stream module, not a dependency: the base64 body is encoded on the fly.
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports
import { Readable, Transform } from 'stream';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports
import type { TransformCallback } from 'stream';

import type { BinaryFile } from './binaryInput';

export interface Base64JsonBody {
	body: Readable;
	headers: Record<string, string>;
	length: number;
}

/** Base64 of `size` bytes is 4 characters per started group of 3. */
export function base64Length(size: number): number {
	return Math.ceil(size / 3) * 4;
}

/** Encodes a byte stream to base64 on the fly, carrying the 0-2 bytes that do not fill a group. */
class Base64Encoder extends Transform {
	private carry: Buffer = Buffer.alloc(0);

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
		const whole = data.length - (data.length % 3);
		this.carry = data.subarray(whole);
		if (whole > 0) this.push(data.subarray(0, whole).toString('base64'));
		callback();
	}

	override _flush(callback: TransformCallback): void {
		if (this.carry.length) this.push(this.carry.toString('base64'));
		callback();
	}
}

async function* jsonWithDataUri(
	prefix: Buffer,
	content: NodeJS.ReadableStream | Buffer,
	suffix: Buffer,
): AsyncGenerator<Buffer | string> {
	yield prefix;
	if (Buffer.isBuffer(content)) {
		yield content.toString('base64');
	} else {
		for await (const chunk of content.pipe(new Base64Encoder())) yield chunk as string;
	}
	yield suffix;
}

/**
 * A JSON body whose `fileProperty` holds the file as a `data:<mime>;base64,` URI, streamed with a
 * known length so memory does not grow with the file and no JSON is re-serialised around it.
 */
export async function buildBase64JsonBody(
	json: IDataObject,
	fileProperty: string,
	file: BinaryFile,
): Promise<Base64JsonBody> {
	const rest = JSON.stringify(json);
	const opening = rest === '{}' ? '{' : `${rest.slice(0, -1)},`;
	// The data URI's opening is JSON-escaped like any other string (a MIME type may carry quotes).
	const dataUriOpening = JSON.stringify(`data:${file.mimeType};base64,`).slice(0, -1);
	const prefix = Buffer.from(`${opening}${JSON.stringify(fileProperty)}:${dataUriOpening}`, 'utf8');
	const suffix = Buffer.from('"}', 'utf8');
	const length = prefix.length + base64Length(file.size) + suffix.length;
	const content = await file.openContent();
	return {
		body: Readable.from(jsonWithDataUri(prefix, content, suffix), { objectMode: false }),
		length,
		headers: { 'content-type': 'application/json', 'content-length': String(length) },
	};
}
