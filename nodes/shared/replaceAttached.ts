import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AttachedFile } from './ifAlreadyAttached';

/** The new file and the old ones it replaces, with the service's own terms for the message. */
export interface Replacement {
	fileName: string;
	/** The record as the service's messages name it ('deal "5f1b…"', 'Leads record 4150…'). */
	record: string;
	newId: string;
	replaced: AttachedFile[];
	serviceName: string;
	/** An attachment id as the service's messages show it (quoted or bare). */
	idText: (id: string) => string;
}

/**
 * "If Already Attached" set to Replace, once the new file is attached: each old file of the same
 * name and size is deleted. One that cannot be is reported with the new file's id, since the record
 * now holds both.
 */
export async function deleteReplaced(
	ctx: IExecuteFunctions,
	itemIndex: number,
	replacement: Replacement,
	deleteOne: (old: AttachedFile) => Promise<unknown>,
): Promise<void> {
	const { idText } = replacement;
	for (const old of replacement.replaced) {
		try {
			await deleteOne(old);
		} catch (error) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${replacement.fileName}" is attached to ${replacement.record} as attachment ${idText(replacement.newId)}, but the old attachment ${idText(old.id)} could not be deleted (item ${itemIndex + 1})`,
				{
					itemIndex,
					description: `${(error as Error).message}. The record now holds both files. Delete attachment ${idText(old.id)} in ${replacement.serviceName} (or with this node's Delete operation); running the item again with "If Already Attached" set to Replace also leaves one file.`,
				},
			);
		}
	}
}
