import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { recordUploadProperties } from '../../../shared/descriptions';
import type { AttachedFile } from '../../../shared/ifAlreadyAttached';
import { ifAlreadyAttachedOf, sameFiles, sizeOf } from '../../../shared/ifAlreadyAttached';
import { withKeyLock } from '../../../shared/keyedLock';
import { fileOutputFields } from '../../../shared/fileOutput';
import type { BinaryFile } from '../../../transfer';
import { withRecovery } from '../../../transfer';
import { apiPath, espoRequest, responseObject, uploadAttachment } from '../../transport';
import { assertWithinUploadLimit, uploadLimitFor } from '../../uploadLimit';
import type { AttachmentLocation } from './common';
import {
	attachmentIdsOf,
	describeRecord,
	fileIdOf,
	readLocation,
	readRecord,
	updateRecord,
} from './common';
import { onRecord, readUploadInput } from '../../../shared/uploadOperation';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['upload'] } }, [
	...recordUploadProperties,
]);

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
			...fileOutputFields(file),
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
	run: RunContext,
	itemIndex: number,
	location: AttachmentLocation,
	newIds: string[],
	replacedIds: string[] = [],
): Promise<string[]> {
	const record = await readRecord(ctx, run, itemIndex, location);
	const current = attachmentIdsOf(ctx, itemIndex, location, record).filter((id) => !replacedIds.includes(id));
	// One write links the new files and unlinks the ones they replace: the field never holds neither.
	const union = [...current, ...newIds.filter((id) => !current.includes(id))];
	const subject = `linking ${newIds.length === 1 ? 'the attachment' : `${newIds.length} attachments`} to field "${location.field}" of ${describeRecord(location)}`;
	const updated = await updateRecord(ctx, run, itemIndex, location, { [`${location.field}Ids`]: union }, subject);
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
	const list = uploaded.map(({ file, answer }) => `"${file.fileName}" as attachment id "${answer.id as string}"`).join(', ');
	const attribute = location.fieldType === 'file' ? `${location.field}Id` : `${location.field}Ids`;
	const howTo =
		location.fieldType === 'file'
			? `set "${attribute}" of the record to that id (in EspoCRM, or with a PUT ${location.entityType}/${location.recordId} request)`
			: `add the id${uploaded.length > 1 ? 's' : ''} to "${attribute}" of the record, keeping the ids it already holds (in EspoCRM, or with a PUT ${location.entityType}/${location.recordId} request)`;
	return withRecovery(ctx, itemIndex, error, {
		howTo: `EspoCRM stored ${list}, but it is not linked to field "${location.field}" of ${describeRecord(location)}, so nothing is lost: fix the cause above, then ${howTo}. Running the item again uploads the file anew and leaves this attachment unused.`,
		ifUnclear: 'EspoCRM gave no clear answer, so the link may have been made anyway: look at the record before you do anything.',
		context: { attachmentIds: uploaded.map(({ answer }) => answer.id as string) },
	});
}

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const location = await readLocation(this, run, itemIndex, false);
	const { files, options } = await readUploadInput(this, itemIndex);

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

	const ifAlreadyAttached = location.recordId ? ifAlreadyAttachedOf(options) : 'upload';
	// One record's field is the unit: another item's check and upload for the same field must wait.
	return await onRecord(run, ifAlreadyAttached, `${location.entityType}/${location.recordId}/${location.field}`, async () =>
		await uploadToLocation(this, run, itemIndex, location, files, ifAlreadyAttached),
	);
}

/**
 * The files the field holds whose name is one of the uploads' (the record gives names, the Attachment
 * its size: Core/Record/Service::read). A file whose size cannot be read never counts as the same.
 */
async function attachedNamesakes(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	record: IDataObject,
	location: AttachmentLocation,
	files: BinaryFile[],
): Promise<AttachedFile[]> {
	let entries: Array<{ id: string; name: unknown }>;
	if (location.fieldType === 'file') {
		const id = fileIdOf(ctx, itemIndex, location, record);
		entries = id ? [{ id, name: record[`${location.field}Name`] }] : [];
	} else {
		// Core/Utils/Database/Orm/FieldConverters/AttachmentMultiple: `{field}Ids` and `{field}Names` (id => name).
		const names = (record[`${location.field}Names`] ?? {}) as IDataObject;
		entries = attachmentIdsOf(ctx, itemIndex, location, record).map((id) => ({ id, name: names[id] }));
	}
	const wanted = new Set(files.map((file) => file.fileName));
	const attached: AttachedFile[] = [];
	for (const entry of entries) {
		if (typeof entry.name !== 'string' || !wanted.has(entry.name)) continue;
		const response = await espoRequest(ctx, run, {
			method: 'GET',
			path: apiPath('Attachment', entry.id),
			subject: `the read of attachment "${entry.id}" ("${entry.name}")`,
			itemIndex,
			acceptStatuses: [403, 404],
		});
		const size = response.statusCode === 200 ? sizeOf(responseObject(response).size) : null;
		attached.push({ id: entry.id, name: entry.name, size });
	}
	return attached;
}

function skippedItem(itemIndex: number, location: AttachmentLocation, file: BinaryFile, existing: AttachedFile): INodeExecutionData {
	return outputItem(itemIndex, location, file, { id: existing.id, name: existing.name, size: existing.size }, { linked: true, skipped: true });
}

async function uploadToLocation(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	location: AttachmentLocation,
	files: BinaryFile[],
	ifAlreadyAttached: ReturnType<typeof ifAlreadyAttachedOf>,
): Promise<INodeExecutionData[]> {
	// Check the field before uploading anything, so a wrong name leaves no orphaned attachment.
	let previousFileId: string | null = null;
	let attached: AttachedFile[] = [];
	if (location.recordId) {
		const record = await readRecord(ctx, run, itemIndex, location);
		if (location.fieldType === 'file') previousFileId = fileIdOf(ctx, itemIndex, location, record);
		else attachmentIdsOf(ctx, itemIndex, location, record);
		if (ifAlreadyAttached !== 'upload') attached = await attachedNamesakes(ctx, run, itemIndex, record, location, files);
	}

	// Skip: files the field already holds are not sent; their output is the attached file.
	const skipped = new Map<BinaryFile, AttachedFile>();
	const replacedIds: string[] = [];
	for (const file of files) {
		const same = sameFiles(attached, file);
		if (same.length === 0) continue;
		if (ifAlreadyAttached === 'skip') skipped.set(file, same[0]);
		else if (ifAlreadyAttached === 'replace') replacedIds.push(...same.map((old) => old.id).filter((id) => !replacedIds.includes(id)));
	}
	const toUpload = files.filter((file) => !skipped.has(file));
	const inFileOrder = (made: Map<BinaryFile, INodeExecutionData>) =>
		files.map((file) => made.get(file) ?? skippedItem(itemIndex, location, file, skipped.get(file)!));
	if (toUpload.length === 0) return inFileOrder(new Map());

	const limit = await uploadLimitFor(ctx, run, itemIndex, location.entityType, location.field);
	for (const file of toUpload) {
		assertWithinUploadLimit(ctx, itemIndex, file, limit, `field "${location.field}" of ${location.entityType}`);
	}

	const uploaded: Array<{ file: BinaryFile; answer: IDataObject }> = [];
	for (const file of toUpload) {
		const answer = await uploadAttachment(ctx, run, itemIndex, attachmentAttributes(location, file), file);
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
			await updateRecord(ctx, run, itemIndex, location, { [`${location.field}Id`]: newIds[0] }, subject);
		} catch (error) {
			throw linkingFailed(ctx, itemIndex, error, location, uploaded);
		}
		return uploaded.map(({ file, answer }) =>
			// File/Saver::removePrevious: EspoCRM deletes the file the field held before (Replace needs nothing more).
			outputItem(itemIndex, location, file, answer, { linked: true, replacedAttachmentId: previousFileId, replacedAttachmentDeleted: previousFileId !== null }),
		);
	}

	const recordKey = `${location.entityType}/${location.recordId}/${location.field}`;
	let attachmentIds: string[];
	try {
		attachmentIds = await withKeyLock(
			run.locks,
			recordKey,
			async () => await linkToMultipleField(ctx, run, itemIndex, location, newIds, replacedIds),
		);
	} catch (error) {
		throw linkingFailed(ctx, itemIndex, error, location, uploaded);
	}
	const replaced = ifAlreadyAttached === 'replace' ? { replacedAttachmentIds: replacedIds, replacedAttachmentsDeleted: await deleteUnlinked(ctx, run, itemIndex, replacedIds) } : {};
	return inFileOrder(
		new Map(uploaded.map(({ file, answer }) => [file, outputItem(itemIndex, location, file, answer, { linked: true, attachmentIds, ...replaced })])),
	);
}

/**
 * LinkMultipleSaver only unrelates an id left out of the list: the attachment stays (parentId emptied),
 * and the Cleanup job removes orphans only with `cleanupOrphanAttachments` set (Classes/Jobs/Cleanup,
 * off by default). So a replaced file is deleted too (DELETE Attachment/{id}, RecordBase; the role's
 * Attachment delete access, Classes/Acl/Attachment/AccessChecker's default). A 404 means it is gone
 * already; a 403 leaves it unlinked, which the output says.
 */
async function deleteUnlinked(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, ids: string[]): Promise<boolean> {
	let allDeleted = true;
	for (const id of ids) {
		const response = await espoRequest(ctx, run, {
			method: 'DELETE',
			path: apiPath('Attachment', id),
			subject: `the deletion of the replaced attachment "${id}"`,
			itemIndex,
			acceptStatuses: [403, 404],
		});
		if (response.statusCode === 403) allDeleted = false;
	}
	return allDeleted;
}
