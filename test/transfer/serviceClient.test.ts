import { Readable } from 'stream';

import type { HttpResponse } from '../../nodes/transfer';
import { createServiceClient, CredentialProblem, pathOf, trimBaseUrl } from '../../nodes/transfer';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../nodes/transfer/requestTimeout';
import { SERVICE_SCOPE, ThrottleGate } from '../../nodes/transfer/retry';
import { recordPacedScopes, runOf } from './runOf';
import { contextAnswering, declaration, useInstantClock } from './scriptedService';

useInstantClock();

describe('service client', () => {
	it('sends below the base URL with the credential and returns the JSON answer', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 200, body: { id: 'r1' } }]);
		const answer = await createServiceClient(declaration).json(ctx, runOf(ctx), { method: 'GET', path: pathOf('records', 'a b'), itemIndex: 0, subject: 'the read' });
		expect(answer).toEqual({ id: 'r1' });
		expect(sent).toHaveLength(1);
		expect(sent[0].authenticated).toBe(true);
		expect(sent[0].options.url).toBe('https://api.example.com/v1/records/a%20b');
	});

	it.each(['', '.', '..', ' '])('refuses the path segment %p before anything is sent', async (id) => {
		const { ctx, sent } = contextAnswering([]);
		await expect(
			createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'DELETE', path: pathOf('records', id), itemIndex: 1, subject: 'the deletion' }),
		).rejects.toThrow(`"${id}" is not a valid ID for the deletion (item 2)`);
		expect(sent).toHaveLength(0);
	});

	it('refuses a credential without a usable base URL, and says a credential problem in its own words', async () => {
		const { ctx } = contextAnswering([], { baseUrl: 'api.example.com' });
		await expect(createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'GET', path: 'x', itemIndex: 0, subject: 's' })).rejects.toThrow(
			'The Acme credential has no valid Base URL',
		);
		const notConnected = createServiceClient({
			...declaration,
			baseUrl: () => {
				throw new CredentialProblem('Not connected', 'Connect it');
			},
		});
		await expect(notConnected.request(ctx, runOf(ctx), { method: 'GET', path: 'x', itemIndex: 0, subject: 's' })).rejects.toMatchObject({
			message: 'Not connected',
			description: 'Connect it',
		});
	});

	it('reads a refused stream in full for its text and redacts the credential in the message', async () => {
		const { ctx } = contextAnswering([{ statusCode: 400, body: Readable.from([Buffer.from('{"message":"bad key-123456"}')]) }]);
		await expect(
			createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'GET', path: 'file', answer: 'stream', itemIndex: 0, subject: 'the download' }),
		).rejects.toThrow('Acme refused the download: bad [redacted] (HTTP 400)');
	});

	it('takes an accepted status as an answer, and sends a storage link without the credential', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 404 }, { statusCode: 200, body: 'x' }]);
		const client = createServiceClient(declaration);
		const gone = await client.request(ctx, runOf(ctx), { method: 'DELETE', path: 'records/1', acceptStatuses: [404], itemIndex: 0, subject: 's' });
		expect(gone.statusCode).toBe(404);
		await client.request(ctx, runOf(ctx), { method: 'GET', url: 'https://storage.example.com/f?sig=1', authenticate: false, itemIndex: 0, subject: 's' });
		expect(sent.map((request) => request.authenticated)).toEqual([true, false]);
	});

	it('repeats a POST only when the service says it did not process it', async () => {
		// Retry-After 0: a wrong repeat would come at once (and fail the test), not after the backoff.
		const { ctx, sent } = contextAnswering([{ statusCode: 502, headers: { 'retry-after': '0' } }]);
		await expect(
			createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'POST', path: 'records', body: {}, itemIndex: 0, subject: 'the creation' }),
		).rejects.toThrow('(HTTP 502)');
		expect(sent).toHaveLength(1);
	});

	it('signs itself, and renews once when the answer says the token expired', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 401 }, { statusCode: 200, body: { ok: true } }], { baseUrl: 'https://api.example.com', token: 'old-token' });
		const renewals: string[] = [];
		const client = signingClient(renewals);
		expect(await client.json(ctx, runOf(ctx), { method: 'GET', path: 'me', itemIndex: 0, subject: 's' })).toEqual({ ok: true });
		expect(renewals).toEqual(['old-token old-token']);
		expect(sent.map((request) => [request.authenticated, request.options.headers?.Authorization])).toEqual([
			[false, 'Token old-token'],
			[false, 'Token new-token'],
		]);
	});
});

/** A client that signs with a token and renews it once when the answer says it expired; renewals are recorded. */
function signingClient(renewals: string[], newToken = 'new-token') {
	return createServiceClient({
		...declaration,
		secrets: (credentials) => [String(credentials.token)],
		signing: {
			credentials: async () => ({ baseUrl: 'https://api.example.com', token: 'old-token' }),
			headers: (credentials) => ({ Authorization: `Token ${String(credentials.token)}` }),
			expired: (response) => response.statusCode === 401,
			renew: async (_ctx, _itemIndex, credentials, secrets) => {
				renewals.push(`${String(credentials.token)} ${secrets.join(',')}`);
				return { ...credentials, token: newToken };
			},
		},
	});
}

describe('service client: what it sends', () => {
	it('sends a JSON body and query with the declared headers under the request\'s own, within n8n\'s default idle time', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 201, body: [{ id: 'a' }] }]);
		const client = createServiceClient({ ...declaration, headers: { Accept: 'application/json', 'X-Version': '1' } });
		const answer = await client.json(ctx, runOf(ctx), {
			method: 'POST',
			path: 'records',
			qs: { fields: 'id' },
			body: { name: 'x' },
			headers: { 'X-Version': '2' },
			itemIndex: 0,
			subject: 's',
		});
		expect(answer).toEqual([{ id: 'a' }]);
		expect(sent[0].options).toEqual({
			method: 'POST',
			url: 'https://api.example.com/v1/records',
			qs: { fields: 'id' },
			headers: { Accept: 'application/json', 'X-Version': '2' },
			body: { name: 'x' },
			json: true,
			timeout: DEFAULT_REQUEST_TIMEOUT_MS,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(300_000);
	});

	it('takes the request\'s timeout over the node\'s setting, and the node\'s setting for its item over the default', async () => {
		const { ctx, sent } = contextAnswering([]);
		const itemsAsked: number[] = [];
		const client = createServiceClient({
			...declaration,
			timeoutMs: (_ctx, itemIndex) => {
				itemsAsked.push(itemIndex);
				return 1000 + itemIndex;
			},
		});
		await client.request(ctx, runOf(ctx), { method: 'GET', path: 'a', itemIndex: 2, subject: 's' });
		await client.request(ctx, runOf(ctx), { method: 'GET', path: 'a', itemIndex: 2, timeoutMs: 50, subject: 's' });
		expect(sent.map((request) => request.options.timeout)).toEqual([1002, 50]);
		expect(itemsAsked).toEqual([2]);
	});

	it('streams a built body with its own headers, never following a redirect, and asks for a streamed answer when told', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 200 }, { statusCode: 200, body: Readable.from(['file']) }, { statusCode: 200 }]);
		const client = createServiceClient({ ...declaration, headers: { 'Content-Type': 'application/json' } });
		const body = Readable.from(['data']);
		let built = 0;
		await client.request(ctx, runOf(ctx), {
			method: 'POST',
			path: 'files',
			streamBody: async () => {
				built++;
				return { body, headers: { 'Content-Type': 'multipart/form-data; boundary=b', 'content-length': '4' } };
			},
			itemIndex: 0,
			subject: 's',
		});
		expect(built).toBe(1);
		expect(sent[0].options).toMatchObject({
			body,
			headers: { 'Content-Type': 'multipart/form-data; boundary=b', 'content-length': '4' },
			disableFollowRedirect: true,
		});
		expect(sent[0].options.json).toBeUndefined();
		expect(sent[0].options.encoding).toBeUndefined();

		const download = await client.request(ctx, runOf(ctx), { method: 'GET', path: 'files/1', answer: 'stream', itemIndex: 0, subject: 's' });
		expect(download.body).toBeInstanceOf(Readable);
		expect(sent[1].options).toMatchObject({ encoding: 'stream' });
		expect(sent[1].options.json).toBeUndefined();
		expect(sent[1].options.disableFollowRedirect).toBeUndefined();

		await client.request(ctx, runOf(ctx), { method: 'GET', path: 'files/1', followRedirects: false, itemIndex: 0, subject: 's' });
		expect(sent[2].options).toMatchObject({ disableFollowRedirect: true, json: true });
	});

	it('sends to an address the service handed out as it is, and to a rooted path with the API\'s trailing slash', async () => {
		const { ctx, sent } = contextAnswering([]);
		const client = createServiceClient(declaration);
		await client.request(ctx, runOf(ctx), { method: 'GET', url: 'https://files.example.com/a/../b?x=1', itemIndex: 0, subject: 's' });
		await client.request(ctx, runOf(ctx), { method: 'GET', path: '/lead/lead_1/', itemIndex: 0, subject: 's' });
		await client.request(ctx, runOf(ctx), { method: 'GET', path: 'records/%E0%A4%A', itemIndex: 0, subject: 's' });
		expect(sent.map((request) => request.options.url)).toEqual([
			'https://files.example.com/a/../b?x=1',
			'https://api.example.com/v1/lead/lead_1/',
			'https://api.example.com/v1/records/%E0%A4%A',
		]);
	});

	it.each([
		['/lead//x/', ''],
		['lead/x/', ''],
		['/lead/%2E%2E/', '..'],
		['records/ . ', ' . '],
		['records/%20', ' '],
		['', ''],
	])('refuses the path %p: its segment %p would change the path', async (path, segment) => {
		const { ctx, sent } = contextAnswering([]);
		const failure = createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'GET', path, itemIndex: 4, subject: 'the read' });
		await expect(failure).rejects.toThrow(`"${segment}" is not a valid ID for the read (item 5)`);
		await expect(failure).rejects.toMatchObject({
			description: 'A record ID cannot be empty, "." or "..": such a value would change the request\'s path instead of naming a record. Check the parameter or the expression that gives the ID.',
			context: expect.objectContaining({ itemIndex: 4 }),
		});
		expect(sent).toHaveLength(0);
	});

	it('keeps ids that merely contain dots', async () => {
		const { ctx, sent } = contextAnswering([]);
		await createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'GET', path: pathOf('files', '...', 'a.b', '.x'), itemIndex: 0, subject: 's' });
		expect(sent[0].options.url).toBe('https://api.example.com/v1/files/.../a.b/.x');
	});

	it.each([
		['GET', undefined, 2],
		['PUT', undefined, 2],
		['DELETE', undefined, 2],
		['POST', undefined, 1],
		['PATCH', undefined, 1],
		['POST', true, 2],
		['GET', false, 1],
	] as const)('repeats a %s (idempotent: %p) after a 502 %p time(s) in all', async (method, idempotent, times) => {
		const { ctx, sent } = contextAnswering([{ statusCode: 502, headers: { 'retry-after': '0' } }, { statusCode: 200 }]);
		await createServiceClient(declaration)
			.request(ctx, runOf(ctx), { method, idempotent, path: 'a', itemIndex: 0, subject: 's' })
			.catch(() => undefined);
		expect(sent).toHaveLength(times);
	});
});

describe('service client: the connection', () => {
	it('trims the base URL, keeps secrets of 4 characters or more, and says whether the API is reached over https', async () => {
		const { ctx } = contextAnswering([], { baseUrl: '  HTTPS://api.example.com/v1//  ', apiKey: 'abcd' });
		const client = createServiceClient({ ...declaration, secrets: (credentials) => [String(credentials.apiKey), 'abc', 12345 as unknown as string, '', ['a', 'b', 'c', 'd'] as unknown as string] });
		expect(await client.connection(ctx, runOf(ctx))).toEqual({ baseUrl: 'HTTPS://api.example.com/v1', secrets: ['abcd'], secure: true, authorization: undefined });
		const plain = contextAnswering([], { baseUrl: 'http://127.0.0.1:8080' });
		expect(await createServiceClient(declaration).connection(plain.ctx, runOf(plain.ctx), 3)).toMatchObject({ baseUrl: 'http://127.0.0.1:8080', secure: false });
		expect(trimBaseUrl(undefined)).toBe('');
	});

	it.each(['https:///x', 'ftp://api.example.com', '', 'https://', 'see https://api.example.com'])('refuses the base URL %p for the item that asked', async (baseUrl) => {
		const { ctx } = contextAnswering([], { baseUrl });
		await expect(createServiceClient(declaration).connection(ctx, runOf(ctx), 2)).rejects.toMatchObject({
			message: 'The Acme credential has no valid Base URL',
			description: 'Open the Acme credential and set Base URL to the service\'s address, starting with https://.',
			context: expect.objectContaining({ itemIndex: 2 }),
		});
	});

	it('turns any other failure to read the base URL into an error of the item', async () => {
		const { ctx } = contextAnswering([]);
		const client = createServiceClient({
			...declaration,
			baseUrl: () => {
				throw new Error('no region set');
			},
		});
		await expect(client.connection(ctx, runOf(ctx), 1)).rejects.toMatchObject({ message: 'no region set', context: expect.objectContaining({ itemIndex: 1 }) });
		const problem = createServiceClient({
			...declaration,
			baseUrl: () => {
				throw new CredentialProblem('Not connected', 'Connect it');
			},
		});
		await expect(problem.connection(ctx, runOf(ctx), 1)).rejects.toMatchObject({ context: expect.objectContaining({ itemIndex: 1 }) });
	});
});

describe('service client: failures in the service\'s terms', () => {
	const readFailure = (response: HttpResponse) => {
		const body = response.body as { code?: string; text?: string } | undefined;
		return body?.code ? { code: body.code, message: body.text } : undefined;
	};
	const strict = { ...declaration, readFailure, fixes: { 403: 'Ask an admin.', 404: 'Check the id.' }, fixesByCode: { QUOTA: 'Free some space.' } };

	it('reads the service\'s own error and its advice, by code over status, and the request\'s advice over the service\'s', async () => {
		const { ctx } = contextAnswering([
			{ statusCode: 403, body: { code: 'QUOTA', text: 'over quota' } },
			{ statusCode: 403, body: { code: 'OTHER', text: 'no' } },
			{ statusCode: 404, body: {} },
			{ statusCode: 404, body: {} },
		]);
		const client = createServiceClient(strict);
		const request = { method: 'GET' as const, path: 'a', itemIndex: 0, subject: 'the read' };
		const quota = client.request(ctx, runOf(ctx), request);
		await expect(quota).rejects.toThrow('Acme refused the read: QUOTA: over quota (HTTP 403)');
		await expect(quota).rejects.toMatchObject({ description: 'Free some space.' });
		const other = client.request(ctx, runOf(ctx), request);
		await expect(other).rejects.toThrow('Acme refused the read: OTHER: no (HTTP 403)');
		await expect(other).rejects.toMatchObject({ description: 'Ask an admin.' });
		await expect(client.request(ctx, runOf(ctx), request)).rejects.toMatchObject({ description: 'Check the id.' });
		await expect(client.request(ctx, runOf(ctx), { ...request, fixes: { 404: 'Pick another record.' } })).rejects.toMatchObject({ description: 'Pick another record.' });
	});

	it('reads another host\'s answer in its own terms, with the request\'s name for it', async () => {
		const { ctx } = contextAnswering([{ statusCode: 403, body: { code: 'QUOTA', text: 'over quota' } }]);
		const failure = createServiceClient(strict).request(ctx, runOf(ctx), {
			method: 'GET',
			url: 'https://storage.example.com/f',
			authenticate: false,
			serviceName: 'Acme\'s file storage',
			itemIndex: 0,
			subject: 'the download',
		});
		const error = (await failure.then(
			() => undefined,
			(caught: unknown) => caught,
		)) as Error & { description?: string };
		// The generic reader: the code, without the service's reading of its text.
		expect(error.message).toBe('Acme\'s file storage refused the download: QUOTA (HTTP 403)');
		expect(error.description).not.toBe('Ask an admin.');
		expect(error.description).not.toBe('Free some space.');
	});

	it('lets a closer reading of the refusal name it and say what to do', async () => {
		const { ctx } = contextAnswering([{ statusCode: 403, body: { code: 'QUOTA', text: 'over quota' } }, { statusCode: 409, body: '' }]);
		const client = createServiceClient(strict);
		const refusal = (response: HttpResponse) => (response.statusCode === 403 ? { subject: 'the upload to lead 1', fix: 'Use another lead.' } : {});
		const closer = client.request(ctx, runOf(ctx), { method: 'POST', path: 'a', refusal, itemIndex: 0, subject: 'the upload' });
		await expect(closer).rejects.toThrow('Acme refused the upload to lead 1: QUOTA: over quota (HTTP 403)');
		await expect(closer).rejects.toMatchObject({ description: 'Use another lead.' });
		await expect(client.request(ctx, runOf(ctx), { method: 'POST', path: 'a', refusal, itemIndex: 0, subject: 'the upload' })).rejects.toThrow(/^Acme refused the upload \(HTTP 409\)$/);
	});

	it('takes a 2xx answer that reports a failure as a failure, except a streamed one', async () => {
		const { ctx } = contextAnswering([
			{ statusCode: 200, body: { code: 'PARTIAL', text: 'record 2 failed' } },
			{ statusCode: 200, body: Readable.from(['x']) },
			{ statusCode: 200, body: { ok: true } },
		]);
		const client = createServiceClient({ ...strict, failedAnswer: (response) => readFailure(response) !== undefined || response.statusCode === 200 && !('ok' in (response.body as object)) });
		await expect(client.request(ctx, runOf(ctx), { method: 'POST', path: 'batch', itemIndex: 0, subject: 'the batch' })).rejects.toThrow('Acme refused the batch: PARTIAL: record 2 failed (HTTP 200)');
		await expect(client.request(ctx, runOf(ctx), { method: 'GET', path: 'f', answer: 'stream', itemIndex: 0, subject: 's' })).resolves.toMatchObject({ statusCode: 200 });
		await expect(client.request(ctx, runOf(ctx), { method: 'POST', path: 'batch', itemIndex: 0, subject: 's' })).resolves.toMatchObject({ body: { ok: true } });
	});

	it('waits as the service\'s own throttle signal says, with the run\'s gate, unless the request is for another host', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 400, body: 'slow' }, { statusCode: 201 }, { statusCode: 400, body: 'slow' }]);
		const gates: unknown[] = [];
		const client = createServiceClient({
			...declaration,
			throttleDelayMs: (response, gate) => {
				gates.push(gate);
				return response.body === 'slow' ? 0 : undefined;
			},
		});
		expect((await client.request(ctx, runOf(ctx), { method: 'POST', path: 'a', itemIndex: 0, subject: 's' })).statusCode).toBe(201);
		expect(sent).toHaveLength(2);
		expect(gates[0]).toBeInstanceOf(ThrottleGate);
		gates.length = 0;
		await expect(client.request(ctx, runOf(ctx), { method: 'POST', path: 'a', throttled: false, itemIndex: 0, subject: 's' })).rejects.toThrow('(HTTP 400)');
		expect(gates).toEqual([]);
		expect(sent).toHaveLength(3);
	});

	it('paces another host apart from the service: the run\'s observer hears of it under the host\'s name', async () => {
		const { ctx } = contextAnswering([]);
		const scopes = recordPacedScopes(ctx);
		const client = createServiceClient(declaration);
		await client.request(ctx, runOf(ctx), { method: 'GET', path: 'a', itemIndex: 0, subject: 's' });
		await client.request(ctx, runOf(ctx), { method: 'GET', url: 'https://files.example.com:8443/f?sig=1', authenticate: false, itemIndex: 0, subject: 's' });
		await client.request(ctx, runOf(ctx), { method: 'GET', path: 'b', authenticate: false, itemIndex: 0, subject: 's' });
		expect(scopes).toEqual([SERVICE_SCOPE, 'storage files.example.com:8443', 'storage api.example.com']);
	});

	it('reports a service it could not reach in its own name, with the credential redacted', async () => {
		const { ctx } = contextAnswering([]);
		(ctx.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async () => {
			throw Object.assign(new Error('socket hang up key-123456'), { code: 'ECONNRESET' });
		};
		await expect(createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'POST', path: 'a', itemIndex: 0, subject: 'the creation' })).rejects.toThrow(
			'Could not reach Acme for the creation: the connection was reset',
		);
	});

	it('reads a service\'s error code even where it gives no advice by code', async () => {
		const { ctx } = contextAnswering([{ statusCode: 403, body: { code: 'QUOTA', text: 'over quota' } }]);
		const client = createServiceClient({ ...declaration, readFailure });
		await expect(client.request(ctx, runOf(ctx), { method: 'GET', path: 'a', itemIndex: 0, subject: 'the read' })).rejects.toThrow(
			'Acme refused the read: QUOTA: over quota (HTTP 403)',
		);
	});

	it('refuses a request that names no path and no address', async () => {
		const { ctx, sent } = contextAnswering([]);
		await expect(createServiceClient(declaration).request(ctx, runOf(ctx), { method: 'GET', itemIndex: 0, subject: 'the read' })).rejects.toThrow(
			'"" is not a valid ID for the read (item 1)',
		);
		expect(sent).toHaveLength(0);
	});

	it('answers {} for an empty body', async () => {
		const { ctx } = contextAnswering([{ statusCode: 204, body: '' }]);
		expect(await createServiceClient(declaration).json(ctx, runOf(ctx), { method: 'DELETE', path: 'a', itemIndex: 0, subject: 's' })).toEqual({});
	});
});

describe('service client: signed requests', () => {
	it('renews only once, and redacts the old token and the new one', async () => {
		const { ctx, sent } = contextAnswering([
			{ statusCode: 401, body: { message: 'expired' } },
			{ statusCode: 401, body: { message: 'still no: old-token new-token' } },
		]);
		const renewals: string[] = [];
		await expect(signingClient(renewals).request(ctx, runOf(ctx), { method: 'GET', path: 'me', itemIndex: 0, subject: 'the read' })).rejects.toThrow(
			'Acme refused the read: still no: [redacted] [redacted] (HTTP 401)',
		);
		expect(renewals).toEqual(['old-token old-token']);
		expect(sent).toHaveLength(2);
		expect(sent.every((request) => request.options.disableFollowRedirect === true)).toBe(true);
	});

	it('sends a link to another host without the signature and never renews for it', async () => {
		const { ctx, sent } = contextAnswering([{ statusCode: 401 }]);
		const renewals: string[] = [];
		await expect(
			signingClient(renewals).request(ctx, runOf(ctx), { method: 'GET', url: 'https://files.example.com/f', authenticate: false, itemIndex: 0, subject: 's' }),
		).rejects.toThrow('(HTTP 401)');
		expect(renewals).toEqual([]);
		expect(sent[0].options.headers).toEqual({});
		expect(sent[0].authenticated).toBe(false);
	});

	it('gives its signature with the connection', async () => {
		const { ctx } = contextAnswering([]);
		expect((await signingClient([]).connection(ctx, runOf(ctx))).authorization).toEqual({ Authorization: 'Token old-token' });
	});
});
