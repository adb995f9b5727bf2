import { execFileSync } from 'child_process';
import { rmSync } from 'fs';
import { dirname, join } from 'path';

/** Stops the radosgw that the global setup started (by the pids it recorded), if it started one. */
export default async function globalTeardown(): Promise<void> {
	const dir = process.env.CRM_TEST_S3_DIR;
	if (!dir) return;
	execFileSync('bash', [join(__dirname, 'radosgw.sh'), 'stop', dir], { stdio: 'inherit' });
	rmSync(dirname(dir), { recursive: true, force: true });
}
