import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { zohoJson, zohoRequest } from '../../transport';
import { getRecordRef } from './fields';
import { requiredText, webAddressOf } from '../../../shared/validation';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['attachment'], operation: ['attachLink'] } };

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/contract.pdf',
		description: 'The address to attach to the record as a link (the file itself stays where it is)',
	},
	optionsCollection([
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			placeholder: 'e.g. Signed contract',
			description: 'The name the link gets in the record\'s attachments. Without it, Zoho uses the page\'s title.',
		},
		timeoutOption,
	]),
]);

function assertHttpUrl(ctx: IExecuteFunctions, itemIndex: number, url: string): void {
	if (!webAddressOf(url)) {
		throw new NodeOperationError(ctx.getNode(), `"URL" of item ${itemIndex + 1} is not a web address`, {
			itemIndex,
			description: `Give a full http(s) address such as https://example.com/file.pdf; got ${JSON.stringify(url.slice(0, 100))}.`,
		});
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const record = getRecordRef(this, itemIndex);
	const url = requiredText(this, itemIndex, 'url', 'URL', { description: 'Give the web address to attach, e.g. https://example.com/file.pdf.' });
	assertHttpUrl(this, itemIndex, url);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const title = String(options.title ?? '').trim();

	// SDK uploadUrlAttachments (attachments_operations.js) sends attachmentUrl and title as query
	// parameters, with no body; the v8 upload page lists title under "Parameters" (query) too.
	const qs: IDataObject = { attachmentUrl: url };
	if (title) qs.title = title;
	const response = await zohoRequest(this, run, {
		method: 'POST',
		segments: [record.module, record.recordId, 'Attachments'],
		qs,
		idempotent: false,
		itemIndex,
		subject: `the link attachment to ${record.module} record ${record.recordId}`,
	});
	const answer = (zohoJson(response).data as IDataObject[] | undefined)?.[0] ?? {};
	const details = (answer.details ?? {}) as IDataObject;
	return [
		{
			json: {
				id: details.id ?? null,
				code: answer.code ?? null,
				message: answer.message ?? null,
				status: answer.status ?? null,
				details,
				module: record.module,
				recordId: record.recordId,
				url,
				title: title || null,
			},
			pairedItem: { item: itemIndex },
		},
	];
}
