import type { IDataObject } from 'n8n-workflow';

import type { HttpResponse, JsonServiceRequest, ServiceContext, ServiceFailure, TransferRun } from '../transfer';
import { requestTimeoutMs } from '../shared/requestTimeout';
import { bodyJson, createServiceClient, readGenericFailure } from '../transfer';

export const SERVICE_NAME = 'Traffio';
export const CREDENTIAL_TYPE = 'traffioApi';
const DEFAULT_BASE_URL = 'https://app.traff.io/api_third_party';

/**
 * Traffio's error format is not publicly documented (unverified): read `message`/`error` as the
 * generic reader does, plus per-field messages when `errors` is an object of field names, and a
 * `code`/`error_code` when given, so users see Traffio's own words.
 */
export function readTraffioFailure(response: HttpResponse): ServiceFailure | undefined {
	const generic = readGenericFailure(response);
	const json = bodyJson(response.body);
	if (!json || Array.isArray(json)) return generic;
	const parts = generic?.message ? [generic.message] : [];
	const errors = json.errors;
	if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
		for (const [field, messages] of Object.entries(errors as IDataObject)) {
			const text = Array.isArray(messages) ? messages.join(' ') : String(messages);
			parts.push(`${field}: ${text}`);
		}
	}
	const rawCode = json.code ?? json.error_code;
	const code = generic?.code ?? (typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : undefined);
	if (parts.length === 0 && !code) return generic;
	return { code, message: parts.length ? parts.join('; ') : undefined };
}

const TRAFFIO_FIXES: Partial<Record<number, string>> = {
	401: 'Traffio did not accept the access token. A Manager can create a new token in Traffio (only one token per third party is active, so creating one revokes the previous); paste it into the Traffio credential and use "Test".',
	403: 'The access token is valid but may not do this. Ask a Traffio Manager to check the token\'s permissions.',
	404: 'Check the id in the node parameters: the person (or document type) may not exist, may have been deleted, or may belong to another customer than the token.',
};

/** Traffio sometimes wraps its answer in `data`: the record is what users need. */
export function unwrapData(answer: IDataObject): IDataObject {
	const data = answer.data;
	return data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : answer;
}

/** Traffio as the service client knows it: the access token applied by n8n from the credential. */
export const traffioClient = createServiceClient({
	serviceName: SERVICE_NAME,
	credentialType: CREDENTIAL_TYPE,
	baseUrl: (credentials) => String(credentials.baseUrl || DEFAULT_BASE_URL),
	secrets: (credentials) => [String(credentials.accessToken ?? '')],
	readFailure: readTraffioFailure,
	fixes: TRAFFIO_FIXES,
	pathRule: { noun: 'ID', names: 'A person or document type ID' },
	timeoutMs: requestTimeoutMs,
});

/** One request to Traffio (see traffioClient); returns the JSON answer. */
export async function traffioApiRequest(
	ctx: ServiceContext,
	run: TransferRun,
	itemIndex: number,
	request: JsonServiceRequest,
): Promise<IDataObject | IDataObject[]> {
	return await traffioClient.json(ctx, run, { ...request, itemIndex });
}
