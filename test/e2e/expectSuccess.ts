import type { ExecuteResult } from '../../scripts/n8n/e2e';

/**
 * Fails with what n8n printed when the workflow did not succeed. Its own file, apart from inN8n.ts (which
 * registers jest hooks when loaded), so the cases can be imported outside jest (the CRM registry is).
 */
export function expectSuccess(result: ExecuteResult): void {
	if (result.error !== undefined || result.code !== 0) {
		throw new Error(
			`n8n execute failed (exit ${result.code}${result.signal ? `, ${result.signal}` : ''}): ${result.error ?? ''}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`,
		);
	}
}
