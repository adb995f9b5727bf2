import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { OperationTable } from '../shared/router';
import { executeOperations } from '../shared/router';
import * as documentType from './actions/documentType';
import * as personFile from './actions/personFile';
import { loadOptions } from './methods';

const operations: OperationTable = {
	personFile: { upload: personFile.upload },
	documentType: { getMany: documentType.getMany },
};

export class Traffio implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Traffio',
		name: 'traffio',
		icon: { light: 'file:traffio.svg', dark: 'file:traffio.dark.svg' },
		group: ['output'],
		// 2: Concurrency is automatic unless set; workflows saved with 1 keep one item at a time.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Upload files to people in Traffio through its third-party API',
		defaults: {
			name: 'Traffio',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'traffioApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Document Type', value: 'documentType' },
					{ name: 'Person File', value: 'personFile' },
				],
				default: 'personFile',
			},
			...documentType.description,
			...personFile.description,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperations(this, operations);
	}
}
