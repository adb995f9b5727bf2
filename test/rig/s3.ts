import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import type { Readable } from 'stream';

/** The loopback radosgw started by the rig (see radosgw.sh), as written to its s3.json. */
export interface S3Settings {
	endpoint: string;
	accessKey: string;
	secretKey: string;
	region: string;
}

export const TEST_BUCKET = 'crm-attachments-test';

export function s3Settings(): S3Settings {
	const file = process.env.CRM_TEST_S3_JSON;
	if (!file) throw new Error('CRM_TEST_S3_JSON is not set: run the tests through jest (its global setup starts radosgw)');
	const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
	return {
		endpoint: raw.S3_ENDPOINT,
		accessKey: raw.S3_ACCESS_KEY,
		secretKey: raw.S3_SECRET_KEY,
		region: raw.S3_REGION,
	};
}

export function s3Client(settings = s3Settings()): S3Client {
	return new S3Client({
		endpoint: settings.endpoint,
		region: settings.region,
		forcePathStyle: true,
		credentials: { accessKeyId: settings.accessKey, secretAccessKey: settings.secretKey },
	});
}

export async function ensureBucket(client: S3Client, bucket = TEST_BUCKET): Promise<void> {
	try {
		await client.send(new CreateBucketCommand({ Bucket: bucket }));
	} catch (error) {
		const name = (error as { name?: string }).name;
		if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
	}
}

export interface PresignedForm {
	url: string;
	fields: Record<string, string>;
}

/** A real presigned POST form for the test bucket, signed by the AWS SDK with real conditions. */
export async function presignedForm(
	client: S3Client,
	options: Omit<PresignedPostOptions, 'Bucket'> & { Bucket?: string },
): Promise<PresignedForm> {
	const form = await createPresignedPost(client, { Bucket: TEST_BUCKET, ...options });
	return { url: form.url, fields: form.fields };
}

export interface StoredObject {
	size: number;
	sha256: string;
	contentType?: string;
}

/** Reads an object back from radosgw and checksums it as a stream. */
export async function storedObject(client: S3Client, key: string, bucket = TEST_BUCKET): Promise<StoredObject> {
	const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
	const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
	const hash = createHash('sha256');
	let size = 0;
	for await (const chunk of object.Body as Readable) {
		hash.update(chunk as Buffer);
		size += (chunk as Buffer).length;
	}
	return { size, sha256: hash.digest('hex'), contentType: head.ContentType };
}

export async function objectExists(client: S3Client, key: string, bucket = TEST_BUCKET): Promise<boolean> {
	try {
		await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
		return true;
	} catch {
		return false;
	}
}

export function sha256(buffer: Buffer): string {
	return createHash('sha256').update(buffer).digest('hex');
}
