import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A text parameter that must not be empty, trimmed; the message names the item and the field. A
 * resource locator gives its id (extractValue), a plain string stays as it is.
 */
export function requiredText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	displayName: string,
	what: string,
): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
	if (!value) {
		throw new NodeOperationError(ctx.getNode(), `"${displayName}" of item ${itemIndex + 1} is empty`, {
			itemIndex,
			description: `Set "${displayName}" to ${what}. If it comes from an expression, check that the earlier node gives a value for this item.`,
		});
	}
	return value;
}
