import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { espoRequest, responseObject } from '../transport';

const FILE_FIELD_TYPES = ['file', 'image'];
const MULTIPLE_FIELD_TYPES = ['attachmentMultiple'];

/**
 * Entity definitions from `GET Metadata?key=entityDefs` (EspoCRM 8.2+); older servers ignore `key`
 * and return all metadata, whose `entityDefs` we take. A role that may not read metadata gets an
 * error here, and the user can still type names ("Name" mode).
 */
async function entityDefs(ctx: ILoadOptionsFunctions): Promise<Record<string, IDataObject>> {
	const response = await espoRequest(ctx, {
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

function wantedFieldTypes(fieldType: unknown): string[] {
	if (fieldType === 'file') return FILE_FIELD_TYPES;
	if (fieldType === 'attachmentMultiple') return MULTIPLE_FIELD_TYPES;
	return [...FILE_FIELD_TYPES, ...MULTIPLE_FIELD_TYPES];
}

function matches(filter: string | undefined, ...values: string[]): boolean {
	if (!filter) return true;
	const wanted = filter.toLowerCase();
	return values.some((value) => value.toLowerCase().includes(wanted));
}

function currentValue(ctx: ILoadOptionsFunctions, name: string): unknown {
	const raw = ctx.getCurrentNodeParameter(name, { extractValue: true }) as unknown;
	return raw && typeof raw === 'object' ? (raw as IDataObject).value : raw;
}

/** Entity types that have at least one field of the chosen kind. */
export async function searchEntityTypes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const defs = await entityDefs(this);
	const types = wantedFieldTypes(currentValue(this, 'fieldType'));
	const results: INodeListSearchItems[] = Object.entries(defs)
		.filter(([name, definition]) =>
			matches(filter, name) &&
			Object.values(fieldsOf(definition)).some((field) => types.includes(String(field?.type))),
		)
		.map(([name]) => ({ name, value: name }))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}

/** The chosen entity type's fields of the chosen kind. */
export async function searchFields(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const entityType = String(currentValue(this, 'entityType') ?? '').trim();
	if (!entityType) return { results: [] };
	const defs = await entityDefs(this);
	const types = wantedFieldTypes(currentValue(this, 'fieldType'));
	const results: INodeListSearchItems[] = Object.entries(fieldsOf(defs[entityType]))
		.filter(([name, field]) => types.includes(String(field?.type)) && matches(filter, name))
		.map(([name, field]) => ({ name: `${name} (${String(field.type)})`, value: name }))
		.sort((a, b) => a.name.localeCompare(b.name));
	return { results };
}
