import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { concurrencyFromOptions, runForEachItem } from '../shared/runItems';
import * as documentType from './actions/documentType';
import * as personFile from './actions/personFile';
import { loadOptions } from './methods';

type Operation = { execute: (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]> };

const operations: Record<string, Record<string, Operation>> = {
	personFile: { upload: personFile.upload },
	documentType: { getMany: documentType.getMany },
};

export class Traffio implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Traffio',
		name: 'traffio',
		icon: { light: 'file:traffio.svg', dark: 'file:traffio.dark.svg' },
		group: ['output'],
		version: 1,
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
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const selected = operations[resource]?.[operation];
		if (!selected) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" on "${resource}" is not supported`, {
				description: 'Pick a resource and operation from the lists in the node.',
			});
		}
		return await runForEachItem(this, async (itemIndex) => await selected.execute.call(this, itemIndex), {
			concurrency: concurrencyFromOptions(this),
		});
	}
}
