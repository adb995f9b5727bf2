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

/**
 * Runs every test of the file on jest's fake clock, moved on to the next timer as soon as nothing else
 * is left to do: the retries' backoff and Retry-After waits pass at once, in order, while streams keep
 * their real ticks. A change that makes the client wait or repeat where it should not then fails the
 * test on what was sent, instead of sleeping seconds of real backoff.
 */
export function useInstantClock(): void {
	let pump: NodeJS.Immediate | undefined;
	beforeEach(() => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
		const step = () => {
			jest.advanceTimersToNextTimer();
			pump = setImmediate(step);
		};
		pump = setImmediate(step);
	});
	afterEach(() => {
		if (pump) clearImmediate(pump);
		jest.useRealTimers();
	});
}
