import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { apiPath, espoRequest } from '../../transport';
import {
	attachmentIdsOf,
	describeRecord,
	fileIdOf,
	attachmentIdProperties,
	readLocation,
	readRecord,
	updateRecord,
} from './common';
import { requiredText } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = updateDisplayOptions(
	{ show: { resource: ['attachment'], operation: ['delete'] } },
	attachmentIdProperties('The ID of the attachment to unlink from the record and delete'),
);

/**
 * Unlinks the attachment from the record's field (the other attachments stay: the list sent back is
 * the record's current list minus this id, read right before the write), then deletes it.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const location = await readLocation(this, run, itemIndex, true);
	const attachmentId = requiredText(this, itemIndex, 'attachmentId', 'Attachment ID', 'an attachment ID, for example from the output of the Get Many operation ({{ $json.id }})');

	const record = await readRecord(this, run, itemIndex, location);
	const subject = `unlinking attachment "${attachmentId}" from field "${location.field}" of ${describeRecord(location)}`;
	let remainingIds: string[] | undefined;
	if (location.fieldType === 'file') {
		const current = fileIdOf(this, itemIndex, location, record);
		if (current !== attachmentId) throw notLinked(this, itemIndex, location, attachmentId);
		await updateRecord(this, run, itemIndex, location, { [`${location.field}Id`]: null }, subject);
	} else {
		const current = attachmentIdsOf(this, itemIndex, location, record);
		if (!current.includes(attachmentId)) throw notLinked(this, itemIndex, location, attachmentId);
		remainingIds = current.filter((id) => id !== attachmentId);
		await updateRecord(this, run, itemIndex, location, { [`${location.field}Ids`]: remainingIds }, subject);
	}

	// EspoCRM may remove an unlinked attachment itself: a 404 here means it is gone already.
	const response = await espoRequest(this, run, {
		method: 'DELETE',
		path: apiPath('Attachment', attachmentId),
		subject: `the deletion of attachment "${attachmentId}"`,
		itemIndex,
		acceptStatuses: [404],
	});

	return [
		{
			json: {
				id: attachmentId,
				deleted: true,
				alreadyRemoved: response.statusCode === 404,
				entityType: location.entityType,
				field: location.field,
				fieldType: location.fieldType,
				recordId: location.recordId,
				...(remainingIds ? { attachmentIds: remainingIds } : {}),
			},
			pairedItem: { item: itemIndex },
		},
	];
}

function notLinked(
	ctx: IExecuteFunctions,
	itemIndex: number,
	location: Parameters<typeof describeRecord>[0],
	attachmentId: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Attachment "${attachmentId}" is not in field "${location.field}" of ${describeRecord(location)}`,
		{
			itemIndex,
			description:
				'Nothing was deleted. Check the attachment ID, the record ID and the field (the Get Many operation lists the attachments a field holds).',
		},
	);
}
