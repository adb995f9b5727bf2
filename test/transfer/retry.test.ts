import { FakeServer } from '../fakes/fakeServer';
import { runNode } from '../harness/runNode';
import { TestRetryProbe } from './testNodes';

describe('retry policy (through n8n\'s real HTTP helper)', () => {
	const api = new FakeServer('retry target');

	beforeAll(async () => {
		api.route('POST', '/thing', () => ({ status: 201, body: { ok: true } }));
		api.route('PUT', '/thing', () => ({ status: 200, body: { ok: true } }));
		await api.start();
	});
	afterAll(async () => await api.stop());
	beforeEach(() => {
		api.clearFaults();
		api.requests.length = 0;
	});

	async function probe(parameters: Record<string, unknown>) {
		return await runNode({
			nodeType: new TestRetryProbe(),
			parameters: { url: `${api.baseUrl}/thing`, method: 'POST', ...parameters },
			items: [{}],
		});
	}

	it('waits as Retry-After says on 429, then succeeds, even for a non-idempotent request', async () => {
		api.injectFault({ status: 429, headers: { 'retry-after': '0' }, body: { message: 'slow down' } });
		const result = await probe({ idempotent: false });
		expect(result.items[0].json).toEqual({ statusCode: 201, attempts: 2 });
		expect(api.requests.map((request) => request.status)).toEqual([429, 201]);
	});

	it('honours a throttle hint in the body (e.g. rate_reset seconds)', async () => {
		api.injectFault({ status: 429, body: { error: { rate_reset: 0 } } });
		const result = await probe({ bodyHint: true });
		expect(result.items[0].json).toEqual({ statusCode: 201, attempts: 2 });
	});

	it('retries 503 for any request', async () => {
		api.injectFault({ status: 503, times: 2 });
		const result = await probe({});
		expect(result.items[0].json).toEqual({ statusCode: 201, attempts: 3 });
	});

	it('does not repeat a non-idempotent request after a 502: the server may have acted', async () => {
		api.injectFault({ status: 502 });
		const result = await probe({ idempotent: false });
		expect(api.requests).toHaveLength(1);
		expect(result.error?.message).toBe('Test API failed while handling the probe request (HTTP 502)');
	});

	it('repeats an idempotent request after a 502', async () => {
		api.injectFault({ method: 'PUT', status: 502 });
		const result = await probe({ idempotent: true, method: 'PUT' });
		expect(result.items[0].json).toEqual({ statusCode: 200, attempts: 2 });
	});

	it('does not repeat a non-idempotent request after a connection reset, and says what happened', async () => {
		api.injectFault({ reset: true });
		const result = await probe({ idempotent: false });
		expect(api.requests).toHaveLength(1);
		expect(result.error?.message).toBe('Could not reach Test API for the probe request: the connection was reset');
	});

	it('repeats an idempotent request after a connection reset', async () => {
		api.injectFault({ method: 'PUT', reset: true });
		const result = await probe({ idempotent: true, method: 'PUT' });
		expect(result.items[0].json).toEqual({ statusCode: 200, attempts: 2 });
		expect(api.requests).toHaveLength(2);
	});

	it('gives up on a server that stops answering with a timeout message, not a hang', async () => {
		api.injectFault({ hang: true });
		const result = await probe({ idempotent: false });
		expect(result.error?.message).toBe('Could not reach Test API for the probe request: it stopped answering (timed out)');
	});

	it('stops after the maximum number of attempts', async () => {
		api.injectFault({ status: 503, times: 10 });
		const result = await probe({ maxAttempts: 3 });
		expect(api.requests).toHaveLength(3);
		expect(result.error?.message).toMatch(/HTTP 503/);
	});

	it('does not wait longer than the total wait budget when Retry-After asks for more', async () => {
		api.injectFault({ status: 429, headers: { 'retry-after': '120' } });
		const result = await probe({ maxTotalWaitMs: 5000 });
		expect(api.requests).toHaveLength(1);
		expect(result.error?.message).toMatch(/^Test API is limiting the request rate/);
	});

	it('retries a refused connection (nothing reached the server)', async () => {
		const result = await runNode({
			nodeType: new TestRetryProbe(),
			parameters: { url: 'http://127.0.0.1:1/thing', maxAttempts: 3 },
			items: [{}],
		});
		expect(result.error?.message).toBe('Could not reach Test API for the probe request: the connection was refused');
		expect((result.error as { attempts?: number } | undefined)?.attempts).toBe(3);
	});
});
