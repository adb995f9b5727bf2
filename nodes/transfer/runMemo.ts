/**
 * Answers one node run reads once and shares between its items (a credential, a service's settings):
 * they do not change while a run lasts, and every read costs a request or a decryption. A failed read
 * is not remembered: the next item asks again and gets its own error.
 */
export class RunMemo {
	private readonly reads = new Map<string, Promise<unknown>>();

	/** The run's answer for `key`: the same promise for every caller until it fails or is replaced. */
	once<T>(key: string, read: () => Promise<T>): Promise<T> {
		const pending = this.reads.get(key) as Promise<T> | undefined;
		return pending ?? this.store(key, read());
	}

	/**
	 * A newer answer for `key` (a renewed token), read only if what the caller saw is still the run's
	 * answer: callers that all found the old one stale share one new read instead of each making one.
	 */
	replace<T>(key: string, seen: Promise<T>, read: () => Promise<T>): Promise<T> {
		const pending = this.reads.get(key) as Promise<T> | undefined;
		if (pending && pending !== seen) return pending;
		return this.store(key, read());
	}

	private store<T>(key: string, pending: Promise<T>): Promise<T> {
		this.reads.set(key, pending);
		// Forgotten only while it is still the answer: a failed read must not drop a newer one.
		pending.catch(() => {
			if (this.reads.get(key) === pending) this.reads.delete(key);
		});
		return pending;
	}
}
