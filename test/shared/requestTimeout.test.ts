import { timeoutOption } from '../../nodes/shared/descriptions';
import { requestTimeoutMs } from '../../nodes/shared/requestTimeout';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../nodes/transfer/requestTimeout';
import { fakeContext } from '../shared/fakeContext';

describe('requestTimeoutMs', () => {
	it('is n8n\'s 300 s by default', () => {
		expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(300_000);
		expect(timeoutOption).toMatchObject({ name: 'timeout', type: 'number', default: 300_000, typeOptions: { minValue: 1 } });
		expect(requestTimeoutMs(fakeContext(), 0)).toBe(300_000);
	});

	it('takes the item\'s own Timeout option, rounded to whole ms', () => {
		const ctx = fakeContext({ parameters: (name, itemIndex) => (name === 'options.timeout' ? [800, 1234.6][itemIndex] : undefined) });
		expect(requestTimeoutMs(ctx, 0)).toBe(800);
		expect(requestTimeoutMs(ctx, 1)).toBe(1235);
	});

	it.each([0, -5, 0.4, Number.NaN, Number.POSITIVE_INFINITY, 'soon'])('falls back to the default for %p', (value) => {
		expect(requestTimeoutMs(fakeContext({ parameters: { 'options.timeout': value } }), 0)).toBe(300_000);
	});

	it('takes 1 ms, the smallest the option allows, and a number given as text', () => {
		expect(requestTimeoutMs(fakeContext({ parameters: { 'options.timeout': 1 } }), 0)).toBe(1);
		expect(requestTimeoutMs(fakeContext({ parameters: { 'options.timeout': '2500' } }), 0)).toBe(2500);
	});

	it('falls back to the default where the operation has no such option (n8n throws) or in a load-options call', () => {
		const throwing = fakeContext({
			parameters: () => {
				throw new Error('Could not get parameter');
			},
		});
		expect(requestTimeoutMs(throwing, 0)).toBe(300_000);
		const loadOptions = { getNodeParameter: () => 5 } as unknown as Parameters<typeof requestTimeoutMs>[0];
		expect(requestTimeoutMs(loadOptions, 0)).toBe(300_000);
	});
});
