import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { OperationTable } from '../shared/router';
import { LOCATOR_VERSION, NODE_VERSIONS } from '../shared/recordLocator';
import { executeOperations } from '../shared/router';
import * as email from './actions/email';
import * as file from './actions/file';
import { leadDescription } from './actions/leadParameters';
import * as note from './actions/note';
import { listSearch } from './methods';

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
		// 3: lead and contact pickers (resource locators).
		version: NODE_VERSIONS,
		defaultVersion: LOCATOR_VERSION,
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
			email.operation,
			file.operation,
			note.operation,
			...leadDescription,
			...email.description,
			...file.description,
			...note.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperations(this, operations);
	}
}
