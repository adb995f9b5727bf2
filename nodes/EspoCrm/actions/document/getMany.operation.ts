import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { bodyJson } from '../../../transfer';
import { espoRequest } from '../../transport';
import { DOCUMENT, documentItem } from './common';
import { returnAllAndLimitProperties } from '../../../shared/descriptions';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['document'], operation: ['getMany'] } };

/** Core/Record/SearchParamsFetcher: `recordListMaxSizeLimit` defaults to 200 records per request. */
const PAGE_SIZE = 200;

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	...returnAllAndLimitProperties(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Folder ID',
				name: 'folderId',
				type: 'string',
				default: '',
				placeholder: 'e.g. 6571f0a2b3c4d5e6f',
				description: 'Only Documents directly in this folder (not in its subfolders)',
			},
		],
	},
]);

/** GET Document with maxSize/offset paging (RecordBase::getActionList answers `{total, list}`). */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Math.max(1, Math.floor(Number(this.getNodeParameter('limit', itemIndex, 50))));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const folderId = String(filters.folderId ?? '').trim();
	// Flat keys, as PHP reads them back into where[0][type]..., whatever the client's query serialiser.
	const where: IDataObject = folderId
		? { 'where[0][type]': 'equals', 'where[0][attribute]': 'folderId', 'where[0][value]': folderId }
		: {};

	const documents: IDataObject[] = [];
	for (let offset = 0; documents.length < limit; ) {
		const maxSize = Math.min(PAGE_SIZE, limit - documents.length);
		const response = await espoRequest(this, run, {
			method: 'GET',
			path: DOCUMENT,
			qs: { maxSize, offset, ...where },
			subject: 'the list of Documents',
			itemIndex,
		});
		const json = bodyJson(response.body);
		const list = json && !Array.isArray(json) && Array.isArray(json.list) ? (json.list as IDataObject[]) : [];
		documents.push(...list);
		offset += list.length;
		const total = json && !Array.isArray(json) && typeof json.total === 'number' ? json.total : undefined;
		// A negative total means EspoCRM skipped counting (-1: more follow, -2: unknown): rely on the page then.
		if (list.length < maxSize || (total !== undefined && total >= 0 && offset >= total)) break;
	}
	return documents.map((document) => documentItem(itemIndex, document));
}
