import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bodyJson } from '../../../transfer';
import { apiPath, espoRequest } from '../../transport';
import { requiredText } from '../../../shared/validation';

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
	return requiredText(ctx, itemIndex, 'documentId', 'Document ID', {
		description: 'Set "Document ID", for example from the output of Get Many or Create ({{ $json.id }}).',
	});
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

/** The output item of an operation that returns a Document record. */
export function documentItem(itemIndex: number, document: IDataObject, extra: IDataObject = {}): INodeExecutionData {
	return { json: { ...document, ...extra }, pairedItem: { item: itemIndex } };
}
