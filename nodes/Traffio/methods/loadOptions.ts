import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { documentTypeId, documentTypeList, documentTypeName } from '../documentTypes';
import { traffioApiRequest } from '../transport';
import { createTransferRun } from '../../transfer';

export async function getDocumentTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const run = createTransferRun();
	const answer = await traffioApiRequest(this, run, 0, {
		method: 'GET',
		path: '/v1_document_type/document_type',
		subject: 'the document type list',
	});
	return documentTypeList(answer)
		.filter((type) => documentTypeId(type) !== undefined)
		.map((type) => ({ name: documentTypeName(type), value: documentTypeId(type)! }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
