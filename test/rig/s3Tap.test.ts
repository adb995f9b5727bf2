import { request } from 'http';

import { TEST_BUCKET } from './s3';
import { useS3 } from './useS3';

const s3 = useS3();

/** Opens a POST to the tap and returns a way to write more of its body, then finish it. */
function openUpload(url: string): { write(text: string): void; finish(): Promise<number> } {
	const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } });
	const answered = new Promise<number>((resolve, reject) => {
		outgoing.on('response', (response) => {
			response.resume();
			response.on('end', () => resolve(response.statusCode ?? 0));
		});
		outgoing.on('error', reject);
	});
	return {
		write: (text) => outgoing.write(text),
		finish: async () => {
			outgoing.end();
			return await answered;
		},
	};
}

/** Waits until the tap has taken in `count` requests (it records each as it starts forwarding it). */
async function tapHasSeen(count: number): Promise<void> {
	while (s3.tap.requests.length < count) await new Promise((resolve) => setImmediate(resolve));
}

describe('the S3 tap', () => {
	it('records a secret against the request that sent it, even while another request is in flight', async () => {
		const secret = 'tap-secret-5d1f0c';
		s3.tap.watchSecrets(secret);
		const before = s3.tap.requests.length;
		const url = `${s3.tap.baseUrl}/${TEST_BUCKET}`;

		const leaking = openUpload(url);
		leaking.write('first part, nothing secret\n');
		await tapHasSeen(before + 1);
		const clean = openUpload(url);
		clean.write('a clean upload\n');
		await tapHasSeen(before + 2);
		// The first upload sends the secret only after the second one has started.
		leaking.write(`key=${secret}\n`);
		await leaking.finish();
		await clean.finish();

		const [first, second] = s3.tap.requests.slice(before);
		expect(first.secretsSeen).toEqual([secret]);
		expect(second.secretsSeen).toEqual([]);
	});
});
