import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

type CredentialContext = IExecuteFunctions | ILoadOptionsFunctions;

/** One entry per node run (n8n gives each run its own context object) and credential type. */
const readsByRun = new WeakMap<CredentialContext, Map<string, Promise<ICredentialDataDecryptedObject>>>();

/**
 * The node's credential of `type`, read from n8n once per node run. Every `getCredentials` in n8n
 * is a database query, a decryption and an expression pass over the credential's fields; an
 * upload makes several authenticated requests per item, so reading it once saves all but one.
 * Callers get their own copy: n8n may write into the object it is given (pre-authentication).
 */
export async function readNodeCredentials(
	ctx: CredentialContext,
	type: string,
): Promise<ICredentialDataDecryptedObject> {
	let reads = readsByRun.get(ctx);
	if (!reads) {
		reads = new Map();
		readsByRun.set(ctx, reads);
	}
	let read = reads.get(type);
	if (!read) {
		read = ctx.getCredentials(type);
		reads.set(type, read);
		// A failed read is not remembered: the next item asks n8n again and gets its own error.
		read.catch(() => reads.delete(type));
	}
	return { ...(await read) };
}

/**
 * The credential as `httpRequestWithAuthentication` takes it ready-decrypted, so n8n applies it
 * without reading it again. Undefined when the node has no reference to a credential of this type.
 */
export async function decryptedNodeCredentials(
	ctx: IExecuteFunctions,
	type: string,
): Promise<ICredentialsDecrypted | undefined> {
	const reference = ctx.getNode().credentials?.[type];
	if (!reference?.id) return undefined;
	return { id: reference.id, name: reference.name, type, data: await readNodeCredentials(ctx, type) };
}
