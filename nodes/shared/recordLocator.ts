import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeProperties, INodePropertyMode } from 'n8n-workflow';

/**
 * The typeVersion from which record and attachment ids are resource locators ("From List", "By ID",
 * "By URL"). Workflows saved at 1 or 2 hold plain strings and keep the plain text fields they were
 * made with; every operation reads ids with `extractValue: true`, which returns a plain string as it
 * is and a locator's id (for "By URL", the regex's group) otherwise.
 */
export const LOCATOR_VERSION = 3;

/** The versions every node offers: 2 made Concurrency automatic, 3 made ids resource locators. */
export const NODE_VERSIONS = [1, 2, LOCATOR_VERSION];

const BEFORE_LOCATORS = { show: { '@version': [{ _cnd: { lt: LOCATOR_VERSION } }] } };
const WITH_LOCATORS = { show: { '@version': [{ _cnd: { gte: LOCATOR_VERSION } }] } };

export interface RecordUrl {
	/** An example URL for the placeholder. */
	placeholder: string;
	/** A regex whose one group is the id (n8n's extractValue takes exactly one group). */
	regex: string;
	/** What the URL is, for the error when a URL does not match. */
	what: string;
}

export interface RecordLocator {
	/** The parameter name of design.md (`contactId`, `recordId`, ...), the same in every version. */
	name: string;
	displayName: string;
	description: string;
	required?: boolean;
	/** The node's `methods.listSearch` method that lists the records. */
	searchListMethod: string;
	/** An example id, for the "By ID" placeholder. */
	idExample: string;
	/** "By URL", where the CRM has a page per record. */
	url?: RecordUrl;
	/** Parameters the list depends on: n8n's editor empties a picked value when one of them changes. */
	dependsOn?: string[];
	/** A hint shown under the parameter. */
	hint?: string;
}

function modesOf(locator: RecordLocator): INodePropertyMode[] {
	const modes: INodePropertyMode[] = [
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- a locator mode, not a parameter
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: `Select ${/^[aeiou]/i.test(locator.displayName) ? 'an' : 'a'} ${locator.displayName.replace(/ ID$/, '').toLowerCase()}...`,
			typeOptions: { searchListMethod: locator.searchListMethod, searchable: true },
		},
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- a locator mode, not a parameter
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: `e.g. ${locator.idExample}`,
		},
	];
	if (locator.url) {
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- a locator mode, not a parameter
		modes.push({
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: `e.g. ${locator.url.placeholder}`,
			validation: [
				// n8n anchors a validation regex (^...$), not the extracting one.
				{ type: 'regex', properties: { regex: `.*${locator.url.regex}.*`, errorMessage: `Not ${locator.url.what}` } },
			],
			extractValue: { type: 'regex', regex: locator.url.regex },
		});
	}
	return modes;
}

/**
 * One id parameter in both shapes: the plain string field saved workflows (typeVersion 1 and 2) hold,
 * and from typeVersion 3 a resource locator. Both carry the same name, so execute reads either.
 */
export function recordLocatorProperties(locator: RecordLocator, legacy: Partial<INodeProperties> = {}): INodeProperties[] {
	const common = {
		displayName: locator.displayName,
		name: locator.name,
		required: locator.required ?? true,
		description: locator.description,
		...(locator.hint ? { hint: locator.hint } : {}),
	};
	return [
		{
			...common,
			type: 'string',
			default: '',
			placeholder: `e.g. ${locator.idExample}`,
			...legacy,
			displayOptions: BEFORE_LOCATORS,
		},
		{
			...common,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: modesOf(locator),
			...(locator.dependsOn ? { typeOptions: { loadOptionsDependsOn: locator.dependsOn } } : {}),
			displayOptions: WITH_LOCATORS,
		},
	];
}

/** Case-insensitive "contains", for lists whose API has no search of its own. */
export function matchesFilter(filter: string | undefined, ...values: unknown[]): boolean {
	if (!filter) return true;
	const wanted = filter.toLowerCase();
	return values.some((value) => typeof value === 'string' && value.toLowerCase().includes(wanted));
}

/** A list entry: the name users know, the id as value, the record's page where the CRM has one. */
export function listItem(name: unknown, id: string, url?: string): INodeListSearchItems {
	const label = typeof name === 'string' && name.trim() !== '' ? name.trim() : id;
	return { name: label, value: id, ...(url ? { url } : {}) };
}

/**
 * The value of a parameter a list depends on (the lead of a contact list, the entity type of a field
 * list), as text: a locator's id with `extractValue` (for locators), the plain value otherwise (options
 * such as a module, which extractValue cannot resolve); '' where the parameter is not shown.
 */
export function currentParameterText(ctx: ILoadOptionsFunctions, name: string, extractValue = true): string {
	let raw: unknown;
	try {
		raw = ctx.getCurrentNodeParameter(name, extractValue ? { extractValue: true } : {});
	} catch {
		// Not shown for this operation (n8n's extractValue finds no such parameter): nothing to narrow by.
		return '';
	}
	const value = raw && typeof raw === 'object' ? (raw as IDataObject).value : raw;
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}
