import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { OperationTable } from '../shared/router';
import { executeOperations } from '../shared/router';
import * as email from './actions/email';
import * as file from './actions/file';
import * as note from './actions/note';

const operations: OperationTable = {
	file: { upload: file.upload, getMany: file.getMany, download: file.download },
	note: { create: note.create },
	email: { create: email.create },
};

export class CloseCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Close',
		name: 'closeCrm',
		icon: { light: 'file:closeCrm.svg', dark: 'file:closeCrm.dark.svg' },
		group: ['output'],
		// 2: Concurrency is automatic unless set; workflows saved with 1 keep one item at a time.
		version: [1, 2],
		defaultVersion: 2,
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
		return await executeOperations(this, operations);
	}
}
