const locks = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `task` after every earlier task of the same key in the same scope (one node execution):
 * read-modify-write steps on one record stay in order while the rest of the work runs in parallel.
 */
export async function withKeyLock<T>(scope: object, key: string, task: () => Promise<T>): Promise<T> {
	let byKey = locks.get(scope);
	if (!byKey) {
		byKey = new Map();
		locks.set(scope, byKey);
	}
	const previous = byKey.get(key) ?? Promise.resolve();
	const current = previous.then(task, task);
	// The next task waits for this one whether it succeeds or fails.
	byKey.set(key, current.catch(() => undefined));
	return await current;
}
