import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** What to do about an empty value: the value it needs ("the ID of the record"), or the whole advice. */
export type EmptyValueFix = string | { description: string };

/** A value that must not be empty, trimmed; the one message for every node names the field and the item. */
export function nonEmpty(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	displayName: string,
	fix: EmptyValueFix,
): string {
	const text = String(value ?? '').trim();
	if (!text) {
		throw new NodeOperationError(ctx.getNode(), `"${displayName}" of item ${itemIndex + 1} is empty`, {
			itemIndex,
			description:
				typeof fix === 'string'
					? `Set "${displayName}" to ${fix}. If it comes from an expression, check that the earlier node gives a value for this item.`
					: fix.description,
		});
	}
	return text;
}

/**
 * A text parameter that must not be empty, trimmed (see nonEmpty). A resource locator gives its id
 * (extractValue), a plain string stays as it is.
 */
export function requiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	displayName: string,
	fix: EmptyValueFix,
): string {
	return nonEmpty(ctx, itemIndex, ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }), displayName, fix);
}

/** The value as an http(s) address, or undefined when it is not one (each caller words its own error). */
export function webAddressOf(value: string): URL | undefined {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		return undefined;
	}
	return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
}
