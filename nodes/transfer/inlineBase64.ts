import type { IDataObject } from 'n8n-workflow';

import { buildBase64JsonBody } from './base64JsonBody';
import type { BinaryFile } from './binaryInput';
import type { HttpResponse } from './httpResponse';
import type { ServiceClient, ServiceContext, ServiceRequest } from './serviceClient';
import type { TransferRun } from './transferRun';

/** Where and how a service takes a file inlined in a JSON body. */
export interface InlineBase64Upload {
	/** Below the API root, built with pathOf(). */
	path: string;
	/** The JSON fields beside the file. */
	attributes: IDataObject;
	/** The JSON field that carries the file as a data URI. */
	fileProperty: string;
	itemIndex: number;
	subject: string;
	refusal?: ServiceRequest['refusal'];
}

/**
 * The inline base64 handshake: one POST of a JSON body with the file as a data URI, streamed with a
 * known length (the base64 of a file is 4/3 of its size: memory must not grow with it) and rebuilt
 * per attempt. Not repeated after a lost answer: a repeat would leave a second, orphaned file.
 */
export async function uploadInlineBase64(
	ctx: ServiceContext,
	run: TransferRun,
	client: ServiceClient,
	file: BinaryFile,
	upload: InlineBase64Upload,
): Promise<HttpResponse> {
	return await client.request(ctx, run, {
		method: 'POST',
		path: upload.path,
		streamBody: async () => await buildBase64JsonBody(upload.attributes, upload.fileProperty, file),
		idempotent: false,
		itemIndex: upload.itemIndex,
		subject: upload.subject,
		refusal: upload.refusal,
	});
}
