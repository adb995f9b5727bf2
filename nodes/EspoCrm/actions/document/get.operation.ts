import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { documentIdProperties, documentItem, readDocument, readDocumentId } from './common';
import type { RunContext } from '../../../shared/runContext';

export const description: INodeProperties[] = documentIdProperties(['get']);

/** GET Document/{id}: the record as EspoCRM gives it (name, fileId, fileName, folderId, status...). */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const documentId = readDocumentId(this, itemIndex);
	return [documentItem(itemIndex, await readDocument(this, run, itemIndex, documentId))];
}
