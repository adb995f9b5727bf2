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

/** Registers beforeAll/afterAll hooks that give a test file the shared radosgw and its own tap. */
export function useS3(): S3Rig {
	const rig = {} as S3Rig;
	beforeAll(async () => {
		rig.settings = s3Settings();
		rig.client = s3Client(rig.settings);
		await ensureBucket(rig.client);
		rig.tap = new S3Tap(rig.settings.endpoint);
		await rig.tap.start();
		rig.form = async (options) => {
			const form = await presignedForm(rig.client, options);
			return { url: rig.tap.through(form.url), fields: form.fields };
		};
	});
	afterAll(async () => {
		await rig.tap?.stop();
		rig.client?.destroy();
	});
	return rig;
}
