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
import * as attachment from './actions/attachment';
import * as document from './actions/document';
import { listSearch } from './methods';

const operations: OperationTable = {
	attachment: {
		upload: attachment.upload,
		getMany: attachment.getMany,
		download: attachment.download,
		delete: attachment.delete,
	},
	document: {
		create: document.create,
		get: document.get,
		getMany: document.getMany,
		download: document.download,
	},
};

export class EspoCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'EspoCRM',
		name: 'espoCrm',
		icon: { light: 'file:espoCrm.svg', dark: 'file:espoCrm.dark.svg' },
		group: ['output'],
		// 2: Concurrency is automatic unless set; workflows saved with 1 keep one item at a time.
		// 3: record, field and attachment pickers (resource locators); Field Type comes from EspoCRM.
		version: NODE_VERSIONS,
		defaultVersion: LOCATOR_VERSION,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Upload, list, download and delete attachments of EspoCRM records',
		defaults: {
			name: 'EspoCRM',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'espoCrmApi',
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
					{
						name: 'Attachment',
						value: 'attachment',
					},
					{
						name: 'Document',
						value: 'document',
					},
				],
				default: 'attachment',
			},
			...attachment.description,
			...document.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperations(this, operations);
	}
}
