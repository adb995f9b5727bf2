import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection } from '../../../shared/descriptions';
import { requiredText } from '../../../shared/validation';
import { closeApiRequest } from '../../transport';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['file'], operation: ['getMany'] } };

/** Close's default and documented page size for activity lists (`_limit`, default 100). */
const PAGE_SIZE = 100;

/** The activities that carry files, as Close's API names them (GET /activity/note/, /activity/email/). */
const ACTIVITY_TYPES = ['note', 'email'] as const;
type ActivityType = (typeof ACTIVITY_TYPES)[number];

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	optionsCollection([
		{
			displayName: 'From',
			name: 'activityTypes',
			type: 'multiOptions',
			default: ['note', 'email'],
			description: 'Which activities to take files from',
			options: [
				{ name: 'Notes', value: 'note' },
				{ name: 'Emails', value: 'email' },
			],
		},
	]),
]);

/** Every activity of one type on the lead, page by page (`_skip`/`_limit` until `has_more` is false). */
async function listActivities(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, type: ActivityType, leadId: string): Promise<IDataObject[]> {
	const activities: IDataObject[] = [];
	for (let skip = 0; ; skip += PAGE_SIZE) {
		const page = await closeApiRequest(ctx, run, itemIndex, {
			method: 'GET',
			path: `/activity/${type}/`,
			qs: {
				lead_id: leadId,
				_skip: skip,
				_limit: PAGE_SIZE,
				// Only what the file list needs ("Specifying Fields"): email bodies can be large.
				_fields: type === 'email' ? 'id,lead_id,date_created,subject,attachments' : 'id,lead_id,date_created,attachments',
			},
			subject: `the ${type}s of lead "${leadId}"`,
			idempotent: true,
		});
		const data = Array.isArray(page.data) ? (page.data as IDataObject[]) : [];
		activities.push(...data);
		if (page.has_more !== true || data.length === 0) return activities;
	}
}

/**
 * The files on a lead's notes and emails, one output item each, with the names, sizes and types
 * Close shows and the `url` the Download operation takes.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const leadId = requiredText(this, itemIndex, 'leadId', 'Lead ID', 'the ID of a Close lead (it starts with "lead_")');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const types = (Array.isArray(options.activityTypes) ? options.activityTypes : ACTIVITY_TYPES) as ActivityType[];
	const output: INodeExecutionData[] = [];
	for (const type of ACTIVITY_TYPES.filter((candidate) => types.includes(candidate))) {
		for (const activity of await listActivities(this, run, itemIndex, type, leadId)) {
			const attachments = Array.isArray(activity.attachments) ? (activity.attachments as IDataObject[]) : [];
			for (const attachment of attachments) {
				if (!attachment || typeof attachment.url !== 'string') continue;
				output.push({
					json: {
						filename: attachment.filename ?? null,
						url: attachment.url,
						size: typeof attachment.size === 'number' ? attachment.size : null,
						content_type: attachment.content_type ?? null,
						thumbnail_url: attachment.thumbnail_url ?? null,
						activityType: type,
						activityId: activity.id ?? null,
						leadId: activity.lead_id ?? leadId,
						dateCreated: activity.date_created ?? null,
						...(type === 'email' ? { emailSubject: activity.subject ?? null } : {}),
					},
					pairedItem: { item: itemIndex },
				});
			}
		}
	}
	return output;
}
