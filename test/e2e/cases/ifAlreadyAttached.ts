/**
 * "If Already Attached" in real n8n: the same workflow executed twice (two `n8n execute` runs of one
 * imported workflow, as a user re-running it after a failure), against each CRM that can list a
 * record's files (OnePageCRM, Zoho CRM, EspoCRM).
 *   Skip:    the second run uploads nothing; the record holds one attachment per file, the one of the
 *            first run, and the second run's items are that attachment with `skipped: true`.
 *   Replace: the input files get new bytes of the same size (the same name and size is what "already
 *            attached" means) before the second run; the record then holds one attachment per file,
 *            whose stored bytes are the new ones, and the first run's attachment is gone.
 * What the record holds is read from the fake (and for OnePageCRM from S3, where the bytes are).
 */
import { createHash, randomBytes, randomUUID } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

import type { ExecuteResult, N8nCredential, N8nWorkflow } from '../../../scripts/n8n/e2e';
import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import { OnePageCrmFake } from '../../fakes/onePageCrm';
import { FakeZoho } from '../../fakes/zoho';
import { storedObject } from '../../rig/s3';
import type { S3Rig } from '../../rig/useS3';
import type { CaseContext, E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

export type Mode = 'skip' | 'replace';

/** A file the record holds, with the sha256 of its stored bytes. */
interface Held {
	id: string;
	name: string;
	sha256: string;
}

interface InputFile {
	name: string;
	path: string;
	size: number;
	/** sha256 of the bytes on disk now. */
	sha256: string;
}

/** One CRM, started and pointed at by the workflow. */
interface Target {
	credential: N8nCredential;
	/** What the record holds now (every file of this fake but the ones seeded before the runs). */
	held(): Promise<Held[]>;
	/** CRM-specific checks after the last run (requests made, links kept, deletions). */
	check?(mode: Mode, firstIds: string[], results: ExecuteResult[]): Promise<void>;
	stop(): Promise<void>;
}

interface Crm {
	label: string;
	example: string;
	/** The upload node's name in the example. */
	node: string;
	/** The Read/Write Files from Disk node's name in the example. */
	reader: string;
	/** Whether the example reads a whole folder (a glob) rather than one file. */
	folder?: boolean;
	/** Files on the first run: name stem, extension, size. */
	files: Array<[string, string, number]>;
	start(workflow: N8nWorkflow): Promise<Target>;
}

function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

function writeInput(path: string, name: string, size: number): InputFile {
	const content = randomBytes(size);
	writeFileSync(path, content);
	return { name, path, size, sha256: sha256(content) };
}

interface State {
	target: Target;
	files: InputFile[];
	/** Attachment ids after the first run, by file name. */
	firstIds: Map<string, string>;
	/** A file that arrived in the inbox folder between the runs (folder examples with Skip). */
	added?: InputFile;
	dir: string;
}

function byName(held: Held[]): Map<string, Held[]> {
	const map = new Map<string, Held[]>();
	for (const file of held) map.set(file.name, [...(map.get(file.name) ?? []), file]);
	return map;
}

/** Exactly one held file per input file, with these bytes; nothing else. */
async function expectOnePerFile(target: Target, files: InputFile[]): Promise<Map<string, Held>> {
	const held = await target.held();
	const grouped = byName(held);
	expect([...grouped.keys()].sort()).toEqual(files.map((file) => file.name).sort());
	const result = new Map<string, Held>();
	for (const file of files) {
		const copies = grouped.get(file.name)!;
		expect(copies.map((copy) => copy.sha256)).toEqual([file.sha256]);
		result.set(file.name, copies[0]);
	}
	return result;
}

function outputOf(result: ExecuteResult, node: string): Map<string, Record<string, unknown>> {
	const items = nodeOutput(result.run, node);
	const map = new Map(items.map((item) => [String(item.fileName), item]));
	expect(map.size).toBe(items.length);
	return map;
}

function caseFor(crm: Crm, mode: Mode): E2eCase {
	const what =
		mode === 'skip'
			? 'run twice with Skip, one attachment per file, the second run\'s items skipped'
			: 'run twice with Replace and new bytes, one attachment per file with the newest content';
	return {
		title: `If Already Attached: ${crm.label}: ${what}`,
		example: crm.example,
		runs: 2,
		async prepare(workflow, { files: root }: CaseContext) {
			const suffix = randomUUID().slice(0, 8);
			const dir = join(root, `inbox-${suffix}`);
			mkdirSync(dir);
			const files = crm.files.map(([stem, extension, size]) => {
				const name = `${stem} ${suffix}.${extension}`;
				return writeInput(join(dir, name), name, size);
			});
			setParameters(workflow, crm.reader, { fileSelector: crm.folder ? join(dir, '*') : files[0].path });
			setParameters(workflow, crm.node, { 'options.ifAlreadyAttached': mode });
			const target = await crm.start(workflow);
			setCredential(workflow, crm.node, target.credential);
			const state: State = { target, files, firstIds: new Map(), dir };
			return { workflow, credentials: [target.credential], state: { ...state }, cleanup: async () => await target.stop() };
		},
		async betweenRuns(result, _run, { state }) {
			expectSuccess(result);
			const s = state as unknown as State;
			// The first run attached every file once, as a plain upload.
			const held = await expectOnePerFile(s.target, s.files);
			const output = outputOf(result, crm.node);
			for (const file of s.files) {
				const item = output.get(file.name);
				expect(item).toMatchObject({ id: held.get(file.name)!.id, size: file.size });
				expect(item).not.toHaveProperty('skipped');
				s.firstIds.set(file.name, held.get(file.name)!.id);
			}
			if (mode === 'replace') {
				// A newer version of each file: same name and size, other bytes.
				s.files = s.files.map((file) => writeInput(file.path, file.name, file.size));
			} else if (crm.folder) {
				// The inbox got another file since: the re-run uploads it and skips the others.
				const name = `Nachtrag ${randomUUID().slice(0, 8)}.pdf`;
				s.added = writeInput(join(s.dir, name), name, 70_000);
			}
		},
		async verify(result, { state }, _context, results) {
			expect(results).toHaveLength(2);
			expectSuccess(result);
			const s = state as unknown as State;
			const expected = [...s.files, ...(s.added ? [s.added] : [])];
			const held = await expectOnePerFile(s.target, expected);
			const output = outputOf(result, crm.node);
			expect([...output.keys()].sort()).toEqual(expected.map((file) => file.name).sort());
			for (const file of s.files) {
				const first = s.firstIds.get(file.name)!;
				const now = held.get(file.name)!;
				const item = output.get(file.name)!;
				if (mode === 'skip') {
					// The first run's attachment, untouched, and the item says so.
					expect(now.id).toBe(first);
					expect(item).toMatchObject({ id: first, skipped: true, fileName: file.name, size: file.size });
				} else {
					// A new attachment with the new bytes; the old one is gone.
					expect(now.id).not.toBe(first);
					expect(item).toMatchObject({ id: now.id, replacedAttachmentIds: [first], fileName: file.name, size: file.size });
					expect(item).not.toHaveProperty('skipped');
				}
			}
			if (s.added) {
				const item = output.get(s.added.name)!;
				expect(item).toMatchObject({ id: held.get(s.added.name)!.id, size: s.added.size });
				expect(item).not.toHaveProperty('skipped');
			}
			await s.target.check?.(mode, [...s.firstIds.values()], results);
		},
	};
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** examples/onepagecrm-upload-attachment.json: a note's files, their bytes in S3 (radosgw) under the registered key. */
function onePageCrm(s3: S3Rig): Crm {
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
					expect(deletes).toEqual(mode === 'skip' ? [] : firstIds.map((id) => expect.stringMatching(new RegExp(`/attachments/${escape(id)}$`))));
				},
				stop: async () => await crm.stop(),
			};
		},
	};
}

/** examples/zoho-upload-attachment.json: a Lead's attachments, stored byte for byte by the fake. */
function zohoCrm(): Crm {
	const recordId = '4150868000000224005';
	return {
		label: 'Zoho CRM',
		example: 'zoho-upload-attachment.json',
		node: 'Zoho CRM',
		reader: 'Read File from Disk',
		files: [['Vertrag für Kunde 報告', 'pdf', 180_000]],
		async start(workflow) {
			const zoho = new FakeZoho();
			await zoho.start();
			setParameters(workflow, 'Zoho CRM', { module: 'Leads', recordId });
			const credential = {
				id: `zoho${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'Zoho CRM e2e (If Already Attached)',
				type: 'zohoCrmOAuth2Api',
				data: zoho.credentials(),
			};
			return {
				credential,
				held: async () =>
					zoho.api.attachments
						.filter((attachment) => attachment.module === 'Leads' && attachment.recordId === recordId)
						.map((attachment) => ({ id: attachment.id, name: attachment.fileName, sha256: attachment.sha256 })),
				async check(mode, firstIds) {
					const calls = zoho.api.requests.map((request) => `${request.method} ${request.path}`);
					const upload = `POST /crm/v8/Leads/${recordId}/Attachments`;
					expect(calls.filter((call) => call === upload)).toHaveLength(mode === 'skip' ? 1 : 2);
					expect(calls.filter((call) => call.startsWith('DELETE '))).toEqual(
						mode === 'skip' ? [] : firstIds.map((id) => `DELETE /crm/v8/Leads/${recordId}/Attachments/${id}`),
					);
				},
				stop: async () => await zoho.stop(),
			};
		},
	};
}

/**
 * EspoCRM, a Case's Attachment-Multiple field that already holds an attachment (it must stay linked).
 * Skip runs examples/retry-safe-inbox-to-espocrm.json (every file of a folder; a file arrives between
 * the runs); Replace runs examples/espocrm-upload-attachment.json.
 */
function espoCrm(mode: Mode): Crm {
	const inbox = mode === 'skip';
	return {
		label: inbox ? 'EspoCRM (retry-safe inbox example)' : 'EspoCRM',
		example: inbox ? 'retry-safe-inbox-to-espocrm.json' : 'espocrm-upload-attachment.json',
		node: 'EspoCRM',
		reader: inbox ? 'Read Inbox Files' : 'Read File from Disk',
		folder: inbox,
		files: inbox
			? [
					['Rechnung 2024-017', 'pdf', 160_000],
					['Lieferschein 📦 写真', 'png', 90_000],
				]
			: [['Café-写真-🧾', 'png', 150_000]],
		async start(workflow) {
			const espo = new FakeEspoCrm();
			await espo.start();
			const record = espo.addRecord('Case', { name: 'Broken pump' });
			const existing = espo.addAttachment(randomBytes(64), 'existing.txt', 'text/plain', {
				field: 'attachments',
				parentType: 'Case',
				parentId: record.id,
			});
			record.attachmentsIds = [existing.id];
			setParameters(workflow, 'EspoCRM', { recordId: record.id });
			const credential = {
				id: `espo${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'EspoCRM e2e (If Already Attached)',
				type: 'espoCrmApi',
				data: espo.credentials('hmac'),
			};
			// Every attachment of the fake but the seeded one: an upload that was never linked counts too.
			const held = async () =>
				[...espo.attachments.values()]
					.filter((attachment) => attachment.id !== existing.id)
					.map((attachment) => ({ id: attachment.id, name: attachment.name, sha256: sha256(attachment.content) }));
			return {
				credential,
				held,
				async check(mode, firstIds) {
					// The Case holds the seeded attachment and exactly the held ones.
					const linked = espo.record('Case', record.id)!.attachmentsIds as string[];
					expect([...linked].sort()).toEqual([existing.id, ...(await held()).map((file) => file.id)].sort());
					// Replace unlinks and deletes the old attachment (EspoCRM keeps unlinked ones); Skip touches nothing.
					expect(espo.deleted).toEqual(mode === 'skip' ? [] : firstIds);
					expect(espo.unlinked.map((entry) => entry.attachmentId)).toEqual(mode === 'skip' ? [] : firstIds);
				},
				stop: async () => await espo.stop(),
			};
		},
	};
}

/** The six cases: Skip and Replace for each CRM that offers If Already Attached. */
export function ifAlreadyAttachedCases(s3: S3Rig): E2eCase[] {
	return (['skip', 'replace'] as const).flatMap((mode) => [caseFor(onePageCrm(s3), mode), caseFor(zohoCrm(), mode), caseFor(espoCrm(mode), mode)]);
}
