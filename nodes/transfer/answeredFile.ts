import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { HttpResponse } from './httpResponse';
import { headerValue } from './httpResponse';

/** Types that say nothing about the file: n8n then takes the type from the file name instead. */
const GENERIC_TYPES = ['application/octet-stream', 'binary/octet-stream'];

export function isStream(value: unknown): value is NodeJS.ReadableStream {
	return !!value && typeof (value as NodeJS.ReadableStream).pipe === 'function';
}

/** The whole of a (small) streamed answer, e.g. an error body that must be read. */
export async function drainStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks);
}

/**
 * A downloaded file put into n8n's binary store as it arrives (a streamed answer stays streamed), with its
 * size in bytes as stored. The answer's Content-Type is kept unless it is a generic one.
 */
export async function storeAnsweredFile(
	ctx: IExecuteFunctions,
	response: HttpResponse,
	fileName: string,
): Promise<{ binary: IBinaryData; size: number | null }> {
	const contentType = headerValue(response, 'content-type')?.split(';')[0].trim().toLowerCase();
	const mimeType = contentType && !GENERIC_TYPES.includes(contentType) ? contentType : undefined;
	const body = response.body;
	const data = isStream(body) ? body : Buffer.isBuffer(body) ? body : Buffer.from(String(body ?? ''));
	const binary = await ctx.helpers.prepareBinaryData(data as Buffer, fileName, mimeType);
	let size: number | null = null;
	if (binary.id) size = (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	// In memory an empty file is stored as '', which is still a size: 0.
	else if (typeof binary.data === 'string') size = Buffer.byteLength(binary.data, 'base64');
	return { binary, size };
}
