import type { IDataObject } from 'n8n-workflow';

import { networkFailureOf } from '../transfer';

/**
 * "If Already Attached" (design.md: `options.ifAlreadyAttached`). A file is already attached when the
 * record holds a file of the same name and size: none of the CRMs that can list a record's files
 * exposes a checksum of the stored file (OnePageCRM's Attachment, Zoho's Attachment model, EspoCRM's
 * Attachment entity), so name and size are all there is to compare.
 */
export type IfAlreadyAttached = 'upload' | 'skip' | 'replace';

export function ifAlreadyAttachedOf(options: IDataObject): IfAlreadyAttached {
	const value = options.ifAlreadyAttached;
	return value === 'skip' || value === 'replace' ? value : 'upload';
}

/** A file a record already holds, in the terms every CRM can give. */
export interface AttachedFile {
	id: string;
	name: string;
	/** Bytes; null when the CRM did not say (such a file never counts as the same). */
	size: number | null;
}

export function sizeOf(value: unknown): number | null {
	// Zoho sends Size as a string of digits.
	if (value === null || value === undefined || value === '') return null;
	const size = Number(value);
	return Number.isFinite(size) ? size : null;
}

/** The attached files with the upload's name and size, oldest first as the CRM listed them. */
export function sameFiles<T extends AttachedFile>(attached: T[], file: { fileName: string; size: number }): T[] {
	return attached.filter((candidate) => candidate.name === file.fileName && candidate.size === file.size);
}

/** Network codes where the request never reached the service (repeating it is safe). */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

/**
 * True when a request reached the service and its answer was lost (a reset, a timeout, an answer cut
 * off): the service may or may not have acted, and only a look at the record can tell.
 */
export function outcomeUnknown(error: unknown): boolean {
	// The transports' networkError() keeps the code in its errorResponse.
	const ours = (error as { errorResponse?: { networkErrorCode?: unknown } })?.errorResponse?.networkErrorCode;
	const code = typeof ours === 'string' ? ours : networkFailureOf(error)?.code;
	return code !== undefined && !NOT_SENT_CODES.includes(code);
}

/** How an attachment that must not be made twice came about. */
export interface Settled<T> {
	result: T;
	/** The answer was lost, and the record's files showed the attachment had been made. */
	confirmedByLookup: boolean;
	/** Attempts sent (more than 1 when the look-up showed an earlier one had not taken effect). */
	attempts: number;
}

export interface SettleSteps<T> {
	/** The step that must not be repeated blindly (a registration, an upload). */
	attach: () => Promise<T>;
	/** The record's files now. */
	listAttached: () => Promise<AttachedFile[]>;
	/** The answer to give when the look-up found the attachment. */
	fromAttached: (attached: AttachedFile) => T;
	/** Files the record held before the step (not the step's doing); empty when not read. */
	before: AttachedFile[];
	file: { fileName: string; size: number };
	/** The ids the node run has created (RunContext.createdIds): its other items' are not this item's. */
	createdIds: Set<string>;
}

const MAX_ATTEMPTS = 3;

/**
 * Runs a step that must not be repeated blindly. When its answer is lost, the record's files are
 * listed: a new file of the same name and size means the step took effect (its answer is returned);
 * none means it did not, and the step is sent again. Any other failure, or a look-up that fails,
 * leaves the original error for the caller to explain.
 */
export async function attachOnce<T>(steps: SettleSteps<T>, idOf: (result: T) => string | undefined): Promise<Settled<T>> {
	const beforeIds = new Set(steps.before.map((attached) => attached.id));
	for (let attempt = 1; ; attempt++) {
		const outcome = await steps.attach().then(
			(result) => ({ result }),
			(error: unknown) => ({ error }),
		);
		if ('result' in outcome) {
			const id = idOf(outcome.result);
			if (id) steps.createdIds.add(id);
			return { result: outcome.result, confirmedByLookup: false, attempts: attempt };
		}
		// The transports' errors already say what failed: they are passed on as they are.
		if (!outcomeUnknown(outcome.error) || attempt >= MAX_ATTEMPTS) throw outcome.error;
		const listed = await steps.listAttached().then(
			(attached) => attached,
			() => undefined,
		);
		// A look-up that fails cannot settle anything: the step's own error says more.
		if (listed === undefined) throw outcome.error;
		const found = sameFiles(listed, steps.file).find(
			(attached) => !beforeIds.has(attached.id) && !steps.createdIds.has(attached.id),
		);
		if (found) {
			steps.createdIds.add(found.id);
			return { result: steps.fromAttached(found), confirmedByLookup: true, attempts: attempt };
		}
	}
}
