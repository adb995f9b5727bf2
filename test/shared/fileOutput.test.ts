import { fileOutputFields } from '../../nodes/shared/fileOutput';
import type { BinaryFile } from '../../nodes/transfer';

describe('fileOutputFields', () => {
	it('names the uploaded file in the words every upload output uses, in their order', () => {
		const file = { fileName: 'invoice.pdf', size: 1234, mimeType: 'application/pdf', propertyName: 'attachment_1' } as BinaryFile;
		const fields = fileOutputFields(file);
		expect(fields).toEqual({ fileName: 'invoice.pdf', size: 1234, mimeType: 'application/pdf', binaryPropertyName: 'attachment_1' });
		expect(Object.keys(fields)).toEqual(['fileName', 'size', 'mimeType', 'binaryPropertyName']);
	});
});
