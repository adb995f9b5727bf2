import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';

export interface CredentialTestOutcome {
	status: 'OK' | 'Error';
	httpStatus?: number;
	message: string;
}

function resolveTemplate(workflow: Workflow, value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getParameterValue(value, null, 0, 0, 'credential test', [], 'internal', { $credentials: credentials }, undefined, true);
}

/**
 * Runs a credential type's declarative `test` request the way n8n's credential tester does:
 * templates resolved against the credential, `authenticate` applied, any 2xx is a pass unless a
 * rule says otherwise. What the user sees on failure is the message returned here.
 */
export async function runCredentialTest(
	type: ICredentialType,
	data: ICredentialDataDecryptedObject,
	otherTypes: ICredentialType[] = [],
): Promise<CredentialTestOutcome> {
	if (!type.test || !('request' in type.test)) throw new Error(`${type.name} has no declarative test request`);
	const defaults: ICredentialDataDecryptedObject = {};
	for (const property of type.properties) if (property.default !== undefined) defaults[property.name] = property.default as never;
	const credentials = { ...defaults, ...data };
	const workflow = new Workflow({
		nodes: [{ id: 't', name: 'credential test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as never,
	});
	const request = type.test.request;
	const baseURL = String(resolveTemplate(workflow, request.baseURL ?? '', credentials));
	const url = String(resolveTemplate(workflow, request.url ?? '', credentials));
	let options: IHttpRequestOptions = {
		method: request.method ?? 'GET',
		url: `${baseURL.replace(/\/$/, '')}${url.startsWith('/') || !baseURL ? '' : '/'}${url}`,
		headers: { ...((request.headers as Record<string, string>) ?? {}) },
		qs: request.qs,
		body: request.body,
	};
	const helper = new TestCredentialsHelper([type, ...otherTypes], {});
	options = await helper.authenticate(credentials, type.name, options, workflow, workflow.getNode('credential test')!);

	const target = new URL(options.url);
	for (const [key, value] of Object.entries(options.qs ?? {})) target.searchParams.set(key, String(value));
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(options.headers ?? {})) headers[key] = String(value);
	if (options.auth) {
		headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
	}
	let response: Response;
	try {
		response = await fetch(target, {
			method: options.method,
			headers,
			body: options.body ? JSON.stringify(options.body) : undefined,
		});
	} catch (error) {
		return { status: 'Error', message: `Couldn't connect with these settings: ${(error as Error).message}` };
	}
	const text = await response.text();
	for (const rule of type.test.rules ?? []) {
		if (rule.type === 'responseCode' && response.status === rule.properties.value) {
			return { status: 'Error', httpStatus: response.status, message: rule.properties.message };
		}
	}
	if (response.status >= 200 && response.status < 300) return { status: 'OK', httpStatus: response.status, message: 'Connection tested successfully' };
	return {
		status: 'Error',
		httpStatus: response.status,
		message: `Couldn't connect with these settings: ${response.status} ${response.statusText} ${text.slice(0, 200)}`,
	};
}
