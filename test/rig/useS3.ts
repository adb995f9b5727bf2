import type { S3Client } from '@aws-sdk/client-s3';
import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';

import type { PresignedForm, S3Settings } from './s3';
import { ensureBucket, presignedForm, s3Client, s3Settings } from './s3';
import { S3Tap } from './s3Tap';

export interface S3Rig {
	settings: S3Settings;
	client: S3Client;
	/** The recording pass-through in front of radosgw that forms point at. */
	tap: S3Tap;
	/** A real presigned POST form whose URL goes through the tap. */
	form(options: Omit<PresignedPostOptions, 'Bucket'>): Promise<PresignedForm>;
}

/** Connects to a running radosgw and starts a tap in front of it (also used outside jest, by the sandbox). */
export async function createS3Rig(settings: S3Settings = s3Settings()): Promise<S3Rig> {
	const client = s3Client(settings);
	await ensureBucket(client);
	const tap = new S3Tap(settings.endpoint);
	await tap.start();
	return {
		settings,
		client,
		tap,
		form: async (options) => {
			const form = await presignedForm(client, options);
			return { url: tap.through(form.url), fields: form.fields };
		},
	};
}

export async function closeS3Rig(rig: S3Rig | undefined): Promise<void> {
	await rig?.tap?.stop();
	rig?.client?.destroy();
}

/** Registers beforeAll/afterAll hooks that give a test file the shared radosgw and its own tap. */
export function useS3(): S3Rig {
	const rig = {} as S3Rig;
	beforeAll(async () => {
		Object.assign(rig, await createS3Rig());
	});
	afterAll(async () => await closeS3Rig(rig));
	return rig;
}
