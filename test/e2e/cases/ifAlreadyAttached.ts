/**
 * "If Already Attached" in real n8n: the same workflow executed twice (two `n8n execute` runs of one
 * imported workflow, as a user re-running it after a failure), against each CRM that can list a
 * record's files: those whose registry entry (test/crms/) has `ifAlreadyAttached`, each CRM's part in its
 * own case file (OnePageCRM, Zoho CRM, EspoCRM).
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
import type { S3Rig } from '../../rig/useS3';
import type { CaseContext, E2eCase } from '../inN8n';
import { expectSuccess } from '../expectSuccess';

export type Mode = 'skip' | 'replace';

/** A file the record holds, with the sha256 of its stored bytes. */
export interface Held {
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
export interface Target {
	credential: N8nCredential;
	/** What the record holds now (every file of this fake but the ones seeded before the runs). */
	held(): Promise<Held[]>;
	/** CRM-specific checks after the last run (requests made, links kept, deletions). */
	check?(mode: Mode, firstIds: string[], results: ExecuteResult[]): Promise<void>;
	stop(): Promise<void>;
}

export interface IfAlreadyAttachedCrm {
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

function caseFor(crm: IfAlreadyAttachedCrm, mode: Mode): E2eCase {
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

/** A regular expression's text matching `text` literally. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How a CRM that offers If Already Attached takes part (its registry entry's `ifAlreadyAttached`). */
export type IfAlreadyAttachedCrmFor = (s3: S3Rig, mode: Mode) => IfAlreadyAttachedCrm;

/** Skip and Replace for each CRM given (the registry's entries that offer If Already Attached). */
export function ifAlreadyAttachedCases(crms: IfAlreadyAttachedCrmFor[], s3: S3Rig): E2eCase[] {
	return (['skip', 'replace'] as const).flatMap((mode) => crms.map((crmFor) => caseFor(crmFor(s3, mode), mode)));
}
