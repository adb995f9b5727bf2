import { decryptedNodeCredentials, readNodeCredentials } from '../../nodes/transfer/nodeCredentials';
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
		const first = await readNodeCredentials(ctx, 'acmeApi');
		first.apiKey = 'changed by a caller';
		expect(await readNodeCredentials(ctx, 'acmeApi')).toEqual({ apiKey: 'acmeApi-key' });
		expect(await readNodeCredentials(ctx, 'otherApi')).toEqual({ apiKey: 'otherApi-key' });
		expect(reads).toEqual(['acmeApi', 'otherApi']);
		await readNodeCredentials(fakeContext({ getCredentials: async () => (reads.push('new run'), {}) }), 'acmeApi');
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
		await expect(readNodeCredentials(ctx, 'acmeApi')).rejects.toThrow('not found');
		await expect(readNodeCredentials(ctx, 'acmeApi')).resolves.toEqual({ apiKey: 'k' });
		expect(calls).toBe(2);
	});
});

describe('decryptedNodeCredentials', () => {
	it('gives the credential ready-decrypted with the node\'s reference', async () => {
		const ctx = fakeContext({
			node: { credentials: { acmeApi: { id: '7', name: 'Acme account' } } },
			getCredentials: async () => ({ apiKey: 'k' }),
		});
		expect(await decryptedNodeCredentials(ctx, 'acmeApi')).toEqual({ id: '7', name: 'Acme account', type: 'acmeApi', data: { apiKey: 'k' } });
	});

	it('gives nothing when the node has no reference with an id to that type', async () => {
		const ctx = fakeContext({ node: { credentials: { acmeApi: { id: null, name: 'unsaved' } } } });
		expect(await decryptedNodeCredentials(ctx, 'acmeApi')).toBeUndefined();
		expect(await decryptedNodeCredentials(ctx, 'otherApi')).toBeUndefined();
		expect(await decryptedNodeCredentials(fakeContext(), 'acmeApi')).toBeUndefined();
	});
});
