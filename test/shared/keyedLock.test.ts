import type { KeyedLocks } from '../../nodes/shared/keyedLock';
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
		const locks: KeyedLocks = new Map();
		const order: string[] = [];
		const first = deferred();
		const a = held(withKeyLock(locks, 'record', async () => {
			order.push('a starts');
			await first.promise;
			order.push('a ends');
			return 'a';
		}));
		const b = held(withKeyLock(locks, 'record', async () => {
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

	it('runs tasks of different keys, or of different runs, side by side', async () => {
		const locks: KeyedLocks = new Map();
		const blocker = deferred();
		const order: string[] = [];
		const a = held(withKeyLock(locks, 'one', async () => {
			await blocker.promise;
			order.push('one');
		}));
		await withKeyLock(locks, 'two', async () => order.push('two'));
		await withKeyLock(new Map(), 'one', async () => order.push('other run'));
		expect(order).toEqual(['two', 'other run']);
		blocker.resolve();
		await a;
		expect(order).toEqual(['two', 'other run', 'one']);
	});

	it('runs the next task of a key after a failed one, and hands each caller its own outcome', async () => {
		const locks: KeyedLocks = new Map();
		const failing = held(withKeyLock(locks, 'record', async () => {
			throw new Error('refused');
		}));
		const next = held(withKeyLock(locks, 'record', async () => 'done'));
		await expect(failing).rejects.toThrow('refused');
		await expect(next).resolves.toBe('done');
		await expect(withKeyLock(locks, 'record', async () => 'later')).resolves.toBe('later');
	});
});
