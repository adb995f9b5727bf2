import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { HttpResponse } from '../../../transfer';
import { optionsCollection, outputBinaryFieldProperty, timeoutOption } from '../../../shared/descriptions';
import { fileNameFromContentDisposition, headerValue, storeAnsweredFile } from '../../../transfer';
import { closeClient } from '../../transport';
import { requiredText, webAddressOf } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['file'], operation: ['download'] } };

/** Where Close's file links live (Notes/Emails API: attachment urls "must begin https://app.close.com/go/file/"). */
const CLOSE_APP_ORIGIN = 'https://app.close.com';
const MAX_REDIRECTS = 5;

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{
		displayName: 'File URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://app.close.com/go/file/persisted/...',
		description: 'The address of the file, as the Get Many operation returns it for each file (an expression pointing at that output field)',
	},
	outputBinaryFieldProperty,
	optionsCollection([
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.filename }}',
			description: 'Name to give the downloaded file. Empty: the name the file storage sends, else the end of the URL.',
		},
		timeoutOption,
	]),
]);


function parseUrl(ctx: IExecuteFunctions, itemIndex: number, value: string): URL {
	const url = webAddressOf(value);
	if (!url) {
		throw new NodeOperationError(ctx.getNode(), `"File URL" of item ${itemIndex + 1} is not a web address: "${value}"`, {
			itemIndex,
			description: 'Give the "url" of a file as the Get Many operation returns it, for example {{ $json.url }} (it starts with https://app.close.com/go/file/).',
		});
	}
	return url;
}

/** The last path segment of a /go/file/.../<name>/ link, which carries the file's name. */
function nameFromUrl(url: URL): string | undefined {
	const segment = url.pathname.split('/').filter(Boolean).pop();
	if (!segment) return undefined;
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

const DOWNLOAD_FIXES = {
	401: 'Close did not accept the API key for this file. Check the Close credential (Settings > Developer > API Keys) and that the file belongs to the same organization.',
	403: 'The file storage refused the link, probably because it expired. Run the node again with a "url" from a fresh Get Many.',
	404: 'Close has no file at this address: the note or email may have been deleted. List the lead\'s files again with Get Many.',
};

/**
 * A file behind one of Close's links, streamed into n8n's binary store. Close's own links get the
 * API key (unverified that they need it: Close documents them only as what activities take and
 * give); any redirect away from Close (to its file storage) is followed without credentials.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const rawUrl = requiredText(this, itemIndex, 'url', 'File URL', {
		description: 'Set "File URL" to the "url" of a file from the Get Many operation ({{ $json.url }}).',
	});
	const binaryPropertyName = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() || 'data';
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const connection = await closeClient.connection(this, run, itemIndex);
	// The API's own origin counts as Close too (a sandbox or proxy that serves both).
	const closeOrigins = new Set([CLOSE_APP_ORIGIN, new URL(connection.baseUrl).origin]);

	let url = parseUrl(this, itemIndex, rawUrl);
	const shownName = nameFromUrl(url) ?? rawUrl;
	let response: HttpResponse | undefined;
	for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
		const target = url;
		const toClose = closeOrigins.has(target.origin);
		response = await closeClient.request(this, run, {
			method: 'GET',
			url: target.toString(),
			answer: 'stream',
			authenticate: toClose,
			throttled: toClose,
			followRedirects: false,
			// A redirect is an answer here: where it points decides whether the key goes along.
			acceptStatuses: [301, 302, 303, 307, 308],
			itemIndex,
			subject: `the download of "${shownName}"`,
			fixes: DOWNLOAD_FIXES,
		});
		const location = headerValue(response, 'location');
		if (response.statusCode < 300 || response.statusCode >= 400 || !location) break;
		url = parseUrl(this, itemIndex, new URL(location, target).toString());
	}
	if (!response || response.statusCode >= 300) {
		throw new NodeOperationError(this.getNode(), `The download of "${shownName}" was redirected more than ${MAX_REDIRECTS} times`, {
			itemIndex,
			description: 'Check that "File URL" is a file link from the Get Many operation.',
		});
	}

	const fileName =
		String(options.fileName ?? '').trim() ||
		fileNameFromContentDisposition(headerValue(response, 'content-disposition')) ||
		nameFromUrl(url) ||
		shownName;
	const { binary, size } = await storeAnsweredFile(this, response, fileName);
	const item = this.getInputData()[itemIndex];
	return [
		{
			json: { url: rawUrl, fileName: binary.fileName ?? fileName, mimeType: binary.mimeType, size },
			// The input's files stay; the download is added beside them (the input item itself is not changed).
			binary: { ...(item.binary ?? {}), [binaryPropertyName]: binary },
			pairedItem: { item: itemIndex },
		},
	];
}
