import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { recordUploadProperties } from '../../../shared/descriptions';
import type { AttachedFile, IfAlreadyAttached } from '../../../shared/ifAlreadyAttached';
import { attachOnce, sameFiles, sizeOf } from '../../../shared/ifAlreadyAttached';
import { fileOutputFields } from '../../../shared/fileOutput';
import { deleteReplaced } from '../../../shared/replaceAttached';
import { readUploadInput, uploadEachFile } from '../../../shared/uploadOperation';
import { requiredText } from '../../../shared/validation';
import type { BinaryFile, FormFieldValue, PresignedPostForm } from '../../../transfer';
import { requestTimeoutMs } from '../../../shared/requestTimeout';
import { assertWithinLimits, keySafeName, storedButNotRegistered, uploadToPresignedPost } from '../../../transfer';
import { onePageCrmClient, onePageCrmRequest, SERVICE_NAME } from '../../transport';
import {
	attachmentOf,
	attachmentsOf,
	contactIdProperties,
	forOperations,
	referenceIdProperties,
	referenceTypeProperty,
	STORED_FILE_PROVIDER,
} from './common';
import type { RunContext } from '../../../shared/runContext';

const OPERATION = ['upload'];

/** OnePageCRM's documented limit per file (10 MB). */
export const MAX_FILE_BYTES = 10_485_760;

export const description: INodeProperties[] = forOperations(OPERATION, [
	...contactIdProperties('The ID of the contact the file belongs to. The deal, note, call or meeting must be one of this contact\'s.'),
	referenceTypeProperty,
	...referenceIdProperties('The ID of the deal, note, call or meeting. It must belong to the contact.'),
	...recordUploadProperties,
]);

let lastTimestamp = 0;

/** A timestamp for the object key that never repeats in this process, so two files never share a key. */
function uniqueTimestamp(): number {
	lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
	return lastTimestamp;
}

/**
 * The object key: the form's `x-ignore-pattern` (`{contact_id}/__timestamp__/${filename}`) filled
 * in, or that documented shape when the form has no usable pattern.
 */
export function objectKey(pattern: unknown, contactId: string, fileName: string): string {
	const timestamp = String(uniqueTimestamp());
	if (
		typeof pattern === 'string' &&
		pattern.includes('__timestamp__') &&
		pattern.includes('${filename}') &&
		pattern.startsWith(`${contactId}/`)
	) {
		return pattern.split('__timestamp__').join(timestamp).split('${filename}').join(fileName);
	}
	return `${contactId}/${timestamp}/${fileName}`;
}

interface UploadForm {
	form: PresignedPostForm;
	pattern: unknown;
	storageLeft?: number;
}

function readForm(ctx: IExecuteFunctions, itemIndex: number, data: IDataObject): UploadForm {
	const url = data.url;
	const rawFields = data.fields;
	if (typeof url !== 'string' || !rawFields || typeof rawFields !== 'object' || Array.isArray(rawFields)) {
		throw new NodeOperationError(ctx.getNode(), 'OnePageCRM answered the upload form request without a form', {
			itemIndex,
			description: 'Expected "url" and "fields" in the answer to GET /attachments/s3_form. Check the Base URL in the credential.',
		});
	}
	// S3 ignores x-ignore-* fields, and OnePageCRM's documented field list leaves them out.
	const fields: Record<string, FormFieldValue> = {};
	let pattern: unknown;
	for (const [name, value] of Object.entries(rawFields as IDataObject)) {
		if (name.toLowerCase().startsWith('x-ignore-')) {
			if (name.toLowerCase() === 'x-ignore-pattern') pattern = value;
			continue;
		}
		fields[name] = value as FormFieldValue;
	}
	const storageLeft = Number(data.storage_left);
	return {
		form: { url, fields },
		pattern,
		storageLeft: data.storage_left === undefined || data.storage_left === null || !Number.isFinite(storageLeft) ? undefined : storageLeft,
	};
}

interface Target {
	contactId: string;
	referenceType: string;
	referenceId: string;
	requireHttps: boolean;
}

interface ListedAttachment extends AttachedFile {
	attachment: IDataObject;
}

/** The files stored on the record (spec Attachment; a link has storage_provider other than amazon and no size). */
async function storedFilesOf(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, target: Target): Promise<ListedAttachment[]> {
	const attachments = await attachmentsOf(ctx, run, itemIndex, target.referenceType, target.referenceId);
	return attachments
		.filter((attachment) => attachment.storage_provider === undefined || attachment.storage_provider === STORED_FILE_PROVIDER)
		.map((attachment) => ({
			id: String(attachment.id ?? ''),
			name: String(attachment.filename ?? ''),
			size: sizeOf(attachment.size),
			attachment,
		}))
		.filter((attached) => attached.id !== '');
}

async function uploadOne(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	file: BinaryFile,
	target: Target,
	ifAlreadyAttached: IfAlreadyAttached,
): Promise<INodeExecutionData> {
	// Skip and Replace compare with the record's files first; Upload Again reads them only to settle a lost answer.
	const before = ifAlreadyAttached === 'upload' ? [] : await storedFilesOf(ctx, run, itemIndex, target);
	const same = sameFiles(before, file);
	if (ifAlreadyAttached === 'skip' && same.length > 0) {
		return {
			json: { ...same[0].attachment, skipped: true, ...fileOutputFields(file) },
			pairedItem: { item: itemIndex },
		};
	}

	const formData = await onePageCrmRequest(ctx, run, itemIndex, {
		method: 'GET',
		path: ['attachments', 's3_form'],
		qs: { contact_id: target.contactId },
		subject: `the upload form for contact "${target.contactId}"`,
		idempotent: true,
	});
	const { form, pattern, storageLeft } = readForm(ctx, itemIndex, formData);
	assertWithinLimits(ctx, itemIndex, file, {
		serviceName: SERVICE_NAME,
		maxBytes: MAX_FILE_BYTES,
		storageLeftBytes: storageLeft,
	});

	const filename = keySafeName(file.fileName);
	const key = objectKey(pattern, target.contactId, filename);
	await uploadToPresignedPost(ctx, run, itemIndex, form, file, {
		key,
		extraFields: { filename },
		requireHttps: target.requireHttps,
		formSource: SERVICE_NAME,
		timeoutMs: requestTimeoutMs(ctx, itemIndex),
	});

	const registration = `the attachment "${file.fileName}" on ${target.referenceType} "${target.referenceId}"`;
	let registered: IDataObject;
	let confirmedByLookup: boolean;
	try {
		// A repeated registration would create a second attachment: a lost answer is settled by reading the record.
		const settled = await attachOnce<IDataObject>(
			{
				attach: async () =>
					attachmentOf(
						await onePageCrmRequest(ctx, run, itemIndex, {
							method: 'POST',
							path: ['attachments'],
							body: {
								reference_type: target.referenceType,
								reference_id: target.referenceId,
								contact_id: target.contactId,
								name: file.fileName,
								key,
								size: file.size,
							},
							subject: registration,
							idempotent: false,
						}),
					),
				listAttached: async () => await storedFilesOf(ctx, run, itemIndex, target),
				fromAttached: (attached) => (attached as ListedAttachment).attachment,
				before,
				file,
				createdIds: run.createdIds,
			},
			(attachment) => (attachment.id ? String(attachment.id) : undefined),
		);
		registered = settled.result;
		confirmedByLookup = settled.confirmedByLookup;
		if (!registered.id) {
			throw new NodeOperationError(ctx.getNode(), `OnePageCRM accepted ${registration} but its answer has no attachment id`, {
				itemIndex,
				description: `OnePageCRM may have created the attachment anyway: look at the ${target.referenceType}'s attachments before registering the file again. If this keeps happening, check the Base URL in the credential (a proxy may be answering).`,
			});
		}
	} catch (error) {
		// The file is in OnePageCRM's storage already: say where, so nothing is lost.
		throw storedButNotRegistered(ctx, itemIndex, error, {
			serviceName: SERVICE_NAME,
			fileName: file.fileName,
			key,
			registration,
			howToRecover: `fix the cause above, then register it without uploading again by sending OnePageCRM "POST /attachments" with reference_type "${target.referenceType}", reference_id "${target.referenceId}", contact_id "${target.contactId}", key "${key}" and size ${file.size}; or run the item again to upload the file anew.`,
		});
	}

	const replaced = ifAlreadyAttached === 'replace' ? same : [];
	await deleteReplaced(
		ctx,
		itemIndex,
		{
			fileName: file.fileName,
			record: `${target.referenceType} "${target.referenceId}"`,
			newId: String(registered.id),
			replaced,
			serviceName: SERVICE_NAME,
			idText: (id) => `"${id}"`,
		},
		async (old) =>
			// spec deleteAttachment (line 3781).
			await onePageCrmRequest(ctx, run, itemIndex, {
				method: 'DELETE',
				path: ['attachments', old.id],
				subject: `the deletion of attachment "${old.id}" ("${old.name}") that "${file.fileName}" replaces`,
				idempotent: true,
			}),
	);

	return {
		json: {
			...registered,
			key,
			...fileOutputFields(file),
			...(confirmedByLookup ? { confirmedByLookup: true } : {}),
			...(ifAlreadyAttached === 'replace' ? { replacedAttachmentIds: replaced.map((old) => old.id) } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const contactId = requiredText(this, itemIndex, 'contactId', 'Contact ID', 'the OnePageCRM id of the contact');
	const referenceType = this.getNodeParameter('referenceType', itemIndex) as string;
	const referenceId = requiredText(this, itemIndex, 'referenceId', 'Record ID', 'the OnePageCRM id of the deal, note, call or meeting');
	const input = await readUploadInput(this, itemIndex, { serviceName: SERVICE_NAME, maxBytes: MAX_FILE_BYTES });
	const { secure } = await onePageCrmClient.connection(this, run, itemIndex);
	const target = { contactId, referenceType, referenceId, requireHttps: secure };
	return await uploadEachFile(run, input, `${referenceType}/${referenceId}`, async (file) =>
		await uploadOne(this, run, itemIndex, file, target, input.ifAlreadyAttached),
	);
}
