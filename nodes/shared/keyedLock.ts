/** The tail of each key's queue in one node run (see withKeyLock). */
export type KeyedLocks = Map<string, Promise<unknown>>;

/**
 * Runs `task` after every earlier task of the same key in the same run's `locks`: read-modify-write
 * steps on one record stay in order while the rest of the work runs in parallel.
 */
export async function withKeyLock<T>(locks: KeyedLocks, key: string, task: () => Promise<T>): Promise<T> {
	const previous = locks.get(key) ?? Promise.resolve();
	const current = previous.then(task, task);
	// The next task waits for this one whether it succeeds or fails.
	locks.set(key, current.catch(() => undefined));
	return await current;
}
