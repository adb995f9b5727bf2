import { withKeyLock } from '../../nodes/shared/keyedLock';

/** A promise awaited later in the test: a rejection meanwhile must not count as unhandled. */
function held<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => undefined);
	return promise;
}

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>((done) => (resolve = done));
	return { promise, resolve };
}

describe('withKeyLock', () => {
	it('runs tasks of one key one after the other, in the order they came', async () => {
		const scope = {};
		const order: string[] = [];
		const first = deferred();
		const a = held(withKeyLock(scope, 'record', async () => {
			order.push('a starts');
			await first.promise;
			order.push('a ends');
			return 'a';
		}));
		const b = held(withKeyLock(scope, 'record', async () => {
			order.push('b runs');
			return 'b';
		}));
		await new Promise((resolve) => setImmediate(resolve));
		expect(order).toEqual(['a starts']);
		first.resolve();
		expect(await a).toBe('a');
		expect(await b).toBe('b');
		expect(order).toEqual(['a starts', 'a ends', 'b runs']);
	});

	it('runs tasks of different keys, or of different scopes, side by side', async () => {
		const scope = {};
		const blocker = deferred();
		const order: string[] = [];
		const a = held(withKeyLock(scope, 'one', async () => {
			await blocker.promise;
			order.push('one');
		}));
		await withKeyLock(scope, 'two', async () => order.push('two'));
		await withKeyLock({}, 'one', async () => order.push('other scope'));
		expect(order).toEqual(['two', 'other scope']);
		blocker.resolve();
		await a;
		expect(order).toEqual(['two', 'other scope', 'one']);
	});

	it('runs the next task of a key after a failed one, and hands each caller its own outcome', async () => {
		const scope = {};
		const failing = held(withKeyLock(scope, 'record', async () => {
			throw new Error('refused');
		}));
		const next = held(withKeyLock(scope, 'record', async () => 'done'));
		await expect(failing).rejects.toThrow('refused');
		await expect(next).resolves.toBe('done');
		await expect(withKeyLock(scope, 'record', async () => 'later')).resolves.toBe('later');
	});
});
