import type { IDataObject } from 'n8n-workflow';

import type { BinaryFile } from '../transfer';

/** What an upload's output item says about the file it sent, in the same words on every node. */
export function fileOutputFields(file: BinaryFile): IDataObject {
	return { fileName: file.fileName, size: file.size, mimeType: file.mimeType, binaryPropertyName: file.propertyName };
}
