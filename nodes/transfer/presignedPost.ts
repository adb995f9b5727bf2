import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile } from './binaryInput';
import { isSuccessStatus, responseError, networkError, xmlElement } from './httpErrors';
import type { HttpResponse } from './httpResponse';
import { bodyText, headerValue, sendPlainRequest } from './httpResponse';
import type { FormFieldValue } from './multipartBody';
import { buildMultipartBody } from './multipartBody';
import { assertWithinLimits } from './fileLimits';
import type { PolicyCondition } from './postPolicy';
import { policyConditions, policyFieldAllowing, policySizeRange } from './postPolicy';
import { sendWithRetry } from './retry';
import type { TransferRun } from './transferRun';

/** An S3 presigned POST form: where to post, and the signed fields that must go with the file. */
export interface PresignedPostForm {
	url: string;
	fields: Record<string, FormFieldValue>;
}

export interface PresignedPostOptions {
	/** Replaces the form's `key` field (S3 substitutes `${filename}` itself). */
	key?: string;
	/** Fields a service adds after the signed ones and before the file (e.g. a `filename`). */
	extraFields?: Record<string, FormFieldValue>;
	/** The multipart name of the file part; `file` for S3. */
	fileFieldName?: string;
	/** Refuse a plain-http form URL: set when the API that handed out the form is https. */
	requireHttps?: boolean;
	/** Idle time in ms after which a silent storage host is given up on. */
	timeoutMs?: number;
	/** Where the form came from, for messages: the service's name, or where the user gave the form. */
	formSource?: string;
}

export interface PresignedPostResult {
	statusCode: number;
	bucket?: string;
	key: string;
	location?: string;
	etag?: string;
}

const STORAGE_NAME = 'S3';
const DEFAULT_TIMEOUT_MS = 120_000;

/** What to do about each S3 refusal, by S3's own error code. */
const S3_FIXES: Record<string, string> = {
	AccessDenied:
		'The storage refused the signed form. If the message says the policy expired, the form was used too late: run again so a new form is requested right before the upload. Otherwise the form\'s conditions (key prefix, ACL, content type) do not match what was sent.',
	EntityTooLarge:
		'The file is larger than the form allows (its content-length-range). Upload a smaller file or ask the service for a form that allows this size.',
	EntityTooSmall: 'The file is smaller than the form allows (its content-length-range).',
	SignatureDoesNotMatch:
		'The form\'s signature does not match its fields: pass the fields exactly as the API returned them, unchanged and complete.',
	InvalidAccessKeyId: 'The form was signed with an access key the storage does not know: request a new form.',
	InvalidPolicyDocument: 'The form\'s policy is malformed: pass the `policy` field exactly as the API returned it.',
	MissingContentLength: 'The storage needs the upload\'s length up front.',
	InvalidArgument: 'A form field has a value the storage does not accept: pass the fields exactly as the API returned them.',
	NoSuchBucket: 'The bucket in the form\'s URL does not exist: check the URL passed with the form.',
	ExpiredToken: 'The form was signed with a temporary token that has expired: request a new form.',
};

function s3Code(response: HttpResponse): string | undefined {
	return xmlElement(bodyText(response.body), 'Code');
}

/** An S3 refusal that a service may recover from by asking for a new form (forms that expire within a minute). */
export function isExpiredFormError(error: unknown): boolean {
	const message = error instanceof Error ? error.message : '';
	return /policy expired|request has expired|ExpiredToken/i.test(message);
}

function assertUsableForm(
	ctx: IExecuteFunctions,
	itemIndex: number,
	form: PresignedPostForm,
	options: PresignedPostOptions,
): URL {
	const source = options.formSource ?? 'the API';
	let url: URL | undefined;
	try {
		url = new URL(form.url);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new NodeOperationError(ctx.getNode(), `The upload form from ${source} has no valid URL`, {
			itemIndex,
			description: `Expected an http(s) URL to post the file to, got ${JSON.stringify(form.url)}.`,
		});
	}
	if (options.requireHttps && url.protocol !== 'https:') {
		throw new NodeOperationError(
			ctx.getNode(),
			`The upload form from ${source} points to a plain-http URL (${url.origin}); the file was not sent`,
			{
				itemIndex,
				description:
					'Files are only posted over https when the service itself is reached over https. Check the service\'s base URL in the credential.',
			},
		);
	}
	if (!form.fields || typeof form.fields !== 'object' || Array.isArray(form.fields)) {
		throw new NodeOperationError(ctx.getNode(), `The upload form from ${source} has no fields`, {
			itemIndex,
			description: 'A presigned POST form needs its signed fields (policy, signature, key, ...).',
		});
	}
	for (const [name, value] of Object.entries(form.fields)) {
		if (!['string', 'number', 'boolean'].includes(typeof value)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The upload form from ${source} has a field "${name}" that is not text`,
				{ itemIndex, description: 'Each form field must be a string, number or boolean.' },
			);
		}
	}
	return url;
}

/**
 * The form's policy says which sizes the storage will take (`content-length-range`): a file outside
 * them is refused here, before its bytes are sent, instead of by S3's EntityTooLarge after the upload.
 */
function assertWithinFormSizeRange(
	ctx: IExecuteFunctions,
	itemIndex: number,
	conditions: PolicyCondition[] | undefined,
	file: BinaryFile,
	options: PresignedPostOptions,
): void {
	const range = conditions && policySizeRange(conditions);
	if (!range) return;
	const serviceName = `The upload form from ${options.formSource ?? 'the API'}`;
	assertWithinLimits(ctx, itemIndex, file, { serviceName, minBytes: range.minBytes, maxBytes: range.maxBytes });
}

/**
 * S3 stores an object posted through a form under the form's `Content-Type` field, not the file part's
 * header (without it: `binary/octet-stream`). The field is added only when the form's policy names it and
 * the file's type meets its conditions: any field the policy does not sign makes S3 refuse the upload.
 */
function contentTypeField(
	conditions: PolicyCondition[] | undefined,
	file: BinaryFile,
	sent: Array<[string, FormFieldValue]>,
): [string, FormFieldValue] | undefined {
	if (!file.mimeType || sent.some(([name]) => name.toLowerCase() === 'content-type')) return undefined;
	const name = conditions && policyFieldAllowing(conditions, 'Content-Type', file.mimeType);
	return name ? [name, file.mimeType] : undefined;
}

function orderedFields(
	form: PresignedPostForm,
	conditions: PolicyCondition[] | undefined,
	file: BinaryFile,
	options: PresignedPostOptions,
): { fields: Array<[string, FormFieldValue]>; key: string } {
	const fields: Array<[string, FormFieldValue]> = [];
	let key: string | undefined;
	for (const [name, value] of Object.entries(form.fields)) {
		if (name.toLowerCase() === 'key') {
			key = options.key ?? String(value);
			fields.push([name, key]);
		} else {
			fields.push([name, value]);
		}
	}
	if (key === undefined) {
		key = options.key ?? '${filename}';
		fields.push(['key', key]);
	}
	for (const [name, value] of Object.entries(options.extraFields ?? {})) fields.push([name, value]);
	const contentType = contentTypeField(conditions, file, fields);
	if (contentType) fields.push(contentType);
	return { fields, key };
}

/** A file name usable as the last segment of an S3 key: "/" would leave the prefix the form signs. */
export function keySafeName(fileName: string): string {
	return fileName.replace(/[/\\]/g, '_');
}

/** The key the object will have: S3 puts the uploaded file's name where the key says `${filename}`. */
export function resolveObjectKey(key: string, fileName: string): string {
	return key.split('${filename}').join(fileName);
}

/**
 * Posts one file to a presigned POST form. The request carries no credentials: the form's
 * signature is the only authorisation, and the service's key must never reach the storage host.
 */
export async function uploadToPresignedPost(
	ctx: IExecuteFunctions,
	run: TransferRun,
	itemIndex: number,
	form: PresignedPostForm,
	file: BinaryFile,
	options: PresignedPostOptions = {},
): Promise<PresignedPostResult> {
	const url = assertUsableForm(ctx, itemIndex, form, options);
	// The policy is read once: it bounds the file's size and says whether the file's type may be sent.
	const conditions = policyConditions(form.fields);
	assertWithinFormSizeRange(ctx, itemIndex, conditions, file, options);
	const { fields, key } = orderedFields(form, conditions, file, options);
	const errorContext = {
		serviceName: STORAGE_NAME,
		itemIndex,
		subject: `the upload of "${file.fileName}"`,
	};

	let response: HttpResponse;
	try {
		response = await sendWithRetry(
			async () => {
				const body = await buildMultipartBody(fields, options.fileFieldName ?? 'file', file);
				return await sendPlainRequest(ctx, {
					method: 'POST',
					url: url.toString(),
					body: body.form,
					headers: body.headers,
					// Following redirects would make n8n keep a copy of the whole body in memory.
					disableFollowRedirect: true,
					encoding: 'text',
					timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
				});
			},
			// Posting the same file to the same key again only overwrites it.
			// The storage host has limits of its own (S3 SlowDown), apart from the API that handed out the form.
			{ idempotent: true, gate: run.gate, scope: `storage ${url.host}` },
		);
	} catch (error) {
		throw networkError(ctx, error, errorContext);
	}

	if (!isSuccessStatus(response.statusCode)) {
		const code = s3Code(response);
		throw responseError(ctx, response, errorContext, code ? S3_FIXES[code] : undefined);
	}

	// With success_action_status 201, S3 describes the object in XML; with the default 204 it says
	// nothing, so the key, bucket and location come from the form itself.
	const xml = bodyText(response.body);
	const objectKey = decodeXmlEntities(xmlElement(xml, 'Key')) ?? resolveObjectKey(key, file.fileName);
	const formBucket = Object.entries(form.fields).find(([name]) => name.toLowerCase() === 'bucket')?.[1];
	const location =
		decodeXmlEntities(xmlElement(xml, 'Location') ?? headerValue(response, 'location')) ??
		`${url.toString().replace(/\/$/, '')}/${objectKey.split('/').map(encodeURIComponent).join('/')}`;
	return {
		statusCode: response.statusCode,
		bucket: decodeXmlEntities(xmlElement(xml, 'Bucket')) ?? (formBucket === undefined ? undefined : String(formBucket)),
		key: objectKey,
		location,
		etag: (xmlElement(xml, 'ETag') ?? headerValue(response, 'etag'))?.replace(/&quot;|"/g, ''),
	};
}

function decodeXmlEntities(text: string | undefined): string | undefined {
	return text
		?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}
