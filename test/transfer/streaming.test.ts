import { randomUUID } from 'crypto';
import { rmSync } from 'fs';
import { dirname, join } from 'path';

import { randomFileOnDisk } from '../harness/fixtures';
import { runMemoryProbe } from '../harness/runMemoryProbe';
import { storedObject } from '../rig/s3';
import { useS3 } from '../rig/useS3';

// Each probe starts its own Node process with n8n loaded: slow on a busy two-core machine.
jest.setTimeout(300_000);

const s3 = useS3();
const MB = 1024 * 1024;
const FILE_SIZE = 50 * MB;

describe('streamed presigned POST uploads', () => {
	let file: Awaited<ReturnType<typeof randomFileOnDisk>>;

	beforeAll(async () => {
		file = await randomFileOnDisk('large.bin', FILE_SIZE);
	});

	afterAll(() => {
		if (file) rmSync(dirname(file.path), { recursive: true, force: true });
	});

	async function probe(binaryMode: 'memory' | 'filesystem', prefix: string) {
		const form = await s3.form({
			Key: `${prefix}\${filename}`,
			Conditions: [['starts-with', '$key', prefix], ['content-length-range', 1, 100 * MB]],
			Expires: 600,
		});
		return await runMemoryProbe({
			nodeModule: join(__dirname, '../../nodes/PresignedPostUpload/PresignedPostUpload.node.ts'),
			nodeExport: 'PresignedPostUpload',
			parameters: { url: form.url, fields: JSON.stringify(form.fields), binaryPropertyName: 'data', options: {} },
			file: { path: file.path, size: file.size, fileName: 'large.bin', mimeType: 'application/octet-stream' },
			binaryMode,
		});
	}

	it('streams a 50 MB file from the filesystem store: Content-Length sent, memory does not grow by the file', async () => {
		const prefix = `stream/${randomUUID()}/`;
		const before = s3.tap.requests.length;

		const report = await probe('filesystem', prefix);

		expect(report.error).toBeUndefined();
		const upload = s3.tap.requests.slice(before).find((request) => request.bodyBytes > FILE_SIZE);
		expect(upload?.headers['content-length']).toBe(String(upload?.bodyBytes));
		expect(upload?.headers['transfer-encoding']).toBeUndefined();
		expect(await storedObject(s3.client, `${prefix}large.bin`)).toMatchObject({ size: FILE_SIZE, sha256: file.sha256 });
		// A buffered upload holds at least the whole file; a streamed one a few chunks.
		expect(report.growthBytes).toBeLessThan(FILE_SIZE / 2);
		process.stdout.write(`streamed 50 MB: peak RSS growth ${(report.growthBytes / MB).toFixed(1)} MB\n`);
	});

	it('the memory probe does see a whole-file copy (memory mode decodes the file into a buffer)', async () => {
		const prefix = `buffered/${randomUUID()}/`;

		const report = await probe('memory', prefix);

		expect(report.error).toBeUndefined();
		expect(await storedObject(s3.client, `${prefix}large.bin`)).toMatchObject({ sha256: file.sha256 });
		expect(report.growthBytes).toBeGreaterThan(FILE_SIZE * 0.9);
		process.stdout.write(`memory mode 50 MB: peak RSS growth ${(report.growthBytes / MB).toFixed(1)} MB\n`);
	});
});
