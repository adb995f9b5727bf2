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

	it('reads every shape of condition, and keeps the ones it does not understand as "other" with their field', () => {
		const fields = { key: 'uploads/a', Policy: encoded([
			['eq', '$key', 'uploads/a'],
			['starts-with', '$Content-Type', 'image/'],
			['content-length-range', 1, 10],
			['eq', 'x$y', 'z'],
			['in', '$acl', ['private']],
			['ne', '$acl', 'public'],
			['content-length-range', 'x', 10],
			['eq', 5, 'x'],
			['eq', '$size', 5],
			['starts-with', '$key'],
			{ acl: 'private', 'success_action_status': 201 },
			'text',
			null,
			42,
		]) };
		expect(policyConditions(fields)).toEqual([
			{ kind: 'eq', field: 'key', value: 'uploads/a' },
			{ kind: 'starts-with', field: 'Content-Type', value: 'image/' },
			{ kind: 'content-length-range', minBytes: 1, maxBytes: 10 },
			// Only a leading $ is the field marker.
			{ kind: 'eq', field: 'x$y', value: 'z' },
			{ kind: 'other', field: 'acl' },
			{ kind: 'other', field: 'acl' },
			// A range that is not two whole numbers: left to the storage to judge.
			{ kind: 'other' },
			{ kind: 'other', field: undefined },
			{ kind: 'other', field: 'size' },
			{ kind: 'other', field: 'key' },
			{ kind: 'eq', field: 'acl', value: 'private' },
			{ kind: 'other', field: 'success_action_status' },
			{ kind: 'other' },
			{ kind: 'other' },
			{ kind: 'other' },
		]);
	});

	it('gives up on a policy that is no object with conditions', () => {
		const policyOf = (document: unknown) => policyConditions({ policy: Buffer.from(JSON.stringify(document)).toString('base64') });
		expect(policyOf(null)).toBeUndefined();
		expect(policyOf({ conditions: { acl: 'private' } })).toBeUndefined();
		expect(policyOf({ conditions: [] })).toEqual([]);
		expect(policyConditions({ policy: '' })).toBeUndefined();
		expect(policyConditions({ policy: 5 })).toBeUndefined();
	});

	it('judges the field asked for only by the conditions on that field', () => {
		expect(allowed([{ acl: 'private' }, ['starts-with', '$Content-Type', '']], 'image/png')).toBe('Content-Type');
		expect(allowed([['eq', '$key', 'image/png'], ['starts-with', '$Content-Type', 'text/']], 'image/png')).toBeUndefined();
		// A starts-with written without a prefix allows any value, as an empty one does.
		expect(policyFieldAllowing([{ kind: 'starts-with', field: 'Content-Type' }], 'content-type', 'image/png')).toBe('Content-Type');
		expect(policyFieldAllowing([{ kind: 'other', field: 'Content-Type' }], 'Content-Type', 'image/png')).toBeUndefined();
	});

	it('takes a missing bound of a range as no bound', () => {
		expect(policySizeRange([{ kind: 'content-length-range', maxBytes: 9 }])).toEqual({ minBytes: 0, maxBytes: 9 });
		expect(policySizeRange([{ kind: 'content-length-range', minBytes: 3 }])).toEqual({ minBytes: 3, maxBytes: Number.MAX_SAFE_INTEGER });
		expect(policySizeRange([])).toBeUndefined();
	});
});
