import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bodyJson } from '../../../transfer';
import { apiPath, espoRequest, responseObject } from '../../transport';

export type FieldType = 'file' | 'attachmentMultiple';

/** Parameters several attachment operations share: where the attachment lives. */
export function locationProperties(operations: string[], recordIdRequired: boolean): INodeProperties[] {
	const displayOptions = { show: { resource: ['attachment'], operation: operations } };
	return [
		{
			displayName: 'Entity Type',
			name: 'entityType',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The entity type of the record, e.g. Document, Case, Account or a custom one',
			displayOptions,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select an entity type...',
					typeOptions: { searchListMethod: 'searchEntityTypes', searchable: true },
				},
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					placeholder: 'e.g. Document',
					hint: 'The entity type\'s name as EspoCRM spells it (Administration > Entity Manager)',
				},
			],
		},
		{
			displayName: 'Field Type',
			name: 'fieldType',
			type: 'options',
			default: 'attachmentMultiple',
			description: 'The type of the field that holds the attachments',
			displayOptions,
			options: [
				{
					name: 'Attachments (Several Files)',
					value: 'attachmentMultiple',
					description: 'A field holding a list of files (e.g. "attachments" on Case or Note)',
				},
				{
					name: 'File or Image (One File)',
					value: 'file',
					description: 'A field holding one file (e.g. "file" on Document); an upload replaces its file, and EspoCRM deletes the file it held before',
				},
			],
		},
		{
			displayName: 'Field',
			name: 'field',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The field of the record that holds the attachments',
			displayOptions,
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a field...',
					typeOptions: { searchListMethod: 'searchFields', searchable: true },
				},
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					placeholder: 'e.g. attachments',
					hint: 'The field\'s name as EspoCRM spells it (Administration > Entity Manager > Fields), e.g. "attachments" or "file"',
				},
			],
		},
		{
			displayName: 'Record ID',
			name: 'recordId',
			type: 'string',
			default: '',
			required: recordIdRequired,
			placeholder: 'e.g. 6571f0a2b3c4d5e6f',
			description: recordIdRequired
				? 'The ID of the record'
				: 'The ID of the record to attach the file to. Leave empty to only upload the file and use the returned attachment ID when creating a record.',
			displayOptions,
		},
	];
}

/** A resource locator's value, or a plain string where a workflow or expression gives one. */
export function locatorValue(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const raw = ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) as unknown;
	const value = raw && typeof raw === 'object' ? (raw as IDataObject).value : raw;
	return String(value ?? '').trim();
}

export interface AttachmentLocation {
	entityType: string;
	field: string;
	fieldType: FieldType;
	recordId: string;
}

function requireValue(ctx: IExecuteFunctions, itemIndex: number, value: string, label: string, example: string): string {
	if (value === '') {
		throw new NodeOperationError(ctx.getNode(), `"${label}" is empty for item ${itemIndex + 1}`, {
			itemIndex,
			description: `Set "${label}" (${example}).`,
		});
	}
	return value;
}

export function readLocation(ctx: IExecuteFunctions, itemIndex: number, recordIdRequired: boolean): AttachmentLocation {
	const entityType = requireValue(ctx, itemIndex, locatorValue(ctx, 'entityType', itemIndex), 'Entity Type', 'for example Document or Case');
	// Users who read the API page sometimes give the attribute ("attachmentsIds") instead of the field.
	const fieldType = ctx.getNodeParameter('fieldType', itemIndex, 'attachmentMultiple') as FieldType;
	let field = requireValue(ctx, itemIndex, locatorValue(ctx, 'field', itemIndex), 'Field', 'for example attachments or file');
	if (fieldType === 'attachmentMultiple' && field.endsWith('Ids') && field.length > 3) field = field.slice(0, -3);
	if (fieldType === 'file' && field.endsWith('Id') && field.length > 2) field = field.slice(0, -2);
	const recordId = String(ctx.getNodeParameter('recordId', itemIndex, '') ?? '').trim();
	if (recordIdRequired) requireValue(ctx, itemIndex, recordId, 'Record ID', 'the ID of the record');
	return { entityType, field, fieldType, recordId };
}

export function describeRecord(location: AttachmentLocation): string {
	return `${location.entityType} record "${location.recordId}"`;
}

export async function readRecord(ctx: IExecuteFunctions, itemIndex: number, location: AttachmentLocation): Promise<IDataObject> {
	const response = await espoRequest(ctx, {
		method: 'GET',
		path: apiPath(location.entityType, location.recordId),
		subject: `the read of ${describeRecord(location)}`,
		itemIndex,
	});
	const json = bodyJson(response.body);
	// A proxy's or a login page's HTML (HTTP 200) is not a record: saying the field is missing would mislead.
	if (!json || Array.isArray(json) || typeof json.id !== 'string') {
		throw new NodeOperationError(
			ctx.getNode(),
			`EspoCRM's answer to the read of ${describeRecord(location)} is not a record`,
			{
				itemIndex,
				description: `EspoCRM answered HTTP ${response.statusCode} with ${json ? 'JSON without an "id"' : 'something that is not JSON (an HTML page?)'}. Check that the Base URL in the credential is the address you open EspoCRM at, not a page or proxy in front of it. Nothing was changed on the record.`,
			},
		);
	}
	return json;
}

function missingFieldError(ctx: IExecuteFunctions, itemIndex: number, location: AttachmentLocation, attribute: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`The ${describeRecord(location)} has no ${location.fieldType === 'file' ? 'File' : 'Attachment-Multiple'} field "${location.field}" that the API user can read`,
		{
			itemIndex,
			description: `EspoCRM's answer for the record has no "${attribute}". Check "Field" and "Field Type" (pick the field from the list to be sure), and that the API user's role may read and edit this field. Nothing was changed on the record.`,
		},
	);
}

/** The ids an Attachment-Multiple field holds now; refuses when the record does not show the field. */
export function attachmentIdsOf(ctx: IExecuteFunctions, itemIndex: number, location: AttachmentLocation, record: IDataObject): string[] {
	const attribute = `${location.field}Ids`;
	const value = record[attribute];
	// An absent attribute is a wrong name or a hidden field: writing a list then could unlink files we cannot see.
	if (value === undefined) throw missingFieldError(ctx, itemIndex, location, attribute);
	if (value === null) return [];
	if (!Array.isArray(value)) throw missingFieldError(ctx, itemIndex, location, attribute);
	return value.map((id) => String(id));
}

/** The id a File field holds now (null when empty); refuses when the record does not show the field. */
export function fileIdOf(ctx: IExecuteFunctions, itemIndex: number, location: AttachmentLocation, record: IDataObject): string | null {
	const attribute = `${location.field}Id`;
	if (!(attribute in record)) throw missingFieldError(ctx, itemIndex, location, attribute);
	const value = record[attribute];
	return typeof value === 'string' && value !== '' ? value : null;
}

export async function updateRecord(
	ctx: IExecuteFunctions,
	itemIndex: number,
	location: AttachmentLocation,
	attributes: IDataObject,
	subject: string,
): Promise<IDataObject> {
	const response = await espoRequest(ctx, {
		method: 'PUT',
		path: apiPath(location.entityType, location.recordId),
		body: attributes,
		subject,
		itemIndex,
	});
	return responseObject(response);
}
