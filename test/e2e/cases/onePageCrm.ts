import { createHash, randomBytes, randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { storedObject } from '../../rig/s3';
import type { S3Rig } from '../../rig/useS3';
import type { E2eCase } from '../inN8n';
import type { IfAlreadyAttachedCrm } from './ifAlreadyAttached';
import { escapeRegExp } from './ifAlreadyAttached';
import { expectSuccess } from '../expectSuccess';

const NODE = 'OnePageCRM';
const DOWNLOAD_NODE = 'Download from OnePageCRM';

interface State {
	crm: OnePageCrmFake;
	contactId: string;
	noteId: string;
	fileName: string;
	size: number;
	sha256: string;
	tapBefore: number;
}

/**
 * examples/onepagecrm-upload-attachment.json against the fake OnePageCRM: the file (a non-ASCII name) goes through a real
 * presigned S3 form to radosgw and is registered on a contact's note with its key and size, then is
 * downloaded back from the note (the API's only way to a file's address).
 */
export function onePageCrmUploadCase(s3: S3Rig): E2eCase {
	return {
		title: 'OnePageCRM: attaches a file read from disk to a note through the S3 form, and downloads it back',
		example: 'onepagecrm-upload-attachment.json',
		async prepare(workflow, { files }) {
			const crm = new OnePageCrmFake(s3);
			// The storage names the file in raw UTF-8 bytes (Node reads them as latin1): the node must undo that.
			crm.fileNameHeader = 'rawUtf8';
			await crm.start();
			const contactId = crm.seedContact();
			const noteId = crm.seedRecord('note', contactId);
			s3.tap.watchSecrets(crm.apiKey);

			// Accents, CJK and an emoji: the name must reach the S3 key and the registration as UTF-8.
			const fileName = `Angebot Übersicht 提案書 📄 ${randomUUID().slice(0, 8)}.pdf`;
			const content = randomBytes(400_000 + Math.floor(Math.random() * 1000));
			writeFileSync(join(files, fileName), content);

			const credential = {
				id: `opc${randomUUID().replace(/-/g, '').slice(0, 13)}`,
				name: 'OnePageCRM e2e',
				type: 'onePageCrmApi',
				data: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl },
			};
			setParameters(workflow, 'Read File from Disk', { fileSelector: join(files, fileName) });
			setParameters(workflow, NODE, { contactId, referenceType: 'note', referenceId: noteId });
			setCredential(workflow, NODE, credential);
			setCredential(workflow, DOWNLOAD_NODE, credential);
			const state: State = {
				crm,
				contactId,
				noteId,
				fileName,
				size: content.length,
				sha256: createHash('sha256').update(content).digest('hex'),
				tapBefore: s3.tap.requests.length,
			};
			return { workflow, credentials: [credential], state: { ...state }, cleanup: async () => await crm.stop() };
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as unknown as State;

			expect(s.crm.registrations).toEqual([
				{
					reference_type: 'note',
					reference_id: s.noteId,
					contact_id: s.contactId,
					name: s.fileName,
					key: expect.stringMatching(new RegExp(`^${s.contactId}/\\d+/${s.fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'u')),
					size: s.size,
				},
			]);
			const key = s.crm.registrations[0].key as string;
			expect(await storedObject(s3.client, key)).toMatchObject({ size: s.size, sha256: s.sha256 });
			const [attachment] = s.crm.attachmentsOf('note', s.noteId);

			// The storage host got the file, and never the CRM's credentials.
			const toS3 = s3.tap.requests.slice(s.tapBefore);
			expect(toS3.filter((request) => request.method === 'POST')).toHaveLength(1);
			for (const request of toS3) {
				expect(request.headers.authorization).toBeUndefined();
				expect(request.secretsSeen).toEqual([]);
			}
			// Every API call carried the user's Basic credentials.
			for (const request of s.crm.requests) expect(request.headers.authorization).toBe(s.crm.basicHeader);

			// Downloaded back from the note's fresh url, streamed into n8n's binary store, name intact.
			expect(nodeOutput(result.run, DOWNLOAD_NODE)).toEqual([
				expect.objectContaining({ id: attachment.id, storage_provider: 'amazon', fileName: s.fileName, size: s.size, mimeType: 'application/pdf' }),
			]);
			expect(s.crm.requests.map((request) => `${request.method} ${request.path}`).at(-1)).toBe(`GET /api/v3/notes/${s.noteId}`);
			expect(s.crm.fileHost.requests.map((request) => [request.status, request.headers.authorization])).toEqual([[200, undefined]]);

			expect(nodeOutput(result.run, NODE)).toEqual([
				expect.objectContaining({
					id: attachment.id,
					key,
					fileName: s.fileName,
					size: s.size,
					mimeType: 'application/pdf',
				}),
			]);
			for (const secret of [s.crm.apiKey, s.crm.basicHeader.slice('Basic '.length)]) {
				expect(result.stdout + result.stderr).not.toContain(secret);
			}
		},
	};
}

/** examples/onepagecrm-upload-attachment.json: a note's files, their bytes in S3 (radosgw) under the registered key. */
export function onePageCrmIfAlreadyAttached(s3: S3Rig): IfAlreadyAttachedCrm {
	return {
		label: 'OnePageCRM',
		example: 'onepagecrm-upload-attachment.json',
		node: 'OnePageCRM',
		reader: 'Read File from Disk',
		files: [['Angebot Übersicht 提案書', 'pdf', 210_000]],
		async start(workflow) {
			const crm = new OnePageCrmFake(s3);
			await crm.start();
			const contactId = crm.seedContact();
			const noteId = crm.seedRecord('note', contactId);
			const tapBefore = s3.tap.requests.length;
			setParameters(workflow, 'OnePageCRM', { contactId, referenceType: 'note', referenceId: noteId });
			const credential = {
				id: `opc${randomUUID().replace(/-/g, '').slice(0, 13)}`,
				name: 'OnePageCRM e2e (If Already Attached)',
				type: 'onePageCrmApi',
				data: { userId: crm.userId, apiKey: crm.apiKey, baseUrl: crm.apiBaseUrl },
			};
			setCredential(workflow, 'Download from OnePageCRM', credential);
			return {
				credential,
				held: async () =>
					await Promise.all(
						crm.attachmentsOf('note', noteId).map(async (attachment) => ({
							id: attachment.id,
							name: attachment.filename,
							sha256: (await storedObject(s3.client, attachment.key)).sha256,
						})),
					),
				async check(mode, firstIds) {
					// Skip: one registration and one S3 upload per file over both runs; Replace: two, and the old one deleted.
					const perFile = mode === 'skip' ? 1 : 2;
					expect(crm.registrations).toHaveLength(perFile);
					expect(s3.tap.requests.slice(tapBefore).filter((request) => request.method === 'POST')).toHaveLength(perFile);
					const deletes = crm.requests.filter((request) => request.method === 'DELETE').map((request) => request.path);
					expect(deletes).toEqual(mode === 'skip' ? [] : firstIds.map((id) => expect.stringMatching(new RegExp(`/attachments/${escapeRegExp(id)}$`))));
				},
				stop: async () => await crm.stop(),
			};
		},
	};
}
