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

	// Peak RSS depends on when the garbage collector runs, so the bounds are wide and relative: a
	// buffered upload holds at least one whole copy of the file, a streamed one a few 1 MiB chunks.
	// The exact figures belong to the benchmark (bench/); this test only proves there is no whole-file copy.
	it('streams a 50 MB file from the filesystem store: Content-Length sent, no whole-file copy held (memory mode as the control)', async () => {
		const streamedPrefix = `stream/${randomUUID()}/`;
		const before = s3.tap.requests.length;
		const streamed = await probe('filesystem', streamedPrefix);

		expect(streamed.error).toBeUndefined();
		const upload = s3.tap.requests.slice(before).find((request) => request.bodyBytes > FILE_SIZE);
		expect(upload?.headers['content-length']).toBe(String(upload?.bodyBytes));
		expect(upload?.headers['transfer-encoding']).toBeUndefined();
		expect(await storedObject(s3.client, `${streamedPrefix}large.bin`)).toMatchObject({ size: FILE_SIZE, sha256: file.sha256 });

		// The control: the same upload from n8n's memory mode, which decodes the whole file into a buffer.
		const bufferedPrefix = `buffered/${randomUUID()}/`;
		const buffered = await probe('memory', bufferedPrefix);
		expect(buffered.error).toBeUndefined();
		expect(await storedObject(s3.client, `${bufferedPrefix}large.bin`)).toMatchObject({ sha256: file.sha256 });

		process.stdout.write(
			`50 MB upload, peak RSS growth: streamed ${(streamed.growthBytes / MB).toFixed(1)} MB, buffered ${(buffered.growthBytes / MB).toFixed(1)} MB\n`,
		);
		expect(buffered.growthBytes).toBeGreaterThan(FILE_SIZE * 0.9);
		expect(streamed.growthBytes).toBeLessThan(FILE_SIZE);
		expect(streamed.growthBytes * 3).toBeLessThan(buffered.growthBytes);
	});
});
