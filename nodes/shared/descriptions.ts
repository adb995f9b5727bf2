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
	default: 1,
	typeOptions: { minValue: 1, maxValue: 32 },
	description:
		'How many items to upload at the same time. Output order stays the same as the input. When the service asks to slow down, all parallel uploads wait together.',
};
