import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { createRunContext } from '../shared/runContext';
import { concurrencyFromOptions, runForEachItem } from '../shared/runItems';
import * as upload from './upload.operation';

export class PresignedPostUpload implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'S3 Presigned POST Upload',
		name: 'presignedPostUpload',
		icon: { light: 'file:presignedPostUpload.svg', dark: 'file:presignedPostUpload.dark.svg' },
		group: ['output'],
		// 2: Concurrency is automatic unless set; workflows saved with 1 keep one item at a time.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{"Upload to " + ($parameter["url"] ? $parameter["url"].split("/")[2] : "a presigned form")}}',
		description:
			'Upload a file to an S3 presigned POST form handed out by any API (streamed, with a known length)',
		defaults: {
			name: 'S3 Presigned POST Upload',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [...upload.description],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const run = createRunContext();
		return await runForEachItem(this, async (itemIndex) => await upload.execute.call(this, itemIndex, run), {
			concurrency: concurrencyFromOptions(this),
			gate: run.gate,
		});
	}
}
