import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { recordUploadProperties } from '../../../shared/descriptions';
import type { IfAlreadyAttached } from '../../../shared/ifAlreadyAttached';
import { attachOnce, sameFiles } from '../../../shared/ifAlreadyAttached';
import { fileOutputFields } from '../../../shared/fileOutput';
import { deleteReplaced } from '../../../shared/replaceAttached';
import { readUploadInput, uploadEachFile } from '../../../shared/uploadOperation';
import type { BinaryFile } from '../../../transfer';
import { bodyText, pathOf, uploadDirectMultipart } from '../../../transfer';
import { MAX_ATTACHMENT_BYTES, REFUSED_EXTENSIONS, SERVICE_NAME, zohoClient, zohoJson, zohoRequest } from '../../transport';
import { attachedFilesOf } from './attachedFiles';
import type { RecordRef } from './fields';
import { getRecordRef } from './fields';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['attachment'], operation: ['upload'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	...recordUploadProperties,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const record = getRecordRef(this, itemIndex);
	const input = await readUploadInput(this, itemIndex, {
		serviceName: SERVICE_NAME,
		maxBytes: MAX_ATTACHMENT_BYTES,
		refusedExtensions: REFUSED_EXTENSIONS,
	});
	return await uploadEachFile(run, input, `${record.module}/${record.recordId}`, async (file) =>
		await uploadOne(this, run, itemIndex, record, file, input.ifAlreadyAttached),
	);
}

interface UploadAnswer {
	id: string;
	answer: IDataObject;
	details: IDataObject;
}

/** POST the file (SDK uploadAttachments): never repeated blindly, a repeat would attach it twice. */
async function sendUpload(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, record: RecordRef, file: BinaryFile): Promise<UploadAnswer> {
	// Only "not processed" answers (429) are retried; a lost answer is settled by attachOnce.
	const response = await uploadDirectMultipart(ctx, run, zohoClient, file, {
		path: pathOf(record.module, record.recordId, 'Attachments'),
		fileFieldName: 'file',
		itemIndex,
		subject: `the upload of "${file.fileName}" to ${record.module} record ${record.recordId}`,
	});
	const data = zohoJson(response).data;
	const answer = (Array.isArray(data) ? (data[0] as IDataObject | undefined) : undefined) ?? {};
	const details = (answer.details && typeof answer.details === 'object' ? answer.details : {}) as IDataObject;
	if (details.id === undefined || details.id === null || details.id === '') {
		// A 2xx without Zoho's answer (a proxy's or login page's HTML) must not pass as an upload.
		throw new NodeOperationError(
			ctx.getNode(),
			`Zoho CRM's answer to the upload of "${file.fileName}" has no attachment ID (item ${itemIndex + 1})`,
			{
				itemIndex,
				description: `Zoho CRM should answer with data[0].details.id. The answer began with: ${JSON.stringify(bodyText(response.body).slice(0, 120))}. Check the credential's data center and API domain, and any proxy or login page in front of Zoho; then check the record's attachments before running again, in case the file was attached.`,
			},
		);
	}
	return { id: String(details.id), answer, details };
}

async function uploadOne(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	record: RecordRef,
	file: BinaryFile,
	ifAlreadyAttached: IfAlreadyAttached,
): Promise<INodeExecutionData> {
	const fileFields = {
		module: record.module,
		recordId: record.recordId,
		...fileOutputFields(file),
	};
	// Skip and Replace compare with the record's files first; Upload Again reads them only to settle a lost answer.
	const before = ifAlreadyAttached === 'upload' ? [] : await attachedFilesOf(ctx, run, itemIndex, record);
	const same = sameFiles(before, file);
	if (ifAlreadyAttached === 'skip' && same.length > 0) {
		return { json: { id: same[0].id, skipped: true, attachment: same[0].attachment, ...fileFields }, pairedItem: { item: itemIndex } };
	}

	const settled = await attachOnce<UploadAnswer>(
		{
			attach: async () => await sendUpload(ctx, run, itemIndex, record, file),
			listAttached: async () => await attachedFilesOf(ctx, run, itemIndex, record),
			fromAttached: (attached) => ({ id: attached.id, answer: {}, details: { id: attached.id } }),
			before,
			file,
			createdIds: run.createdIds,
		},
		(uploaded) => uploaded.id,
	);
	const { id, answer, details } = settled.result;
	const replaced = ifAlreadyAttached === 'replace' ? same : [];
	await deleteReplaced(
		ctx,
		itemIndex,
		{
			fileName: file.fileName,
			record: `${record.module} record ${record.recordId}`,
			newId: id,
			replaced,
			serviceName: SERVICE_NAME,
			idText: (attachmentId) => attachmentId,
		},
		async (old) =>
			// SDK deleteAttachment: DELETE /{module}/{record_id}/Attachments/{id}.
			await zohoRequest(ctx, run, {
				method: 'DELETE',
				segments: [record.module, record.recordId, 'Attachments', old.id],
				idempotent: true,
				itemIndex,
				subject: `the deletion of attachment ${old.id} ("${old.name}") that "${file.fileName}" replaces`,
			}),
	);
	return {
		json: {
			id,
			code: answer.code ?? null,
			message: answer.message ?? null,
			status: answer.status ?? null,
			details,
			...fileFields,
			...(settled.confirmedByLookup ? { confirmedByLookup: true } : {}),
			...(ifAlreadyAttached === 'replace' ? { replacedAttachmentIds: replaced.map((old) => old.id) } : {}),
		},
		pairedItem: { item: itemIndex },
	};
}
