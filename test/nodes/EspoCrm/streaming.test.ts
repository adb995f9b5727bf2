import { createHash } from 'crypto';
import { rmSync } from 'fs';
import { dirname, join } from 'path';

import { FakeEspoCrm } from '../../fakes/espoCrm';
import { randomFileOnDisk } from '../../harness/fixtures';
import { runMemoryProbe } from '../../harness/runMemoryProbe';

const MB = 1024 * 1024;
const FILE_SIZE = 40 * MB;

describe('EspoCRM node: streamed base64 upload', () => {
	const espo = new FakeEspoCrm();
	let file: Awaited<ReturnType<typeof randomFileOnDisk>>;

	beforeAll(async () => {
		await espo.start();
		file = await randomFileOnDisk('large.bin', FILE_SIZE);
	});

	afterAll(async () => {
		await espo.stop();
		if (file) rmSync(dirname(file.path), { recursive: true, force: true });
	});

	it('streams a 40 MB file from the filesystem store as base64 JSON with a Content-Length: memory does not grow by the file', async () => {
		const record = espo.addRecord('Case', { name: 'Large' });
		const report = await runMemoryProbe({
			nodeModule: join(__dirname, '../../../nodes/EspoCrm/EspoCrm.node.ts'),
			nodeExport: 'EspoCrm',
			parameters: {
				resource: 'attachment',
				operation: 'upload',
				entityType: { __rl: true, mode: 'name', value: 'Case' } as never,
				field: { __rl: true, mode: 'name', value: 'attachments' } as never,
				fieldType: 'attachmentMultiple',
				recordId: record.id,
				binaryPropertyName: 'data',
				options: {},
			},
			credentialModules: [{ module: join(__dirname, '../../../credentials/EspoCrmApi.credentials.ts'), export: 'EspoCrmApi' }],
			credentials: { espoCrmApi: espo.credentials('hmac') as Record<string, string> },
			file: { path: file.path, size: file.size, fileName: 'large.bin', mimeType: 'application/octet-stream' },
			binaryMode: 'filesystem',
		});

		expect(report.error).toBeUndefined();
		const post = espo.server.requestsTo('POST', /\/Attachment$/).at(-1)!;
		expect(post.headers['content-length']).toBe(String(post.body.length));
		expect(post.headers['transfer-encoding']).toBeUndefined();
		// The probe warms up with a 64-byte upload to the same record first: both must be linked.
		const ids = espo.record('Case', record.id)!.attachmentsIds as string[];
		expect(ids.map((id) => espo.attachments.get(id)!.size)).toEqual([64, FILE_SIZE]);
		const attachmentId = ids[1];
		const stored = espo.attachments.get(attachmentId)!;
		expect(createHash('sha256').update(stored.content).digest('hex')).toBe(file.sha256);
		// A buffered upload holds the file and its base64 text (4/3 of it); a streamed one a few chunks.
		expect(report.growthBytes).toBeLessThan(FILE_SIZE / 2);
		process.stdout.write(`EspoCRM streamed 40 MB: peak RSS growth ${(report.growthBytes / MB).toFixed(1)} MB\n`);
	});
});
