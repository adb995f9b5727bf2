import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REQUEST_TIMEOUT_MS } from '../transfer';

/** Parameters every upload operation shares, so users meet one vocabulary across the nodes. */

export const binaryPropertyNameProperty: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	placeholder: 'e.g. data',
	description:
		'The binary property of the input item that holds the file to upload. Separate several names with commas to upload several files of one item.',
};

/** Where every download operation puts the file it fetched. */
export const outputBinaryFieldProperty: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	placeholder: 'e.g. data',
	hint: 'The name of the output binary field to put the file in',
	description: 'The binary property of the output item that receives the downloaded file',
};

export const fileNameOption: INodeProperties = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string',
	default: '',
	placeholder: 'e.g. invoice-2026-11.pdf',
	description:
		'Name to give the uploaded file instead of the name it has in n8n. For several input binary fields, give one name per field, separated by commas.',
};

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	// 0 = automatic. Workflows saved with typeVersion 1 keep 1 when the option is not set (runItems.ts).
	default: 0,
	typeOptions: { minValue: 0, maxValue: 32 },
	description:
		'How many items to upload at the same time; 0 (the default) adjusts it automatically: more while the service keeps up, fewer when it asks to slow down, paced by its rate-limit headers. Output order stays the same as the input. When the service asks to slow down, all parallel uploads wait together.',
};

/** For uploads to a CRM that can list a record's files (design.md: `options.ifAlreadyAttached`). */
export const ifAlreadyAttachedOption: INodeProperties = {
	displayName: 'If Already Attached',
	name: 'ifAlreadyAttached',
	type: 'options',
	default: 'upload',
	options: [
		{
			name: 'Replace',
			value: 'replace',
			description: 'Attach the new file, then delete the file of the same name and size the record held',
		},
		{
			name: 'Skip',
			value: 'skip',
			description: 'Upload nothing; the output item is the attached file, with "skipped": true',
		},
		{
			name: 'Upload Again',
			value: 'upload',
			description: 'Attach the file even if the record already holds one of the same name and size',
		},
	],
	description:
		'What to do when the record already holds a file of the same name and size, e.g. when a workflow is run again after a failure or a trigger fires twice. Items for the same record are checked and uploaded one at a time.',
};

/** The "Timeout" option of every operation that talks to a service (an idle time, see DEFAULT_REQUEST_TIMEOUT_MS). */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_REQUEST_TIMEOUT_MS,
	description:
		'How long to wait, in milliseconds, for the service or the file storage to answer before giving up on a request. Counted while nothing is sent or received, so a large upload that keeps sending is not cut off.',
};

/** "Return All" and "Limit" of a Get Many operation (n8n's usual pair); `returnAll` defaults to false unless said. */
export function returnAllAndLimitProperties(returnAllDefault = false): INodeProperties[] {
	const returnAll: INodeProperties = {
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	};
	return [
		returnAllDefault ? { ...returnAll, default: true } : returnAll,
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

/** The "Options" collection an operation ends with, holding `options` in the order given (the order the editor shows). */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}

/** The file input and Options of an upload that attaches to nothing it could check (Close's). */
export const fileUploadProperties: INodeProperties[] = [
	binaryPropertyNameProperty,
	optionsCollection([concurrencyOption, fileNameOption, timeoutOption]),
];

/** The file input and Options of an upload onto a record that can list its files, so "If Already Attached" is offered. */
export const recordUploadProperties: INodeProperties[] = [
	binaryPropertyNameProperty,
	optionsCollection([concurrencyOption, fileNameOption, ifAlreadyAttachedOption, timeoutOption]),
];
