import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { binaryPropertyNameProperty, concurrencyOption, fileNameOption } from '../../../shared/descriptions';
import { withKeyLock } from '../../../shared/keyedLock';
import type { BinaryFile } from '../../../transfer';
import { getInputFiles, mayHaveBeenProcessed, timeoutOption } from '../../../transfer';
import { uploadAttachment } from '../../transport';
import { assertWithinUploadLimit, uploadLimitFor } from '../../uploadLimit';
import type { AttachmentLocation } from './common';
import {
	attachmentIdsOf,
	describeRecord,
	fileIdOf,
	locationProperties,
	readLocation,
	readRecord,
	updateRecord,
} from './common';

const displayOptions = { show: { resource: ['attachment'], operation: ['upload'] } };

export const description: INodeProperties[] = [
	...locationProperties(['upload'], false),
	{ ...binaryPropertyNameProperty, displayOptions },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions,
		options: [concurrencyOption, fileNameOption, timeoutOption],
	},
];

/**
 * The attachment's attributes as EspoCRM's CreateInputFilter reads them (Classes/Record/Attachment):
 * `relatedType` for a File/Image field, `parentType` for Attachment-Multiple, as EspoCRM's own front
 * end sends them. No relatedId/parentId: the filter clears both, the record's save makes the link.
 * `size` is declared because EspoCRM's size check (RecordHooks/Attachment/BeforeCreate) compares the
 * limit with the size the client declares, not with the decoded contents.
 */
function attachmentAttributes(location: AttachmentLocation, file: BinaryFile): IDataObject {
	const attributes: IDataObject = { name: file.fileName, type: file.mimeType, role: 'Attachment', size: file.size };
	if (location.fieldType === 'file') attributes.relatedType = location.entityType;
	else attributes.parentType = location.entityType;
	attributes.field = location.field;
	return attributes;
}

function outputItem(
	itemIndex: number,
	location: AttachmentLocation,
	file: BinaryFile,
	answer: IDataObject,
	extra: IDataObject,
): INodeExecutionData {
	return {
		json: {
			id: answer.id as string,
			entityType: location.entityType,
			field: location.field,
			fieldType: location.fieldType,
			recordId: location.recordId || null,
			...extra,
			fileName: file.fileName,
			size: file.size,
			mimeType: file.mimeType,
			binaryPropertyName: file.propertyName,
			attachment: answer,
		},
		pairedItem: { item: itemIndex },
	};
}

/**
 * Attachment-Multiple: EspoCRM REPLACES the field's id list on update and unlinks whatever the list
 * leaves out. So the record is read right before the write and the union is sent. With
 * Concurrency above 1 the uploads run in parallel but the read-and-write of one record's field is
 * done one item at a time, so several items adding to the same record each see the previous result.
 */
async function linkToMultipleField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	location: AttachmentLocation,
	newIds: string[],
): Promise<string[]> {
	const record = await readRecord(ctx, itemIndex, location);
	const current = attachmentIdsOf(ctx, itemIndex, location, record);
	const union = [...current, ...newIds.filter((id) => !current.includes(id))];
	const subject = `linking ${newIds.length === 1 ? 'the attachment' : `${newIds.length} attachments`} to field "${location.field}" of ${describeRecord(location)}`;
	const updated = await updateRecord(ctx, itemIndex, location, { [`${location.field}Ids`]: union }, subject);
	const after = updated[`${location.field}Ids`];
	if (Array.isArray(after)) {
		const missing = union.filter((id) => !after.map(String).includes(id));
		if (missing.length > 0) {
			throw new NodeOperationError(
				ctx.getNode(),
				`EspoCRM did not keep ${missing.length} of the attachments sent to field "${location.field}" of ${describeRecord(location)}`,
				{
					itemIndex,
					description: `Missing after the update: ${missing.join(', ')}. Check the field name and that the API user may edit this field, then look at the record in EspoCRM.`,
				},
			);
		}
	}
	return union;
}

/**
 * The attachments exist in EspoCRM but linking them to the record failed: the error keeps
 * EspoCRM's words and names the attachment ids, so the files can be linked by hand, not lost.
 */
function linkingFailed(
	ctx: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
	location: AttachmentLocation,
	uploaded: Array<{ file: BinaryFile; answer: IDataObject }>,
): NodeApiError | NodeOperationError {
	const base =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	const list = uploaded.map(({ file, answer }) => `"${file.fileName}" as attachment id "${answer.id as string}"`).join(', ');
	const attribute = location.fieldType === 'file' ? `${location.field}Id` : `${location.field}Ids`;
	const howTo =
		location.fieldType === 'file'
			? `set "${attribute}" of the record to that id (in EspoCRM, or with a PUT ${location.entityType}/${location.recordId} request)`
			: `add the id${uploaded.length > 1 ? 's' : ''} to "${attribute}" of the record, keeping the ids it already holds (in EspoCRM, or with a PUT ${location.entityType}/${location.recordId} request)`;
	const maybe = mayHaveBeenProcessed(error)
		? ' EspoCRM gave no clear answer, so the link may have been made anyway: look at the record before you do anything.'
		: '';
	const original = base.description ? `${base.description} ` : '';
	base.description = `${original}EspoCRM stored ${list}, but it is not linked to field "${location.field}" of ${describeRecord(location)}, so nothing is lost: fix the cause above, then ${howTo}. Running the item again uploads the file anew and leaves this attachment unused.${maybe}`;
	base.context = { ...(base.context ?? {}), attachmentIds: uploaded.map(({ answer }) => answer.id as string), itemIndex };
	return base;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const location = readLocation(this, itemIndex, false);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const files = await getInputFiles(this, itemIndex, {
		binaryPropertyName: this.getNodeParameter('binaryPropertyName', itemIndex) as string,
		fileName: (options.fileName as string) || undefined,
	});

	if (location.fieldType === 'file' && files.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex + 1} has ${files.length} files but the File field "${location.field}" holds one`,
			{
				itemIndex,
				description: 'Upload one file per item to a File field, or choose an Attachment-Multiple field (Field Type) for several files.',
			},
		);
	}

	// Check the field before uploading anything, so a wrong name leaves no orphaned attachment.
	let previousFileId: string | null = null;
	if (location.recordId) {
		const record = await readRecord(this, itemIndex, location);
		if (location.fieldType === 'file') previousFileId = fileIdOf(this, itemIndex, location, record);
		else attachmentIdsOf(this, itemIndex, location, record);
	}

	const limit = await uploadLimitFor(this, itemIndex, location.entityType, location.field);
	for (const file of files) {
		assertWithinUploadLimit(this, itemIndex, file, limit, `field "${location.field}" of ${location.entityType}`);
	}

	const uploaded: Array<{ file: BinaryFile; answer: IDataObject }> = [];
	for (const file of files) {
		const answer = await uploadAttachment(this, itemIndex, attachmentAttributes(location, file), file);
		uploaded.push({ file, answer });
	}
	const newIds = uploaded.map(({ answer }) => answer.id as string);

	if (!location.recordId) {
		return uploaded.map(({ file, answer }) =>
			outputItem(itemIndex, location, file, answer, {
				linked: false,
				hint: `Set "${location.field}${location.fieldType === 'file' ? 'Id' : 'Ids'}" to this id when creating the ${location.entityType} record`,
			}),
		);
	}

	if (location.fieldType === 'file') {
		const subject = `setting field "${location.field}" of ${describeRecord(location)} to the new file`;
		try {
			await updateRecord(this, itemIndex, location, { [`${location.field}Id`]: newIds[0] }, subject);
		} catch (error) {
			throw linkingFailed(this, itemIndex, error, location, uploaded);
		}
		return uploaded.map(({ file, answer }) =>
			// File/Saver::removePrevious: EspoCRM deletes the file the field held before.
			outputItem(itemIndex, location, file, answer, { linked: true, replacedAttachmentId: previousFileId, replacedAttachmentDeleted: previousFileId !== null }),
		);
	}

	const recordKey = `${location.entityType}/${location.recordId}/${location.field}`;
	let attachmentIds: string[];
	try {
		attachmentIds = await withKeyLock(
			this,
			recordKey,
			async () => await linkToMultipleField(this, itemIndex, location, newIds),
		);
	} catch (error) {
		throw linkingFailed(this, itemIndex, error, location, uploaded);
	}
	return uploaded.map(({ file, answer }) =>
		outputItem(itemIndex, location, file, answer, { linked: true, attachmentIds }),
	);
}
