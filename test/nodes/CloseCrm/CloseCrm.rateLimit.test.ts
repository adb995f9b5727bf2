import { CloseCrmApi } from '../../../credentials/CloseCrmApi.credentials';
import { CloseCrm } from '../../../nodes/CloseCrm/CloseCrm.node';
import { FakeClose } from '../../fakes/close';
import { randomFile } from '../../harness/fixtures';
import { runNode } from '../../harness/runNode';
import { objectExists } from '../../rig/s3';
import { useS3 } from '../../rig/useS3';

const s3 = useS3();
let close: FakeClose;

beforeAll(async () => {
	close = new FakeClose(s3);
	await close.start();
});

afterAll(async () => {
	await close.stop();
});

describe('Close file upload at the per-key request rate', () => {
	it('at default settings paces 60 uploads by the RateLimit header: 0 failed, 0 lost, 0 duplicates, at most 2 refusals', async () => {
		// 20 requests/s per key, the example rate of Close's rate limits page; 25 ms per answer.
		close.rateLimit = { limit: 20, windowMs: 1000 };
		close.latencyMs = 25;
		const files = Array.from({ length: 60 }, (_, index) => randomFile(`invoice-${index}.pdf`, 4096, 'application/pdf'));
		const tapBefore = s3.tap.requests.length;
		try {
			const result = await runNode({
				nodeType: new CloseCrm(),
				parameters: { resource: 'file', operation: 'upload', binaryPropertyName: 'data', options: {} },
				items: files.map((file) => ({ files: { data: file.spec } })),
				credentialTypes: [new CloseCrmApi()],
				credentials: { closeCrmApi: { apiKey: close.apiKey, baseUrl: close.apiBaseUrl } },
			});

			expect(result.error).toBeUndefined();
			expect(result.items.filter((item) => item.json.error !== undefined)).toEqual([]);
			expect(result.items.map((item) => item.json.filename)).toEqual(files.map((file) => file.spec.fileName));
			const forms = close.requestsTo('POST', /\/files\/upload\/$/);
			expect(forms.filter((request) => request.status === 200)).toHaveLength(60);
			expect(forms.filter((request) => request.status === 429).length).toBeLessThanOrEqual(2);
			// Each file reached S3 once and is stored.
			const posts = s3.tap.requests.slice(tapBefore).filter((request) => request.method === 'POST' && request.status === 201);
			expect(posts).toHaveLength(60);
			for (const item of result.items) {
				const handedOut = close.files.get(item.json.url as string);
				expect(handedOut).toBeDefined();
				expect(await objectExists(s3.client, handedOut!.key)).toBe(true);
			}
		} finally {
			close.rateLimit = { limit: 10_000, windowMs: 1000 };
			close.latencyMs = 0;
		}
	});
});
