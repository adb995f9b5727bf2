import { PassThrough } from 'stream';

import type { IHttpRequestOptions } from 'n8n-workflow';

/** One part of a multipart body as a request helper received it. */
export interface MultipartPart {
	disposition: string;
	type?: string;
	/** The part's bytes as latin1 text (a file's bytes stay one character each). */
	content: string;
}

/**
 * The parts of the multipart body a request helper was handed (form-data's stream, piped as n8n's
 * helpers send it), in order; checks that the Content-Length header is the number of bytes sent.
 */
export async function multipartPartsOf(options: IHttpRequestOptions): Promise<MultipartPart[]> {
	const headers = options.headers as Record<string, string>;
	const sent = new PassThrough();
	(options.body as { pipe: (to: PassThrough) => void }).pipe(sent);
	const chunks: Buffer[] = [];
	for await (const chunk of sent) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	const body = Buffer.concat(chunks).toString('latin1');
	expect(body.length).toBe(Number(headers['content-length']));
	const boundary = /boundary=(\S+)/.exec(headers['content-type'])![1];
	return body
		.split(`--${boundary}`)
		.slice(1, -1)
		.map((part) => {
			const [head, content] = part.slice(2, -2).split('\r\n\r\n');
			const [disposition, type] = head.split('\r\n');
			return { disposition, type: type?.replace('Content-Type: ', ''), content };
		});
}
