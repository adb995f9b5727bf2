import type { BinaryFile } from '../../nodes/transfer/binaryInput';
import { uploadDirectMultipart } from '../../nodes/transfer/directMultipart';
import { createServiceClient, pathOf } from '../../nodes/transfer/serviceClient';
import { multipartPartsOf } from './multipartParts';
import { runOf } from './runOf';
import { contextAnswering, declaration, useInstantClock } from './scriptedService';

/**
 * The direct multipart handshake against a scripted service: one authenticated POST of the fields and
 * the file, streamed with its length, repeated only when the service says it did not act.
 */

const file: BinaryFile = {
	propertyName: 'data',
	fileName: 'contract.pdf',
	mimeType: 'application/pdf',
	size: 12,
	streamed: false,
	openContent: async () => Buffer.from('%PDF-1.7 abc'),
};

const upload = { path: pathOf('records', 'r 1', 'files'), fileFieldName: 'upload', itemIndex: 0, subject: 'the upload of "contract.pdf"' };

useInstantClock();

describe('uploadDirectMultipart', () => {
	it('posts the fields and then the file to the service\'s endpoint with its credential, with a known length', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 201, body: { id: 'f1' } }]);
		const response = await uploadDirectMultipart(ctx, runOf(ctx), createServiceClient(declaration), file, { ...upload, fields: [['description', 'signed'], ['size', 12]] });
		expect(response).toMatchObject({ statusCode: 201, body: { id: 'f1' } });
		expect(sent).toHaveLength(1);
		const [{ authenticated, options }] = sent;
		expect(authenticated).toBe(true);
		expect(options).toMatchObject({ method: 'POST', url: 'https://api.example.com/v1/records/r%201/files', disableFollowRedirect: true });
		expect(options.json).toBeUndefined();
		expect(await multipartPartsOf(options)).toEqual([
			{ disposition: 'Content-Disposition: form-data; name="description"', content: 'signed' },
			{ disposition: 'Content-Disposition: form-data; name="size"', content: '12' },
			{ disposition: 'Content-Disposition: form-data; name="upload"; filename="contract.pdf"', type: 'application/pdf', content: '%PDF-1.7 abc' },
		]);
	});

	it('sends the file alone when the service wants no fields', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 200 }]);
		await uploadDirectMultipart(ctx, runOf(ctx), createServiceClient(declaration), file, upload);
		expect((await multipartPartsOf(sent[0].options)).map((part) => part.disposition)).toEqual([
			'Content-Disposition: form-data; name="upload"; filename="contract.pdf"',
		]);
	});

	it('does not repeat the upload after an answer that may mean it was stored, and names it with the refusal\'s own words', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 500 }]);
		const refusal = () => ({ subject: 'the upload of "contract.pdf" to record r 1' });
		await expect(uploadDirectMultipart(ctx, runOf(ctx), createServiceClient(declaration), file, { ...upload, itemIndex: 2, refusal })).rejects.toMatchObject({
			message: expect.stringMatching(/^Acme .*the upload of "contract.pdf" to record r 1.*\(HTTP 500\)$/),
			context: expect.objectContaining({ itemIndex: 2 }),
		});
		expect(sent).toHaveLength(1);
	});

	it('repeats it with a fresh body when the service says it did not act (503)', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 503, headers: { 'retry-after': '0' } }, { statusCode: 201 }]);
		await uploadDirectMultipart(ctx, runOf(ctx), createServiceClient(declaration), file, upload);
		expect(sent).toHaveLength(2);
		expect(sent[1].options.body).not.toBe(sent[0].options.body);
		expect((await multipartPartsOf(sent[1].options))[0].content).toBe('%PDF-1.7 abc');
	});
});
