import { decryptedNodeCredentials, readNodeCredentials } from '../../nodes/transfer/nodeCredentials';
import { createTransferRun } from '../../nodes/transfer/transferRun';
import { fakeContext } from '../shared/fakeContext';

describe('readNodeCredentials', () => {
	it('reads a credential type once per node run and hands each caller its own copy', async () => {
		const reads: string[] = [];
		const ctx = fakeContext({
			getCredentials: async (type) => {
				reads.push(type);
				return { apiKey: `${type}-key` };
			},
		});
		const run = createTransferRun();
		const first = await readNodeCredentials(ctx, run, 'acmeApi');
		first.apiKey = 'changed by a caller';
		expect(await readNodeCredentials(ctx, run, 'acmeApi')).toEqual({ apiKey: 'acmeApi-key' });
		expect(await readNodeCredentials(ctx, run, 'otherApi')).toEqual({ apiKey: 'otherApi-key' });
		expect(reads).toEqual(['acmeApi', 'otherApi']);
		await readNodeCredentials(fakeContext({ getCredentials: async () => (reads.push('new run'), {}) }), createTransferRun(), 'acmeApi');
		expect(reads).toEqual(['acmeApi', 'otherApi', 'new run']);
	});

	it('does not remember a failed read: the next call asks n8n again', async () => {
		let calls = 0;
		const ctx = fakeContext({
			getCredentials: async () => {
				calls++;
				if (calls === 1) throw new Error('not found');
				return { apiKey: 'k' };
			},
		});
		const run = createTransferRun();
		await expect(readNodeCredentials(ctx, run, 'acmeApi')).rejects.toThrow('not found');
		await expect(readNodeCredentials(ctx, run, 'acmeApi')).resolves.toEqual({ apiKey: 'k' });
		expect(calls).toBe(2);
	});
});

describe('decryptedNodeCredentials', () => {
	it('gives the credential ready-decrypted with the node\'s reference', async () => {
		const ctx = fakeContext({
			node: { credentials: { acmeApi: { id: '7', name: 'Acme account' } } },
			getCredentials: async () => ({ apiKey: 'k' }),
		});
		expect(await decryptedNodeCredentials(ctx, createTransferRun(), 'acmeApi')).toEqual({ id: '7', name: 'Acme account', type: 'acmeApi', data: { apiKey: 'k' } });
	});

	it('gives nothing when the node has no reference with an id to that type', async () => {
		const ctx = fakeContext({ node: { credentials: { acmeApi: { id: null, name: 'unsaved' } } } });
		expect(await decryptedNodeCredentials(ctx, createTransferRun(), 'acmeApi')).toBeUndefined();
		expect(await decryptedNodeCredentials(ctx, createTransferRun(), 'otherApi')).toBeUndefined();
		expect(await decryptedNodeCredentials(fakeContext(), createTransferRun(), 'acmeApi')).toBeUndefined();
	});
});
