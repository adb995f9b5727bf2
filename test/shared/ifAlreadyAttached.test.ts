import type { AttachedFile, SettleSteps } from '../../nodes/shared/ifAlreadyAttached';
import { attachOnce, ifAlreadyAttachedOf, outcomeUnknown, sameFiles, sizeOf } from '../../nodes/shared/ifAlreadyAttached';

/**
 * The If Already Attached helpers on their own (the CRM node tests run them against the fakes): the
 * option's reading, what counts as the same file, which failures leave the outcome unknown, and the
 * look-up after a lost answer.
 */
function networkFailure(code: string): Error {
	return Object.assign(new Error(`failed: ${code}`), { code });
}

const file = { fileName: 'a.pdf', size: 10 };

/** Steps whose attach plays its script (one outcome per attempt) and whose look-ups answer in turn. */
function steps(attachOutcomes: Array<string | Error>, listings: Array<AttachedFile[] | Error>, extra: Partial<SettleSteps<string>> = {}) {
	const calls = { attach: 0, list: 0 };
	const settle: SettleSteps<string> = {
		attach: async () => {
			const outcome = attachOutcomes[calls.attach++];
			if (outcome instanceof Error) throw outcome;
			return outcome;
		},
		listAttached: async () => {
			const listing = listings[calls.list++];
			if (listing instanceof Error) throw listing;
			return listing;
		},
		fromAttached: (attached) => `found ${attached.id}`,
		before: [],
		file,
		createdIds: new Set(),
		...extra,
	};
	return { settle, calls };
}

const idOf = (result: string) => (result.startsWith('new ') ? result.slice(4) : undefined);

describe('ifAlreadyAttachedOf', () => {
	it('reads skip and replace, and anything else as upload', () => {
		expect(ifAlreadyAttachedOf({ ifAlreadyAttached: 'skip' })).toBe('skip');
		expect(ifAlreadyAttachedOf({ ifAlreadyAttached: 'replace' })).toBe('replace');
		expect(ifAlreadyAttachedOf({ ifAlreadyAttached: 'upload' })).toBe('upload');
		expect(ifAlreadyAttachedOf({ ifAlreadyAttached: 'other' })).toBe('upload');
		expect(ifAlreadyAttachedOf({})).toBe('upload');
	});
});

describe('sizeOf and sameFiles', () => {
	it('reads a size given as a number or as digits, and nothing else', () => {
		expect(sizeOf(12)).toBe(12);
		expect(sizeOf('12')).toBe(12);
		expect(sizeOf(0)).toBe(0);
		for (const value of [null, undefined, '', 'big', Number.NaN, Number.POSITIVE_INFINITY]) expect(sizeOf(value)).toBeNull();
	});

	it('takes only files of the same name and size, in the order listed', () => {
		const attached = [
			{ id: '1', name: 'a.pdf', size: 10 },
			{ id: '2', name: 'a.pdf', size: 11 },
			{ id: '3', name: 'A.pdf', size: 10 },
			{ id: '4', name: 'a.pdf', size: null },
			{ id: '5', name: 'a.pdf', size: 10 },
		];
		expect(sameFiles(attached, file).map((attachedFile) => attachedFile.id)).toEqual(['1', '5']);
	});
});

describe('outcomeUnknown', () => {
	it('is unknown after a reset, a timeout or a cut-off answer: the request reached the service', () => {
		for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE']) expect(outcomeUnknown(networkFailure(code))).toBe(true);
	});

	it('is known when nothing reached the service, or when the failure is no network failure', () => {
		for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
			expect(outcomeUnknown(networkFailure(code))).toBe(false);
		}
		expect(outcomeUnknown(new Error('refused: HTTP 400'))).toBe(false);
		expect(outcomeUnknown(undefined)).toBe(false);
	});

	it('reads the code the transports keep in their error response first', () => {
		expect(outcomeUnknown({ errorResponse: { networkErrorCode: 'ECONNRESET' } })).toBe(true);
		expect(outcomeUnknown({ errorResponse: { networkErrorCode: 'ECONNREFUSED' } })).toBe(false);
		// A code kept there wins over the one on the error itself.
		expect(outcomeUnknown(Object.assign(networkFailure('ECONNRESET'), { errorResponse: { networkErrorCode: 'ENOTFOUND' } }))).toBe(false);
		expect(outcomeUnknown(Object.assign(networkFailure('ECONNRESET'), { errorResponse: { networkErrorCode: 5 } }))).toBe(true);
	});
});

describe('attachOnce', () => {
	it('returns the step\'s answer at once, without a look-up', async () => {
		const { settle, calls } = steps(['new 7'], []);
		expect(await attachOnce(settle, idOf)).toEqual({ result: 'new 7', confirmedByLookup: false, attempts: 1 });
		expect(calls).toEqual({ attach: 1, list: 0 });
	});

	it('passes on a failure whose outcome is known, without a look-up or another attempt', async () => {
		const refused = new Error('refused: HTTP 400');
		const { settle, calls } = steps([refused], []);
		await expect(attachOnce(settle, idOf)).rejects.toBe(refused);
		expect(calls).toEqual({ attach: 1, list: 0 });
	});

	it('after a lost answer, takes a new file of the same name and size as the step\'s doing', async () => {
		const { settle, calls } = steps([networkFailure('ECONNRESET')], [[
			{ id: 'old', name: 'a.pdf', size: 10 },
			{ id: 'other', name: 'b.pdf', size: 10 },
			{ id: 'new', name: 'a.pdf', size: 10 },
		]], { before: [{ id: 'old', name: 'a.pdf', size: 10 }] });
		expect(await attachOnce(settle, idOf)).toEqual({ result: 'found new', confirmedByLookup: true, attempts: 1 });
		expect(calls).toEqual({ attach: 1, list: 1 });
	});

	it('after a lost answer that did not take effect, sends the step again', async () => {
		const { settle, calls } = steps([networkFailure('ETIMEDOUT'), 'new 9'], [[{ id: 'old', name: 'a.pdf', size: 10 }]], {
			before: [{ id: 'old', name: 'a.pdf', size: 10 }],
		});
		expect(await attachOnce(settle, idOf)).toEqual({ result: 'new 9', confirmedByLookup: false, attempts: 2 });
		expect(calls).toEqual({ attach: 2, list: 1 });
	});

	it('gives up after 3 attempts with the last failure', async () => {
		const failures = [networkFailure('ECONNRESET'), networkFailure('ECONNRESET'), networkFailure('ETIMEDOUT')];
		const { settle, calls } = steps(failures, [[], [], []]);
		await expect(attachOnce(settle, idOf)).rejects.toBe(failures[2]);
		expect(calls).toEqual({ attach: 3, list: 2 });
	});

	it('passes on the step\'s own failure when the look-up fails', async () => {
		const lost = networkFailure('ECONNRESET');
		const { settle, calls } = steps([lost], [new Error('list failed')]);
		await expect(attachOnce(settle, idOf)).rejects.toBe(lost);
		expect(calls).toEqual({ attach: 1, list: 1 });
	});

	it('never takes a file another item of the same run created, and remembers what it created or found', async () => {
		const createdIds = new Set(['sibling']);
		const listed = ['sibling', 'mine', 'found'].map((id) => ({ id, name: 'a.pdf', size: 10 }));
		// The first item creates "mine" (remembered), the second finds "found" after a lost answer.
		const first = steps(['new mine'], [], { createdIds });
		await attachOnce(first.settle, idOf);
		const second = steps([networkFailure('ECONNRESET'), 'new again'], [listed], { createdIds });
		expect(await attachOnce(second.settle, idOf)).toEqual({ result: 'found found', confirmedByLookup: true, attempts: 1 });
		// "found" is now this run's too: a third item whose answer is lost sends again instead of taking it.
		const third = steps([networkFailure('ECONNRESET'), 'new third'], [listed], { createdIds });
		expect(await attachOnce(third.settle, idOf)).toEqual({ result: 'new third', confirmedByLookup: false, attempts: 2 });
		// Another run (another set of created ids) may take any of them.
		const otherRun = steps([networkFailure('ECONNRESET')], [[{ id: 'sibling', name: 'a.pdf', size: 10 }]]);
		expect((await attachOnce(otherRun.settle, idOf)).result).toBe('found sibling');
	});

	it('remembers nothing for an answer without an id', async () => {
		const createdIds = new Set<string>();
		await attachOnce(steps(['no id'], [], { createdIds }).settle, idOf);
		const lost = steps([networkFailure('ECONNRESET')], [[{ id: 'id', name: 'a.pdf', size: 10 }]], { createdIds });
		expect((await attachOnce(lost.settle, idOf)).result).toBe('found id');
	});
});
