import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { outputBinaryFieldProperty } from '../../../shared/descriptions';
import { fileNameFromContentDisposition, headerValue, storeAnsweredFile } from '../../../transfer';
import { zohoRequest } from '../../transport';
import { attachmentIdProperties, getAttachmentRef } from './fields';
import { requiredText } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['attachment'], operation: ['download'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	...attachmentIdProperties(),
	outputBinaryFieldProperty,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const { attachmentId, ...record } = getAttachmentRef(this, itemIndex);
	const binaryPropertyName = requiredText(
		this,
		itemIndex,
		'binaryPropertyName',
		'Put Output File in Field',
		{ description: 'Give the name of the output binary field, usually "data".' },
	);

	const response = await zohoRequest(this, run, {
		method: 'GET',
		segments: [record.module, record.recordId, 'Attachments', attachmentId],
		responseType: 'stream',
		idempotent: true,
		itemIndex,
		subject: `the download of attachment ${attachmentId} of ${record.module} record ${record.recordId}`,
	});
	// Zoho's exact Content-Disposition form is unverified (the SDK's downloader.js takes the text after the
	// last "'" of `filename*=UTF-8''...`, else the quoted `filename`): the shared parser reads both, percent-
	// encoded or as raw UTF-8 bytes.
	const fileName = fileNameFromContentDisposition(headerValue(response, 'content-disposition'));
	if (!fileName && headerValue(response, 'content-type')?.includes('json')) {
		(response.body as { resume?: () => void }).resume?.();
		throw new NodeOperationError(this.getNode(), `Zoho CRM sent no file for attachment ${attachmentId}`, {
			itemIndex,
			description:
				'Zoho answered with data instead of a file: the attachment may be a link (attached with a URL), which has no file to download.',
		});
	}
	const { binary, size } = await storeAnsweredFile(this, response, fileName ?? `attachment-${attachmentId}`);
	return [
		{
			json: {
				id: attachmentId,
				module: record.module,
				recordId: record.recordId,
				fileName: binary.fileName ?? null,
				size,
				mimeType: binary.mimeType,
			},
			binary: { [binaryPropertyName]: binary },
			pairedItem: { item: itemIndex },
		},
	];
}
