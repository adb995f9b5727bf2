import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { HttpResponse, ServiceDeclaration } from '../../nodes/transfer';
import { fakeContext } from '../shared/fakeContext';

/** A request as one of n8n's two request helpers was asked for it. */
export interface Sent {
	authenticated: boolean;
	options: IHttpRequestOptions;
}

/** A context whose two request helpers answer from a script and record what they were asked. */
export function contextAnswering(
	answers: Array<Partial<HttpResponse>>,
	credentials: IDataObject = { baseUrl: 'https://api.example.com/v1', apiKey: 'key-123456' },
) {
	const sent: Sent[] = [];
	const answer = (authenticated: boolean) => async (...args: unknown[]) => {
		const options = (authenticated ? args[1] : args[0]) as IHttpRequestOptions;
		sent.push({ authenticated, options });
		const next = answers.shift() ?? { statusCode: 200, body: {} };
		return { statusCode: 200, headers: {}, body: undefined, ...next };
	};
	const ctx = fakeContext({
		getCredentials: async () => credentials,
		helpers: { httpRequest: answer(false), httpRequestWithAuthentication: answer(true) },
	});
	return { ctx, sent };
}

/** A service declared with only what every service must say. */
export const declaration: ServiceDeclaration = {
	serviceName: 'Acme',
	credentialType: 'acmeApi',
	baseUrl: (credentials) => String(credentials.baseUrl ?? ''),
	secrets: (credentials) => [String(credentials.apiKey ?? '')],
	pathRule: { noun: 'ID', names: 'A record ID' },
};
