import type { INodeProperties } from 'n8n-workflow';

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
