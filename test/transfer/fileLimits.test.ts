import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile } from '../../nodes/transfer/binaryInput';
import { assertWithinLimits, fileExtension, formatBytes, formatBytesOver } from '../../nodes/transfer/fileLimits';
import { fakeContext } from '../shared/fakeContext';

function file(fileName: string, size: number): BinaryFile {
	return { propertyName: 'data', fileName, mimeType: 'application/octet-stream', size, streamed: false, openContent: async () => Buffer.alloc(0) };
}

describe('formatBytes', () => {
	it.each([
		[0, '0 bytes'],
		[1, '1 byte'],
		[2, '2 bytes'],
		[1023, '1023 bytes'],
		[1024, '1.0 KB'],
		[1536, '1.5 KB'],
		[10 * 1024 - 1, '10.0 KB'],
		[10 * 1024, '10 KB'],
		[100 * 1024 * 1024, '100 MB'],
		[5 * 1024 ** 3, '5.0 GB'],
		[3 * 1024 ** 4, '3.0 TB'],
		[2048 * 1024 ** 4, '2048 TB'],
	])('%d bytes read as %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});
});

describe('formatBytesOver', () => {
	it.each([
		// Rounding would read as the limit itself: exact, with how much it is over.
		[10 * 1024 * 1024 + 1, 10 * 1024 * 1024, '10,485,761 bytes (10 MB + 1 byte)'],
		[10 * 1024 * 1024 + 2000, 10 * 1024 * 1024, '10,487,760 bytes (10 MB + 2,000 bytes)'],
		[2049, 2048, '2,049 bytes (2.0 KB + 1 byte)'],
		// "10 KB" after a limit of "10.0 KB" reads the same, though the texts differ.
		[10 * 1024, 10 * 1024 - 1, '10,240 bytes (10.0 KB + 1 byte)'],
		// Rounding already shows the excess.
		[11 * 1024 * 1024, 10 * 1024 * 1024, '11 MB'],
		[1024, 1023, '1.0 KB'],
		[1, 0, '1 byte'],
		[20 * 1024 ** 3, 5 * 1024 ** 3, '20 GB'],
	])('%d bytes over a limit of %d read as %s', (bytes, limit, text) => {
		expect(formatBytesOver(bytes, limit)).toBe(text);
	});
});

describe('fileExtension', () => {
	it.each([
		['report.PDF', 'pdf'],
		['archive.tar.gz', 'gz'],
		['.bashrc', ''],
		['README', ''],
		['a.', ''],
	])('of %s is "%s"', (name, extension) => {
		expect(fileExtension(name)).toBe(extension);
	});
});

describe('assertWithinLimits', () => {
	const ctx = fakeContext();

	function refusal(target: BinaryFile, limits: Parameters<typeof assertWithinLimits>[3]): NodeOperationError | undefined {
		try {
			assertWithinLimits(ctx, 4, target, limits);
			return undefined;
		} catch (error) {
			return error as NodeOperationError;
		}
	}

	it('refuses a refused extension in any case, naming the file, property and item', () => {
		const error = refusal(file('Setup.EXE', 10), { serviceName: 'Zoho CRM', refusedExtensions: ['exe'] });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('Zoho CRM does not accept .exe files: "Setup.EXE" (binary property "data", item 5)');
		expect(error?.description).toMatch(/^Zoho CRM refuses this file type\. Put the file in an archive/);
		expect(error?.context.itemIndex).toBe(4);
	});

	it('lets other extensions and names without one through', () => {
		expect(refusal(file('setup.exe.txt', 10), { serviceName: 'Zoho CRM', refusedExtensions: ['exe'] })).toBeUndefined();
		expect(refusal(file('exe', 10), { serviceName: 'Zoho CRM', refusedExtensions: ['exe', ''] })).toBeUndefined();
	});

	it('refuses a file above the size limit, and takes one exactly at it', () => {
		const limits = { serviceName: 'OnePageCRM', maxBytes: 10 * 1024 * 1024 };
		const error = refusal(file('big.bin', 10 * 1024 * 1024 + 1), limits);
		// 10 MB + 1 byte rounds to "10 MB": the message shows the exact size, so it visibly exceeds the limit.
		expect(error?.message).toBe('OnePageCRM accepts files up to 10 MB: "big.bin" (binary property "data", item 5) is 10,485,761 bytes (10 MB + 1 byte)');
		expect(refusal(file('bigger.bin', 11 * 1024 * 1024), limits)?.message).toMatch(/ is 11 MB$/);
		expect(error?.description).toBe('Reduce the file below 10 MB (compress or split it), or store it elsewhere and attach a link instead.');
		expect(error?.context.itemIndex).toBe(4);
		expect(refusal(file('fits.bin', 10 * 1024 * 1024), limits)).toBeUndefined();
	});

	it('refuses a file above the storage left, and takes one exactly filling it', () => {
		const limits = { serviceName: 'OnePageCRM', storageLeftBytes: 2048 };
		const error = refusal(file('big.bin', 2049), limits);
		expect(error?.message).toBe('The OnePageCRM account has 2.0 KB of storage left: "big.bin" (binary property "data", item 5) is 2,049 bytes (2.0 KB + 1 byte)');
		expect(error?.description).toMatch(/^Free storage in OnePageCRM/);
		expect(error?.context.itemIndex).toBe(4);
		expect(refusal(file('fits.bin', 2048), limits)).toBeUndefined();
		expect(refusal(file('none-left.bin', 1), { serviceName: 'X', storageLeftBytes: 0 })?.message).toMatch(/has 0 bytes of storage left/);
	});

	it('refuses a file below the smallest size, and takes one exactly at it', () => {
		const limits = { serviceName: 'The upload form from Close', minBytes: 100 };
		const error = refusal(file('tiny.txt', 99), limits);
		expect(error?.message).toBe('The upload form from Close accepts files of at least 100 bytes: "tiny.txt" (binary property "data", item 5) is 99 bytes');
		expect(error?.description).toBe('Check that the right file reaches this node: a file this small is refused.');
		expect(error?.context.itemIndex).toBe(4);
		expect(refusal(file('fits.txt', 100), limits)).toBeUndefined();
	});

	it('checks nothing it is not given', () => {
		expect(refusal(file('anything.exe', 10 ** 12), { serviceName: 'S3' })).toBeUndefined();
	});
});
