import type { BinaryFile } from './binaryInput';
import type { HttpResponse } from './httpResponse';
import type { FormFieldValue } from './multipartBody';
import { buildMultipartBody } from './multipartBody';
import type { ServiceClient, ServiceContext, ServiceRequest } from './serviceClient';
import type { TransferRun } from './transferRun';

/** Where and how a service takes a file as a multipart POST of its own API. */
export interface DirectMultipartUpload {
	/** Below the API root, built with pathOf(). */
	path: string;
	/** The form field that carries the file. */
	fileFieldName: string;
	/** Text fields sent before the file. */
	fields?: Array<[string, FormFieldValue]>;
	itemIndex: number;
	/** What is sent, in the user's terms, for messages: "the upload of "a.pdf" to record 42". */
	subject: string;
	refusal?: ServiceRequest['refusal'];
}

/**
 * The direct multipart handshake: one POST of the file, streamed with a known length, to the
 * service's own endpoint, with the service's credential. Never repeated blindly: a repeat after a
 * lost answer would attach the file twice, so only "not processed" answers (429/503) are retried.
 */
export async function uploadDirectMultipart(
	ctx: ServiceContext,
	run: TransferRun,
	client: ServiceClient,
	file: BinaryFile,
	upload: DirectMultipartUpload,
): Promise<HttpResponse> {
	return await client.request(ctx, run, {
		method: 'POST',
		path: upload.path,
		streamBody: async () => {
			const multipart = await buildMultipartBody(upload.fields ?? [], upload.fileFieldName, file);
			return { body: multipart.form, headers: multipart.headers };
		},
		idempotent: false,
		itemIndex: upload.itemIndex,
		subject: upload.subject,
		refusal: upload.refusal,
	});
}
