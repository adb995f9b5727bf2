import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { BinaryFile, FileLimits } from '../transfer';
import { assertWithinLimits, getInputFiles } from '../transfer';
import type { IfAlreadyAttached } from './ifAlreadyAttached';
import { ifAlreadyAttachedOf } from './ifAlreadyAttached';
import { withKeyLock } from './keyedLock';
import type { RunContext } from './runContext';

/** What every upload operation reads of its item: the files and the Options collection. */
export interface UploadInput {
	files: BinaryFile[];
	options: IDataObject;
	ifAlreadyAttached: IfAlreadyAttached;
}

/**
 * The item's files from "Input Binary Field" (several, comma-separated) under the names of
 * options.fileName, each checked against the service's limits before the first is sent: a refused
 * file costs no request and leaves no partial upload.
 */
export async function readUploadInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	limits?: FileLimits,
): Promise<UploadInput> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const files = await getInputFiles(ctx, itemIndex, {
		binaryPropertyName: ctx.getNodeParameter('binaryPropertyName', itemIndex) as string,
		fileName: (options.fileName as string) || undefined,
	});
	if (limits) for (const file of files) assertWithinLimits(ctx, itemIndex, file, limits);
	return { files, options, ifAlreadyAttached: ifAlreadyAttachedOf(options) };
}

/**
 * Work on one record that holds the record's lock when "If Already Attached" checks it first: the
 * check and the upload of one record must not interleave with another item's for the same record.
 */
export async function onRecord<T>(
	run: RunContext,
	ifAlreadyAttached: IfAlreadyAttached,
	recordKey: string,
	work: () => Promise<T>,
): Promise<T> {
	return ifAlreadyAttached === 'upload' ? await work() : await withKeyLock(run.locks, `ifAlreadyAttached:${recordKey}`, work);
}

/** One output item per file, uploaded one after the other, each on its record (see onRecord). */
export async function uploadEachFile(
	run: RunContext,
	input: UploadInput,
	recordKey: string,
	upload: (file: BinaryFile) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (const file of input.files) {
		output.push(await onRecord(run, input.ifAlreadyAttached, recordKey, async () => await upload(file)));
	}
	return output;
}
