import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { outputBinaryFieldProperty } from '../../../shared/descriptions';
import { fileNameFromContentDisposition, headerValue, storeAnsweredFile } from '../../../transfer';
import { apiPath, espoRequest } from '../../transport';
import { attachmentIdProperties } from './common';
import { requiredText } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['attachment'], operation: ['download'] } }, [
	...attachmentIdProperties('The ID of the attachment, as the Get Many operation or the record\'s attachment ID attributes give it'),
	outputBinaryFieldProperty,
]);

/**
 * The file name EspoCRM sends. Its download route (Tools/Attachment/Api/GetFile) writes
 * `attachment; filename="` + the stored name + `"`: the name's raw UTF-8 bytes, with no escaping and
 * no filename*. A name holding a quote would end a quoted-string early, so in exactly that shape the
 * whole text between the first and the last quote is the name, escaped here for the shared reader
 * (which turns the raw bytes back into UTF-8 and drops directory parts).
 */
export function espoFileName(disposition: string | undefined): string | undefined {
	const exact = disposition === undefined ? null : /^attachment; filename="(.*)"$/s.exec(disposition);
	if (exact) return fileNameFromContentDisposition(`attachment; filename="${exact[1].replace(/["\\]/g, '\\$&')}"`);
	return fileNameFromContentDisposition(disposition);
}

/**
 * GET Attachment/file/{id} (Tools/Attachment/Api/GetFile), streamed into n8n's binary store. The
 * name comes from EspoCRM's raw-UTF-8 Content-Disposition, else from the record's `fileName`.
 */
export async function downloadAttachmentToBinary(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	attachmentId: string,
	fallbackName: string,
	subject: string,
): Promise<{ binary: Awaited<ReturnType<IExecuteFunctions['helpers']['prepareBinaryData']>>; fileName: string; mimeType: string; size: number | null }> {
	const response = await espoRequest(ctx, run, {
		method: 'GET',
		path: apiPath('Attachment', 'file', attachmentId),
		subject,
		itemIndex,
		stream: true,
	});
	const fileName = espoFileName(headerValue(response, 'content-disposition')) ?? fallbackName;
	const { binary, size } = await storeAnsweredFile(ctx, response, fileName);
	return { binary, fileName: binary.fileName ?? fileName, mimeType: binary.mimeType, size };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const attachmentId = requiredText(this, itemIndex, 'attachmentId', 'Attachment ID', 'an attachment ID, for example from the output of the Get Many operation ({{ $json.id }})');
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() || 'data';
	const { binary, fileName, mimeType, size } = await downloadAttachmentToBinary(
		this,
		run,
		itemIndex,
		attachmentId,
		`attachment-${attachmentId}`,
		`the download of attachment "${attachmentId}"`,
	);
	const item = this.getInputData()[itemIndex];
	return [
		{
			json: {
				id: attachmentId,
				fileName: binary.fileName ?? fileName,
				mimeType: binary.mimeType ?? mimeType,
				size,
			},
			// The input's files stay; the download is added beside them (the input item itself is not changed).
			binary: { ...(item.binary ?? {}), [binaryPropertyName]: binary },
			pairedItem: { item: itemIndex },
		},
	];
}
