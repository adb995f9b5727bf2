import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { DEFAULT_REQUEST_TIMEOUT_MS } from '../transfer';

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
