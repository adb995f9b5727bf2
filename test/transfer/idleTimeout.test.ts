import { createHash } from 'crypto';
import { createServer } from 'http';
import type { IncomingMessage, Server } from 'http';
import type { AddressInfo } from 'net';

import { PresignedPostUpload } from '../../nodes/PresignedPostUpload/PresignedPostUpload.node';
import { MULTIPART_READ_CHUNK_BYTES } from '../../nodes/transfer';
import type { BinaryMode } from '../harness/binaryStore';
import type { RandomFile } from '../harness/fixtures';
import { randomFile, randomFileOnDisk } from '../harness/fixtures';
import { runNode } from '../harness/runNode';

/**
 * The node's Timeout option is an idle time: a large upload that keeps sending is never cut off,
 * however long it lasts in all. The storage here reads slowly: it holds the upload back so that it
 * lasts several Timeouts, yet takes in every 1 MiB write of the client (the piece n8n's binary store
 * is read in) within a tenth of the Timeout, so the client is never idle that long. It reads the last
 * part of the body at full speed: what the kernel's socket buffers still hold when the client has
 * written everything would otherwise leave the client waiting, silent, for a slow reader.
 */
const TIMEOUT_MS = 2_000;
/** A pause after every 64 KiB read: 16 pauses per 1 MiB write, about TIMEOUT_MS / 10 in all. */
const READ_STEP_BYTES = 64 * 1024;
const PAUSE_MS = Math.floor(TIMEOUT_MS / 10 / (MULTIPART_READ_CHUNK_BYTES / READ_STEP_BYTES));
/** Read slowly: 512 pauses of 12 ms, over 3 Timeouts in all. */
const SLOW_BYTES = 32 * 1024 * 1024;
/** Read fast: far more than loopback's socket buffers hold while the reader is slow (a few MB). */
const FAST_TAIL_BYTES = 16 * 1024 * 1024;

interface SlowUpload {
	/** Time the storage deliberately held the upload back, the sum of its pauses (not a measurement). */
	heldBackMs: number;
	/** The longest single pause: the longest the client could have been held without a write accepted by it. */
	longestPauseMs: number;
	body: Buffer;
}

class SlowStorage {
	private server: Server | undefined;
	readonly uploads: SlowUpload[] = [];
	url = '';

	/** `stallMs`: one pause that long after the first 64 KiB (the control: a storage that goes silent). */
	constructor(
		private readonly pauseMs: number,
		private readonly stallMs = 0,
	) {}

	async start(): Promise<void> {
		this.server = createServer((request, response) => {
			// A request the client gave up on ends in an error: nothing to answer.
			this.readSlowly(request).then(
				(upload) => {
					this.uploads.push(upload);
					response.writeHead(204).end();
				},
				() => undefined,
			);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/bucket`;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	private async readSlowly(request: IncomingMessage): Promise<SlowUpload> {
		const chunks: Buffer[] = [];
		let received = 0;
		let sinceLastPause = 0;
		let heldBackMs = 0;
		let longestPauseMs = 0;
		return await new Promise((resolve, reject) => {
			request.on('data', (chunk: Buffer) => {
				chunks.push(chunk);
				received += chunk.length;
				sinceLastPause += chunk.length;
				if (received < SLOW_BYTES && sinceLastPause >= READ_STEP_BYTES) {
					// One pause per 64 KiB read, whatever size the chunks come in.
					let pauseMs = this.pauseMs * Math.floor(sinceLastPause / READ_STEP_BYTES);
					if (this.stallMs && heldBackMs === 0) pauseMs = this.stallMs;
					sinceLastPause %= READ_STEP_BYTES;
					heldBackMs += pauseMs;
					longestPauseMs = Math.max(longestPauseMs, pauseMs);
					request.pause();
					setTimeout(() => request.resume(), pauseMs);
				}
			});
			request.on('end', () => resolve({ heldBackMs, longestPauseMs, body: Buffer.concat(chunks) }));
			request.on('error', reject);
		});
	}
}

/** The file part of a multipart body: the bytes after the file part's headers, `size` long. */
function filePart(body: Buffer, size: number): Buffer {
	const partStart = body.indexOf('name="file"');
	const contentStart = body.indexOf('\r\n\r\n', partStart) + 4;
	return body.subarray(contentStart, contentStart + size);
}

function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

async function uploadThrough(storage: SlowStorage, file: RandomFile, mode: BinaryMode, timeoutMs = TIMEOUT_MS) {
	return await runNode({
		nodeType: new PresignedPostUpload(),
		parameters: {
			url: storage.url,
			fields: JSON.stringify({ key: 'uploads/${filename}' }),
			binaryPropertyName: 'data',
			options: { timeout: timeoutMs },
		},
		items: [{ files: { data: file.spec } }],
		binaryMode: mode,
	});
}

describe('the Timeout option is an idle time, not a limit on a whole upload', () => {
	const storage = new SlowStorage(PAUSE_MS);
	beforeAll(async () => await storage.start());
	afterAll(async () => await storage.stop());

	it.each<BinaryMode>(['filesystem', 'memory'])(
		'a large upload from %s binary data that lasts several Timeouts while it keeps sending is not cut off',
		async (mode) => {
			const name = `slow-${mode}.bin`;
			const size = SLOW_BYTES + FAST_TAIL_BYTES;
			const file = mode === 'filesystem' ? await randomFileOnDisk(name, size) : randomFile(name, size);
			const uploadsBefore = storage.uploads.length;

			const result = await uploadThrough(storage, file, mode);

			expect(result.error?.message).toBeUndefined();
			expect(result.items[0].json).toMatchObject({ key: `uploads/${name}`, size });
			const upload = storage.uploads[uploadsBefore];
			expect(sha256(filePart(upload.body, size))).toBe(file.sha256);
			// By construction, not by a clock: the storage paused that long in all, a few hundred short pauses.
			expect(upload.heldBackMs).toBeGreaterThanOrEqual(3 * TIMEOUT_MS);
			expect(upload.longestPauseMs).toBeLessThan(TIMEOUT_MS / 10);
		},
	);

	// The control: the same upload, but the storage goes silent once for longer than the Timeout.
	// It shows the Timeout is in force in this setup, so the uploads above were not simply never timed.
	it('the same upload is given up on when the storage goes silent for longer than the Timeout', async () => {
		// A shorter Timeout and a smaller file keep the control quick: the upload is retried before it fails.
		const silent = new SlowStorage(PAUSE_MS, 1_500);
		await silent.start();
		try {
			const file = randomFile('silent.bin', 4 * 1024 * 1024);
			const result = await uploadThrough(silent, file, 'memory', 500);
			expect(result.error?.message).toMatch(/Could not reach S3 for the upload of "silent\.bin": it stopped answering \(timed out\)/);
			expect(String((result.error as { description?: unknown }).description)).toMatch(/"Timeout"/);
		} finally {
			await silent.stop();
		}
	});
});
