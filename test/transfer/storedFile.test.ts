import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { networkError } from '../../nodes/transfer/httpErrors';
import { mayHaveBeenProcessed, storedButNotRegistered } from '../../nodes/transfer/storedFile';
import { fakeContext } from '../shared/fakeContext';

const ctx = fakeContext();
const stored = {
	serviceName: 'Close',
	fileName: 'a.pdf',
	key: 'tmp/1/a.pdf',
	registration: 'the note on lead "lead_1"',
	howToRecover: 'create the note by hand with this key.',
};

describe('mayHaveBeenProcessed', () => {
	it('is false when nothing reached the server: a refused connection or a name that did not resolve', () => {
		for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']) {
			expect(mayHaveBeenProcessed(Object.assign(new Error(code), { code }))).toBe(false);
			expect(mayHaveBeenProcessed(networkError(ctx, Object.assign(new Error(code), { code }), { serviceName: 'X', itemIndex: 0, subject: 's' }))).toBe(false);
		}
	});

	it('is true when the request may have arrived: a reset, a timeout', () => {
		for (const code of ['ECONNRESET', 'ETIMEDOUT']) {
			expect(mayHaveBeenProcessed(Object.assign(new Error(code), { code }))).toBe(true);
			expect(mayHaveBeenProcessed(networkError(ctx, Object.assign(new Error(code), { code }), { serviceName: 'X', itemIndex: 0, subject: 's' }))).toBe(true);
		}
	});

	it('is true for a 5xx answer except 503, and false for other answers', () => {
		expect([500, 502, 504, 599].map((httpCode) => mayHaveBeenProcessed({ httpCode: String(httpCode) }))).toEqual([true, true, true, true]);
		expect([503, 499, 404, 429].map((httpCode) => mayHaveBeenProcessed({ httpCode: String(httpCode) }))).toEqual([false, false, false, false]);
		expect(mayHaveBeenProcessed({ httpCode: 'abc' })).toBe(false);
		expect(mayHaveBeenProcessed(new Error('plain'))).toBe(false);
		expect(mayHaveBeenProcessed(undefined)).toBe(false);
	});
});

describe('storedButNotRegistered', () => {
	it('keeps the service\'s message and adds where the file is and what to do', () => {
		const original = new NodeApiError(ctx.getNode(), { message: 'no' }, { message: 'Close refused the note (HTTP 400)', description: 'Check the lead.', httpCode: '400' });
		const error = storedButNotRegistered(ctx, 2, original, stored);
		expect(error).toBe(original);
		expect(error.message).toBe('Close refused the note (HTTP 400)');
		expect(error.description).toBe(
			'Check the lead. The file "a.pdf" is already stored at S3 key "tmp/1/a.pdf" but is not registered with Close, so nothing is lost: create the note by hand with this key.',
		);
		expect(error.context).toMatchObject({ storedKey: 'tmp/1/a.pdf', itemIndex: 2 });
	});

	it('warns to check for the registration first when the service may have completed it', () => {
		const original = new NodeApiError(ctx.getNode(), { message: 'boom' }, { message: 'Close failed (HTTP 502)', httpCode: '502' });
		original.description = null;
		const error = storedButNotRegistered(ctx, 0, original, stored);
		expect(error.description).toBe(
			'The file "a.pdf" is already stored at S3 key "tmp/1/a.pdf" but is not registered with Close, so nothing is lost: create the note by hand with this key. Close gave no clear answer, so it may have completed the note on lead "lead_1" anyway: check that before you run the item again, so nothing is added twice.',
		);
	});

	it('wraps an error that is not n8n\'s, and keeps context it already had', () => {
		const error = storedButNotRegistered(ctx, 1, new TypeError('bad'), stored);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('bad');
		expect(error.context).toMatchObject({ storedKey: 'tmp/1/a.pdf', itemIndex: 1 });
		const operation = new NodeOperationError(ctx.getNode(), 'refused', { itemIndex: 1 });
		operation.context.extra = 'kept';
		expect(storedButNotRegistered(ctx, 1, operation, stored).context).toMatchObject({ extra: 'kept', storedKey: 'tmp/1/a.pdf' });
	});
});
