/**
 * Answers one node run reads once and shares between its items (a credential, a service's settings):
 * they do not change while a run lasts, and every read costs a request or a decryption. A failed read
 * is not remembered: the next item asks again and gets its own error.
 */
export class RunMemo {
	private readonly reads = new Map<string, Promise<unknown>>();

	async once<T>(key: string, read: () => Promise<T>): Promise<T> {
		let pending = this.reads.get(key) as Promise<T> | undefined;
		if (!pending) {
			pending = read();
			this.reads.set(key, pending);
			pending.catch(() => this.reads.delete(key));
		}
		return await pending;
	}
}
