import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { ErrorContext } from './httpErrors';
import { isSuccessStatus, networkError, responseError } from './httpErrors';
import type { HttpResponse } from './httpResponse';
import { bodyJson, sendAuthenticatedRequest } from './httpResponse';
import { sendWithRetry, throttleGateFor } from './retry';

export interface JsonApiRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** Idle timeout in ms (the node's Timeout option). */
	timeoutMs: number;
	/** Repeating the request cannot create a duplicate (defaults to true for GET). */
	idempotent?: boolean;
	/** The service's own throttle signal, when it has one beyond 429/503 and Retry-After. */
	throttleDelayMs?: (response: HttpResponse) => number | undefined;
}

/**
 * One JSON request to a CRM API with the node's credential applied by n8n: retried where that is
 * safe, paced by the execution's shared throttle gate, and failures turned into clear errors.
 * Returns the parsed JSON answer ({} when the body is empty).
 */
export async function sendJsonApiRequest(
	ctx: IExecuteFunctions,
	credentialType: string,
	request: JsonApiRequest,
	errorContext: ErrorContext,
): Promise<IDataObject | IDataObject[]> {
	let response: HttpResponse;
	try {
		response = await sendWithRetry(
			async () =>
				await sendAuthenticatedRequest(ctx, credentialType, {
					method: request.method,
					url: request.url,
					body: request.body,
					qs: request.qs,
					json: true,
					timeout: request.timeoutMs,
				}),
			{
				idempotent: request.idempotent ?? request.method === 'GET',
				throttleDelayMs: request.throttleDelayMs,
				gate: throttleGateFor(ctx),
			},
		);
	} catch (error) {
		throw networkError(ctx, error, errorContext);
	}
	if (!isSuccessStatus(response.statusCode)) throw responseError(ctx, response, errorContext);
	return (bodyJson(response.body) as IDataObject | IDataObject[] | undefined) ?? {};
}
