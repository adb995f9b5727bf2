import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { drainStream, isStream } from './answeredFile';
import type { ErrorContext, ServiceFailure } from './httpErrors';
import { isSuccessStatus, networkError, responseError } from './httpErrors';
import type { HttpResponse } from './httpResponse';
import { bodyJson, sendAuthenticatedRequest, sendPlainRequest } from './httpResponse';
import { readNodeCredentials } from './nodeCredentials';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './requestTimeout';
import type { ThrottleGate, ThrottleSignal } from './retry';
import { sendWithRetry } from './retry';
import type { TransferRun } from './transferRun';

/** Load-options contexts have the same request helpers and getNode, which is all the client uses of them. */
export type ServiceContext = IExecuteFunctions | ILoadOptionsFunctions;

/** A credential that cannot reach the service (no site address, not connected): said with what to do. */
export class CredentialProblem extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

/** What a service's credential gives for each request. */
export interface ServiceConnection {
	/** The API root, without a trailing slash. */
	baseUrl: string;
	/** Values (and encodings of them, such as a Basic header) that must never appear in a message. */
	secrets: string[];
	/** The API is reached over https: file forms it hands out must then be https too. */
	secure: boolean;
	/** Headers that sign a request, for a credential n8n cannot apply by itself. */
	authorization?: Record<string, string>;
}

/** The small declaration a service supplies; the client does the rest. */
export interface ServiceDeclaration {
	/** The service as users know it, in every message. */
	serviceName: string;
	credentialType: string;
	/** The API root from the credential; throws a CredentialProblem when the credential gives none. */
	baseUrl: (credentials: IDataObject) => string;
	/** Credential values that must never show in a message. */
	secrets: (credentials: IDataObject) => string[];
	/** The service's own error format (the generic reader handles JSON, XML and text). */
	readFailure?: (response: HttpResponse) => ServiceFailure | undefined;
	/** What to do, by HTTP status, where the service's advice is better than the generic one. */
	fixes?: Partial<Record<number, string>>;
	/** What to do, by the service's own error code (more precise than the status where a service has them). */
	fixesByCode?: Record<string, string>;
	/**
	 * The service's own throttle signal beyond 429/503 and Retry-After: the wait in ms it asked for, what
	 * its limit counts when it asked for none (ThrottleWithoutHint), else undefined. Gets the run's gate,
	 * so an answer that says the window is used up can pause every request.
	 */
	throttleDelayMs?: (response: HttpResponse, gate: ThrottleGate) => ThrottleSignal | undefined;
	/** A 2xx answer that still reports a failure (an error per record in a batch answer). */
	failedAnswer?: (response: HttpResponse) => boolean;
	/** The path segments in the user's terms, for the refusal of an empty, "." or ".." one. */
	pathRule: { noun: string; names: string };
	/** How long a request of this item may stay silent, in ms (the node's setting); the default otherwise. */
	timeoutMs?: (ctx: ServiceContext, itemIndex: number) => number;
	/** Headers on every request (an Accept the service needs). */
	headers?: Record<string, string>;
	/**
	 * For a credential n8n cannot apply (a token scheme of the service's own): the request is sent
	 * without n8n's credential, signed with these headers, and renewed once when an answer says so.
	 */
	signing?: {
		credentials: (ctx: ServiceContext, itemIndex: number) => Promise<IDataObject>;
		headers: (credentials: IDataObject) => Record<string, string>;
		expired: (response: HttpResponse) => boolean;
		renew: (ctx: ServiceContext, itemIndex: number, credentials: IDataObject, secrets: string[]) => Promise<IDataObject>;
	};
}

export interface ServiceRequest {
	method: IHttpRequestMethods;
	/** Below the API root, each segment URL-encoded (see pathOf) and checked here. */
	path?: string;
	/** An absolute address the service handed out (a file link), sent as it is. */
	url?: string;
	/** False for a host that must never see the credential (a signed storage link). */
	authenticate?: boolean;
	qs?: IDataObject;
	/** A JSON body. */
	body?: IDataObject;
	/** A streamed body, built again for every attempt: a stream can be sent only once. */
	streamBody?: () => Promise<{ body: unknown; headers: Record<string, string> }>;
	/** `stream` keeps a successful answer's body a stream (downloads); a refusal is read in full. */
	answer?: 'json' | 'stream';
	headers?: Record<string, string>;
	/** Repeating it cannot do harm; by default reads, PUTs and DELETEs are, POST and PATCH are not. */
	idempotent?: boolean;
	/** False to get a redirect as the answer (a caller that decides where credentials may go). */
	followRedirects?: boolean;
	/** The service's throttle signal applies (false for another host). */
	throttled?: boolean;
	timeoutMs?: number;
	itemIndex: number;
	/** What is asked for, in the user's terms: "the upload of "a.pdf"". */
	subject: string;
	/** Statuses that are an answer, not a failure (a 404 on a delete that already happened). */
	acceptStatuses?: number[];
	/** Who answers, when it is not the service itself ("the service's file storage"). */
	serviceName?: string;
	fixes?: Partial<Record<number, string>>;
	/** A refusal read more closely: another subject or fix for it. */
	refusal?: (response: HttpResponse) => { subject?: string; fix?: string } | undefined;
}

/** A plain JSON call below the API root, as the services' own request helpers take it (no itemIndex: given apart). */
export type JsonServiceRequest = Pick<ServiceRequest, 'method' | 'body' | 'qs' | 'subject' | 'idempotent'> & { path: string };

export interface ServiceClient {
	readonly declaration: ServiceDeclaration;
	connection(ctx: ServiceContext, run: TransferRun, itemIndex?: number): Promise<ServiceConnection>;
	/**
	 * The answer of one request, its status checked: retried where safe, paced (by the run's gate),
	 * timed out, redacted.
	 */
	request(ctx: ServiceContext, run: TransferRun, request: ServiceRequest): Promise<HttpResponse>;
	/** The parsed JSON answer of one request ({} when the body is empty). */
	json(ctx: ServiceContext, run: TransferRun, request: ServiceRequest): Promise<IDataObject | IDataObject[]>;
}

/** A path from segments, each URL-encoded (ids and names come from users and expressions). */
export function pathOf(...segments: string[]): string {
	return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** A base URL as users paste it: trimmed, without trailing slashes. */
export function trimBaseUrl(value: unknown): string {
	return String(value ?? '').trim().replace(/\/+$/, '');
}

/**
 * Ids are URL-encoded into the path, but "." and ".." stay what they are after encoding (URL parsers
 * resolve even "%2E%2E"), and an empty one drops a segment: such an id would point the request at
 * another path. A path written rooted ("/lead/x/") may end with the API's own slash; one from
 * pathOf() names every segment, the last included.
 */
function assertPathSegments(ctx: ServiceContext, declaration: ServiceDeclaration, request: ServiceRequest): void {
	const path = request.path ?? '';
	const rooted = path.startsWith('/');
	const segments = (rooted ? path.slice(1).replace(/\/$/, '') : path).split('/');
	for (const segment of segments) {
		let value = segment;
		try {
			value = decodeURIComponent(segment);
		} catch {
			// Not our encoding: checked as it is.
		}
		if (value.trim() === '' || /^\.{1,2}$/.test(value.trim())) {
			throw new NodeOperationError(
				ctx.getNode(),
				`"${value}" is not a valid ${declaration.pathRule.noun} for ${request.subject} (item ${request.itemIndex + 1})`,
				{
					itemIndex: request.itemIndex,
					description: `${declaration.pathRule.names} cannot be empty, "." or "..": such a value would change the request's path instead of naming a record. Check the parameter or the expression that gives the ID.`,
				},
			);
		}
	}
}

function isIdempotent(request: ServiceRequest): boolean {
	return request.idempotent ?? (request.method !== 'POST' && request.method !== 'PATCH');
}

export function createServiceClient(declaration: ServiceDeclaration): ServiceClient {
	const problem = (ctx: ServiceContext, itemIndex: number, error: CredentialProblem) =>
		new NodeOperationError(ctx.getNode(), error.message, { itemIndex, description: error.description });

	// A signing service's credential is read once per run too; a renewal replaces it for the whole run.
	const signedKey = `signed ${declaration.credentialType}`;

	function signedCredentials(ctx: ServiceContext, run: TransferRun, itemIndex: number): Promise<IDataObject> {
		return run.credentials.once(signedKey, async () => await declaration.signing!.credentials(ctx, itemIndex));
	}

	async function credentialsOf(ctx: ServiceContext, run: TransferRun, itemIndex: number): Promise<IDataObject> {
		if (declaration.signing) return { ...(await signedCredentials(ctx, run, itemIndex)) };
		return await readNodeCredentials(ctx, run, declaration.credentialType);
	}

	function connectionOf(ctx: ServiceContext, itemIndex: number, credentials: IDataObject): ServiceConnection {
		let baseUrl: string;
		try {
			baseUrl = trimBaseUrl(declaration.baseUrl(credentials));
		} catch (error) {
			if (error instanceof CredentialProblem) throw problem(ctx, itemIndex, error);
			throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		}
		if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
			throw new NodeOperationError(ctx.getNode(), `The ${declaration.serviceName} credential has no valid Base URL`, {
				itemIndex,
				description: `Open the ${declaration.serviceName} credential and set Base URL to the service's address, starting with https://.`,
			});
		}
		return {
			baseUrl,
			secrets: declaration.secrets(credentials).filter((value) => typeof value === 'string' && value.length >= 4),
			secure: baseUrl.toLowerCase().startsWith('https:'),
			authorization: declaration.signing?.headers(credentials),
		};
	}

	async function sendOnce(
		ctx: ServiceContext,
		run: TransferRun,
		connection: ServiceConnection,
		request: ServiceRequest,
		authenticate: boolean,
	): Promise<HttpResponse> {
		const url = request.url ?? `${connection.baseUrl}/${(request.path ?? '').replace(/^\//, '')}`;
		const built = request.streamBody ? await request.streamBody() : undefined;
		const stream = request.answer === 'stream';
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			headers: {
				...(declaration.headers ?? {}),
				...(built?.headers ?? {}),
				...(request.headers ?? {}),
				...(authenticate ? connection.authorization : {}),
			},
			body: (built ? built.body : request.body) as IHttpRequestOptions['body'],
			json: !built && !stream ? true : undefined,
			// An idle time: a large upload that keeps sending is never cut off.
			timeout: request.timeoutMs ?? declaration.timeoutMs?.(ctx, request.itemIndex) ?? DEFAULT_REQUEST_TIMEOUT_MS,
		};
		// Following a redirect would make n8n keep a copy of a streamed body, and could carry a token elsewhere.
		if (built || request.followRedirects === false || declaration.signing) options.disableFollowRedirect = true;
		if (stream) options.encoding = 'stream';
		const send = ctx as IExecuteFunctions;
		const response =
			authenticate && !declaration.signing
				? await sendAuthenticatedRequest(send, run, declaration.credentialType, options)
				: await sendPlainRequest(send, options);
		// A refusal is read in full: for its text, and so that a retry leaves no socket open.
		if (!isSuccessStatus(response.statusCode) && isStream(response.body)) {
			response.body = (await drainStream(response.body)).toString('utf8');
		}
		return response;
	}

	async function request(ctx: ServiceContext, run: TransferRun, request: ServiceRequest): Promise<HttpResponse> {
		const authenticate = request.authenticate ?? true;
		if (request.url === undefined) assertPathSegments(ctx, declaration, request);
		let signedWith = declaration.signing ? signedCredentials(ctx, run, request.itemIndex) : undefined;
		let credentials = signedWith ? { ...(await signedWith) } : await credentialsOf(ctx, run, request.itemIndex);
		let connection = connectionOf(ctx, request.itemIndex, credentials);
		let renewed = false;
		const gate = run.gate;
		const throttle = declaration.throttleDelayMs;
		for (;;) {
			// Another host (a signed storage link) answers in its own format, with advice of its own.
			const ownAnswer = authenticate;
			const errorContext: ErrorContext = {
				serviceName: request.serviceName ?? declaration.serviceName,
				itemIndex: request.itemIndex,
				subject: request.subject,
				readFailure: ownAnswer ? declaration.readFailure : undefined,
				fixes: { ...((ownAnswer && declaration.fixes) || {}), ...(request.fixes ?? {}) },
				secrets: connection.secrets,
			};
			const current = connection;
			let response: HttpResponse;
			try {
				response = await sendWithRetry(async () => await sendOnce(ctx, run, current, request, authenticate), {
					idempotent: isIdempotent(request),
					// One service's "slow down" pauses every request of the run, not only the one that got it.
					gate,
					throttleDelayMs:
						throttle && request.throttled !== false ? (answer) => throttle(answer, gate) : undefined,
					scope: authenticate ? undefined : `storage ${new URL(request.url ?? current.baseUrl).host}`,
				});
			} catch (error) {
				throw networkError(ctx as IExecuteFunctions, error, errorContext);
			}
			const signing = declaration.signing;
			if (signing && signedWith && authenticate && !renewed && signing.expired(response)) {
				// Requests refused together share one renewal; one that finds the token already renewed uses it.
				const used = credentials;
				const secretsSoFar = connection.secrets;
				signedWith = run.credentials.replace(
					signedKey,
					signedWith,
					async () => await signing.renew(ctx, request.itemIndex, used, secretsSoFar),
				);
				credentials = { ...(await signedWith) };
				const secrets = connection.secrets;
				connection = connectionOf(ctx, request.itemIndex, credentials);
				connection.secrets = [...new Set([...secrets, ...connection.secrets])];
				renewed = true;
				continue;
			}
			const streamed = request.answer === 'stream';
			const failed =
				!isSuccessStatus(response.statusCode) ||
				(!streamed && declaration.failedAnswer !== undefined && declaration.failedAnswer(response));
			if (failed && !request.acceptStatuses?.includes(response.statusCode)) {
				const code = ownAnswer ? declaration.readFailure?.(response)?.code : undefined;
				const closer = request.refusal?.(response);
				throw responseError(
					ctx as IExecuteFunctions,
					response,
					{ ...errorContext, subject: closer?.subject ?? errorContext.subject },
					closer?.fix ?? (code ? declaration.fixesByCode?.[code] : undefined),
				);
			}
			return response;
		}
	}

	return {
		declaration,
		async connection(ctx, run, itemIndex = 0) {
			return connectionOf(ctx, itemIndex, await credentialsOf(ctx, run, itemIndex));
		},
		request,
		async json(ctx, run, sent) {
			const response = await request(ctx, run, sent);
			return (bodyJson(response.body) as IDataObject | IDataObject[] | undefined) ?? {};
		},
	};
}
