/**
 * The registry of CRMs: one entry per CRM (test/crms/<crm>.ts, shape in crm.ts). The sandbox
 * (scripts/sandbox/), the real-n8n suite (test/e2e/crms.e2e.test.ts), the node pages (scripts/docs/) and
 * test/crms/registry.test.ts (which checks it against package.json's n8n lists) read it. Not shipped:
 * the package holds dist/ only. The key is the CRM's id (status page, holdings, example adapters).
 */
import { close } from './close';
import type { CrmEntry } from './crm';
import { espoCrm } from './espoCrm';
import { onePageCrm } from './onePageCrm';
import { traffio } from './traffio';
import { zohoCrm } from './zohoCrm';

export const CRMS = { onePageCrm, close, traffio, zohoCrm, espoCrm };

export type CrmName = keyof typeof CRMS;

/** The fake each CRM's entry starts. */
export type CrmFakes = { [Name in CrmName]: ReturnType<(typeof CRMS)[Name]['create']> };

/** The entries with their ids, in registry order. */
export function crmEntries(): Array<[CrmName, CrmEntry]> {
	return Object.entries(CRMS) as Array<[CrmName, CrmEntry]>;
}

/** The node type name (after the package prefix) of an entry's node. */
export function nodeTypeOf(entry: CrmEntry): string {
	return new entry.node().description.name;
}

/** The credential type name of an entry's credential. */
export function credentialTypeOf(entry: CrmEntry): string {
	return new entry.credential().name;
}
