import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { LOCATOR_VERSION, recordLocatorProperties } from '../../../shared/recordLocator';

import { bodyJson } from '../../../transfer';
import { fieldDefinition } from '../../fieldMetadata';
import { apiPath, espoRequest, responseObject } from '../../transport';
import { nonEmpty } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

export type FieldType = 'file' | 'attachmentMultiple';

const WITH_LOCATORS = { '@version': [{ _cnd: { gte: LOCATOR_VERSION } }] };

interface NamePicker {
	displayName: string;
	name: string;
	description: string;
	searchListMethod: string;
	listPlaceholder: string;
	example: string;
	hint: string;
}

/** Entity types and fields are picked from EspoCRM's metadata, or typed as EspoCRM spells them ("Name"). */
function namePickerProperty(picker: NamePicker, required: boolean): INodeProperties {
	return {
		displayName: picker.displayName,
		name: picker.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description: picker.description,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', placeholder: picker.listPlaceholder, typeOptions: { searchListMethod: picker.searchListMethod, searchable: true } },
			{ displayName: 'Name', name: 'name', type: 'string', placeholder: `e.g. ${picker.example}`, hint: picker.hint },
		],
	};
}

const entityTypePicker: NamePicker = {
	displayName: 'Entity Type',
	name: 'entityType',
	description: 'The entity type of the record, e.g. Document, Case, Account or a custom one',
	searchListMethod: 'searchEntityTypes',
	listPlaceholder: 'Select an entity type...',
	example: 'Document',
	hint: 'The entity type\'s name as EspoCRM spells it (Administration > Entity Manager)',
};

const fieldPicker: NamePicker = {
	displayName: 'Field',
	name: 'field',
	description: 'The field of the record that holds the attachments. The list shows each file field of the entity type and what it holds.',
	searchListMethod: 'searchFields',
	listPlaceholder: 'Select a field...',
	example: 'attachments',
	hint: 'The field\'s name as EspoCRM spells it (Administration > Entity Manager > Fields), e.g. "attachments" or "file"',
};

function entityTypeProperty(required: boolean): INodeProperties {
	return namePickerProperty(entityTypePicker, required);
}

/** typeVersion 1 and 2 ask what kind of field it is; from 3 the field's type comes from EspoCRM's metadata. */
const fieldTypeProperty: INodeProperties = {
	displayName: 'Field Type',
	name: 'fieldType',
	type: 'options',
	default: 'attachmentMultiple',
	description: 'The type of the field that holds the attachments',
	displayOptions: { show: { '@version': [{ _cnd: { lt: LOCATOR_VERSION } }] } },
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
};

function fieldProperty(required: boolean): INodeProperties {
	return {
		...namePickerProperty(fieldPicker, required),
		// n8n's editor empties a field picked from the list when the entity type (or Field Type) changes.
		typeOptions: { loadOptionsDependsOn: ['entityType.value', 'fieldType'] },
	};
}

function recordIdProperties(required: boolean, description: string): INodeProperties[] {
	return recordLocatorProperties(
		{
			name: 'recordId',
			displayName: 'Record ID',
			description,
			required,
			searchListMethod: 'searchRecords',
			idExample: '6571f0a2b3c4d5e6f',
			// EspoCRM's web app routes a record's page as "#:controller/view/:id" (client/src/router.js).
			url: { placeholder: 'https://crm.example.com/#Case/view/6571f0a2b3c4d5e6f', regex: '#[A-Za-z0-9_]+/view/([^/?#]+)', what: 'an EspoCRM record URL' },
			dependsOn: ['entityType.value'],
		},
		{ placeholder: 'e.g. 6571f0a2b3c4d5e6f' },
	);
}

const forAttachment = (operation: string[], extra: IDataObject = {}) => ({ show: { resource: ['attachment'], operation, ...extra } });

/**
 * Where an attachment lives, one set of parameters for every attachment operation that names it, so
 * a value stays when the operation changes. From typeVersion 3 Download shows them too, to pick the
 * attachment from the record's list (the download itself needs only the attachment's id).
 */
export const locationDescription: INodeProperties[] = [
	...updateDisplayOptions(forAttachment(['upload', 'getMany', 'delete']), [entityTypeProperty(true), fieldTypeProperty, fieldProperty(true)]),
	...updateDisplayOptions(forAttachment(['download'], WITH_LOCATORS), [entityTypeProperty(false), fieldProperty(false)]),
	...updateDisplayOptions(
		forAttachment(['upload']),
		recordIdProperties(false, 'The ID of the record to attach the file to. Leave empty to only upload the file and use the returned attachment ID when creating a record.'),
	),
	...updateDisplayOptions(forAttachment(['getMany', 'delete']), recordIdProperties(true, 'The ID of the record')),
	...updateDisplayOptions(
		forAttachment(['download']),
		recordIdProperties(false, 'The record whose attachments the list shows').filter((property) => property.type === 'resourceLocator'),
	),
];

/** The attachment to download or delete; from typeVersion 3 picked from the record's field. */
export function attachmentIdProperties(description: string): INodeProperties[] {
	return recordLocatorProperties(
		{
			name: 'attachmentId',
			displayName: 'Attachment ID',
			description,
			searchListMethod: 'searchAttachments',
			idExample: '6571f0a2b3c4d5e6f',
			dependsOn: ['entityType.value', 'field.value', 'recordId.value'],
		},
		{ placeholder: 'e.g. 6571f0a2b3c4d5e6f' },
	);
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

function fieldTypeOf(definition: unknown): FieldType | undefined {
	const type = definition && typeof definition === 'object' ? (definition as IDataObject).type : undefined;
	if (type === 'attachmentMultiple') return 'attachmentMultiple';
	if (type === 'file' || type === 'image') return 'file';
	return undefined;
}

/**
 * From typeVersion 3 the node does not ask the Field Type: EspoCRM's metadata says it (see
 * fieldDefinition: read once per run, the upload limit reads the same answer). A field given as its
 * attribute ("attachmentsIds", "fileId") is found under its own name.
 */
async function fieldFromMetadata(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, entityType: string, field: string): Promise<{ field: string; fieldType: FieldType }> {
	const candidates = [...new Set([field, field.replace(/Ids$/, ''), field.replace(/Id$/, '')])].filter(Boolean);
	for (const candidate of candidates) {
		const definition = await fieldDefinition(ctx, run, itemIndex, entityType, candidate, 'for its type');
		const fieldType = fieldTypeOf(definition);
		if (fieldType) return { field: candidate, fieldType };
	}
	throw new NodeOperationError(ctx.getNode(), `${entityType} has no File, Image or Attachment-Multiple field "${field}" (item ${itemIndex + 1})`, {
		itemIndex,
		description: 'Pick the field from the list in "Field", or check its name in EspoCRM (Administration > Entity Manager > Fields). Nothing was changed.',
	});
}

export async function readLocation(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, recordIdRequired: boolean): Promise<AttachmentLocation> {
	const entityType = nonEmpty(ctx, itemIndex, locatorValue(ctx, 'entityType', itemIndex), 'Entity Type', 'an entity type, for example Document or Case');
	let field = nonEmpty(ctx, itemIndex, locatorValue(ctx, 'field', itemIndex), 'Field', 'a file field, for example attachments or file');
	// Field Type is asked up to typeVersion 2 and honoured wherever a workflow gives it; else the metadata says it.
	const given = ctx.getNodeParameter('fieldType', itemIndex, '') as FieldType | '';
	let fieldType: FieldType;
	if (given) {
		fieldType = given;
		// Users who read the API page sometimes give the attribute ("attachmentsIds") instead of the field.
		if (fieldType === 'attachmentMultiple' && field.endsWith('Ids') && field.length > 3) field = field.slice(0, -3);
		if (fieldType === 'file' && field.endsWith('Id') && field.length > 2) field = field.slice(0, -2);
	} else {
		({ field, fieldType } = await fieldFromMetadata(ctx, run, itemIndex, entityType, field));
	}
	const recordId = locatorValue(ctx, 'recordId', itemIndex);
	if (recordIdRequired) nonEmpty(ctx, itemIndex, recordId, 'Record ID', 'the ID of the record');
	return { entityType, field, fieldType, recordId };
}

export function describeRecord(location: AttachmentLocation): string {
	return `${location.entityType} record "${location.recordId}"`;
}

export async function readRecord(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, location: AttachmentLocation): Promise<IDataObject> {
	const response = await espoRequest(ctx, run, {
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
	run: RunContext,
	itemIndex: number,
	location: AttachmentLocation,
	attributes: IDataObject,
	subject: string,
): Promise<IDataObject> {
	const response = await espoRequest(ctx, run, {
		method: 'PUT',
		path: apiPath(location.entityType, location.recordId),
		body: attributes,
		subject,
		itemIndex,
	});
	return responseObject(response);
}
