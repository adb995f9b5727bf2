import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bodyJson, headerValue } from '../../../transfer';
import { apiPath, espoRequest } from '../../transport';
import { espoFileName } from '../attachment/download.operation';

/** Modules/Crm/Resources/metadata/entityDefs/Document.json: the entity type and the field holding its file. */
export const DOCUMENT = 'Document';
export const DOCUMENT_FILE_FIELD = 'file';

export function documentIdProperty(operations: string[]): INodeProperties {
	return {
		displayName: 'Document ID',
		name: 'documentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 6571f0a2b3c4d5e6f',
		description: 'The ID of the Document record, as Create or Get Many give it',
		displayOptions: { show: { resource: ['document'], operation: operations } },
	};
}

export function readDocumentId(ctx: IExecuteFunctions, itemIndex: number): string {
	const documentId = String(ctx.getNodeParameter('documentId', itemIndex, '') ?? '').trim();
	if (documentId === '') {
		throw new NodeOperationError(ctx.getNode(), `"Document ID" of item ${itemIndex + 1} is empty`, {
			itemIndex,
			description: 'Set "Document ID", for example from the output of Get Many or Create ({{ $json.id }}).',
		});
	}
	return documentId;
}

/** GET Document/{id} (Core/Record/Service::read): the record's attributes, incl. fileId, fileName, folderId. */
export async function readDocument(ctx: IExecuteFunctions, itemIndex: number, documentId: string): Promise<IDataObject> {
	const response = await espoRequest(ctx, {
		method: 'GET',
		path: apiPath(DOCUMENT, documentId),
		subject: `the read of Document "${documentId}"`,
		itemIndex,
		fixes: {
			404: `EspoCRM has no Document "${documentId}" that the API user can see: check "Document ID" (Get Many lists them), and that the API user's role may read Documents.`,
		},
	});
	const json = bodyJson(response.body);
	// A proxy's or login page's HTML (HTTP 200) is not a record.
	if (!json || Array.isArray(json) || typeof json.id !== 'string') {
		throw new NodeOperationError(ctx.getNode(), `EspoCRM's answer to the read of Document "${documentId}" is not a record`, {
			itemIndex,
			description: `EspoCRM answered HTTP ${response.statusCode} with ${json ? 'JSON without an "id"' : 'something that is not JSON (an HTML page?)'}. Check that the Base URL in the credential is the address you open EspoCRM at.`,
		});
	}
	return json;
}

/**
 * GET Attachment/file/{id} (Tools/Attachment/Api/GetFile), streamed into n8n's binary store. The
 * name comes from EspoCRM's raw-UTF-8 Content-Disposition, else from the record's `fileName`.
 */
export async function downloadAttachmentToBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	attachmentId: string,
	fallbackName: string,
	subject: string,
): Promise<{ binary: Awaited<ReturnType<IExecuteFunctions['helpers']['prepareBinaryData']>>; fileName: string; mimeType: string; size: number | null }> {
	const response = await espoRequest(ctx, {
		method: 'GET',
		path: apiPath('Attachment', 'file', attachmentId),
		subject,
		itemIndex,
		stream: true,
	});
	const fileName = espoFileName(headerValue(response, 'content-disposition')) ?? fallbackName;
	const mimeType = (headerValue(response, 'content-type') ?? 'application/octet-stream').split(';')[0].trim();
	const binary = await ctx.helpers.prepareBinaryData(response.body as Buffer, fileName, mimeType);
	let size: number | null = null;
	if (binary.id) size = (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	else if (binary.data) size = Buffer.byteLength(binary.data, 'base64');
	return { binary, fileName: binary.fileName ?? fileName, mimeType: binary.mimeType ?? mimeType, size };
}

/** The output item of an operation that returns a Document record. */
export function documentItem(itemIndex: number, document: IDataObject, extra: IDataObject = {}): INodeExecutionData {
	return { json: { ...document, ...extra }, pairedItem: { item: itemIndex } };
}
