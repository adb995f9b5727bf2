import type { Readable } from 'stream';

import type { BinaryFile } from '../../nodes/transfer/binaryInput';
import { uploadInlineBase64 } from '../../nodes/transfer/inlineBase64';
import { createServiceClient, pathOf } from '../../nodes/transfer/serviceClient';
import { contextAnswering, declaration } from './scriptedService';

/**
 * The inline base64 handshake against a scripted service: one authenticated POST of a JSON body that
 * carries the file as a data URI, streamed with its length, repeated only when the service says it
 * did not act.
 */

const file: BinaryFile = {
	propertyName: 'data',
	fileName: 'photo.png',
	mimeType: 'image/png',
	size: 5,
	streamed: false,
	openContent: async () => Buffer.from('\x89PNG!', 'latin1'),
};

const upload = {
	path: pathOf('people', '7', 'files'),
	attributes: { name: 'photo.png', personId: 7 },
	fileProperty: 'content',
	itemIndex: 0,
	subject: 'the upload of "photo.png"',
};

async function textOf(body: unknown): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of body as Readable) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
	return Buffer.concat(chunks).toString('utf8');
}

describe('uploadInlineBase64', () => {
	it('posts the attributes and the file as a data URI in one JSON body, with its credential and a known length', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 201, body: { id: 'f1' } }]);
		const response = await uploadInlineBase64(ctx, createServiceClient(declaration), file, upload);
		expect(response).toMatchObject({ statusCode: 201, body: { id: 'f1' } });
		expect(sent).toHaveLength(1);
		const [{ authenticated, options }] = sent;
		expect(authenticated).toBe(true);
		expect(options).toMatchObject({ method: 'POST', url: 'https://api.example.com/v1/people/7/files', disableFollowRedirect: true });
		const text = await textOf(options.body);
		expect(JSON.parse(text)).toEqual({ name: 'photo.png', personId: 7, content: `data:image/png;base64,${Buffer.from('\x89PNG!', 'latin1').toString('base64')}` });
		expect((options.headers as Record<string, string>)['content-length']).toBe(String(Buffer.byteLength(text)));
		expect((options.headers as Record<string, string>)['content-type']).toMatch(/^application\/json/);
	});

	it('does not repeat the upload after an answer that may mean it was stored, and names it with the refusal\'s own words', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 502 }]);
		const refusal = () => ({ subject: 'the upload of "photo.png" to person 7' });
		await expect(uploadInlineBase64(ctx, createServiceClient(declaration), file, { ...upload, itemIndex: 3, refusal })).rejects.toMatchObject({
			message: expect.stringMatching(/^Acme .*the upload of "photo.png" to person 7.*\(HTTP 502\)$/),
			context: expect.objectContaining({ itemIndex: 3 }),
		});
		expect(sent).toHaveLength(1);
	});

	it('repeats it with a fresh body when the service says it did not act (429)', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 429, headers: { 'retry-after': '0' } }, { statusCode: 201 }]);
		await uploadInlineBase64(ctx, createServiceClient(declaration), file, upload);
		expect(sent).toHaveLength(2);
		expect(sent[1].options.body).not.toBe(sent[0].options.body);
		expect(JSON.parse(await textOf(sent[1].options.body)).content).toMatch(/^data:image\/png;base64,/);
	});
});
