import type { FormFieldValue } from './multipartBody';

/**
 * Reading a presigned POST form's policy (AWS S3 API Reference, "POST Policy"): a base64 JSON document
 * `{expiration, conditions}` sent in the form's `policy` field. Each condition is an exact match
 * (`{"name": "value"}` or `["eq", "$name", "value"]`), a prefix (`["starts-with", "$name", "prefix"]`,
 * an empty prefix allowing any value) or a range (`content-length-range`). Every form field except
 * `x-amz-signature`, `file`, `policy` and `x-ignore-*` must appear in the conditions, so a field the
 * policy does not name makes the storage refuse the whole upload.
 */
export interface PolicyCondition {
	kind: 'eq' | 'starts-with' | 'content-length-range' | 'other';
	/** The form field the condition is on, without the `$`; none for `content-length-range`. */
	field?: string;
	value?: string;
	/** The inclusive bounds in bytes of a `content-length-range`. */
	minBytes?: number;
	maxBytes?: number;
}

/** The policy's conditions, or undefined when the form has no policy or it cannot be read. */
export function policyConditions(fields: Record<string, FormFieldValue>): PolicyCondition[] | undefined {
	const encoded = Object.entries(fields).find(([name]) => name.toLowerCase() === 'policy')?.[1];
	if (typeof encoded !== 'string' || !encoded) return undefined;
	let document: unknown;
	try {
		document = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
	} catch {
		return undefined;
	}
	const conditions = (document as { conditions?: unknown } | null)?.conditions;
	if (!Array.isArray(conditions)) return undefined;
	return conditions.flatMap(readCondition);
}

function readCondition(condition: unknown): PolicyCondition[] {
	if (Array.isArray(condition)) {
		const [operator, name, value] = condition as unknown[];
		if (operator === 'content-length-range') return [sizeRange(name, value)];
		const field = typeof name === 'string' ? name.replace(/^\$/, '') : undefined;
		if ((operator === 'eq' || operator === 'starts-with') && field !== undefined && typeof value === 'string') {
			return [{ kind: operator, field, value }];
		}
		return [{ kind: 'other', field }];
	}
	if (condition && typeof condition === 'object') {
		// An exact match may also be written as an object; one object may hold several fields.
		return Object.entries(condition as Record<string, unknown>).map(([field, value]) =>
			typeof value === 'string' ? { kind: 'eq', field, value } : { kind: 'other', field },
		);
	}
	return [{ kind: 'other' }];
}

/**
 * The field name under which the policy lets a form send this value, or undefined when it does not:
 * the policy must name the field (S3 refuses fields it does not sign) and every condition on it must hold.
 * Field names match without regard to case, as S3 and radosgw compare them.
 */
export function policyFieldAllowing(
	conditions: PolicyCondition[],
	fieldName: string,
	value: string,
): string | undefined {
	const onField = conditions.filter((condition) => condition.field?.toLowerCase() === fieldName.toLowerCase());
	if (onField.length === 0) return undefined;
	const allHold = onField.every((condition) => {
		if (condition.kind === 'eq') return condition.value === value;
		// S3 reads a Content-Type with commas as a list under starts-with: a value without commas stays one value.
		if (condition.kind === 'starts-with') return !value.includes(',') && value.startsWith(condition.value ?? '');
		return false;
	});
	return allHold ? onField[0].field : undefined;
}

/** S3 takes the bounds as numbers; a form may carry them as numeric strings. */
function sizeRange(min: unknown, max: unknown): PolicyCondition {
	const minBytes = Number(min);
	const maxBytes = Number(max);
	const valid = (bytes: number) => Number.isSafeInteger(bytes) && bytes >= 0;
	return valid(minBytes) && valid(maxBytes) ? { kind: 'content-length-range', minBytes, maxBytes } : { kind: 'other' };
}

/** The sizes the policy lets a file have (every range must hold), or undefined when it sets none. */
export function policySizeRange(conditions: PolicyCondition[]): { minBytes: number; maxBytes: number } | undefined {
	const ranges = conditions.filter((condition) => condition.kind === 'content-length-range');
	if (ranges.length === 0) return undefined;
	return {
		minBytes: Math.max(...ranges.map((range) => range.minBytes ?? 0)),
		maxBytes: Math.min(...ranges.map((range) => range.maxBytes ?? Number.MAX_SAFE_INTEGER)),
	};
}
