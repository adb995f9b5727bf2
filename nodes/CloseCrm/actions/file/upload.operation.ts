import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fileUploadProperties } from '../../../shared/descriptions';
import { readUploadInput } from '../../../shared/uploadOperation';
import { uploadFilesToClose } from '../../files';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['file'], operation: ['upload'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{
		displayName:
			'This uploads the file to Close\'s storage without attaching it to anything: the output is its URL, valid for 24 hours, for an activity a later step creates. To attach files to a lead, use Note → Create or Email → Create.',
		name: 'standaloneUploadNotice',
		type: 'notice',
		default: '',
	},
	...fileUploadProperties,
]);

/**
 * Uploads the item's file(s) to Close's storage and outputs each as the attachment object Close's
 * activities take (`{url, filename, size, content_type}`), for use within 24 hours.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const { files } = await readUploadInput(this, itemIndex);
	const stored = await uploadFilesToClose(this, run, itemIndex, files);
	return stored.map(({ attachment }) => ({ json: { ...attachment }, pairedItem: { item: itemIndex } }));
}
