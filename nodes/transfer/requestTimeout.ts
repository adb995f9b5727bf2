import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';

/**
 * How long a request may stay silent before it is given up on. n8n's own default for its HTTP
 * helper; it is an idle time (axios sets it on the socket), so a large upload that keeps sending
 * is never cut off, while a server that stops answering fails with a clear message.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

/** The shared "Timeout" option of every operation that talks to a service. */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_REQUEST_TIMEOUT_MS,
	description:
		'How long to wait, in milliseconds, for the service or the file storage to answer before giving up on a request. Counted while nothing is sent or received, so a large upload that keeps sending is not cut off.',
};

/** The item's "Timeout" option (in the operation's Options collection), else the default. */
export function requestTimeoutMs(ctx: IExecuteFunctions | ILoadOptionsFunctions, itemIndex: number): number {
	if (!('getInputData' in ctx)) return DEFAULT_REQUEST_TIMEOUT_MS;
	let value: unknown;
	try {
		value = (ctx as IExecuteFunctions).getNodeParameter('options.timeout', itemIndex, DEFAULT_REQUEST_TIMEOUT_MS);
	} catch {
		value = DEFAULT_REQUEST_TIMEOUT_MS;
	}
	const timeout = Number(value);
	return Number.isFinite(timeout) && timeout >= 1 ? Math.round(timeout) : DEFAULT_REQUEST_TIMEOUT_MS;
}
