import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { HttpResponse } from './httpResponse';
import { bodyJson, bodyText, networkFailureOf, RESPONSE_CUT_OFF } from './httpResponse';

/** A service's own words about a failure: users search for these, so they are kept verbatim. */
export interface ServiceFailure {
	code?: string;
	message?: string;
}

export interface ErrorContext {
	/** The service as users know it, in messages ("S3" for the storage). */
	serviceName: string;
	itemIndex: number;
	/** What was refused, in the user's terms: "the upload", "the attachment list request". */
	subject: string;
	/** Reads the service's own error format; the generic reader handles JSON, XML and text. */
	readFailure?: (response: HttpResponse) => ServiceFailure | undefined;
	/** What to do, per HTTP status, where the service's advice is better than ours. */
	fixes?: Partial<Record<number, string>>;
	/** Values that must never appear in a message (credential values). */
	secrets?: string[];
}

const MAX_TEXT_IN_MESSAGE = 300;

const DEFAULT_FIXES: Record<number, string> = {
	400: 'The service refused the values the node sent. Check the node parameters (ids, names, field values) against what the service expects.',
	401: 'Check the credential: the key or token may be wrong, revoked or expired. Open the credential and use its "Test" button.',
	403: 'The credential is valid but its user may not do this. Check the user\'s role and permissions in the service.',
	404: 'Check the id in the node parameters: the record may not exist, may have been deleted, or may not be visible to the credential\'s user.',
	409: 'The service reports a conflict with the record\'s current state. Read the record again and retry.',
	413: 'The file is larger than the service accepts. Reduce its size or attach a link instead.',
	415: 'The service refuses this file type. Convert or archive the file, then upload again.',
	422: 'The service refused the values the node sent. Check the node parameters against what the service expects.',
	429: 'The service is limiting the request rate. Run the workflow again later, or lower the node\'s concurrency.',
	500: 'The service had an internal problem. Run the workflow again later; if it keeps failing, check the service\'s status page.',
	502: 'A gateway in front of the service failed. Run the workflow again later.',
	503: 'The service is unavailable for now. Run the workflow again later.',
	504: 'The service took too long to answer. Run the workflow again later.',
};

function stripHtml(text: string): string {
	return text
		.replace(/<script[\s\S]*?<\/script>/gi, ' ')
		.replace(/<style[\s\S]*?<\/style>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

export function looksLikeHtml(text: string): boolean {
	return /^\s*(<!doctype html|<html|<head|<body)/i.test(text);
}

export function xmlElement(xml: string, name: string): string | undefined {
	const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
	return match ? match[1].trim() : undefined;
}

/** The generic reader: JSON `message`/`error`/`errors`, S3-style XML `<Code>`/`<Message>`, or plain text. */
export function readGenericFailure(response: HttpResponse): ServiceFailure | undefined {
	const json = bodyJson(response.body);
	if (json && !Array.isArray(json)) {
		const error = json.error;
		const nested = error && typeof error === 'object' ? (error as JsonObject) : undefined;
		const errors = Array.isArray(json.errors) ? (json.errors as JsonObject[]) : undefined;
		const message =
			(typeof json.message === 'string' && json.message) ||
			(typeof nested?.message === 'string' && nested.message) ||
			(typeof error === 'string' && error) ||
			(typeof errors?.[0]?.message === 'string' && errors[0].message) ||
			(typeof json.detail === 'string' && json.detail) ||
			undefined;
		const code =
			(typeof json.code === 'string' && json.code) ||
			(typeof nested?.code === 'string' && nested.code) ||
			undefined;
		if (message || code) return { code, message: message || undefined };
	}
	const text = bodyText(response.body).trim();
	if (!text) return undefined;
	if (text.startsWith('<?xml') || text.startsWith('<Error')) {
		const code = xmlElement(text, 'Code');
		const message = xmlElement(text, 'Message');
		if (code || message) return { code, message };
	}
	if (looksLikeHtml(text)) {
		return {
			message: `the server answered with an HTML page instead of the API's answer ("${stripHtml(text).slice(0, 120)}"); check the base URL, and any proxy or login page in front of the service`,
		};
	}
	return { message: text.slice(0, MAX_TEXT_IN_MESSAGE) };
}

export function redactSecrets(text: string, secrets: string[] | undefined): string {
	let result = text;
	for (const secret of secrets ?? []) {
		if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
	}
	return result;
}

export function isSuccessStatus(statusCode: number): boolean {
	return statusCode >= 200 && statusCode < 300;
}

function describeFailure(failure: ServiceFailure | undefined): string {
	if (!failure) return '';
	return [failure.code, failure.message].filter(Boolean).join(': ');
}

/** Turns a failed HTTP answer into the error users see: the service's words, the status, and a fix. */
export function responseError(
	ctx: IExecuteFunctions,
	response: HttpResponse,
	context: ErrorContext,
	fix?: string,
): NodeApiError {
	const failure = context.readFailure?.(response) ?? readGenericFailure(response);
	const status = response.statusCode;
	const detail = describeFailure(failure);
	let headline: string;
	if (status === 429) headline = `${context.serviceName} is limiting the request rate and refused ${context.subject}`;
	else if (status >= 500) headline = `${context.serviceName} failed while handling ${context.subject}`;
	else headline = `${context.serviceName} refused ${context.subject}`;
	const message = redactSecrets(
		`${headline}${detail ? `: ${detail}` : ''} (HTTP ${status})`,
		context.secrets,
	);
	const description = redactSecrets(
		fix ?? context.fixes?.[status] ?? DEFAULT_FIXES[status] ?? DEFAULT_FIXES[status >= 500 ? 500 : 400],
		context.secrets,
	);
	// Only the service's answer goes into the error object: never the request, whose headers carry credentials.
	const errorResponse: JsonObject = {
		httpCode: String(status),
		serviceCode: failure?.code ?? null,
		serviceMessage: failure?.message ? redactSecrets(failure.message, context.secrets) : null,
	};
	return withOwnMessage(
		new NodeApiError(ctx.getNode(), errorResponse, {
			message,
			description,
			httpCode: String(status),
			itemIndex: context.itemIndex,
		}),
		message,
	);
}

/**
 * n8n's NodeApiError replaces a message that contains a Node error code anywhere (EPERM inside a file
 * name "keeperman.pdf", EACCES in a service's text, EHOSTUNREACH) with its own generic text, which
 * names neither the service nor the file: ours is put back.
 */
function withOwnMessage<T extends Error>(error: T, message: string): T {
	error.message = message;
	return error;
}

const TIMEOUT_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT', RESPONSE_CUT_OFF];

/** Turns a failure without an HTTP answer (reset, timeout, refused connection) into a clear error. */
export function networkError(ctx: IExecuteFunctions, error: unknown, context: ErrorContext): Error {
	const failure = networkFailureOf(error);
	if (!failure) {
		if (error instanceof Error) return error;
		return new Error(String(error));
	}
	const reasons: Record<string, string> = {
		ECONNREFUSED: 'the connection was refused',
		ECONNRESET: 'the connection was reset',
		EPIPE: 'the connection was closed while sending',
		ETIMEDOUT: 'it stopped answering (timed out)',
		ESOCKETTIMEDOUT: 'it stopped answering (timed out)',
		ECONNABORTED: 'it stopped answering (timed out)',
		ENOTFOUND: 'its host name could not be resolved',
		[RESPONSE_CUT_OFF]: 'its answer stopped before the end (it stopped answering or the connection broke)',
		EAI_AGAIN: 'its host name could not be resolved',
	};
	const reason = reasons[failure.code] ?? `the network failed (${failure.code})`;
	const message = redactSecrets(
		`Could not reach ${context.serviceName} for ${context.subject}: ${reason}`,
		context.secrets,
	);
	const apiError = new NodeApiError(
		ctx.getNode(),
		// Not `code`: n8n would swap our message for its generic one for that code.
		{ networkErrorCode: failure.code, message },
		{
			message,
			description: TIMEOUT_CODES.includes(failure.code)
				? `${context.serviceName} sent nothing for longer than the node's "Timeout" option allows, so the node gave up instead of waiting forever. Run the workflow again later; if ${context.serviceName} is only slow, raise "Timeout" in the node's options.`
				: 'Check that the service\'s URL is right and reachable from the n8n host (firewall, proxy, DNS), then run the workflow again.',
			itemIndex: context.itemIndex,
		},
	);
	return withOwnMessage(apiError, message);
}
