import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** One file taken from an input item, ready to be sent by any handshake. */
export interface BinaryFile {
	/** The binary property (or, in combined binary mode, the JSON path) the file came from. */
	propertyName: string;
	fileName: string;
	mimeType: string;
	/** Exact size in bytes: every handshake sends a known length. */
	size: number;
	/** True when the content comes from n8n's binary store as a stream (filesystem, database, s3 modes). */
	streamed: boolean;
	/**
	 * Fresh content on every call, so a retried request never reuses a consumed stream.
	 * `readChunkBytes` sets how much a stream reads from n8n's store at a time.
	 */
	openContent(readChunkBytes?: number): Promise<NodeJS.ReadableStream | Buffer>;
}

export interface BinaryInputOptions {
	/** The node parameter's value: one property name, or several separated by commas. */
	binaryPropertyName: string;
	/** Overrides the file name(s): one per property, separated by commas. */
	fileName?: string;
}

const FALLBACK_MIME_TYPE = 'application/octet-stream';

export function splitList(value: string): string[] {
	return value
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

function describeAvailableProperties(binary: Record<string, IBinaryData> | undefined): string {
	const names = Object.keys(binary ?? {});
	if (names.length === 0) {
		return 'This item has no binary data at all. Add a node before this one that reads or downloads a file (for example Read/Write Files from Disk, HTTP Request with "Response Format: File", or an email trigger with attachments).';
	}
	return `This item's binary properties are: ${names.map((name) => `"${name}"`).join(', ')}. Set "Input Binary Field" to one of them.`;
}

function findBinaryData(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): IBinaryData {
	const item = ctx.getInputData()[itemIndex];
	const inSeparateMode = item.binary?.[propertyName];
	if (inSeparateMode) return inSeparateMode;
	try {
		// Combined binary mode keeps files inside the JSON: n8n's own lookup knows that layout.
		return ctx.helpers.assertBinaryData(itemIndex, propertyName);
	} catch {
		throw new NodeOperationError(
			ctx.getNode(),
			`Item ${itemIndex + 1} has no binary property "${propertyName}"`,
			{ itemIndex, description: describeAvailableProperties(item.binary) },
		);
	}
}

async function describeFile(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	binaryData: IBinaryData,
	fileNameOverride: string | undefined,
): Promise<BinaryFile> {
	const fileName =
		fileNameOverride ??
		binaryData.fileName ??
		(binaryData.fileExtension ? `${propertyName}.${binaryData.fileExtension}` : propertyName);
	const mimeType = binaryData.mimeType || FALLBACK_MIME_TYPE;
	const binaryDataId = binaryData.id;

	if (binaryDataId) {
		const metadata = await ctx.helpers.getBinaryMetadata(binaryDataId);
		return {
			propertyName,
			fileName,
			mimeType,
			size: metadata.fileSize,
			streamed: true,
			openContent: async (readChunkBytes?: number) =>
				await ctx.helpers.getBinaryStream(binaryDataId, readChunkBytes),
		};
	}

	// Memory mode: the bytes already live in the item, base64-encoded.
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, binaryData);
	return {
		propertyName,
		fileName,
		mimeType,
		size: buffer.length,
		streamed: false,
		openContent: async () => buffer,
	};
}

/**
 * The files an item carries for an upload, in the order the user listed the properties.
 * Refuses missing properties and empty files before anything is sent.
 */
export async function getInputFiles(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: BinaryInputOptions,
): Promise<BinaryFile[]> {
	const propertyNames = splitList(options.binaryPropertyName);
	if (propertyNames.length === 0) {
		throw new NodeOperationError(ctx.getNode(), 'No input binary field given', {
			itemIndex,
			description:
				'Set "Input Binary Field" to the name of the binary property that holds the file (usually "data").',
		});
	}
	const fileNames = options.fileName ? splitList(options.fileName) : [];
	if (fileNames.length > 0 && fileNames.length !== propertyNames.length) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Item ${itemIndex + 1} has ${propertyNames.length} input binary fields but ${fileNames.length} file names`,
			{
				itemIndex,
				description:
					'Give one file name per input binary field, separated by commas, or leave "File Name" empty to keep the names the files have.',
			},
		);
	}

	const files: BinaryFile[] = [];
	for (const [index, propertyName] of propertyNames.entries()) {
		const binaryData = findBinaryData(ctx, itemIndex, propertyName);
		const file = await describeFile(ctx, itemIndex, propertyName, binaryData, fileNames[index]);
		if (file.size === 0) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The file "${file.fileName}" in binary property "${propertyName}" of item ${itemIndex + 1} is empty (0 bytes)`,
				{
					itemIndex,
					description:
						'Empty files are not uploaded. Check the node that produced the file: a download that failed or a filter that removed all content gives an empty file.',
				},
			);
		}
		files.push(file);
	}
	return files;
}
