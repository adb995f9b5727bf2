import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readUploadInput } from '../shared/uploadOperation';
import type { CloseAttachment } from './files';
import { filesSummary, registerWithClose, uploadFilesToClose } from './files';
import { assertLeadBeforeUpload } from './leads';
import type { RunContext } from '../shared/runContext';

/** The lead an activity goes on, and what the item creates ("the note on lead …") for errors. */
export interface ActivityTarget {
	leadId: string;
	/** For an email: the lead's contact it is addressed to, checked before any file is sent. */
	contactId?: string;
	activity: string;
}

/**
 * What Note → Create and Email → Create share: the lead (and contact) checked, the item's files
 * uploaded to Close's storage, then one activity created with all of them attached; one output item.
 */
export async function createActivityWithFiles(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	target: ActivityTarget,
	create: (attachments: CloseAttachment[], options: IDataObject) => Promise<IDataObject>,
): Promise<INodeExecutionData[]> {
	const { files, options } = await readUploadInput(ctx, itemIndex);
	await assertLeadBeforeUpload(ctx, run, itemIndex, target.leadId, target.activity, target.contactId);
	const stored = await uploadFilesToClose(ctx, run, itemIndex, files);
	const created = await registerWithClose(ctx, itemIndex, stored, target.activity, async (attachments) => await create(attachments, options));
	return [{ json: { ...created, ...filesSummary(files) }, pairedItem: { item: itemIndex } }];
}
