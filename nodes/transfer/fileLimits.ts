import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile } from './binaryInput';

/** What a service refuses, checked before any request is sent so a refused file costs nothing. */
export interface FileLimits {
	/** The service's name as users know it, used in messages. */
	serviceName: string;
	maxBytes?: number;
	/** The smallest size accepted (a presigned form's `content-length-range` may set one). */
	minBytes?: number;
	/** Lower-case extensions without the dot, e.g. ['exe']. */
	refusedExtensions?: string[];
	/** Bytes the account can still store, when the service tells us. */
	storageLeftBytes?: number;
}

const BYTE_UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** `bytes` rounded for reading: the text, and the number of bytes that text stands for. */
function roundBytes(bytes: number): { text: string; reads: number } {
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
		value /= 1024;
		unit++;
	}
	const rounded = unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0);
	const name = rounded === '1' && unit === 0 ? 'byte' : BYTE_UNITS[unit];
	return { text: `${rounded} ${name}`, reads: Number(rounded) * 1024 ** unit };
}

export function formatBytes(bytes: number): string {
	return roundBytes(bytes).text;
}

/**
 * The size of a file that exceeds `limit`, so that it reads as more than the limit: rounded as
 * formatBytes when that shows it, else exact (10 MB + 1 byte rounds to "10 MB", which hides why the
 * file was refused).
 */
export function formatBytesOver(bytes: number, limit: number): string {
	const size = roundBytes(bytes);
	if (size.reads > roundBytes(limit).reads) return size.text;
	const over = bytes - limit;
	return `${bytes.toLocaleString('en')} bytes (${formatBytes(limit)} + ${over.toLocaleString('en')} ${over === 1 ? 'byte' : 'bytes'})`;
}

export function fileExtension(fileName: string): string {
	const dot = fileName.lastIndexOf('.');
	return dot <= 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export function assertWithinLimits(
	ctx: IExecuteFunctions,
	itemIndex: number,
	file: BinaryFile,
	limits: FileLimits,
): void {
	const where = `"${file.fileName}" (binary property "${file.propertyName}", item ${itemIndex + 1})`;
	const extension = fileExtension(file.fileName);
	if (extension && limits.refusedExtensions?.includes(extension)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${limits.serviceName} does not accept .${extension} files: ${where}`,
			{
				itemIndex,
				description: `${limits.serviceName} refuses this file type. Put the file in an archive (for example with the Compression node) or upload a different format.`,
			},
		);
	}
	if (limits.maxBytes !== undefined && file.size > limits.maxBytes) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${limits.serviceName} accepts files up to ${formatBytes(limits.maxBytes)}: ${where} is ${formatBytesOver(file.size, limits.maxBytes)}`,
			{
				itemIndex,
				description: `Reduce the file below ${formatBytes(limits.maxBytes)} (compress or split it), or store it elsewhere and attach a link instead.`,
			},
		);
	}
	if (limits.minBytes !== undefined && file.size < limits.minBytes) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${limits.serviceName} accepts files of at least ${formatBytes(limits.minBytes)}: ${where} is ${formatBytes(file.size)}`,
			{ itemIndex, description: 'Check that the right file reaches this node: a file this small is refused.' },
		);
	}
	if (limits.storageLeftBytes !== undefined && file.size > limits.storageLeftBytes) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The ${limits.serviceName} account has ${formatBytes(limits.storageLeftBytes)} of storage left: ${where} is ${formatBytesOver(file.size, limits.storageLeftBytes)}`,
			{
				itemIndex,
				description: `Free storage in ${limits.serviceName} (delete old attachments) or raise the account's quota, then run the workflow again.`,
			},
		);
	}
}
