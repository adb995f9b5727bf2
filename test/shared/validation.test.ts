import { NodeOperationError } from 'n8n-workflow';

import { requiredText, webAddressOf } from '../../nodes/shared/validation';
import { fakeContext } from './fakeContext';

describe('requiredText', () => {
	it('returns the value trimmed', () => {
		expect(requiredText(fakeContext({ parameters: { recordId: '  42 \n' } }), 0, 'recordId', 'Record ID', 'the record\'s id')).toBe('42');
		expect(requiredText(fakeContext({ parameters: { recordId: 7 } }), 0, 'recordId', 'Record ID', 'the id')).toBe('7');
	});

	it.each([undefined, null, '', '   '])('refuses %p, naming the field and the item', (value) => {
		const ctx = fakeContext({ parameters: { recordId: value } });
		let error: NodeOperationError | undefined;
		try {
			requiredText(ctx, 2, 'recordId', 'Record ID', 'the record\'s id');
		} catch (caught) {
			error = caught as NodeOperationError;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('"Record ID" of item 3 is empty');
		expect(error?.description).toBe(
			'Set "Record ID" to the record\'s id. If it comes from an expression, check that the earlier node gives a value for this item.',
		);
		expect(error?.context.itemIndex).toBe(2);
	});
});

describe('requiredText with a resource locator', () => {
	it('reads the locator\'s id (extractValue), and takes a whole advice as it is', () => {
		const ctx = fakeContext();
		ctx.getNodeParameter = ((_name: string, _itemIndex: number, _fallback: unknown, options?: { extractValue?: boolean }) =>
			options?.extractValue === true ? ' lead_1 ' : { mode: 'id', value: 'wrong' }) as typeof ctx.getNodeParameter;
		expect(requiredText(ctx, 0, 'leadId', 'Lead', 'the lead')).toBe('lead_1');
		const empty = fakeContext({ parameters: { leadId: '' } });
		expect(() => requiredText(empty, 0, 'leadId', 'Lead', { description: 'Pick a lead from the list.' })).toThrow(
			expect.objectContaining({ description: 'Pick a lead from the list.' }),
		);
	});
});

describe('webAddressOf', () => {
	it.each(['https://example.com/file.pdf', 'http://10.0.0.5:8080/a?b=c'])('takes the http(s) address %s', (value) => {
		expect(webAddressOf(value)?.href).toBe(new URL(value).href);
	});

	it.each(['', 'example.com/file.pdf', 'ftp://example.com/file.pdf', 'javascript:alert(1)', 'file:///etc/passwd'])(
		'refuses %j',
		(value) => {
			expect(webAddressOf(value)).toBeUndefined();
		},
	);
});
