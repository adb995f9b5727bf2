// form-data is the package's one runtime dependency: it streams a multipart body with a known length.
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports
import FormData from 'form-data';

import type { BinaryFile } from './binaryInput';

export interface MultipartBody {
	form: FormData;
	/** Content-Type with the boundary, and Content-Length: S3 and radosgw refuse chunked POSTs. */
	headers: Record<string, string>;
	length: number;
}

export type FormFieldValue = string | number | boolean;

/**
 * A multipart body with the fields in the given order and the file last (S3 ignores fields after
 * the file). The file is streamed when it comes from n8n's binary store.
 */
export async function buildMultipartBody(
	fields: Array<[string, FormFieldValue]>,
	fileFieldName: string,
	file: BinaryFile,
): Promise<MultipartBody> {
	const form = new FormData();
	for (const [name, value] of fields) form.append(name, String(value));
	const content = await file.openContent();
	form.append(fileFieldName, content, {
		filename: file.fileName,
		contentType: file.mimeType,
		knownLength: file.size,
	});
	const length = form.getLengthSync();
	return {
		form,
		length,
		headers: { ...form.getHeaders(), 'content-length': String(length) },
	};
}

/** A multipart body of text fields only (a link instead of a file), with a known length. */
export function buildMultipartFields(fields: Array<[string, FormFieldValue]>): MultipartBody {
	const form = new FormData();
	for (const [name, value] of fields) form.append(name, String(value));
	const length = form.getLengthSync();
	return {
		form,
		length,
		headers: { ...form.getHeaders(), 'content-length': String(length) },
	};
}
