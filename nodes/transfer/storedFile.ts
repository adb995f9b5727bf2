import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { networkFailureOf } from './httpResponse';

/** A file the storage accepted whose registration with the service then failed. */
export interface StoredFile {
	/** The service as users know it, in messages. */
	serviceName: string;
	fileName: string;
	/** Where the storage keeps the file (the S3 object key). */
	key: string;
	/** What the failed step was, in the user's terms: "the note on lead "lead_x"". */
	registration: string;
	/** How to use the stored file without uploading it again, or how to recover otherwise. */
	howToRecover: string;
}

/** True when the service may have acted although the answer says otherwise (no answer, a 5xx). */
export function mayHaveBeenProcessed(error: unknown): boolean {
	// networkError() keeps the code in its errorResponse; raw errors carry it as n8n gave it.
	const ours = (error as { errorResponse?: { networkErrorCode?: unknown } })?.errorResponse?.networkErrorCode;
	const code = typeof ours === 'string' ? ours : networkFailureOf(error)?.code;
	if (code) return !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
	const httpCode = Number((error as { httpCode?: unknown })?.httpCode);
	return Number.isFinite(httpCode) && httpCode >= 500 && httpCode !== 503;
}

/**
 * A failure after something was already stored: the error keeps the service's own words (its
 * message), and its description adds what is stored and how to recover, and, when the service gave
 * no clear answer, the warning to check first.
 */
export function withRecovery(
	ctx: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
	recovery: { howTo: string; ifUnclear: string; context: IDataObject },
): NodeApiError | NodeOperationError {
	const base =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	const originalDescription = base.description ? `${base.description} ` : '';
	const unclear = mayHaveBeenProcessed(error) ? ` ${recovery.ifUnclear}` : '';
	base.description = `${originalDescription}${recovery.howTo}${unclear}`;
	base.context = { ...(base.context ?? {}), ...recovery.context, itemIndex };
	return base;
}

/**
 * Adds to a registration error where the already stored file is, so nothing is lost: the
 * description names the S3 key, how to recover, and whether to check for a duplicate first.
 */
export function storedButNotRegistered(
	ctx: IExecuteFunctions,
	itemIndex: number,
	error: unknown,
	stored: StoredFile,
): NodeApiError | NodeOperationError {
	return withRecovery(ctx, itemIndex, error, {
		howTo: `The file "${stored.fileName}" is already stored at S3 key "${stored.key}" but is not registered with ${stored.serviceName}, so nothing is lost: ${stored.howToRecover}`,
		ifUnclear: `${stored.serviceName} gave no clear answer, so it may have completed ${stored.registration} anyway: check that before you run the item again, so nothing is added twice.`,
		context: { storedKey: stored.key },
	});
}
