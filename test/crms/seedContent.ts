import { createHash } from 'crypto';

/** Fixed bytes for a seeded file: the same on every start, so its sha256 is too. */
export function seedContent(name: string, size: number): Buffer {
	const content = Buffer.alloc(size);
	for (let offset = 0, block = 0; offset < size; block++) offset += createHash('sha256').update(`${name}:${block}`).digest().copy(content, offset);
	return content;
}
