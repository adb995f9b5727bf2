import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { apiPath, espoRequest, responseObject } from '../../transport';
import { attachmentIdsOf, fileIdOf, readLocation, readRecord } from './common';
import type { RunContext } from '../../../shared/runContext';

/** Entity Type, Field and Record ID are the shared location parameters (common.ts). */
export const description: INodeProperties[] = [];

function nameOf(record: IDataObject, attribute: string, id: string): string | null {
	const names = record[attribute];
	if (names && typeof names === 'object' && !Array.isArray(names)) {
		const name = (names as IDataObject)[id];
		return typeof name === 'string' ? name : null;
	}
	return null;
}

/** The attachments of a record's field: ids from the record, then each attachment's name, type and size. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const location = await readLocation(this, run, itemIndex, true);
	const record = await readRecord(this, run, itemIndex, location);

	let entries: Array<{ id: string; name: string | null; type: string | null }>;
	if (location.fieldType === 'file') {
		const id = fileIdOf(this, itemIndex, location, record);
		const name = record[`${location.field}Name`];
		entries = id ? [{ id, name: typeof name === 'string' ? name : null, type: null }] : [];
	} else {
		entries = attachmentIdsOf(this, itemIndex, location, record).map((id) => {
			const type = nameOf(record, `${location.field}Types`, id);
			return { id, name: nameOf(record, `${location.field}Names`, id), type };
		});
	}

	const output: INodeExecutionData[] = [];
	for (const entry of entries) {
		// The attachment record carries size and type; a role without Attachment read access gets a 403,
		// and the names the record itself gives are still worth returning.
		const response = await espoRequest(this, run, {
			method: 'GET',
			path: apiPath('Attachment', entry.id),
			subject: `the read of attachment "${entry.id}"`,
			itemIndex,
			acceptStatuses: [403, 404],
		});
		const attachment = response.statusCode === 200 ? responseObject(response) : {};
		output.push({
			json: {
				id: entry.id,
				name: (attachment.name as string) ?? entry.name,
				type: (attachment.type as string) ?? entry.type,
				size: typeof attachment.size === 'number' ? attachment.size : null,
				entityType: location.entityType,
				field: location.field,
				fieldType: location.fieldType,
				recordId: location.recordId,
				createdAt: (attachment.createdAt as string) ?? null,
			},
			pairedItem: { item: itemIndex },
		});
	}
	return output;
}
