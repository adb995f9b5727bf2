/**
 * What the registry (test/crms/registry.ts) knows of one CRM: its node and credential, how the sandbox
 * starts, seeds and reads its fake, and its real-n8n cases. The sandbox (scripts/sandbox/), the e2e
 * suite (test/e2e/crms.e2e.test.ts), the docs generator (scripts/docs/) and their tests read only this,
 * so adding a CRM is its node, its fake and one entry.
 */
import type { ICredentialType, INodeType } from 'n8n-workflow';

import type { CredentialCase } from '../e2e/credentialTest/cases';
import type { IfAlreadyAttachedCrmFor } from '../e2e/cases/ifAlreadyAttached';
import type { E2eCase } from '../e2e/inN8n';
import type { FakeServer } from '../fakes/fakeServer';
import type { S3Rig } from '../rig/useS3';

/** One file a CRM (or the sandbox's presigned bucket) holds, as the status page shows it. */
export interface Holding {
	/** The registry key of the CRM, or 'presigned'. */
	crm: string;
	name: string;
	size: number;
	sha256: string;
	mimeType?: string;
	/** Where it landed, in words: the record, the field, the activity. */
	where: string;
	/** The S3 key, for files kept in S3. */
	key?: string;
	/** The CRM's id of the file/attachment. */
	id?: string;
}

export type HeldFile = Omit<Holding, 'crm'>;

/** Size and checksum of an S3 object (undefined when it is not there). */
export type S3ObjectReader = (key: string) => Promise<{ size: number; sha256: string; contentType?: string } | undefined>;

/** Method syntax on purpose: an entry for a specific fake is then a CrmEntry (of unknown fake). */
export interface CrmEntry<Fake = unknown> {
	/** What the status page, the demo and the logs call it. */
	label: string;
	/** The node class (its description names the node type). */
	node: new () => INodeType;
	/** The credential class the node uses (its name is the credential type). */
	credential: new () => ICredentialType;

	// ---- The sandbox (npm start, npm run demo, the browser test) ----
	/** Makes its fake, not started yet. */
	create(s3: S3Rig): Fake;
	/**
	 * Its servers by port name (the keys of `ports`), started in this order, each on its port (a free
	 * one when that is taken, or when the sandbox runs on free ports), and stopped by the sandbox.
	 */
	servers(fake: Fake): Record<string, FakeServer>;
	/** The fixed ports of 127.0.0.1 its servers listen on in the sandbox (docs/sandbox.md lists them). */
	ports: Record<string, number>;
	/** The id of its sandbox credential in n8n (fixed: the examples and a kept user folder refer to it). */
	sandboxCredentialId: string;
	/** The records seed() creates (fixed ids, so they can be typed in the editor; shown on the status page). */
	seeds: Record<string, unknown>;
	/** Node parameters an example's node gets from the seeds, when the example sets that parameter. */
	parameters: Record<string, unknown>;
	/** Called once its servers listen: fills the fake with the seeds. */
	seed(fake: Fake, s3: S3Rig): Promise<void>;
	/** The base URL its credential points at. */
	url(fake: Fake): string;
	/** Its sandbox credential's values (plain text; n8n encrypts them on import). */
	credentialData(fake: Fake): Record<string, unknown>;
	/** Every file it holds now (the sandbox adds which CRM holds it). */
	holdings(fake: Fake, s3Object: S3ObjectReader): Promise<HeldFile[]>;
	/** Told the editor's address once n8n runs (e.g. an OAuth2 redirect URI to allow). */
	editorStarted?(fake: Fake, editorUrl: string): void;

	// ---- The real-n8n suites (test/e2e/) ----
	/** Its own example workflows run in real n8n (crms.e2e.test.ts; cases across CRMs stay in that file). */
	e2eCases(s3: S3Rig): E2eCase[];
	/** Its credential's Test button in a real n8n server (credentialTest.e2e.test.ts), when it has a test request. */
	credentialTests?: Array<CredentialCase<Fake>>;
	/** Its part in the If Already Attached re-run cases (crms.e2e.test.ts), when its uploads offer the option. */
	ifAlreadyAttached?: IfAlreadyAttachedCrmFor;
}
