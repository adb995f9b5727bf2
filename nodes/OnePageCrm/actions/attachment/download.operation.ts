import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { outputBinaryFieldProperty } from '../../../shared/descriptions';
import { fileNameFromContentDisposition, headerValue, storeAnsweredFile } from '../../../transfer';
import { onePageCrmClient } from '../../transport';
import { requiredText } from '../../../shared/validation';
import {
	attachmentIdProperties,
	attachmentsOf,
	forOperations,
	linkServiceOf,
	parentTypeProperty,
	referenceIdProperties,
} from './common';
import type { RunContext } from '../../../shared/runContext';

const OPERATION = ['download'];
const STORAGE_NAME = 'OnePageCRM\'s file storage';
const DOWNLOAD_TIMEOUT_MS = 120_000;

export const description: INodeProperties[] = forOperations(OPERATION, [
	parentTypeProperty(
		'The record the attachment belongs to. OnePageCRM hands out an attachment\'s file only with its deal, note, call or meeting, or with the contact\'s pinned attachments.',
	),
	...referenceIdProperties('The ID of the deal, note, call, meeting or contact the attachment belongs to'),
	...attachmentIdProperties(),
	outputBinaryFieldProperty,
]);

/** The attachment with its fresh `url`, read from its record (the API has no GET /attachments/{id}). */
async function findAttachment(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	referenceType: string,
	referenceId: string,
	attachmentId: string,
): Promise<IDataObject> {
	const matches = (attachment: IDataObject) => String(attachment.id) === attachmentId;
	const attachments = await attachmentsOf(ctx, run, itemIndex, referenceType, referenceId, { stopWhen: matches });
	const attachment = attachments.find(matches);
	if (!attachment) {
		const where = referenceType === 'contact' ? `pinned on contact "${referenceId}"` : `on ${referenceType} "${referenceId}"`;
		throw new NodeOperationError(ctx.getNode(), `OnePageCRM has no attachment "${attachmentId}" ${where}`, {
			itemIndex,
			description:
				referenceType === 'contact'
					? 'Only pinned attachments are listed with a contact. Set "From" to the deal, note, call or meeting the file was attached to, or pin it first.'
					: 'Check "From", "Record ID" and "Attachment ID": the attachment may belong to another record, or may have been deleted. The Get Many operation lists a record\'s attachments.',
		});
	}
	return attachment;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const referenceType = String(this.getNodeParameter('referenceType', itemIndex, 'note'));
	const attachmentId = requiredText(
		this,
		itemIndex,
		'attachmentId',
		'Attachment ID',
		{ description: 'Give the ID of the attachment, for example from the Get Many operation ({{ $json.id }}).' },
	);
	// Workflows saved before "From" and "Record ID" existed reach here with an empty Record ID.
	const referenceId = requiredText(
		this,
		itemIndex,
		'referenceId',
		'Record ID',
		{
			description:
				'OnePageCRM cannot read an attachment by its ID alone: it hands out the file with the deal, note, call or meeting it is attached to, or with the contact\'s pinned attachments. Set "From" and "Record ID" to that record.',
		},
	);
	const binaryPropertyName = (this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string).trim() || 'data';

	// The attachment's url is short-lived: read it right before the download, never reuse an old one.
	const attachment = await findAttachment(this, run, itemIndex, referenceType, referenceId, attachmentId);
	const storedName = String(attachment.custom_filename || attachment.filename || `attachment-${attachmentId}`);
	const linkService = linkServiceOf(attachment);
	if (linkService) {
		throw new NodeOperationError(
			this.getNode(),
			`The attachment "${storedName}" is a ${linkService} link, not a file stored in OnePageCRM`,
			{
				itemIndex,
				description: `Download it from ${typeof attachment.url === 'string' && attachment.url ? attachment.url : linkService} instead (for example with the HTTP Request node).`,
			},
		);
	}
	const url = attachment.url;
	if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
		throw new NodeOperationError(this.getNode(), `OnePageCRM gave no download address for the attachment "${storedName}"`, {
			itemIndex,
			description: 'The attachment has no "url". It may still be processing, or it may have been removed: list the record\'s attachments again.',
		});
	}

	// A presigned GET on the storage host: its signature is the authorisation, the CRM's credential stays home.
	const response = await onePageCrmClient.request(this, run, {
		method: 'GET',
		url,
		authenticate: false,
		throttled: false,
		answer: 'stream',
		timeoutMs: DOWNLOAD_TIMEOUT_MS,
		itemIndex,
		serviceName: STORAGE_NAME,
		subject: `the download of "${storedName}"`,
		fixes: {
			403: 'The download address was refused, probably because it expired. Run the node again: it asks OnePageCRM for a fresh address each time.',
		},
	});

	// The name the user gave in OnePageCRM wins; else the storage's own name (UTF-8 or RFC 5987), else the API's.
	const fileName =
		(attachment.custom_filename ? String(attachment.custom_filename) : undefined) ??
		fileNameFromContentDisposition(headerValue(response, 'content-disposition')) ??
		storedName;
	// A stream goes to n8n's binary store as it arrives. Without a useful type n8n takes it from the
	// file name first, then from the answer's own header (S3 calls every POSTed file binary/octet-stream).
	const { binary: binaryData, size } = await storeAnsweredFile(this, response, fileName);
	return [
		{
			json: {
				...attachment,
				fileName: binaryData.fileName ?? fileName,
				size,
				mimeType: binaryData.mimeType,
			},
			binary: { [binaryPropertyName]: binaryData },
			pairedItem: { item: itemIndex },
		},
	];
}
