import { createHash, randomBytes } from 'crypto';
import { createReadStream, createWriteStream, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { FileSpec } from './binaryStore';

/** Random bytes with their checksum: every fixture is generated, none is checked in. */
export interface RandomFile {
	spec: FileSpec;
	size: number;
	sha256: string;
}

export function randomFile(fileName: string, size: number, mimeType = 'application/octet-stream'): RandomFile {
	const content = randomBytes(size);
	return {
		spec: { fileName, mimeType, content },
		size,
		sha256: createHash('sha256').update(content).digest('hex'),
	};
}

/** A large random file written to disk in chunks, so the test itself never holds it in memory. */
export async function randomFileOnDisk(
	fileName: string,
	size: number,
	mimeType = 'application/octet-stream',
): Promise<RandomFile & { path: string }> {
	const path = join(mkdtempSync(join(tmpdir(), 'crm-attachments-fixture-')), fileName);
	const hash = createHash('sha256');
	const out = createWriteStream(path);
	const chunkSize = 1024 * 1024;
	for (let written = 0; written < size; written += chunkSize) {
		const chunk = randomBytes(Math.min(chunkSize, size - written));
		hash.update(chunk);
		if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
	}
	await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
	return {
		path,
		size,
		sha256: hash.digest('hex'),
		spec: { fileName, mimeType, content: { stream: () => createReadStream(path), size } },
	};
}
