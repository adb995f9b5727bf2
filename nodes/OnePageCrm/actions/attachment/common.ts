import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ServiceContext, TransferRun } from '../../../transfer';
import { LOCATOR_VERSION, recordLocatorProperties } from '../../../shared/recordLocator';
import { onePageCrmEnvelope } from '../../transport';

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

/** The attachment parameters of these operations, shown for them only. */
export function forOperations(operation: string[], properties: INodeProperties[]): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['attachment'], operation } }, properties);
}

export function contactIdProperties(description: string): INodeProperties[] {
	return recordLocatorProperties(
		{ name: 'contactId', displayName: 'Contact ID', description, searchListMethod: 'searchContacts', idExample: '5f1b2c3d4e5f6a7b8c9d0e1f' },
		{ placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e1f' },
	);
}

export const referenceTypeProperty: INodeProperties = {
	displayName: 'Attach To',
	name: 'referenceType',
	type: 'options',
	options: REFERENCE_TYPES,
	default: 'note',
	description: 'The kind of record of the contact that the attachment belongs to',
};

/**
 * Where an attachment can be read from (spec: it has no GET of its own): its deal, note, call or
 * meeting (`getDeal`/`getNote`/`getCall`/`getMeeting` carry `attachments`), or, once pinned, its
 * contact's pinned attachments (`listContactPinnedAttachments`).
 */
export function parentTypeProperty(description: string): INodeProperties {
	return {
		displayName: 'From',
		name: 'referenceType',
		type: 'options',
		options: [
			{ name: 'Call', value: 'call' },
			{
				name: 'Contact (Pinned Attachments)',
				value: 'contact',
				description: 'The attachments pinned on the contact',
			},
			{ name: 'Deal', value: 'deal' },
			{ name: 'Meeting', value: 'meeting' },
			{ name: 'Note', value: 'note' },
		],
		default: 'note',
		description,
	};
}

/** The deal, note, call or meeting (or, under "From", the contact); from typeVersion 3 picked from its list. */
export function referenceIdProperties(description: string, required = true): INodeProperties[] {
	return recordLocatorProperties(
		{
			name: 'referenceId',
			displayName: 'Record ID',
			description,
			required,
			searchListMethod: 'searchRecords',
			idExample: '5f1b2c3d4e5f6a7b8c9d0e20',
			dependsOn: ['referenceType', 'contactId.value'],
		},
		{ placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e20' },
	);
}

export function attachmentIdProperties(): INodeProperties[] {
	return recordLocatorProperties(
		{
			name: 'attachmentId',
			displayName: 'Attachment ID',
			description: 'The ID of the attachment, as returned by the Upload or Get Many operations',
			searchListMethod: 'searchAttachments',
			idExample: '5f1b2c3d4e5f6a7b8c9d0e21',
			dependsOn: ['referenceType', 'referenceId.value'],
		},
		{ placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e21' },
	);
}

/**
 * From typeVersion 3, operations that take only an attachment ID also show "From" and "Record ID", to
 * pick the attachment from that record's list (the operation itself needs only the ID).
 */
export function attachmentPickerProperties(): INodeProperties[] {
	const context = [
		parentTypeProperty('The record whose attachments the Attachment ID list shows'),
		...referenceIdProperties('The record whose attachments the Attachment ID list shows', false).filter(
			(property) => property.type === 'resourceLocator',
		),
	];
	return [
		...updateDisplayOptions({ show: { '@version': [{ _cnd: { gte: LOCATOR_VERSION } }] } }, context.slice(0, 1)),
		...context.slice(1),
		...attachmentIdProperties(),
	];
}

/** spec Attachment `storage_provider`: `amazon` is a file stored by OnePageCRM; the others are links. */
export const STORED_FILE_PROVIDER = 'amazon';

const LINK_PROVIDERS: Record<string, string> = {
	dropbox: 'Dropbox',
	google_drive: 'Google Drive',
	evernote: 'Evernote',
};

/** The service a link attachment points to ("Google Drive"), or undefined for a stored file. */
export function linkServiceOf(attachment: IDataObject): string | undefined {
	const provider = attachment.storage_provider;
	if (typeof provider !== 'string' || provider === '' || provider === STORED_FILE_PROVIDER) return undefined;
	return LINK_PROVIDERS[provider] ?? provider;
}

/** spec components.parameters.query_per_page: "Maximum 100 allowed". */
export const MAX_PER_PAGE = 100;
const MAX_PAGES = 1000;

function listIn(value: unknown): IDataObject[] {
	return Array.isArray(value) ? value.map(unwrapAttachment) : [];
}

/** A record read from OnePageCRM: `data.<type>` (or `data` itself), carrying its `attachments`. */
function recordAttachments(data: IDataObject, referenceType: string): IDataObject[] {
	const record = data[referenceType];
	if (record && typeof record === 'object' && !Array.isArray(record)) {
		const attachments = (record as IDataObject).attachments;
		if (Array.isArray(attachments)) return listIn(attachments);
	}
	return listIn(data.attachments);
}

/**
 * spec listContactPinnedAttachments: paged with page/per_page; its schema puts `max_page` beside
 * `data` (lines 8148-8159), other lists inside it (components.schemas.Success): read both.
 */
function maxPageOf(envelope: IDataObject): number | undefined {
	const data = envelope.data as IDataObject | undefined;
	for (const candidate of [data?.max_page, envelope.max_page]) {
		const value = Number(candidate);
		if (candidate !== undefined && candidate !== null && Number.isFinite(value)) return value;
	}
	return undefined;
}

async function pinnedAttachments(
	ctx: ServiceContext,
	run: TransferRun,
	itemIndex: number,
	contactId: string,
	limit: number | undefined,
	stopWhen?: (attachment: IDataObject) => boolean,
): Promise<IDataObject[]> {
	const attachments: IDataObject[] = [];
	for (let page = 1; page <= MAX_PAGES; page++) {
		const envelope = await onePageCrmEnvelope(ctx, run, itemIndex, {
			method: 'GET',
			path: ['contacts', contactId, 'pinned_attachments'],
			qs: { page, per_page: MAX_PER_PAGE },
			subject: `the pinned attachments of contact "${contactId}"`,
			idempotent: true,
		});
		const data = (envelope.data ?? {}) as IDataObject;
		const batch = listIn(data.pinned_attachments ?? data.attachments);
		attachments.push(...batch);
		if (limit !== undefined && attachments.length >= limit) break;
		if (stopWhen && batch.some(stopWhen)) break;
		const maxPage = maxPageOf(envelope);
		const more = maxPage !== undefined ? page < maxPage : batch.length >= MAX_PER_PAGE;
		if (!more || batch.length === 0) break;
	}
	return attachments;
}

/**
 * The attachments of a deal, note, call or meeting (read with the record), or those pinned on a
 * contact (`referenceType` "contact"). Each carries a fresh short-lived `url`.
 */
export async function attachmentsOf(
	ctx: ServiceContext,
	run: TransferRun,
	itemIndex: number,
	referenceType: string,
	referenceId: string,
	options: { limit?: number; stopWhen?: (attachment: IDataObject) => boolean } = {},
): Promise<IDataObject[]> {
	if (referenceType === 'contact') {
		return await pinnedAttachments(ctx, run, itemIndex, referenceId, options.limit, options.stopWhen);
	}
	const envelope = await onePageCrmEnvelope(ctx, run, itemIndex, {
		method: 'GET',
		path: [REFERENCE_COLLECTIONS[referenceType] ?? referenceType, referenceId],
		subject: `the attachments of ${referenceType} "${referenceId}"`,
		idempotent: true,
	});
	return recordAttachments((envelope.data ?? {}) as IDataObject, referenceType);
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
