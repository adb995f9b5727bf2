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
import { listSearch } from './methods';

const operations: OperationTable = {
	attachment: attachment.operations,
};

export class OnePageCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OnePageCRM',
		name: 'onePageCrm',
		icon: { light: 'file:onePageCrm.svg', dark: 'file:onePageCrm.dark.svg' },
		group: ['output'],
		// 2: Concurrency is automatic unless set; workflows saved with 1 keep one item at a time.
		// 3: contact, record and attachment pickers (resource locators).
		version: NODE_VERSIONS,
		defaultVersion: LOCATOR_VERSION,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Upload, link, list, download and manage attachments in OnePageCRM',
		defaults: {
			name: 'OnePageCRM',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'onePageCrmApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Attachment', value: 'attachment' }],
				default: 'attachment',
			},
			...attachment.description,
		],
	};

	methods = { listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperations(this, operations);
	}
}
