import { policyConditions, policyFieldAllowing, policySizeRange } from '../../nodes/transfer/postPolicy';

function encoded(conditions: unknown[]): string {
	return Buffer.from(JSON.stringify({ expiration: '2030-01-01T00:00:00.000Z', conditions })).toString('base64');
}

function allowed(conditions: unknown[], value: string, fieldName = 'Content-Type'): string | undefined {
	const read = policyConditions({ Policy: encoded(conditions) });
	return read && policyFieldAllowing(read, fieldName, value);
}

describe('POST policy reading', () => {
	it('allows a value an exact condition names, in object or eq form', () => {
		expect(allowed([{ 'Content-Type': 'application/pdf' }], 'application/pdf')).toBe('Content-Type');
		expect(allowed([['eq', '$Content-Type', 'application/pdf']], 'application/pdf')).toBe('Content-Type');
		expect(allowed([{ 'Content-Type': 'application/pdf' }], 'image/png')).toBeUndefined();
	});

	it('allows any value under an empty starts-with, and only matching ones under a prefix', () => {
		expect(allowed([['starts-with', '$Content-Type', '']], 'text/csv')).toBe('Content-Type');
		expect(allowed([['starts-with', '$Content-Type', 'image/']], 'image/png')).toBe('Content-Type');
		expect(allowed([['starts-with', '$Content-Type', 'image/']], 'application/pdf')).toBeUndefined();
	});

	it('refuses a field the policy does not name (S3 rejects unsigned fields)', () => {
		expect(allowed([['starts-with', '$key', 'a/'], { acl: 'private' }, ['content-length-range', 1, 10]], 'a/b')).toBeUndefined();
	});

	it('needs every condition on the field to hold', () => {
		const both = [['starts-with', '$Content-Type', 'image/'], ['eq', '$Content-Type', 'image/gif']];
		expect(allowed(both, 'image/gif')).toBe('Content-Type');
		expect(allowed(both, 'image/png')).toBeUndefined();
	});

	it('matches field names without regard to case, and answers with the policy\'s spelling', () => {
		expect(allowed([['starts-with', '$content-type', '']], 'image/png')).toBe('content-type');
	});

	it('refuses a Content-Type with commas under starts-with (S3 would read it as a list)', () => {
		expect(allowed([['starts-with', '$Content-Type', '']], 'text/plain, text/html')).toBeUndefined();
	});

	it('refuses a condition on the field it does not understand', () => {
		expect(allowed([['in', '$Content-Type', ['image/png']]], 'image/png')).toBeUndefined();
	});

	it('reads the policy from a lower-case `policy` field, and gives up on a missing or unreadable one', () => {
		expect(policyConditions({ policy: encoded([{ acl: 'private' }]) })).toEqual([
			{ kind: 'eq', field: 'acl', value: 'private' },
		]);
		expect(policyConditions({ key: 'a' })).toBeUndefined();
		expect(policyConditions({ policy: 'not base64 json' })).toBeUndefined();
		expect(policyConditions({ policy: Buffer.from('{"expiration":"x"}').toString('base64') })).toBeUndefined();
	});

	it('reads the size range, as numbers or numeric strings, the narrowest where several are given', () => {
		const range = (conditions: unknown[]) => policySizeRange(policyConditions({ policy: encoded(conditions) }) ?? []);
		expect(range([['content-length-range', 1, 1000]])).toEqual({ minBytes: 1, maxBytes: 1000 });
		expect(range([['content-length-range', '0', '20']])).toEqual({ minBytes: 0, maxBytes: 20 });
		expect(range([['content-length-range', 1, 1000], ['content-length-range', 10, 500]])).toEqual({ minBytes: 10, maxBytes: 500 });
		expect(range([['starts-with', '$key', 'a/']])).toBeUndefined();
		// A range that is not two whole non-negative numbers is left to the storage to judge.
		expect(range([['content-length-range', 'x', 10]])).toBeUndefined();
		expect(range([['content-length-range', -1, 10]])).toBeUndefined();
		expect(range([['content-length-range', 1.5, 10]])).toBeUndefined();
	});
});
