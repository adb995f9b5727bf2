import type {
	IAuthenticateGeneric,
	ICredentialType,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runForEachItem } from '../../nodes/shared/runItems';
import type { PresignedPostForm } from '../../nodes/transfer';
import {
	bodyJson,
	createTransferRun,
	getInputFiles,
	isSuccessStatus,
	networkError,
	responseError,
	sendAuthenticatedRequest,
	sendPlainRequest,
	sendWithRetry,
	uploadToPresignedPost,
} from '../../nodes/transfer';

/** A CRM-like credential: an API key sent as a header and as Basic auth, like the real CRMs do. */
export class TestCrmApi implements ICredentialType {
	name = 'testCrmApi';
	displayName = 'Test CRM API';
	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.apiKey}}' },
			auth: { username: '={{$credentials.apiKey}}', password: '' },
		},
	};
}

function describeTestNode(name: string, properties: INodeProperties[], credentials = false) {
	return {
		displayName: name,
		name,
		group: ['output'],
		version: 1,
		description: 'transfer layer test node',
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentials ? [{ name: 'testCrmApi', required: true }] : [],
		properties,
	} as INodeType['description'];
}

/** Asks a credentialed API for a presigned form, then uploads the item's file with it: the CRM handshake in miniature. */
export class TestFormUpload implements INodeType {
	description = describeTestNode('testFormUpload', [
		{ displayName: 'Binary', name: 'binaryPropertyName', type: 'string', default: 'data' },
	], true);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const run = createTransferRun();
		return await runForEachItem(this, async (itemIndex) => {
			const { baseUrl } = await this.getCredentials<{ baseUrl: string }>('testCrmApi');
			const response = await sendAuthenticatedRequest(this, run, 'testCrmApi', {
				method: 'GET',
				url: `${baseUrl}/form`,
				json: true,
			});
			const form = bodyJson(response.body) as unknown as PresignedPostForm;
			const [file] = await getInputFiles(this, itemIndex, {
				binaryPropertyName: this.getNodeParameter('binaryPropertyName', itemIndex) as string,
			});
			const result = await uploadToPresignedPost(this, run, itemIndex, form, file);
			return [{ json: { ...result }, pairedItem: { item: itemIndex } }];
		}, { gate: run.gate });
	}
}

/** Sends one request through sendWithRetry with n8n's real HTTP helper and reports the final status. */
export class TestRetryProbe implements INodeType {
	description = describeTestNode('testRetryProbe', [
		{ displayName: 'URL', name: 'url', type: 'string', default: '' },
		{ displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
		{ displayName: 'Idempotent', name: 'idempotent', type: 'boolean', default: false },
		{ displayName: 'Max Attempts', name: 'maxAttempts', type: 'number', default: 4 },
		{ displayName: 'Max Total Wait', name: 'maxTotalWaitMs', type: 'number', default: 10_000 },
		{ displayName: 'Body Hint', name: 'bodyHint', type: 'boolean', default: false },
	]);

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runForEachItem(this, async (itemIndex) => {
			const url = this.getNodeParameter('url', itemIndex) as string;
			const bodyHint = this.getNodeParameter('bodyHint', itemIndex) as boolean;
			const context = { serviceName: 'Test API', itemIndex, subject: 'the probe request' };
			let attempts = 0;
			let response;
			try {
				response = await sendWithRetry(
					async (attempt) => {
						attempts = attempt;
						return await sendPlainRequest(this, {
							method: this.getNodeParameter('method', itemIndex) as 'POST',
							url,
							body: { attempt },
							json: true,
							timeout: 2000,
						});
					},
					{
						idempotent: this.getNodeParameter('idempotent', itemIndex) as boolean,
						maxAttempts: this.getNodeParameter('maxAttempts', itemIndex) as number,
						maxTotalWaitMs: this.getNodeParameter('maxTotalWaitMs', itemIndex) as number,
						baseDelayMs: 10,
						throttleDelayMs: bodyHint
							? (candidate) => {
									const wait = (bodyJson(candidate.body)?.error as { rate_reset?: number })?.rate_reset;
									return typeof wait === 'number' ? wait * 1000 : undefined;
								}
							: undefined,
					},
				);
			} catch (error) {
				const failure = networkError(this, error, context);
				// How often the probe sent is what the retry tests assert on; the error alone cannot show it.
				(failure as { attempts?: number }).attempts = attempts;
				throw failure;
			}
			if (!isSuccessStatus(response.statusCode)) throw responseError(this, response, context);
			return [{ json: { statusCode: response.statusCode, attempts }, pairedItem: { item: itemIndex } }];
		});
	}
}
