import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { bodyJson } from '../../../transfer';
import { apiPath, espoRequest } from '../../transport';
import { recordLocatorProperties } from '../../../shared/recordLocator';
import { requiredText } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

/** Modules/Crm/Resources/metadata/entityDefs/Document.json: the entity type and the field holding its file. */
export const DOCUMENT = 'Document';
export const DOCUMENT_FILE_FIELD = 'file';

/** The Document to read or download; from typeVersion 3 picked from EspoCRM's Documents. */
export function documentIdProperties(operations: string[]): INodeProperties[] {
	return updateDisplayOptions(
		{ show: { resource: ['document'], operation: operations } },
		recordLocatorProperties(
			{
				name: 'documentId',
				displayName: 'Document ID',
				description: 'The ID of the Document record, as Create or Get Many give it',
				searchListMethod: 'searchDocuments',
				idExample: '6571f0a2b3c4d5e6f',
				// EspoCRM's web app routes a record's page as "#:controller/view/:id" (client/src/router.js).
				url: { placeholder: 'https://crm.example.com/#Document/view/6571f0a2b3c4d5e6f', regex: '#Document/view/([^/?#]+)', what: 'an EspoCRM Document URL' },
			},
			{ placeholder: 'e.g. 6571f0a2b3c4d5e6f' },
		),
	);
}

export function readDocumentId(ctx: IExecuteFunctions, itemIndex: number): string {
	return requiredText(ctx, itemIndex, 'documentId', 'Document ID', {
		description: 'Set "Document ID", for example from the output of Get Many or Create ({{ $json.id }}).',
	});
}

/** GET Document/{id} (Core/Record/Service::read): the record's attributes, incl. fileId, fileName, folderId. */
export async function readDocument(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, documentId: string): Promise<IDataObject> {
	const response = await espoRequest(ctx, run, {
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
