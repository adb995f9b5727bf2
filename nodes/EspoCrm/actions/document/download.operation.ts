import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { outputBinaryFieldProperty } from '../../../shared/descriptions';
import { downloadAttachmentToBinary } from '../attachment/download.operation';
import { documentIdProperties, readDocument, readDocumentId } from './common';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = [
	...documentIdProperties(['download']),
	...updateDisplayOptions({ show: { resource: ['document'], operation: ['download'] } }, [
		outputBinaryFieldProperty,
	]),
];

/** The Document's `file` (Document.json): its attachment id from the record, then the bytes, streamed. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const documentId = readDocumentId(this, itemIndex);
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() || 'data';
	const document = await readDocument(this, run, itemIndex, documentId);
	const fileId = typeof document.fileId === 'string' && document.fileId !== '' ? document.fileId : undefined;
	if (!fileId) {
		throw new NodeOperationError(this.getNode(), `Document "${documentId}" has no file to download (item ${itemIndex + 1})`, {
			itemIndex,
			description: 'Its "file" field is empty, or the API user\'s role may not read that field. Open the Document in EspoCRM to check.',
		});
	}
	const recordName = typeof document.fileName === 'string' && document.fileName ? document.fileName : `document-${documentId}`;
	const download = await downloadAttachmentToBinary(
		this,
		run,
		itemIndex,
		fileId,
		recordName,
		`the download of the file of Document "${documentId}"`,
	);
	const item = this.getInputData()[itemIndex];
	return [
		{
			json: {
				id: documentId,
				name: document.name ?? null,
				fileId,
				fileName: download.fileName,
				mimeType: download.mimeType,
				size: download.size,
				folderId: document.folderId ?? null,
			},
			// The input's files stay; the download is added beside them (the input item itself is not changed).
			binary: { ...(item.binary ?? {}), [binaryPropertyName]: download.binary },
			pairedItem: { item: itemIndex },
		},
	];
}
