import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { concurrencyFromOptions, runForEachItem } from '../shared/runItems';
import * as email from './actions/email';
import * as file from './actions/file';
import * as note from './actions/note';

type Operation = { execute: (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]> };

const operations: Record<string, Record<string, Operation>> = {
	file: { upload: file.upload },
	note: { create: note.create },
	email: { create: email.create },
};

export class CloseCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Close CRM',
		name: 'closeCrm',
		icon: { light: 'file:closeCrm.svg', dark: 'file:closeCrm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Upload files to Close and attach them to notes and emails on leads',
		defaults: {
			name: 'Close',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'closeCrmApi',
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
					{ name: 'Email', value: 'email' },
					{ name: 'File', value: 'file' },
					{ name: 'Note', value: 'note' },
				],
				default: 'file',
			},
			...email.description,
			...file.description,
			...note.description,
		],
	};

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
