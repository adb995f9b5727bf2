import { createHash, randomBytes, randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeTraffio } from '../../fakes/traffio';
import { storedObject } from '../../rig/s3';
import type { S3Rig } from '../../rig/useS3';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

const NODE = 'Traffio';

interface State {
	traffio: FakeTraffio;
	fileTitle: string;
	fileName: string;
	size: number;
	sha256: string;
	tapBefore: number;
}

/**
 * examples/traffio-upload-person-file.json against the fake Traffio: the file goes through the
 * person's presigned S3 form (Content-Type pinned by the policy) and is registered as a person file.
 */
export function traffioUploadCase(s3: S3Rig): E2eCase {
	return {
		title: 'Traffio: stores a file read from disk as a person file',
		example: 'traffio-upload-person-file.json',
		async prepare(workflow, { files }) {
			const traffio = new FakeTraffio(s3);
			await traffio.start();
			s3.tap.watchSecrets(traffio.accessToken);

			const fileName = `licence-${randomUUID().slice(0, 8)}.pdf`;
			const content = randomBytes(250_000 + Math.floor(Math.random() * 1000));
			writeFileSync(join(files, fileName), content);
			const fileTitle = `Driver licence ${randomUUID().slice(0, 8)}`;

			const credential = {
				id: `traffio${randomUUID().replace(/-/g, '').slice(0, 9)}`,
				name: 'Traffio e2e',
				type: 'traffioApi',
				data: { accessToken: traffio.accessToken, baseUrl: traffio.apiBaseUrl },
			};
			setParameters(workflow, 'Read File from Disk', { fileSelector: join(files, fileName) });
			setParameters(workflow, NODE, { personId: '15', documentTypeId: 6, 'options.fileTitle': fileTitle });
			setCredential(workflow, NODE, credential);
			const state: State = {
				traffio,
				fileTitle,
				fileName,
				size: content.length,
				sha256: createHash('sha256').update(content).digest('hex'),
				tapBefore: s3.tap.requests.length,
			};
			return { workflow, credentials: [credential], state: { ...state }, cleanup: async () => await traffio.stop() };
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as unknown as State;

			expect(s.traffio.requests.map((request) => request.path)).toEqual([
				'/api_third_party/v1_upload/s3_upload_person_file',
				'/api_third_party/v1_files/person_file',
			]);
			for (const request of s.traffio.requests) expect(request.headers.authorization).toBe(s.traffio.bearerAuthorization);
			expect(s.traffio.requests[0].json).toEqual({ file_type: 'application/pdf', person_id: 15 });
			const [form] = s.traffio.forms;
			const key = `${form.keyPrefix}${s.fileName}`;
			expect(s.traffio.files).toHaveLength(1);
			expect(s.traffio.files[0]).toMatchObject({
				person_id: '15',
				document_type_id: 6,
				file_name: key,
				file_title: s.fileTitle,
				stored: { size: s.size, contentType: 'application/pdf' },
			});
			expect(await storedObject(s3.client, key)).toMatchObject({ size: s.size, sha256: s.sha256 });

			const toS3 = s3.tap.requests.slice(s.tapBefore);
			expect(toS3.filter((request) => request.method === 'POST')).toHaveLength(1);
			for (const request of toS3) {
				expect(request.headers.authorization).toBeUndefined();
				expect(request.secretsSeen).toEqual([]);
			}

			expect(nodeOutput(result.run, NODE)).toEqual([
				expect.objectContaining({
					file_id: s.traffio.files[0].file_id,
					file_name: key,
					fileName: s.fileName,
					size: s.size,
					mimeType: 'application/pdf',
				}),
			]);
			expect(result.stdout + result.stderr).not.toContain(s.traffio.accessToken);
		},
	};
}
