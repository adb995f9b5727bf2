import { Readable } from 'stream';

import { createServiceClient, CredentialProblem, pathOf } from '../../nodes/transfer';
import { contextAnswering, declaration } from './scriptedService';

describe('service client', () => {
	it('sends below the base URL with the credential and returns the JSON answer', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 200, body: { id: 'r1' } }]);
		const answer = await createServiceClient(declaration).json(ctx, { method: 'GET', path: pathOf('records', 'a b'), itemIndex: 0, subject: 'the read' });
		expect(answer).toEqual({ id: 'r1' });
		expect(sent).toHaveLength(1);
		expect(sent[0].authenticated).toBe(true);
		expect(sent[0].options.url).toBe('https://api.example.com/v1/records/a%20b');
	});

	it.each(['', '.', '..', ' '])('refuses the path segment %p before anything is sent', async (id) => {
		const { ctx, sent } = contextAnswering([]);
		await expect(
			createServiceClient(declaration).request(ctx, { method: 'DELETE', path: pathOf('records', id), itemIndex: 1, subject: 'the deletion' }),
		).rejects.toThrow(`"${id}" is not a valid ID for the deletion (item 2)`);
		expect(sent).toHaveLength(0);
	});

	it('refuses a credential without a usable base URL, and says a credential problem in its own words', async () => {
		const { ctx } = contextAnswering([], { baseUrl: 'api.example.com' });
		await expect(createServiceClient(declaration).request(ctx, { method: 'GET', path: 'x', itemIndex: 0, subject: 's' })).rejects.toThrow(
			'The Acme credential has no valid Base URL',
		);
		const notConnected = createServiceClient({
			...declaration,
			baseUrl: () => {
				throw new CredentialProblem('Not connected', 'Connect it');
			},
		});
		await expect(notConnected.request(ctx, { method: 'GET', path: 'x', itemIndex: 0, subject: 's' })).rejects.toMatchObject({
			message: 'Not connected',
			description: 'Connect it',
		});
	});

	it('reads a refused stream in full for its text and redacts the credential in the message', async () => {
		const { ctx } = contextAnswering([{ statusCode: 400, body: Readable.from([Buffer.from('{"message":"bad key-123456"}')]) }]);
		await expect(
			createServiceClient(declaration).request(ctx, { method: 'GET', path: 'file', answer: 'stream', itemIndex: 0, subject: 'the download' }),
		).rejects.toThrow('Acme refused the download: bad [redacted] (HTTP 400)');
	});

	it('takes an accepted status as an answer, and sends a storage link without the credential', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 404 }, { statusCode: 200, body: 'x' }]);
		const client = createServiceClient(declaration);
		const gone = await client.request(ctx, { method: 'DELETE', path: 'records/1', acceptStatuses: [404], itemIndex: 0, subject: 's' });
		expect(gone.statusCode).toBe(404);
		await client.request(ctx, { method: 'GET', url: 'https://storage.example.com/f?sig=1', authenticate: false, itemIndex: 0, subject: 's' });
		expect(sent.map((request) => request.authenticated)).toEqual([true, false]);
	});

	it('repeats a POST only when the service says it did not process it', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 502 }]);
		await expect(
			createServiceClient(declaration).request(ctx, { method: 'POST', path: 'records', body: {}, itemIndex: 0, subject: 'the creation' }),
		).rejects.toThrow('(HTTP 502)');
		expect(sent).toHaveLength(1);
	});

	it('signs itself, and renews once when the answer says the token expired', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 401 }, { statusCode: 200, body: { ok: true } }], { baseUrl: 'https://api.example.com', token: 'old-token' });
		const renewals: string[] = [];
		const client = createServiceClient({
			...declaration,
			secrets: (credentials) => [String(credentials.token)],
			signing: {
				credentials: async () => ({ baseUrl: 'https://api.example.com', token: 'old-token' }),
				headers: (credentials) => ({ Authorization: `Token ${String(credentials.token)}` }),
				expired: (response) => response.statusCode === 401,
				renew: async (_ctx, _itemIndex, credentials) => {
					renewals.push(String(credentials.token));
					return { ...credentials, token: 'new-token' };
				},
			},
		});
		expect(await client.json(ctx, { method: 'GET', path: 'me', itemIndex: 0, subject: 's' })).toEqual({ ok: true });
		expect(renewals).toEqual(['old-token']);
		expect(sent.map((request) => [request.authenticated, request.options.headers?.Authorization])).toEqual([
			[false, 'Token old-token'],
			[false, 'Token new-token'],
		]);
	});
});
