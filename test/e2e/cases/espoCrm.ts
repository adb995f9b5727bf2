import { createHash, randomBytes, randomUUID } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';

import { nodeOutput, setCredential, setParameters } from '../../../scripts/n8n/e2e';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import type { S3Rig } from '../../rig/useS3';
import type { E2eCase } from '../inN8n';
import type { IfAlreadyAttachedCrm, Mode } from './ifAlreadyAttached';
import { expectSuccess } from '../expectSuccess';

const NODE = 'EspoCRM';

/**
 * examples/espocrm-upload-attachment.json against the fake EspoCRM (HMAC sign-in): the file lands in
 * the Case's Attachment-Multiple field next to the attachment it already had.
 */
/** A Case whose Attachment-Multiple field already holds a small attachment (it must stay linked). */
export function caseHoldingAnAttachment(espo: FakeEspoCrm, name: string) {
	const record = espo.addRecord('Case', { name });
	const existing = espo.addAttachment(randomBytes(64), 'existing.txt', 'text/plain', {
		field: 'attachments',
		parentType: 'Case',
		parentId: record.id,
	});
	record.attachmentsIds = [existing.id];
	return { record, existing };
}

export function espoCrmUploadCase(): E2eCase {
	return {
		title: 'EspoCRM: attaches a file read from disk to a Case, keeping its existing attachment',
		example: 'espocrm-upload-attachment.json',
		async prepare(workflow, { files }) {
			const espo = new FakeEspoCrm();
			await espo.start();
			const { record, existing } = caseHoldingAnAttachment(espo, 'Broken pump');

			// Non-ASCII on purpose: EspoCRM stores the name as sent and sends its raw UTF-8 bytes back (Tools/Attachment/Api/GetFile).
			const fileName = `Café-写真-🧾-${randomUUID().slice(0, 8)}.png`;
			const content = randomBytes(300_000);
			writeFileSync(join(files, fileName), content);

			const credential = {
				id: `espo${randomUUID().replace(/-/g, '').slice(0, 12)}`,
				name: 'EspoCRM e2e',
				type: 'espoCrmApi',
				data: espo.credentials('hmac'),
			};
			setParameters(workflow, 'Read File from Disk', { fileSelector: join(files, fileName) });
			setParameters(workflow, NODE, { recordId: record.id });
			setCredential(workflow, NODE, credential);
			return {
				workflow,
				credentials: [credential],
				state: {
					espo,
					recordId: record.id,
					existingId: existing.id,
					fileName,
					size: content.length,
					sha256: createHash('sha256').update(content).digest('hex'),
				},
				cleanup: async () => await espo.stop(),
			};
		},
		async verify(result, { state }) {
			expectSuccess(result);
			const s = state as { espo: FakeEspoCrm; recordId: string; existingId: string; fileName: string; size: number; sha256: string };
			const [output] = nodeOutput(result.run, NODE);
			const id = output.id as string;
			const stored = s.espo.attachments.get(id)!;
			expect(stored).toMatchObject({ name: s.fileName, type: 'image/png', size: s.size, field: 'attachments' });
			expect(createHash('sha256').update(stored.content).digest('hex')).toBe(s.sha256);
			expect(s.espo.record('Case', s.recordId)!.attachmentsIds).toEqual(expect.arrayContaining([s.existingId, id]));
			expect(s.espo.unlinked).toEqual([]);
			expect(s.espo.authModes).toContain('hmac');
			expect(output).toMatchObject({ fileName: s.fileName, size: s.size, mimeType: 'image/png', recordId: s.recordId, linked: true });
			// No secret of the credential in what n8n printed.
			for (const secret of [s.espo.hmacApiKey, s.espo.secretKey]) expect(result.stdout + result.stderr).not.toContain(secret);
		},
	};
}

/**
 * EspoCRM, a Case's Attachment-Multiple field that already holds an attachment (it must stay linked).
 * Skip runs examples/retry-safe-inbox-to-espocrm.json (every file of a folder; a file arrives between
 * the runs); Replace runs examples/espocrm-upload-attachment.json.
 */
export function espoCrmIfAlreadyAttached(_s3: S3Rig, mode: Mode): IfAlreadyAttachedCrm {
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
			const { record, existing } = caseHoldingAnAttachment(espo, 'Broken pump');
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
					.map((attachment) => ({ id: attachment.id, name: attachment.name, sha256: createHash('sha256').update(attachment.content).digest('hex') }));
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
