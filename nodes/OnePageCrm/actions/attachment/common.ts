import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** Records a file or link can be attached to (OnePageCRM's `reference_type` values). */
export const REFERENCE_TYPES = [
	{ name: 'Call', value: 'call' },
	{ name: 'Deal', value: 'deal' },
	{ name: 'Meeting', value: 'meeting' },
	{ name: 'Note', value: 'note' },
];

/** The API collection of each reference type. */
export const REFERENCE_COLLECTIONS: Record<string, string> = {
	deal: 'deals',
	note: 'notes',
	call: 'calls',
	meeting: 'meetings',
};

export function scoped(operation: string[], property: INodeProperties): INodeProperties {
	return {
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { resource: ['attachment'], operation, ...property.displayOptions?.show },
		},
	};
}

export function contactIdProperty(operation: string[], description: string): INodeProperties {
	return scoped(operation, {
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e1f',
		description,
	});
}

export function referenceTypeProperty(operation: string[]): INodeProperties {
	return scoped(operation, {
		displayName: 'Attach To',
		name: 'referenceType',
		type: 'options',
		options: REFERENCE_TYPES,
		default: 'note',
		description: 'The kind of record of the contact that the attachment belongs to',
	});
}

export function referenceIdProperty(operation: string[]): INodeProperties {
	return scoped(operation, {
		displayName: 'Record ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e20',
		description: 'The ID of the deal, note, call or meeting. It must belong to the contact.',
	});
}

export function attachmentIdProperty(operation: string[]): INodeProperties {
	return scoped(operation, {
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e21',
		description: 'The ID of the attachment, as returned by the Upload or Get Many operations',
	});
}

/** OnePageCRM wraps list entries as `{attachment: {...}}` in places: hand out the attachment itself. */
export function unwrapAttachment(entry: unknown): IDataObject {
	if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
		const record = entry as IDataObject;
		const inner = record.attachment;
		if (inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(record).length === 1) {
			return inner as IDataObject;
		}
		return record;
	}
	return { value: entry as string };
}

/** The attachment in an answer's `data`, whether OnePageCRM wraps it or not. */
export function attachmentOf(data: IDataObject): IDataObject {
	const inner = data.attachment;
	if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner as IDataObject;
	return data;
}
