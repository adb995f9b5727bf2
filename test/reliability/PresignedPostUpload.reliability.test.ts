import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { randomUUID } from 'crypto';

import { PresignedPostUpload } from '../../nodes/PresignedPostUpload/PresignedPostUpload.node';
import { randomFile } from '../harness/fixtures';
import { runNode } from '../harness/runNode';
import { storedObject, TEST_BUCKET } from '../rig/s3';
import { useS3 } from '../rig/useS3';
import type { NodeAdapter, Scenario } from './harness';
import { reliabilitySuite } from './harness';

const s3 = useS3();
let form: { url: string; fields: Record<string, string> };
let prefix = '';

function adapter(): NodeAdapter<string> {
	return {
		node: 'S3 Presigned POST Upload',
		s3,
		// The node has no credential: the form's signature is the only authorisation.
		secrets: () => [],
		run: async ({ parameters, items, continueOnFail, binaryMode }) =>
			await runNode({
				nodeType: new PresignedPostUpload(),
				parameters: { url: form.url, fields: JSON.stringify(form.fields), binaryPropertyName: 'data', options: {}, ...parameters },
				items,
				binaryMode,
				continueOnFail,
			}),
		snapshot: async () => {
			prefix = `reliability/${randomUUID()}/`;
			form = await s3.form({
				Key: `${prefix}\${filename}`,
				Conditions: [['starts-with', '$key', prefix], ['content-length-range', 1, 10 * 1024 * 1024]],
				Expires: 600,
			});
			return prefix;
		},
		registrationsSince: async (under) => {
			const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: under }));
			return (listed.Contents ?? []).map((object) => ({
				fileName: object.Key!,
				intact: async (file) => (await storedObject(s3.client, object.Key!)).sha256 === file.sha256,
			}));
		},
	};
}

const scenarios: Scenario[] = [
	{ name: 'S3 connection reset mid-upload (retried with a fresh stream)', kind: 'fault', arrange: () => s3.tap.injectFault({ resetAfterBytes: 1500 }) },
	{ name: 'S3 503 SlowDown with Retry-After', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 503, code: 'SlowDown', headers: { 'retry-after': '1' } }) },
	{ name: 'S3 500 InternalError', kind: 'fault', arrange: () => s3.tap.injectFault({ status: 500, code: 'InternalError' }) },
	{
		name: 'S3 refuses an expired form (not retried: the form would stay expired)',
		kind: 'fault',
		arrange: () => s3.tap.injectFault({ status: 403, code: 'AccessDenied' }),
		failing: [0],
		error: /^S3 refused the upload of "[^"]+": AccessDenied/,
		description: /policy expired/,
	},
	{
		name: 'an item without binary data',
		kind: 'input',
		file: (index, name) => (index === 0 ? null : randomFile(name, 500, 'text/plain')),
		failing: [0],
		error: /^Item 1 has no binary property "data"$/,
	},
	{ name: 'a wrongly named binary property', kind: 'input', property: 'upload', failing: [0, 1], error: /has no binary property "data"$/, description: /"upload"/ },
	{
		name: 'an empty file',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 0 : 700, 'text/plain'),
		failing: [0],
		error: /is empty \(0 bytes\)$/,
	},
	{
		name: 'a file larger than the form allows (its policy\'s content-length-range, refused before sending)',
		kind: 'input',
		file: (index, name) => randomFile(name, index === 0 ? 10 * 1024 * 1024 + 1 : 600, 'application/octet-stream'),
		failing: [0],
		error: /^The upload form from the "Form URL" and "Form Fields" parameters accepts files up to 10 MB: "[^"]+" \(binary property "data", item 1\) is 10,485,761 bytes \(10 MB \+ 1 byte\)$/,
	},
	{ name: '"Form Fields" that are not JSON', kind: 'input', parameters: { fields: '{policy: nope' }, failing: [0, 1], error: /^"Form Fields" of item \d is not valid JSON$/ },
	{ name: '"Form Fields" that are a JSON array', kind: 'input', parameters: { fields: '["policy"]' }, failing: [0, 1], error: /^"Form Fields" of item \d is not a JSON object$/ },
	{ name: '"Form Fields" with a value that is not text', kind: 'input', parameters: { fields: '{"policy": {"nested": true}}' }, failing: [0, 1], error: /has a field "policy" that is not text$/ },
	{ name: 'a form URL that is not a URL', kind: 'input', parameters: { url: 'not a url' }, failing: [0, 1], error: /has no valid URL$/ },
	{
		name: 'an object key with ".." and "?" (stays a key, refused by the form\'s prefix)',
		kind: 'input',
		parameters: { options: { key: '../../other/${filename}?x=1#y' } },
		failing: [0, 1],
		error: /^S3 refused the upload of "[^"]+": AccessDenied/,
	},
];

reliabilitySuite(adapter, scenarios);

describe('S3 Presigned POST Upload across the whole table', () => {
	it('sent every upload with a Content-Length and no Authorization header to the storage host', () => {
		const uploads = s3.tap.requests.filter((request) => request.method === 'POST');
		expect(uploads.length).toBeGreaterThan(0);
		expect(uploads.filter((request) => request.headers.authorization !== undefined)).toEqual([]);
		expect(uploads.filter((request) => request.headers['content-length'] === undefined)).toEqual([]);
	});
});
