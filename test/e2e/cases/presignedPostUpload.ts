import { randomBytes, createHash, randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setParameters } from '../../../scripts/n8n/e2e';
import { storedObject, TEST_BUCKET } from '../../rig/s3';
import type { S3Rig } from '../../rig/useS3';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

const UPLOAD_NODE = 'S3 Presigned POST Upload';
const READ_NODE = 'Read File from Disk';

/**
 * examples/presigned-post-upload.json: Read/Write Files from Disk reads a generated random file, the
 * S3 Presigned POST Upload node posts it to a real presigned form of the loopback radosgw.
 */
export function presignedPostUploadCase(s3: S3Rig): E2eCase {
	return {
		title: 'uploads a file read from disk to a real S3 presigned POST form',
		example: 'presigned-post-upload.json',
		async prepare(workflow, { target, files }) {
			const fileName = `report-${randomUUID().slice(0, 8)}.pdf`;
			const content = randomBytes(1_500_000 + Math.floor(Math.random() * 1000));
			const path = join(files, fileName);
			writeFileSync(path, content);
			const prefix = `e2e/n8n-${target.n8nVersion}/${randomUUID()}/`;
			const form = await s3.form({
				Key: `${prefix}\${filename}`,
				Conditions: [
					['starts-with', '$key', prefix],
					['content-length-range', 1, 10 * 1024 * 1024],
					{ acl: 'private' },
					{ success_action_status: '201' },
				],
				// 201 makes S3 answer with XML naming the bucket, key, location and ETag.
				Fields: { acl: 'private', success_action_status: '201' },
				Expires: 900,
			});
			setParameters(workflow, READ_NODE, { fileSelector: path });
			setParameters(workflow, UPLOAD_NODE, { url: form.url, fields: JSON.stringify(form.fields) });
			return {
				workflow,
				state: {
					key: `${prefix}${fileName}`,
					fileName,
					size: content.length,
					sha256: createHash('sha256').update(content).digest('hex'),
					tapBefore: s3.tap.requests.length,
				},
			};
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const expected = state as { key: string; fileName: string; size: number; sha256: string; tapBefore: number };

			const stored = await storedObject(s3.client, expected.key);
			expect(stored).toMatchObject({ size: expected.size, sha256: expected.sha256 });

			const posts = s3.tap.requests.slice(expected.tapBefore).filter((request) => request.method === 'POST');
			expect(posts).toHaveLength(1);
			expect(posts[0].headers['content-length']).toBeDefined();
			expect(posts[0].headers.authorization).toBeUndefined();

			expect(nodeOutput(result.run, UPLOAD_NODE)).toEqual([
				expect.objectContaining({
					bucket: TEST_BUCKET,
					key: expected.key,
					fileName: expected.fileName,
					size: expected.size,
					mimeType: 'application/pdf',
					binaryPropertyName: 'data',
					etag: expect.any(String),
					location: expect.stringContaining(encodeURIComponent(expected.key)),
				}),
			]);
		},
	};
}
