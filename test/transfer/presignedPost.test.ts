import type { IHttpRequestOptions } from 'n8n-workflow';

import type { BinaryFile } from '../../nodes/transfer/binaryInput';
import type { HttpResponse } from '../../nodes/transfer/httpResponse';
import type { PresignedPostForm, PresignedPostOptions } from '../../nodes/transfer/presignedPost';
import { isExpiredFormError, keySafeName, resolveObjectKey, uploadToPresignedPost } from '../../nodes/transfer/presignedPost';
import { fakeContext } from '../shared/fakeContext';
import { useInstantClock } from './scriptedService';
import type { MultipartPart } from './multipartParts';
import { multipartPartsOf } from './multipartParts';
import { recordPacedScopes, runOf } from './runOf';

/**
 * The presigned POST upload without n8n's engine: a context whose plain HTTP helper answers as the
 * storage would and records each request with the multipart body it received, read back in full.
 * (test/nodes/PresignedPostUpload runs the same code against a real S3, radosgw.)
 */

interface Received {
	options: IHttpRequestOptions;
	/** The multipart fields in order, the file part as its bytes in text. */
	parts: MultipartPart[];
}

function storageAnswering(...answers: Array<Partial<HttpResponse> | Error>) {
	const received: Received[] = [];
	const ctx = fakeContext({
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				received.push({ options, parts: await multipartPartsOf(options) });
				const next = answers.length > 1 ? answers.shift()! : answers[0] ?? { statusCode: 204 };
				if (next instanceof Error) throw next;
				return { statusCode: 204, headers: {}, body: '', ...next };
			},
		},
	});
	return { ctx, received };
}

function fileOf(content = 'hello pdf', fileName = 'report.pdf', mimeType = 'application/pdf'): BinaryFile {
	return {
		propertyName: 'data',
		fileName,
		mimeType,
		size: Buffer.byteLength(content),
		streamed: false,
		openContent: async () => Buffer.from(content),
	};
}

function policy(conditions: unknown[]): string {
	return Buffer.from(JSON.stringify({ expiration: '2030-01-01T00:00:00Z', conditions })).toString('base64');
}

const form: PresignedPostForm = {
	url: 'https://bucket.s3.example/',
	fields: { key: 'uploads/${filename}', Policy: policy([['starts-with', '$key', 'uploads/']]), 'X-Amz-Signature': 'sig' },
};

async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string }> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Error & { description?: string };
}

// The retries' backoff passes at once (the upload's repeats are counted, not timed).
useInstantClock();

describe('uploadToPresignedPost', () => {
	it('posts the form\'s fields in order, then the file, to the form\'s URL without credentials or redirects', async () => {
		const { ctx, received } = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(ctx, runOf(ctx), 0, form, fileOf());
		expect(received).toHaveLength(1);
		const [{ options, parts }] = received;
		expect(options).toMatchObject({
			method: 'POST',
			url: 'https://bucket.s3.example/',
			disableFollowRedirect: true,
			encoding: 'text',
			timeout: 120_000,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		expect(parts).toEqual([
			{ disposition: 'Content-Disposition: form-data; name="key"', content: 'uploads/${filename}' },
			{ disposition: 'Content-Disposition: form-data; name="Policy"', content: form.fields.Policy },
			{ disposition: 'Content-Disposition: form-data; name="X-Amz-Signature"', content: 'sig' },
			{ disposition: 'Content-Disposition: form-data; name="file"; filename="report.pdf"', type: 'application/pdf', content: 'hello pdf' },
		]);
	});

	it('replaces the form\'s key, adds a service\'s fields before the file, names the file part and sets the timeout', async () => {
		const { ctx, received } = storageAnswering({ statusCode: 204 });
		const options: PresignedPostOptions = {
			key: 'uploads/a b.pdf',
			extraFields: { filename: 'a b.pdf', size: 9 },
			fileFieldName: 'upload',
			timeoutMs: 5000,
		};
		const result = await uploadToPresignedPost(ctx, runOf(ctx), 0, { url: form.url, fields: { Key: 'uploads/${filename}', acl: 'private' } }, fileOf(), options);
		expect(received[0].options.timeout).toBe(5000);
		expect(received[0].parts.map((part) => [part.disposition.replace('Content-Disposition: form-data; ', ''), part.content])).toEqual([
			['name="Key"', 'uploads/a b.pdf'],
			['name="acl"', 'private'],
			['name="filename"', 'a b.pdf'],
			['name="size"', '9'],
			['name="upload"; filename="report.pdf"', 'hello pdf'],
		]);
		expect(result.key).toBe('uploads/a b.pdf');
		expect(result.location).toBe('https://bucket.s3.example/uploads/a%20b.pdf');
	});

	it('adds a key of ${filename} when the form has none, or the key asked for', async () => {
		const none = storageAnswering({ statusCode: 204 });
		const result = await uploadToPresignedPost(none.ctx, runOf(none.ctx), 0, { url: 'https://s3.example/bucket', fields: { acl: 'private' } }, fileOf('x', 'a.txt'));
		expect(none.received[0].parts.slice(0, 2).map((part) => part.content)).toEqual(['private', '${filename}']);
		expect(none.received[0].parts[1].disposition).toBe('Content-Disposition: form-data; name="key"');
		expect(result.key).toBe('a.txt');
		const given = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(given.ctx, runOf(given.ctx), 0, { url: 'https://s3.example/bucket', fields: {} }, fileOf(), { key: 'k/1.pdf' });
		expect(given.received[0].parts[0].content).toBe('k/1.pdf');
	});

	it('adds the file\'s Content-Type only when the policy signs it and allows the type, and never twice', async () => {
		const signed = { url: form.url, fields: { key: 'a', policy: policy([['starts-with', '$Content-Type', 'application/']]) } };
		const added = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(added.ctx, runOf(added.ctx), 0, signed, fileOf());
		expect(added.received[0].parts[2]).toEqual({ disposition: 'Content-Disposition: form-data; name="Content-Type"', content: 'application/pdf' });

		const otherType = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(otherType.ctx, runOf(otherType.ctx), 0, signed, fileOf('x', 'a.png', 'image/png'));
		expect(otherType.received[0].parts.map((part) => part.disposition)).not.toContainEqual(expect.stringContaining('Content-Type'));

		const alreadySent = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(alreadySent.ctx, runOf(alreadySent.ctx), 0, { ...signed, fields: { ...signed.fields, 'content-type': 'application/x' } }, fileOf());
		expect(alreadySent.received[0].parts.filter((part) => /content-type/i.test(part.disposition))).toHaveLength(1);

		const fromExtra = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(fromExtra.ctx, runOf(fromExtra.ctx), 0, signed, fileOf(), { extraFields: { 'Content-Type': 'application/y' } });
		expect(fromExtra.received[0].parts.filter((part) => /content-type/i.test(part.disposition)).map((part) => part.content)).toEqual(['application/y']);

		const noType = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(noType.ctx, runOf(noType.ctx), 0, signed, fileOf('x', 'a.pdf', ''));
		expect(noType.received[0].parts).toHaveLength(3);
	});

	it.each([
		['not a url', 'has no valid URL', 'Expected an http(s) URL to post the file to, got "not a url".'],
		['ftp://files.example/a', 'has no valid URL', 'Expected an http(s) URL to post the file to, got "ftp://files.example/a".'],
	])('refuses a form whose URL is %p before anything is sent', async (url, message, description) => {
		const { ctx, received } = storageAnswering();
		const error = await failureOf(uploadToPresignedPost(ctx, runOf(ctx), 0, { url, fields: {} }, fileOf(), { formSource: 'Acme' }));
		expect(error.message).toBe(`The upload form from Acme ${message}`);
		expect(error.description).toBe(description);
		expect(received).toHaveLength(0);
	});

	it('takes a plain-http form unless the service is reached over https', async () => {
		const plain = { url: 'http://127.0.0.1:9000/bucket', fields: {} };
		const allowed = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(allowed.ctx, runOf(allowed.ctx), 0, plain, fileOf());
		expect(allowed.received).toHaveLength(1);
		const refused = storageAnswering();
		const error = await failureOf(uploadToPresignedPost(refused.ctx, runOf(refused.ctx), 0, plain, fileOf(), { requireHttps: true }));
		expect(error.message).toBe('The upload form from the API points to a plain-http URL (http://127.0.0.1:9000); the file was not sent');
		expect(error.description).toMatch(/^Files are only posted over https/);
		expect(refused.received).toHaveLength(0);
		const https = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(https.ctx, runOf(https.ctx), 0, form, fileOf(), { requireHttps: true });
		expect(https.received).toHaveLength(1);
	});

	it.each([
		['no fields', undefined, 'has no fields'],
		['a list of fields', ['key'], 'has no fields'],
		['fields that are null', null, 'has no fields'],
		['fields that are text', 'key=a', 'has no fields'],
		['a field that is an object', { key: 'a', acl: { value: 'private' } }, 'has a field "acl" that is not text'],
		['a field that is null', { key: null }, 'has a field "key" that is not text'],
	])('refuses a form with %s before anything is sent', async (_, fields, message) => {
		const { ctx, received } = storageAnswering();
		const error = await failureOf(uploadToPresignedPost(ctx, runOf(ctx), 2, { url: form.url, fields } as unknown as PresignedPostForm, fileOf()));
		expect(error.message).toBe(`The upload form from the API ${message}`);
		expect(error).toMatchObject({
			context: expect.objectContaining({ itemIndex: 2 }),
			description: message === 'has no fields'
				? 'A presigned POST form needs its signed fields (policy, signature, key, ...).'
				: 'Each form field must be a string, number or boolean.',
		});
		expect(received).toHaveLength(0);
	});

	it('takes fields that are numbers and booleans, sent as text', async () => {
		const { ctx, received } = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(ctx, runOf(ctx), 0, { url: form.url, fields: { key: 'a', success_action_status: 201, x: false } }, fileOf());
		expect(received[0].parts.slice(1, 3).map((part) => part.content)).toEqual(['201', 'false']);
	});

	it('refuses a file outside the policy\'s content-length-range before it is sent', async () => {
		const ranged = { url: form.url, fields: { key: 'a', policy: policy([['content-length-range', 2, 5]]) } };
		const large = storageAnswering();
		const error = await failureOf(uploadToPresignedPost(large.ctx, runOf(large.ctx), 0, ranged, fileOf('123456'), { formSource: 'Acme' }));
		expect(error.message).toMatch(/^The upload form from Acme accepts files up to 5 bytes: "report.pdf"/);
		const small = storageAnswering();
		await failureOf(uploadToPresignedPost(small.ctx, runOf(small.ctx), 0, ranged, fileOf('1')));
		expect([...large.received, ...small.received]).toHaveLength(0);
		const within = storageAnswering({ statusCode: 204 });
		await uploadToPresignedPost(within.ctx, runOf(within.ctx), 0, ranged, fileOf('12345'));
		expect(within.received).toHaveLength(1);
	});

	it('repeats the upload with a fresh body after a storage failure (posting to the same key again only overwrites it)', async () => {
		const { ctx, received } = storageAnswering(
			{ statusCode: 500, headers: { 'retry-after': '0' }, body: '<Error><Code>InternalError</Code></Error>' },
			{ statusCode: 204 },
		);
		const result = await uploadToPresignedPost(ctx, runOf(ctx), 0, form, fileOf());
		expect(result.statusCode).toBe(204);
		expect(received).toHaveLength(2);
		expect(received[1].parts[3].content).toBe('hello pdf');
		expect(received[1].options.body).not.toBe(received[0].options.body);
	});

	it('paces the storage host apart from the service that handed out the form', async () => {
		const { ctx } = storageAnswering({ statusCode: 204 });
		const scopes = recordPacedScopes(ctx);
		await uploadToPresignedPost(ctx, runOf(ctx), 0, { url: 'https://bucket.s3.example:9000/up', fields: {} }, fileOf());
		expect(scopes).toEqual(['storage bucket.s3.example:9000']);
	});

	it('says what to do about S3\'s refusal by its code, and names the file', async () => {
		const { ctx } = storageAnswering({
			statusCode: 403,
			body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>',
		});
		const error = await failureOf(uploadToPresignedPost(ctx, runOf(ctx), 0, form, fileOf()));
		expect(error.message).toMatch(/^S3 .*the upload of "report.pdf"/);
		expect(error.message).toContain('Policy expired');
		expect(error.description).toMatch(/^The storage refused the signed form\. If the message says the policy expired/);
		expect(isExpiredFormError(error)).toBe(true);
		const tooLarge = storageAnswering({ statusCode: 400, body: '<Error><Code>EntityTooLarge</Code></Error>' });
		expect((await failureOf(uploadToPresignedPost(tooLarge.ctx, runOf(tooLarge.ctx), 0, form, fileOf()))).description).toMatch(/^The file is larger than the form allows/);
		const unknown = storageAnswering({ statusCode: 400, body: '<Error><Code>SomethingNew</Code></Error>' });
		expect((await failureOf(uploadToPresignedPost(unknown.ctx, runOf(unknown.ctx), 0, form, fileOf()))).description).not.toMatch(/form allows|signed form/);
	});

	it('reports a storage it could not reach with the file named', async () => {
		const { ctx, received } = storageAnswering(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
		const error = await failureOf(uploadToPresignedPost(ctx, runOf(ctx), 0, form, fileOf()));
		expect(error.message).toBe('Could not reach S3 for the upload of "report.pdf": the connection was refused');
		expect(received).toHaveLength(4);
	});

	it('reads the stored object from S3\'s 201 answer, XML entities decoded', async () => {
		const { ctx } = storageAnswering({
			statusCode: 201,
			body:
				'<PostResponse><Location>https://bucket.s3.example/uploads/a%20%26%20b.pdf</Location><Bucket>my&amp;bucket</Bucket>' +
				'<Key>uploads/a &amp; b &lt;1&gt; &apos;x&apos; &quot;y&quot; &#233;.pdf</Key><ETag>&quot;abc123&quot;</ETag></PostResponse>',
		});
		expect(await uploadToPresignedPost(ctx, runOf(ctx), 0, form, fileOf())).toEqual({
			statusCode: 201,
			bucket: 'my&bucket',
			key: 'uploads/a & b <1> \'x\' "y" é.pdf',
			location: 'https://bucket.s3.example/uploads/a%20%26%20b.pdf',
			etag: 'abc123',
		});
	});

	it('takes the key, bucket and location from the form when S3 answers 204 without a body', async () => {
		const { ctx } = storageAnswering({ statusCode: 204, headers: { etag: '"e1"' } });
		const result = await uploadToPresignedPost(ctx, runOf(ctx), 0, { url: 'https://s3.example/bucket/', fields: { key: 'up/${filename}', Bucket: 'files' } }, fileOf('x', 'a b#1.pdf'));
		expect(result).toEqual({
			statusCode: 204,
			bucket: 'files',
			key: 'up/a b#1.pdf',
			location: 'https://s3.example/bucket/up/a%20b%231.pdf',
			etag: 'e1',
		});
		const withLocation = storageAnswering({ statusCode: 204, headers: { location: 'https://cdn.example/up/a.pdf' } });
		const located = await uploadToPresignedPost(withLocation.ctx, runOf(withLocation.ctx), 0, { url: form.url, fields: { key: 'up/a.pdf' } }, fileOf());
		expect(located).toEqual({ statusCode: 204, bucket: undefined, key: 'up/a.pdf', location: 'https://cdn.example/up/a.pdf', etag: undefined });
	});
});

describe('presigned POST helpers', () => {
	it('knows the refusals a new form may cure', () => {
		expect(isExpiredFormError(new Error('Invalid according to Policy: Policy Expired'))).toBe(true);
		expect(isExpiredFormError(new Error('Request has expired'))).toBe(true);
		expect(isExpiredFormError(new Error('S3: ExpiredToken'))).toBe(true);
		expect(isExpiredFormError(new Error('AccessDenied'))).toBe(false);
		expect(isExpiredFormError('policy expired')).toBe(false);
	});

	it('keeps a file name inside the key\'s prefix, and puts it where the key says ${filename}', () => {
		expect(keySafeName('a/b\\c.pdf')).toBe('a_b_c.pdf');
		expect(resolveObjectKey('x/${filename}/${filename}', 'a.pdf')).toBe('x/a.pdf/a.pdf');
		expect(resolveObjectKey('x/fixed', 'a.pdf')).toBe('x/fixed');
	});
});
