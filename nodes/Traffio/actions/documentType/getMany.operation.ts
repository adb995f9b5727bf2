import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { documentTypeList } from '../../documentTypes';
import { traffioApiRequest } from '../../transport';
import { returnAllAndLimitProperties } from '../../../shared/descriptions';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['documentType'], operation: ['getMany'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	...returnAllAndLimitProperties(true),
]);

/** Lists the document types a file can be registered as (6 is "person file"). */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const answer = await traffioApiRequest(this, run, itemIndex, {
		method: 'GET',
		path: '/v1_document_type/document_type',
		subject: 'the document type list',
	});
	let types = documentTypeList(answer);
	if (!this.getNodeParameter('returnAll', itemIndex, true)) {
		types = types.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number);
	}
	return types.map((type) => ({ json: type, pairedItem: { item: itemIndex } }));
}
