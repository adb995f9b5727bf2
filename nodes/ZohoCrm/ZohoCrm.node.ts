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
import * as listSearch from './methods/listSearch';
import { getAttachmentModules } from './methods/loadOptions';

const operations: OperationTable = {
	attachment: {
		upload: attachment.upload,
		attachLink: attachment.attachLink,
		getMany: attachment.getMany,
		download: attachment.download,
		delete: attachment.delete,
	},
};

export class ZohoCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho CRM',
		name: 'zohoCrm',
		icon: { light: 'file:zohoCrm.svg', dark: 'file:zohoCrm.dark.svg' },
		group: ['output'],
		// 2: Concurrency is automatic unless set; workflows saved with 1 keep one item at a time.
		// 3: record and attachment pickers (resource locators).
		version: NODE_VERSIONS,
		defaultVersion: LOCATOR_VERSION,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Upload, link, list, download and delete attachments of Zoho CRM records, in every Zoho data center (n8n\'s built-in Zoho CRM node handles the records themselves)',
		defaults: {
			name: 'Zoho CRM',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'zohoCrmOAuth2Api', required: true }],
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

	methods = {
		loadOptions: { getAttachmentModules },
		listSearch,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperations(this, operations);
	}
}
