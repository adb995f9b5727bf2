import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { ensureBucket, s3Client, s3Settings } from './s3';

export const RADOSGW_SCRIPT = join(__dirname, 'radosgw.sh');

/**
 * Starts one real S3 (Ceph radosgw on 127.0.0.1) for the whole run, installing Debian's packages
 * first when the machine lacks them. A running sandbox can be reused by setting CRM_TEST_S3_JSON.
 */
export default async function globalSetup(): Promise<void> {
	if (process.env.CRM_TEST_S3_JSON && existsSync(process.env.CRM_TEST_S3_JSON)) {
		await ensureBucket(s3Client(s3Settings()));
		return;
	}
	execFileSync('bash', [RADOSGW_SCRIPT, 'install'], { stdio: 'inherit' });
	const parent = mkdtempSync(join(tmpdir(), 'crm-attachments-s3-'));
	const dir = join(parent, 'rgw');
	execFileSync('bash', [RADOSGW_SCRIPT, 'start', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
	process.env.CRM_TEST_S3_DIR = dir;
	process.env.CRM_TEST_S3_JSON = join(dir, 's3.json');
	await ensureBucket(s3Client(s3Settings()));
}
