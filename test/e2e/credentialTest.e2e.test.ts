/**
 * The credential screen's "Test" in a REAL n8n server (`n8n start`), for every credential with a
 * declarative test request, in the oldest supported n8n on Node 20 and the newest n8n on Node 24.
 *
 * The package is packed and installed into a fresh user folder the way the Community Nodes screen
 * does (scripts/n8n/e2e.ts), n8n runs on free ports on 127.0.0.1, the owner account is set up and
 * logged in, and each case does what the editor does: save the credential (POST /rest/credentials),
 * load it back (secrets redacted) and test it (POST /rest/credentials/test). The fake CRM must have
 * received the test request with the credential's auth, and the answer must be "OK" for the right
 * secret and, for a wrong one, the credential's own message, with no secret in it.
 * (Zoho's OAuth2 credential has no test request: n8n only checks that it holds a token.)
 */
import { readFileSync } from 'fs';

import type { N8nInstall } from '../../scripts/n8n/e2e';
import { installN8n, N8nSandbox, n8nTargets } from '../../scripts/n8n/e2e';
import type { CrmEntry } from '../crms/crm';
import { credentialTypeOf, crmEntries } from '../crms/registry';
import { FakeServer } from '../fakes/fakeServer';
import type { CredentialCase } from './credentialTest/cases';
import { ruleMessage } from './credentialTest/cases';
import { N8nServer } from './credentialTest/n8nServer';
import { packedPackage, SETUP_TIMEOUT_MS } from './inN8n';

const CASE_TIMEOUT_MS = 60_000;

/**
 * n8n versions whose credential tester never applies a credential's `responseCode` rules, so the
 * user sees n8n's generic message for the status instead of ours. Cause (n8n 2.8.x, n8n-workflow
 * 2.8.0): `ExecutionBaseError` declares `cause` as a class field, which resets the `cause` the native
 * Error constructor had set, so `NodeApiError.cause` is always undefined and
 * CredentialsTester.testCredentials' `error.cause?.response` check never matches; it falls through
 * to `error.message`. Fixed in later n8n-workflow (2.41.0 forwards `cause` and no longer redeclares it).
 */
const N8N_WITHOUT_RULE_MESSAGES: Record<string, Record<number, string>> = {
	'2.8.4': {
		401: 'Authorization failed - please check your credentials',
		404: 'The resource you are requesting could not be found',
	},
};

/** Every CRM's credential cases (its registry entry's), each with the CRM it tests. */
const credentialCases = crmEntries().flatMap(([name, entry]) =>
	(entry.credentialTests ?? []).map((testCase) => ({ name, entry, testCase: testCase as CredentialCase })),
);

/** The fakes of one n8n target, one per CRM with credential cases, each server on a free port. */
class CredentialFakes {
	private readonly fakes = new Map<string, unknown>();
	private readonly servers: FakeServer[] = [];

	async start(): Promise<void> {
		for (const [name, entry] of crmEntries().filter(([, candidate]) => candidate.credentialTests?.length)) {
			// The credential test requests need no S3: Close and Traffio only use it for upload forms.
			const fake = entry.create(undefined as unknown as Parameters<CrmEntry['create']>[0]);
			for (const server of Object.values(entry.servers(fake))) {
				await FakeServer.prototype.start.call(server, 0);
				this.servers.push(server);
			}
			this.fakes.set(name, fake);
		}
	}

	of(name: string): unknown {
		return this.fakes.get(name);
	}

	async stop(): Promise<void> {
		await Promise.all(this.servers.splice(0).map(async (server) => await FakeServer.prototype.stop.call(server)));
	}
}

describe.each(n8nTargets().map((target) => [target.label, target] as const))('credential Test button in %s', (_label, target) => {
	let install: N8nInstall | undefined;
	let sandbox: N8nSandbox | undefined;
	let n8n: N8nServer | undefined;
	const fakes = new CredentialFakes();
	/** Every secret any case used: none may reach n8n's log. */
	const secretsUsed = new Set<string>();

	beforeAll(async () => {
		await fakes.start();
		install = await installN8n(target);
		const packed = await packedPackage();
		sandbox = await N8nSandbox.create(install, packed.tarball);
		n8n = await N8nServer.start(sandbox);
		await n8n.setUpOwnerAndLogIn();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.dispose();
		await fakes.stop();
	}, 60_000);

	it.each(credentialCases.map(({ name, entry, testCase }) => [testCase.title, name, entry, testCase] as const))(
		'%s',
		async (_title, name, entry, testCase) => {
			const fake = fakes.of(name);
			const type = credentialTypeOf(entry);
			const server = testCase.server(fake);
			const secrets = testCase.secrets(fake);
			secrets.forEach((secret) => secretsUsed.add(secret));
			const seen = server.requests.length;

			const saved = await n8n!.createCredential(testCase.title, type, testCase.data(fake));
			expect(saved).toMatchObject({ id: expect.any(String), type });
			// What the editor holds after reopening the credential: the secrets are blanked out.
			const reopened = await n8n!.readCredential(saved.id);
			for (const secret of secrets) expect(JSON.stringify(reopened)).not.toContain(secret);

			const result = await n8n!.testCredential(reopened);

			// The test request really reached our fake, with the credential's auth applied.
			// n8n-core's httpRequestWithAuthentication sends a request once more after an HTTP 401
			// (it re-runs the credential's preAuthentication first): a refused key arrives twice.
			const received = server.requests.slice(seen).filter((request) => testCase.path.test(request.path));
			const status = testCase.expected === 'OK' ? 200 : testCase.refusedWith;
			expect(received.length).toBe(status === 401 ? 2 : 1);
			for (const request of received) {
				expect(`${request.method} ${request.status}`).toBe(`GET ${status}`);
				testCase.checkAuth(request, fake);
			}

			if (testCase.expected === 'OK') {
				expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
			} else {
				expect(result.status).toBe('Error');
				const generic = N8N_WITHOUT_RULE_MESSAGES[target.n8nVersion]?.[testCase.refusedWith!];
				if (generic !== undefined) {
					// This n8n ignores our rules (see above): its own message for the status is all users get.
					expect(result.message).toBe(generic);
				} else {
					// The credential's own message: it names the problem, the HTTP status and the fix.
					expect(result.message).toBe(ruleMessage(new entry.credential(), testCase.refusedWith!));
					expect(result.message).toContain(`HTTP ${testCase.refusedWith}`);
				}
			}
			for (const secret of secrets) expect(JSON.stringify(result)).not.toContain(secret);
		},
		CASE_TIMEOUT_MS,
	);

	it('n8n is still up and its log holds none of the secrets', () => {
		expect(n8n!.alive).toBe(true);
		const log = readFileSync(n8n!.logFile, 'utf8');
		expect(secretsUsed.size).toBeGreaterThan(0);
		for (const secret of secretsUsed) expect(log).not.toContain(secret);
	});
});
