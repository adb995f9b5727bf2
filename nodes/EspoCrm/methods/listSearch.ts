import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { currentParameterText, listItem, matchesFilter } from '../../shared/recordLocator';
import { apiPath, espoRequest, normalizeSiteUrl, responseObject } from '../transport';
import type { TransferRun } from '../../transfer';
import { createTransferRun } from '../../transfer';

const FILE_FIELD_TYPES = ['file', 'image'];
const MULTIPLE_FIELD_TYPES = ['attachmentMultiple'];

/** What each field type holds, for the field list (the value stays the field's API name). */
const FIELD_KINDS: Record<string, string> = {
	attachmentMultiple: 'several files',
	file: 'one file',
	image: 'one image',
};

/** Records per page of the record list (SearchParamsFetcher: maxSize up to recordListMaxSizeLimit, default 200). */
const RECORDS_PER_PAGE = 50;

/**
 * Entity definitions from `GET Metadata?key=entityDefs` (EspoCRM 8.2+); older servers ignore `key`
 * and return all metadata, whose `entityDefs` we take. A role that may not read metadata gets an
 * error here, and the user can still type names ("Name" mode).
 */
async function entityDefs(ctx: ILoadOptionsFunctions, run: TransferRun): Promise<Record<string, IDataObject>> {
	const response = await espoRequest(ctx, run, {
		method: 'GET',
		path: 'Metadata',
		qs: { key: 'entityDefs' },
		subject: 'the metadata request (for the list of entity types and fields; switch to "Name" to type them instead)',
		itemIndex: 0,
	});
	const metadata = responseObject(response);
	const defs = metadata.entityDefs && typeof metadata.entityDefs === 'object' ? metadata.entityDefs : metadata;
	return defs as Record<string, IDataObject>;
}

function fieldsOf(definition: IDataObject | undefined): Record<string, IDataObject> {
	const fields = definition?.fields;
	return fields && typeof fields === 'object' ? (fields as Record<string, IDataObject>) : {};
}

/** typeVersion 1 and 2 ask for the Field Type; from 3 the field list offers every kind, labelled. */
function wantedFieldTypes(fieldType: unknown): string[] {
	if (fieldType === 'file') return FILE_FIELD_TYPES;
	if (fieldType === 'attachmentMultiple') return MULTIPLE_FIELD_TYPES;
	return [...FILE_FIELD_TYPES, ...MULTIPLE_FIELD_TYPES];
}

/** "contractFile" -> "Contract File": how EspoCRM shows a field that has no label in the language data. */
function labelFromName(name: string): string {
	const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The field labels users see in EspoCRM, from the language data (GET I18n, Controllers/I18n): the
 * entity type's `fields`, else Global's. Without it (a proxy refusing it) the name stands in.
 */
async function fieldLabels(ctx: ILoadOptionsFunctions, run: TransferRun, entityType: string): Promise<(name: string) => string> {
	let data: IDataObject = {};
	try {
		data = responseObject(await espoRequest(ctx, run, { method: 'GET', path: 'I18n', subject: 'the field labels', itemIndex: 0 }));
	} catch {
		// The labels are a convenience: the list still works with the names.
	}
	const labelsOf = (scope: string) => ((data[scope] as IDataObject | undefined)?.fields ?? {}) as IDataObject;
	const own = labelsOf(entityType);
	const global = labelsOf('Global');
	return (name) => {
		const label = own[name] ?? global[name];
		return typeof label === 'string' && label.trim() !== '' ? label : labelFromName(name);
	};
}

/** Entity types that have at least one field of the chosen kind. */
export async function searchEntityTypes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const defs = await entityDefs(this, run);
	const types = wantedFieldTypes(currentParameterText(this, 'fieldType', false));
	const results: INodeListSearchItems[] = Object.entries(defs)
		.filter(([name, definition]) =>
			matchesFilter(filter, name) &&
			Object.values(fieldsOf(definition)).some((field) => types.includes(String(field?.type))),
		)
		.map(([name]) => ({ name, value: name }))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/**
 * The chosen entity type's file fields: the label EspoCRM shows and what the field holds as the
 * name, the API name as the value. Filtered by Field Type where the node still asks it (typeVersion 1 and 2).
 */
export async function searchFields(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const entityType = currentParameterText(this, 'entityType');
	if (!entityType) return { results: [] };
	const defs = await entityDefs(this, run);
	const labelOf = await fieldLabels(this, run, entityType);
	const types = wantedFieldTypes(currentParameterText(this, 'fieldType', false));
	const results: INodeListSearchItems[] = Object.entries(fieldsOf(defs[entityType]))
		.filter(([name, field]) => types.includes(String(field?.type)) && matchesFilter(filter, name, labelOf(name)))
		.map(([name, field]) => ({
			name: `${labelOf(name)} (${FIELD_KINDS[String(field.type)]})`,
			value: name,
			description: `API name "${name}", type ${String(field.type)}`,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** A record's page in EspoCRM's web app: client/src/router.js routes "#:controller/view/:id". */
async function recordPageUrl(ctx: ILoadOptionsFunctions, entityType: string, id: string): Promise<string> {
	const credentials = await ctx.getCredentials('espoCrmApi');
	return `${normalizeSiteUrl(String(credentials.baseUrl ?? ''))}/#${entityType}/view/${encodeURIComponent(id)}`;
}

/**
 * An entity type's records, newest first: GET {Entity} with `textFilter` (EspoCRM's search
 * box: the entity's text filter fields, `name` by default), `maxSize` and `offset`
 * (Core/Record/SearchParamsFetcher); the token is the next offset while `total` says more remain.
 */
async function recordsOf(ctx: ILoadOptionsFunctions, run: TransferRun, entityType: string, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken ?? 0) || 0;
	const response = await espoRequest(ctx, run, {
		method: 'GET',
		path: apiPath(entityType),
		qs: { maxSize: RECORDS_PER_PAGE, offset, select: 'id,name', ...(filter ? { textFilter: filter } : {}) },
		subject: `the list of ${entityType} records`,
		itemIndex: 0,
	});
	const answer = responseObject(response);
	const list = Array.isArray(answer.list) ? (answer.list as IDataObject[]) : [];
	const results: INodeListSearchItems[] = [];
	for (const record of list) {
		const id = String(record.id ?? '');
		if (id) results.push(listItem(record.name, id, await recordPageUrl(ctx, entityType, id)));
	}
	const next = offset + list.length;
	const total = Number(answer.total);
	return { results, paginationToken: list.length > 0 && Number.isFinite(total) && next < total ? String(next) : undefined };
}

/** Records of the chosen entity type (see recordsOf). */
export async function searchRecords(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const entityType = currentParameterText(this, 'entityType');
	if (!entityType) return { results: [] };
	return await recordsOf(this, run, entityType, filter, paginationToken);
}

/** Document records, for the Document operations (see recordsOf). */
export async function searchDocuments(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	return await recordsOf(this, run, 'Document', filter, paginationToken);
}

/**
 * The attachments the chosen record's field holds, with their names: the record gives
 * `{field}Ids`/`{field}Names` (Attachment-Multiple) or `{field}Id`/`{field}Name` (File, Image).
 */
export async function searchAttachments(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const run = createTransferRun();
	const entityType = currentParameterText(this, 'entityType');
	const field = currentParameterText(this, 'field');
	const recordId = currentParameterText(this, 'recordId');
	if (!entityType || !field || !recordId) return { results: [] };
	const response = await espoRequest(this, run, {
		method: 'GET',
		path: apiPath(entityType, recordId),
		subject: `the read of ${entityType} record "${recordId}" (for its attachments)`,
		itemIndex: 0,
	});
	const record = responseObject(response);
	const names = (record[`${field}Names`] ?? {}) as IDataObject;
	const entries: Array<[string, unknown]> = Array.isArray(record[`${field}Ids`])
		? (record[`${field}Ids`] as unknown[]).map((id) => [String(id), names[String(id)]])
		: typeof record[`${field}Id`] === 'string' && record[`${field}Id`] !== ''
			? [[record[`${field}Id`] as string, record[`${field}Name`]]]
			: [];
	return {
		results: entries.filter(([id, name]) => matchesFilter(filter, name, id)).map(([id, name]) => listItem(name, id)),
	};
}
