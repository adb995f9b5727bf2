import type { Readable } from 'stream';

import type { BinaryFile } from '../../nodes/transfer/binaryInput';
import { uploadInlineBase64 } from '../../nodes/transfer/inlineBase64';
import { createServiceClient, pathOf } from '../../nodes/transfer/serviceClient';
import { runOf } from './runOf';
import { contextAnswering, declaration, useInstantClock } from './scriptedService';

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

useInstantClock();

describe('uploadInlineBase64', () => {
	it('posts the attributes and the file as a data URI in one JSON body, with its credential and a known length', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 201, body: { id: 'f1' } }]);
		const response = await uploadInlineBase64(ctx, runOf(ctx), createServiceClient(declaration), file, upload);
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

	it('names a refused upload with the refusal\'s own words, for its item', async () => {
		const { ctx } = contextAnswering([{ statusCode: 400 }]);
		const refusal = () => ({ subject: 'the upload of "photo.png" to person 7' });
		const failure = uploadInlineBase64(ctx, runOf(ctx), createServiceClient(declaration), file, { ...upload, itemIndex: 3, refusal });
		await expect(failure).rejects.toThrow(/^Acme .*the upload of "photo.png" to person 7.*\(HTTP 400\)$/);
		await expect(failure).rejects.toMatchObject({ context: expect.objectContaining({ itemIndex: 3 }) });
	});

	// A repeat after an answer that may mean the file was stored would leave a second, orphaned file.
	it.each([
		[502, 1],
		[500, 1],
		[429, 2],
		[503, 2],
	])('after HTTP %i, sends the body %i time(s), each one whole', async (status, times) => {
		const { ctx, sent } = contextAnswering([{ statusCode: status, headers: { 'retry-after': '0' } }, { statusCode: 201 }]);
		await uploadInlineBase64(ctx, runOf(ctx), createServiceClient(declaration), file, upload).catch(() => undefined);
		expect(sent).toHaveLength(times);
		for (const { options } of sent) expect(JSON.parse(await textOf(options.body)).content).toMatch(/^data:image\/png;base64,/);
	});
});
