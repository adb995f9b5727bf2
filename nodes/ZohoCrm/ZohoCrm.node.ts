import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { concurrencyFromOptions, runForEachItem } from '../shared/runItems';
import * as attachment from './actions/attachment';
import { getAttachmentModules } from './methods/loadOptions';

type AttachmentOperation = 'upload' | 'attachLink' | 'getMany' | 'download' | 'delete';

export class ZohoCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho CRM Attachments',
		name: 'zohoCrm',
		icon: { light: 'file:zohoCrm.svg', dark: 'file:zohoCrm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Upload, link, list, download and delete attachments of Zoho CRM records, in every Zoho data center (n8n\'s built-in Zoho CRM node handles the records themselves)',
		defaults: {
			name: 'Zoho CRM Attachments',
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
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(this, async (itemIndex) => {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as AttachmentOperation;
			if (resource !== 'attachment' || !(operation in attachment) || typeof attachment[operation]?.execute !== 'function') {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" on "${resource}" is not supported`, {
					itemIndex,
				});
			}
			return await attachment[operation].execute.call(this, itemIndex);
		}, { concurrency: concurrencyFromOptions(this) });
	}
}
