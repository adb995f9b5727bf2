import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AUTOMATIC_CONCURRENCY, concurrencyFromOptions, MAX_CONCURRENCY, runForEachItem } from '../../nodes/shared/runItems';
import { AdaptiveConcurrency, ThrottleGate } from '../../nodes/transfer';
import { fakeContext } from './fakeContext';

function items(count: number): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({ json: { index } }));
}

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

describe('runForEachItem', () => {
	it('gives each item\'s output in input order, whatever order the items finish in', async () => {
		const ctx = fakeContext({ items: items(4) });
		const delays = [30, 0, 20, 5];
		const output = await runForEachItem(
			ctx,
			async (index) => {
				await new Promise((resolve) => setTimeout(resolve, delays[index]));
				return [{ json: { done: index }, pairedItem: { item: index } }];
			},
			{ concurrency: 4 },
		);
		expect(output).toEqual([[0, 1, 2, 3].map((index) => ({ json: { done: index }, pairedItem: { item: index } }))]);
	});

	it('keeps every output item of an item, and none of an item that gives none', async () => {
		const ctx = fakeContext({ items: items(3) });
		const output = await runForEachItem(ctx, async (index) => Array.from({ length: index }, (_, copy) => ({ json: { index, copy } })));
		expect(output[0].map((item) => item.json)).toEqual([{ index: 1, copy: 0 }, { index: 2, copy: 0 }, { index: 2, copy: 1 }]);
	});

	it('works on at most `concurrency` items at once (whole, 1 to 32), and on one at a time by default', async () => {
		for (const [concurrency, expected] of [[undefined, 1], [3, 3], [2.7, 2], [Number.NaN, 1], [-4, 1], [1_000, MAX_CONCURRENCY]] as const) {
			const ctx = fakeContext({ items: items(40) });
			let running = 0;
			let most = 0;
			await runForEachItem(
				ctx,
				async () => {
					running++;
					most = Math.max(most, running);
					await tick();
					running--;
					return [];
				},
				concurrency === undefined ? undefined : { concurrency },
			);
			expect([concurrency, most]).toEqual([concurrency, expected]);
		}
		expect(MAX_CONCURRENCY).toBe(32);
	});

	it('with Continue On Fail, turns a failed item into an error item paired to it, and goes on', async () => {
		const ctx = fakeContext({ items: items(3), continueOnFail: true });
		const output = await runForEachItem(ctx, async (index) => {
			if (index === 1) throw new NodeOperationError(ctx.getNode(), 'refused', { description: 'Fix it.' });
			if (index === 2) throw new Error('no description');
			return [{ json: { ok: index } }];
		});
		expect(output).toEqual([
			[
				{ json: { ok: 0 } },
				{ json: { error: 'refused', errorDescription: 'Fix it.', itemIndex: 1 }, pairedItem: { item: 1 } },
				{ json: { error: 'no description', itemIndex: 2 }, pairedItem: { item: 2 } },
			],
		]);
		expect(output[0][2].json).not.toHaveProperty('errorDescription');
	});

	it('without it, starts no item after a failure and throws the failed item\'s error', async () => {
		const ctx = fakeContext({ items: items(4) });
		const started: number[] = [];
		const refusal = new NodeApiError(ctx.getNode(), { message: 'x' }, { message: 'refused', itemIndex: 1 });
		await expect(
			runForEachItem(ctx, async (index) => {
				started.push(index);
				if (index === 1) throw refusal;
				return [];
			}),
		).rejects.toBe(refusal);
		expect(started).toEqual([0, 1]);
	});

	it('throws the earliest failed item\'s error when parallel items fail, wrapping errors that are not n8n\'s', async () => {
		const ctx = fakeContext({ items: items(3) });
		const error = (await runForEachItem(
			ctx,
			async (index) => {
				await new Promise((resolve) => setTimeout(resolve, index === 0 ? 20 : 0));
				if (index === 2) throw new Error('late item first');
				throw new TypeError('earliest item');
			},
			{ concurrency: 3 },
		).catch((caught: unknown) => caught)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('earliest item');
		expect(error.context.itemIndex).toBe(0);
	});

	it('keeps the earliest failed item\'s error when a later item fails after it', async () => {
		const ctx = fakeContext({ items: items(3) });
		const error = (await runForEachItem(
			ctx,
			async (index) => {
				await new Promise((resolve) => setTimeout(resolve, index === 0 ? 0 : 20));
				throw new Error(`item ${index}`);
			},
			{ concurrency: 3 },
		).catch((caught: unknown) => caught)) as NodeOperationError;
		expect(error.message).toBe('item 0');
	});

	it('in automatic mode, the run\'s requests report to its controller while it runs, and no longer after', async () => {
		const ctx = fakeContext({ items: items(3) });
		const gate = new ThrottleGate();
		const seen: unknown[] = [];
		await runForEachItem(
			ctx,
			async () => {
				seen.push(gate.observer);
				return [];
			},
			{ concurrency: AUTOMATIC_CONCURRENCY, gate },
		);
		expect(seen[0]).toBeInstanceOf(AdaptiveConcurrency);
		expect((seen[0] as AdaptiveConcurrency).max).toBe(MAX_CONCURRENCY);
		expect(seen).toEqual([seen[0], seen[0], seen[0]]);
		expect(gate.observer).toBeUndefined();
		// A fixed concurrency has no controller.
		await runForEachItem(ctx, async () => {
			seen.push(gate.observer);
			return [];
		}, { concurrency: 2, gate });
		expect(seen.slice(3)).toEqual([undefined, undefined, undefined]);
	});

	it('leaves an observer someone else set during the run in place', async () => {
		const ctx = fakeContext({ items: items(1) });
		const gate = new ThrottleGate();
		const other = new AdaptiveConcurrency();
		await runForEachItem(
			ctx,
			async () => {
				gate.observer = other;
				return [];
			},
			{ concurrency: AUTOMATIC_CONCURRENCY, gate },
		);
		expect(gate.observer).toBe(other);
	});

	it('gives nothing for no items', async () => {
		expect(await runForEachItem(fakeContext({ items: [] }), async () => [{ json: {} }])).toEqual([[]]);
	});
});

describe('concurrencyFromOptions', () => {
	function concurrencyOf(value: unknown, typeVersion = 2): number {
		return concurrencyFromOptions(fakeContext({ node: { typeVersion }, parameters: { 'options.concurrency': value } }));
	}

	it('is automatic when unset or empty from typeVersion 2 on, and 1 in typeVersion 1', () => {
		for (const value of [undefined, null, '']) {
			expect(concurrencyOf(value, 1)).toBe(1);
			expect(concurrencyOf(value, 2)).toBe(AUTOMATIC_CONCURRENCY);
			expect(concurrencyOf(value, 3)).toBe(AUTOMATIC_CONCURRENCY);
		}
		expect(AUTOMATIC_CONCURRENCY).toBe(0);
	});

	it('takes a number, also as text, 0 (automatic) included', () => {
		expect(concurrencyOf(4, 1)).toBe(4);
		expect(concurrencyOf('7')).toBe(7);
		expect(concurrencyOf(0, 1)).toBe(0);
		expect(concurrencyOf(1)).toBe(1);
	});

	it('falls back to the unset value for what is no count', () => {
		for (const value of [-1, 'many', Number.POSITIVE_INFINITY]) {
			expect(concurrencyOf(value, 1)).toBe(1);
			expect(concurrencyOf(value, 2)).toBe(AUTOMATIC_CONCURRENCY);
		}
	});
});
