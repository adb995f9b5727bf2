import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { HttpResponse } from '../../../transfer';
import {
	headerValue,
	isSuccessStatus,
	networkError,
	responseError,
	sendPlainRequest,
	sendWithRetry,
} from '../../../transfer';
import { getCredentials, onePageCrmRequest } from '../../transport';
import { attachmentIdProperty, attachmentOf, scoped } from './common';

const OPERATION = ['download'];
const STORAGE_NAME = 'OnePageCRM\'s file storage';
const DOWNLOAD_TIMEOUT_MS = 120_000;

export const description: INodeProperties[] = [
	attachmentIdProperty(OPERATION),
	scoped(OPERATION, {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data',
		hint: 'The name of the output binary field to put the file in',
		description: 'The binary property of the output item that receives the downloaded file',
	}),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const attachmentId = (this.getNodeParameter('attachmentId', itemIndex) as string).trim();
	const binaryPropertyName = (this.getNodeParameter('binaryPropertyName', itemIndex) as string).trim() || 'data';

	// The attachment's url is short-lived: read it right before the download, never reuse an old one.
	const data = await onePageCrmRequest(this, itemIndex, {
		method: 'GET',
		path: ['attachments', attachmentId],
		subject: `the attachment "${attachmentId}"`,
		idempotent: true,
	});
	const attachment = attachmentOf(data);
	const fileName = String(attachment.custom_filename || attachment.filename || attachment.name || attachmentId);
	if (attachment.link_type || attachment.external_url) {
		throw new NodeOperationError(
			this.getNode(),
			`The attachment "${fileName}" is a ${String(attachment.link_type ?? 'external')} link, not a file stored in OnePageCRM`,
			{
				itemIndex,
				description: `Download it from ${String(attachment.external_url ?? 'its service')} instead (for example with the HTTP Request node).`,
			},
		);
	}
	const url = attachment.url;
	if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
		throw new NodeOperationError(this.getNode(), `OnePageCRM gave no download address for the attachment "${fileName}"`, {
			itemIndex,
			description: 'The attachment has no "url". It may still be processing, or it may have been removed: list the record\'s attachments again.',
		});
	}

	const { apiKey } = await getCredentials(this);
	const errorContext = {
		serviceName: STORAGE_NAME,
		itemIndex,
		subject: `the download of "${fileName}"`,
		secrets: [apiKey],
	};
	let response: HttpResponse;
	try {
		// A presigned GET on the storage host: its signature is the authorisation, the CRM's credential stays home.
		response = await sendWithRetry(
			async () =>
				await sendPlainRequest(this, {
					method: 'GET',
					url,
					encoding: 'arraybuffer',
					timeout: DOWNLOAD_TIMEOUT_MS,
				}),
			{ idempotent: true },
		);
	} catch (error) {
		throw networkError(this, error, errorContext);
	}
	if (!isSuccessStatus(response.statusCode)) {
		throw responseError(
			this,
			response,
			errorContext,
			response.statusCode === 403
				? 'The download address was refused, probably because it expired. Run the node again: it asks OnePageCRM for a fresh address each time.'
				: undefined,
		);
	}

	const body = response.body;
	const buffer = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(String(body ?? ''));
	const contentType = headerValue(response, 'content-type')?.split(';')[0].trim();
	const mimeType =
		contentType && contentType !== 'application/octet-stream' && contentType !== 'binary/octet-stream'
			? contentType
			: undefined;
	const binaryData = await this.helpers.prepareBinaryData(buffer, fileName, mimeType);
	return [
		{
			json: {
				...attachment,
				fileName: binaryData.fileName ?? fileName,
				size: buffer.length,
				mimeType: binaryData.mimeType,
			},
			binary: { [binaryPropertyName]: binaryData },
			pairedItem: { item: itemIndex },
		},
	];
}
