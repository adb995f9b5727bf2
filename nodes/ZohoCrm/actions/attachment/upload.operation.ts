import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { binaryPropertyNameProperty, concurrencyOption, fileNameOption } from '../../../shared/descriptions';
import { assertWithinLimits, bodyText, buildMultipartBody, getInputFiles, timeoutOption } from '../../../transfer';
import { MAX_ATTACHMENT_BYTES, REFUSED_EXTENSIONS, SERVICE_NAME, zohoJson, zohoRequest } from '../../transport';
import { getRecordRef, recordFields } from './fields';

const displayOptions = { show: { resource: ['attachment'], operation: ['upload'] } };

export const description: INodeProperties[] = [
	...recordFields('upload'),
	{ ...binaryPropertyNameProperty, displayOptions },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions,
		options: [concurrencyOption, fileNameOption, timeoutOption],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const record = getRecordRef(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const files = await getInputFiles(this, itemIndex, {
		binaryPropertyName: this.getNodeParameter('binaryPropertyName', itemIndex) as string,
		fileName: (options.fileName as string) || undefined,
	});
	// Every file is checked before the first is sent: a refused file costs no request and no partial upload.
	for (const file of files) {
		assertWithinLimits(this, itemIndex, file, {
			serviceName: SERVICE_NAME,
			maxBytes: MAX_ATTACHMENT_BYTES,
			refusedExtensions: REFUSED_EXTENSIONS,
		});
	}

	const output: INodeExecutionData[] = [];
	for (const file of files) {
		const response = await zohoRequest(this, {
			method: 'POST',
			segments: [record.module, record.recordId, 'Attachments'],
			body: async () => {
				const multipart = await buildMultipartBody([], 'file', file);
				return { body: multipart.form, headers: multipart.headers };
			},
			// A repeated POST would attach the file twice; only "not processed" answers (429) are retried.
			idempotent: false,
			itemIndex,
			subject: `the upload of "${file.fileName}" to ${record.module} record ${record.recordId}`,
		});
		const data = zohoJson(response).data;
		const answer = (Array.isArray(data) ? (data[0] as IDataObject | undefined) : undefined) ?? {};
		const details = (answer.details && typeof answer.details === 'object' ? answer.details : {}) as IDataObject;
		if (details.id === undefined || details.id === null || details.id === '') {
			// A 2xx without Zoho's answer (a proxy's or login page's HTML) must not pass as an upload.
			throw new NodeOperationError(
				this.getNode(),
				`Zoho CRM's answer to the upload of "${file.fileName}" has no attachment ID (item ${itemIndex + 1})`,
				{
					itemIndex,
					description: `Zoho CRM should answer with data[0].details.id. The answer began with: ${JSON.stringify(bodyText(response.body).slice(0, 120))}. Check the credential's data center and API domain, and any proxy or login page in front of Zoho; then check the record's attachments before running again, in case the file was attached.`,
				},
			);
		}
		output.push({
			json: {
				id: details.id ?? null,
				code: answer.code ?? null,
				message: answer.message ?? null,
				status: answer.status ?? null,
				details,
				module: record.module,
				recordId: record.recordId,
				fileName: file.fileName,
				size: file.size,
				mimeType: file.mimeType,
				binaryPropertyName: file.propertyName,
			},
			pairedItem: { item: itemIndex },
		});
	}
	return output;
}
