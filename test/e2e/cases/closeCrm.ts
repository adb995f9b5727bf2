import { createHash, randomBytes, randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeClose } from '../../fakes/close';
import { storedObject } from '../../rig/s3';
import type { S3Rig } from '../../rig/useS3';
import type { E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

const NODE = 'Close';

interface State {
	close: FakeClose;
	note: string;
	fileName: string;
	size: number;
	sha256: string;
	tapBefore: number;
}

/**
 * examples/close-create-note-with-file.json against the fake Close: the file goes through Close's
 * Files API (a real presigned S3 form) and a note on the lead carries it as an attachment.
 */
export function closeNoteCase(s3: S3Rig): E2eCase {
	return {
		title: 'Close: adds a note with a file read from disk to a lead',
		example: 'close-create-note-with-file.json',
		async prepare(workflow, { files }) {
			const close = new FakeClose(s3);
			await close.start();
			s3.tap.watchSecrets(close.apiKey);

			// A non-ASCII name: it must reach Close, S3 and the note exactly as it is.
			const fileName = `Vertrag – Zoë 契約 🎉 ${randomUUID().slice(0, 8)}.pdf`;
			const content = randomBytes(350_000 + Math.floor(Math.random() * 1000));
			writeFileSync(join(files, fileName), content);
			const note = `Signed contract ${randomUUID().slice(0, 8)}`;

			const credential = {
				id: `close${randomUUID().replace(/-/g, '').slice(0, 11)}`,
				name: 'Close e2e',
				type: 'closeCrmApi',
				data: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl },
			};
			setParameters(workflow, 'Read File from Disk', { fileSelector: join(files, fileName) });
			setParameters(workflow, NODE, { leadId: 'lead_existing', note });
			setCredential(workflow, NODE, credential);
			const state: State = {
				close,
				note,
				fileName,
				size: content.length,
				sha256: createHash('sha256').update(content).digest('hex'),
				tapBefore: s3.tap.requests.length,
			};
			return { workflow, credentials: [credential], state: { ...state }, cleanup: async () => await close.stop() };
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as unknown as State;

			expect(s.close.notes).toHaveLength(1);
			const [note] = s.close.notes;
			expect(note).toMatchObject({
				lead_id: 'lead_existing',
				note: s.note,
				attachments: [{ url: expect.any(String), filename: s.fileName, size: s.size, content_type: 'application/pdf' }],
			});
			// Close's note takes url, filename and content_type per attachment (its Create a Note activity page).
			const sent = s.close.requests.filter((request) => request.path.endsWith('/activity/note/'));
			expect((sent[0].json as { attachments: unknown[] }).attachments).toEqual([
				{ url: expect.stringMatching(/^https:\/\/app\.close\.com\/go\/file\//), filename: s.fileName, content_type: 'application/pdf' },
			]);
			const handedOut = s.close.files.get(note.attachments[0].url);
			expect(handedOut).toBeDefined();
			expect(await storedObject(s3.client, handedOut!.key)).toMatchObject({ size: s.size, sha256: s.sha256 });

			const toS3 = s3.tap.requests.slice(s.tapBefore);
			expect(toS3.filter((request) => request.method === 'POST')).toHaveLength(1);
			for (const request of toS3) {
				expect(request.headers.authorization).toBeUndefined();
				expect(request.secretsSeen).toEqual([]);
			}
			for (const request of s.close.requests) expect(request.headers.authorization).toBe(s.close.basicAuthorization);

			expect(nodeOutput(result.run, NODE)).toEqual([
				expect.objectContaining({
					id: note.id,
					lead_id: 'lead_existing',
					attachments: note.attachments,
					fileName: s.fileName,
					size: s.size,
					mimeType: 'application/pdf',
				}),
			]);
			for (const secret of [s.close.apiKey, s.close.basicAuthorization.slice('Basic '.length)]) {
				expect(result.stdout + result.stderr).not.toContain(secret);
			}
		},
	};
}
