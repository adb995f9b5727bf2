import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsHelper,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

type StoredCredentials = Record<string, ICredentialDataDecryptedObject>;

/**
 * Credentials for engine tests, applied the way n8n's CredentialsHelper applies a credential
 * type's `authenticate`: generic header/qs/body/auth templates resolved against `$credentials`,
 * or the type's own function.
 */
export class TestCredentialsHelper implements ICredentialsHelper {
	/** Every update n8n saved (OAuth2 token refreshes land here). */
	readonly updates: Array<{ type: string; data: ICredentialDataDecryptedObject }> = [];

	/** The credential type of every read a node made (in n8n, each is a database query and a decryption). */
	readonly reads: string[] = [];

	constructor(
		private readonly types: ICredentialType[],
		private readonly stored: StoredCredentials,
	) {}

	private type(name: string): ICredentialType {
		const type = this.types.find((candidate) => candidate.name === name);
		if (!type) throw new Error(`credential type ${name} not registered in the test`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents: string[] = [];
		let current = this.types.find((candidate) => candidate.name === name);
		while (current?.extends?.length) {
			for (const parent of current.extends) parents.push(parent);
			current = this.types.find((candidate) => candidate.name === current!.extends![0]);
		}
		return parents;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		const options = { ...(requestOptions as IHttpRequestOptions) };
		if (!authenticate) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		const resolve = (value: unknown): unknown => {
			if (typeof value !== 'string' || !value.startsWith('=')) return value;
			return workflow.expression.getParameterValue(
				value,
				null,
				0,
				0,
				node.name,
				[],
				'internal',
				{ $credentials: credentials },
				undefined,
				true,
			);
		};
		const properties = authenticate.properties as Record<string, Record<string, unknown>>;
		for (const [target, values] of Object.entries(properties)) {
			const resolved: Record<string, unknown> = {};
			for (const [key, value] of Object.entries(values ?? {})) resolved[key] = resolve(value);
			const existing = ((options as unknown as Record<string, unknown>)[target] ?? {}) as Record<string, unknown>;
			(options as unknown as Record<string, unknown>)[target] = { ...existing, ...resolved };
		}
		return options;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`getCredentials(${type}) is not used by the engine tests`);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads.push(type);
		const data = this.stored[type];
		if (!data) throw new Error(`no test credentials of type ${type}`);
		// The credential type's defaults apply where the user left a field out, as in n8n.
		const defaults: ICredentialDataDecryptedObject = {};
		for (const property of this.type(type).properties) {
			if (property.default !== undefined) defaults[property.name] = property.default as never;
		}
		return { ...defaults, ...data };
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.stored[type] = data;
		this.updates.push({ type, data });
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}
