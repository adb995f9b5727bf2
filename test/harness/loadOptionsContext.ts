import './environment';

import { LoadOptionsContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { defaultTypeVersion } from './runNode';
import { TestCredentialsHelper } from './credentialsHelper';

export interface LoadOptionsOptions {
	nodeType: INodeType;
	/** The node's parameters as the editor sends them (currentNodeParameters). */
	parameters: IDataObject;
	credentialType: ICredentialType;
	credentials: ICredentialDataDecryptedObject;
	/** The parameter whose list is opened, e.g. "parameters.recordId". */
	path?: string;
	typeVersion?: number;
}

/**
 * A load-options context as n8n builds it when the editor opens a list or a list search: real
 * request helpers and credentials, the node's parameters as the editor has them.
 */
export function loadOptionsContext(options: LoadOptionsOptions): LoadOptionsContext {
	const credentialName = options.credentialType.name;
	const node: INode = {
		id: 'node-under-test',
		name: 'Node Under Test',
		type: `n8n-nodes-crm-attachments.${options.nodeType.description.name}`,
		typeVersion: options.typeVersion ?? defaultTypeVersion(options.nodeType),
		position: [0, 0],
		parameters: options.parameters as never,
		credentials: { [credentialName]: { id: `${credentialName}-id`, name: credentialName } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => options.nodeType,
			getByNameAndVersion: () => options.nodeType,
			getKnownTypes: () => ({}),
		},
	});
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper([options.credentialType], { [credentialName]: options.credentials as never }),
		currentNodeParameters: options.parameters,
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, node, additionalData, options.path ?? 'parameters');
}
