import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile, PresignedPostForm } from '../transfer';
import type { ServiceConnection } from '../transfer';
import { requestTimeoutMs } from '../shared/requestTimeout';
import { isExpiredFormError, storedButNotRegistered, uploadToPresignedPost } from '../transfer';
import { closeApiRequest, closeClient } from './transport';
import type { RunContext } from '../shared/runContext';

/** A file as Close's activities take it in `attachments`. */
export interface CloseAttachment extends IDataObject {
	url: string;
	filename: string;
	size: number;
	content_type: string;
}

/**
 * Close's S3 forms are valid for 60 seconds after /files/upload/ answers. A form older than this
 * is not worth trying: asking anew costs one small request, a refused upload costs the whole file.
 */
export const FORM_MAX_AGE_MS = 50_000;

interface UploadForm {
	upload: PresignedPostForm;
	downloadUrl: string;
	requestedAt: number;
}

async function requestUploadForm(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	file: BinaryFile,
): Promise<UploadForm> {
	// Close counts the form's age from the request: measured from before it is sent.
	const requestedAt = Date.now();
	const answer = await closeApiRequest(ctx, run, itemIndex, {
		method: 'POST',
		path: '/files/upload/',
		body: { filename: file.fileName, content_type: file.mimeType },
		subject: `the upload form for "${file.fileName}"`,
		// An unused form costs nothing: asking again after a lost answer is safe.
		idempotent: true,
	});
	const upload = answer.upload as IDataObject | undefined;
	const download = answer.download as IDataObject | undefined;
	if (!upload || typeof upload.url !== 'string' || !upload.fields || typeof download?.url !== 'string') {
		throw new NodeOperationError(
			ctx.getNode(),
			`Close's answer to the upload form request for "${file.fileName}" has no upload form or download URL`,
			{
				itemIndex,
				description:
					'Close should answer POST /files/upload/ with upload.url, upload.fields and download.url. Check the Base URL in the Close credential: it must be the API root (https://api.close.com/api/v1).',
			},
		);
	}
	return {
		upload: { url: upload.url, fields: upload.fields as PresignedPostForm['fields'] },
		downloadUrl: download.url,
		requestedAt,
	};
}

/** A file Close's storage holds: the attachment object for activities, and its S3 key. */
export interface StoredCloseFile {
	attachment: CloseAttachment;
	key: string;
}

/**
 * Uploads one file through Close's Files API: ask for a signed S3 form, post the file to S3, and
 * return the attachment that Close's activities accept (its download URL is usable for 24 hours).
 * A form that has expired, or would be close to it, is asked for again once.
 */
async function uploadAndLocate(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	file: BinaryFile,
	connection?: ServiceConnection,
): Promise<StoredCloseFile> {
	const { secure } = connection ?? (await closeClient.connection(ctx, run, itemIndex));
	let form = await requestUploadForm(ctx, run, itemIndex, file);
	let key = '';
	for (let attempt = 1; ; attempt++) {
		if (Date.now() - form.requestedAt > FORM_MAX_AGE_MS) {
			form = await requestUploadForm(ctx, run, itemIndex, file);
		}
		let failure: unknown;
		try {
			const result = await uploadToPresignedPost(ctx, run, itemIndex, form.upload, file, {
				requireHttps: secure,
				formSource: 'Close',
				timeoutMs: requestTimeoutMs(ctx, itemIndex),
			});
			key = result.key;
			break;
		} catch (error) {
			failure = error;
		}
		// The transfer layer's errors are already NodeApiErrors that say what S3 refused.
		if (attempt >= 2 || !isExpiredFormError(failure)) throw failure;
		form = await requestUploadForm(ctx, run, itemIndex, file);
	}
	return {
		attachment: {
			url: form.downloadUrl,
			filename: file.fileName,
			size: file.size,
			content_type: file.mimeType,
		},
		key,
	};
}

/** The files of one item uploaded in order: an activity then attaches them all at once. */
export async function uploadFilesToClose(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	files: BinaryFile[],
): Promise<StoredCloseFile[]> {
	const connection = await closeClient.connection(ctx, run, itemIndex);
	const stored: StoredCloseFile[] = [];
	for (const file of files) stored.push(await uploadAndLocate(ctx, run, itemIndex, file, connection));
	return stored;
}

/**
 * Creates the activity that carries the stored files. When Close refuses it (or gives no answer)
 * after the files are in its storage, the error says where they are and how to use them, so a
 * failed registration loses nothing.
 */
export async function registerWithClose(
	ctx: IExecuteFunctions,
	itemIndex: number,
	stored: StoredCloseFile[],
	activity: string,
	register: (attachments: CloseAttachment[]) => Promise<IDataObject>,
): Promise<IDataObject> {
	if (stored.length === 0) return await register([]);
	try {
		return await register(stored.map((file) => file.attachment));
	} catch (error) {
		const first = stored[0];
		const others = stored.slice(1).map((file) => `"${file.attachment.filename}" at S3 key "${file.key}" (${file.attachment.url})`);
		throw storedButNotRegistered(ctx, itemIndex, error, {
			serviceName: 'Close',
			fileName: first.attachment.filename,
			key: first.key,
			registration: activity,
			howToRecover: `Close's file URL ${first.attachment.url} stays usable for 24 hours: attach it (with filename, size and content_type) to a note or email of the lead within that time, or run the item again to upload the file anew.${others.length ? ` The item's other stored files: ${others.join('; ')}.` : ''}`,
		});
	}
}

/** What an activity's output says about the files it carries, in the package's shared vocabulary. */
export function filesSummary(files: BinaryFile[]): IDataObject {
	return {
		fileName: files.map((file) => file.fileName).join(', '),
		size: files.reduce((total, file) => total + file.size, 0),
		mimeType: [...new Set(files.map((file) => file.mimeType))].join(', '),
	};
}
