import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { onePageCrmRequest } from '../../transport';
import { REFERENCE_COLLECTIONS, scoped, unwrapAttachment } from './common';

const OPERATION = ['getMany'];
const PINNED_PAGE_SIZE = 100;
const MAX_PAGES = 1000;

export const description: INodeProperties[] = [
	scoped(OPERATION, {
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
		description: 'The record whose attachments to list',
	}),
	scoped(OPERATION, {
		displayName: 'Record ID',
		name: 'referenceId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 5f1b2c3d4e5f6a7b8c9d0e20',
		description: 'The ID of the deal, note, call, meeting or contact',
	}),
	scoped(OPERATION, {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	}),
	scoped(OPERATION, {
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	}),
];

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

async function pinnedAttachments(
	ctx: IExecuteFunctions,
	itemIndex: number,
	contactId: string,
	limit: number | undefined,
): Promise<IDataObject[]> {
	const attachments: IDataObject[] = [];
	for (let page = 1; page <= MAX_PAGES; page++) {
		const data = await onePageCrmRequest(ctx, itemIndex, {
			method: 'GET',
			path: ['contacts', contactId, 'pinned_attachments'],
			qs: { page, per_page: PINNED_PAGE_SIZE },
			subject: `the pinned attachments of contact "${contactId}"`,
			idempotent: true,
		});
		const batch = listIn(data.pinned_attachments ?? data.attachments);
		attachments.push(...batch);
		if (limit !== undefined && attachments.length >= limit) break;
		const maxPage = Number(data.max_page);
		const more = Number.isFinite(maxPage) ? page < maxPage : batch.length >= PINNED_PAGE_SIZE;
		if (!more || batch.length === 0) break;
	}
	return attachments;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const referenceType = this.getNodeParameter('referenceType', itemIndex) as string;
	const referenceId = (this.getNodeParameter('referenceId', itemIndex) as string).trim();
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);

	let attachments: IDataObject[];
	if (referenceType === 'contact') {
		attachments = await pinnedAttachments(this, itemIndex, referenceId, limit);
	} else {
		const data = await onePageCrmRequest(this, itemIndex, {
			method: 'GET',
			path: [REFERENCE_COLLECTIONS[referenceType] ?? referenceType, referenceId],
			subject: `the attachments of ${referenceType} "${referenceId}"`,
			idempotent: true,
		});
		attachments = recordAttachments(data, referenceType);
	}
	if (limit !== undefined) attachments = attachments.slice(0, limit);
	return attachments.map((attachment) => ({ json: attachment, pairedItem: { item: itemIndex } }));
}
