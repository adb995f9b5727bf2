import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { TransferRun } from './transferRun';

type CredentialContext = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * The node's credential of `type`, read from n8n once per node run. Every `getCredentials` in n8n
 * is a database query, a decryption and an expression pass over the credential's fields; an
 * upload makes several authenticated requests per item, so reading it once saves all but one.
 * Callers get their own copy: n8n may write into the object it is given (pre-authentication).
 */
export async function readNodeCredentials(
	ctx: CredentialContext,
	run: TransferRun,
	type: string,
): Promise<ICredentialDataDecryptedObject> {
	return { ...(await run.credentials.once(type, async () => await ctx.getCredentials(type))) };
}

/**
 * The credential as `httpRequestWithAuthentication` takes it ready-decrypted, so n8n applies it
 * without reading it again. Undefined when the node has no reference to a credential of this type.
 */
export async function decryptedNodeCredentials(
	ctx: IExecuteFunctions,
	run: TransferRun,
	type: string,
): Promise<ICredentialsDecrypted | undefined> {
	const reference = ctx.getNode().credentials?.[type];
	if (!reference?.id) return undefined;
	return { id: reference.id, name: reference.name, type, data: await readNodeCredentials(ctx, run, type) };
}
