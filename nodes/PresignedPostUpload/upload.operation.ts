import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	binaryPropertyNameProperty,
	concurrencyOption,
	fileNameOption,
	optionsCollection,
	timeoutOption,
} from '../shared/descriptions';
import type { FormFieldValue, PresignedPostForm } from '../transfer';
import { requestTimeoutMs } from '../shared/requestTimeout';
import { resolveObjectKey, uploadToPresignedPost } from '../transfer';
import type { RunContext } from '../shared/runContext';
import { readUploadInput, uploadEachFile } from '../shared/uploadOperation';
import { fileOutputFields } from '../shared/fileOutput';

export const description: INodeProperties[] = [
	{
		displayName: 'Form URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://my-bucket.s3.eu-central-1.amazonaws.com/',
		description: 'The URL of the presigned POST form, as returned by the API that issued it (often called "URL" or "action")',
	},
	{
		displayName: 'Form Fields',
		name: 'fields',
		type: 'json',
		default: '{}',
		required: true,
		description: 'The signed form fields as a JSON object, exactly as the API returned them (policy, signature, key, ...). Usually an expression that reads the fields from the node that requested the form.',
		hint: 'For example {{ $json.fields }}',
	},
	binaryPropertyNameProperty,
	optionsCollection([
		concurrencyOption,
		fileNameOption,
		{
			displayName: 'File Field Name',
			name: 'fileFieldName',
			type: 'string',
			default: 'file',
			description: 'The name of the multipart part that carries the file. S3 expects "file".',
		},
		{
			displayName: 'Object Key',
			name: 'key',
			type: 'string',
			default: '',
			placeholder: 'e.g. uploads/${filename}',
			description:
				'The object key to store the file under, replacing the form\'s "key" field. ${filename} stands for the file name. It must satisfy the form\'s policy (for example its key prefix).',
		},
		timeoutOption,
	]),
];

function parseFields(ctx: IExecuteFunctions, itemIndex: number): Record<string, FormFieldValue> {
	const raw = ctx.getNodeParameter('fields', itemIndex) as unknown;
	let fields: unknown = raw;
	if (typeof raw === 'string') {
		try {
			fields = JSON.parse(raw === '' ? '{}' : raw);
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `"Form Fields" of item ${itemIndex + 1} is not valid JSON`, {
				itemIndex,
				description: `Give the form's fields as a JSON object, for example {{ $json.fields }} from the node that requested the form. (${(error as Error).message})`,
			});
		}
	}
	if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
		throw new NodeOperationError(ctx.getNode(), `"Form Fields" of item ${itemIndex + 1} is not a JSON object`, {
			itemIndex,
			description:
				'Give the form\'s fields as a JSON object of names and values, such as {"key": "uploads/${filename}", "policy": "...", "x-amz-signature": "..."}.',
		});
	}
	return fields as Record<string, FormFieldValue>;
}

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const url = (this.getNodeParameter('url', itemIndex) as string).trim();
	const fields = parseFields(this, itemIndex);
	const form: PresignedPostForm = { url, fields };
	// No service limits: the form's own policy (content-length-range) is what S3 checks.
	const input = await readUploadInput(this, itemIndex);
	const { files, options } = input;

	const keyTemplate = (options.key as string) || String(
		Object.entries(fields).find(([name]) => name.toLowerCase() === 'key')?.[1] ?? '${filename}',
	);
	if (files.length > 1 && !keyTemplate.includes('${filename}')) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex + 1} has ${files.length} files but the object key "${keyTemplate}" names a single object`,
			{
				itemIndex,
				description:
					'Put ${filename} in the "Object Key" option so each file gets its own key, or upload one file per item.',
			},
		);
	}

	// The form has no record to check for an attached file ("If Already Attached" is not offered), so
	// uploadEachFile takes no lock: the form URL only names what the files go to.
	return await uploadEachFile(run, input, url, async (file) => {
		const result = await uploadToPresignedPost(this, run, itemIndex, form, file, {
			key: (options.key as string) || undefined,
			fileFieldName: (options.fileFieldName as string) || 'file',
			formSource: 'the "Form URL" and "Form Fields" parameters',
			timeoutMs: requestTimeoutMs(this, itemIndex),
		});
		return {
			json: {
				bucket: result.bucket ?? null,
				key: result.key ?? resolveObjectKey(keyTemplate, file.fileName),
				location: result.location ?? null,
				etag: result.etag ?? null,
				...fileOutputFields(file),
			},
			pairedItem: { item: itemIndex },
		};
	});
}
