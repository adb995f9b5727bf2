import { RunMemo } from '../../nodes/transfer/runMemo';

/** A read that counts its calls and answers with its call number. */
function countingRead(prefix = 'read') {
	const read = { calls: 0, next: async () => `${prefix} ${++read.calls}` };
	return read;
}

describe('RunMemo', () => {
	it('reads once per key and gives every caller the same answer', async () => {
		const memo = new RunMemo();
		const read = countingRead();
		const answers = await Promise.all([memo.once('a', read.next), memo.once('a', read.next), memo.once('a', read.next)]);
		expect(answers).toEqual(['read 1', 'read 1', 'read 1']);
		expect(read.calls).toBe(1);
		expect(await memo.once('b', countingRead('other').next)).toBe('other 1');
	});

	it('does not remember a failed read: the next caller asks again', async () => {
		const memo = new RunMemo();
		await expect(memo.once('a', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
		expect(await memo.once('a', async () => 'up')).toBe('up');
	});

	it('replaces an answer once for all callers that saw the same one', async () => {
		const memo = new RunMemo();
		const seen = memo.once('token', async () => 'old');
		await seen;
		const renewal = countingRead('new');
		const replaced = await Promise.all([memo.replace('token', seen, renewal.next), memo.replace('token', seen, renewal.next)]);
		expect(replaced).toEqual(['new 1', 'new 1']);
		expect(renewal.calls).toBe(1);
		expect(await memo.once('token', async () => 'never read')).toBe('new 1');
	});

	it('replaces again when the caller saw the newest answer', async () => {
		const memo = new RunMemo();
		const first = memo.once('token', async () => 'old');
		const second = memo.replace('token', first, async () => 'new');
		expect(await memo.replace('token', second, async () => 'newer')).toBe('newer');
	});

	it('keeps the newer answer when an older replacement fails late', async () => {
		const memo = new RunMemo();
		const first = memo.once('token', async () => 'old');
		let fail: (error: Error) => void = () => undefined;
		const failing = memo.replace('token', first, async () => await new Promise<string>((_resolve, reject) => (fail = reject)));
		const newer = memo.replace('token', failing, async () => 'newer');
		fail(new Error('refused'));
		await expect(failing).rejects.toThrow('refused');
		expect(await memo.once('token', async () => 'read again')).toBe('newer');
		expect(await newer).toBe('newer');
	});

	it('reads afresh when a replaced key was forgotten after a failure', async () => {
		const memo = new RunMemo();
		const seen = memo.once('token', async () => Promise.reject(new Error('down')));
		await expect(seen).rejects.toThrow('down');
		expect(await memo.replace('token', seen, async () => 'fresh')).toBe('fresh');
	});
});
