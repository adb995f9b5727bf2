import './environment';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createDeferredPromise, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import type { TestCredentialsHelper } from './credentialsHelper';

export interface ExecuteWorkflowOptions {
	id: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	nodeTypes: INodeTypes;
	credentialsHelper: TestCredentialsHelper;
	executionId: string;
}

const UNUSED_URL = 'http://127.0.0.1:1';

/** A first node that emits prepared items, as if an earlier node (a trigger, a download) had produced them. */
export function itemSourceNode(typeName: string, nodeName: string, items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: nodeName,
			name: typeName,
			group: ['input'],
			version: 1,
			description: 'Emits prepared items',
			defaults: { name: nodeName },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			return [items];
		},
	};
}

export function isVersioned(type: INodeType | IVersionedNodeType): type is IVersionedNodeType {
	return typeof (type as IVersionedNodeType).getNodeType === 'function';
}

/** The node types a workflow uses, by type name; versioned types (n8n's own nodes) resolve per version. */
export class NodeTypeRegistry implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		return isVersioned(type) ? type.getNodeType(version) : type;
	}

	getKnownTypes() {
		return {};
	}
}

/**
 * Runs a workflow in n8n-core's real WorkflowExecute from its first node, with the additional data
 * n8n's CLI would give (no sub-workflows, no task runners), and resolves with the finished run.
 */
export async function executeWorkflow(options: ExecuteWorkflowOptions): Promise<IRun> {
	const settings = { executionOrder: 'v1' as const };
	const workflowData = {
		id: options.id,
		name: options.name,
		active: false,
		isArchived: false,
		nodes: options.nodes,
		connections: options.connections,
		settings,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const workflow = new Workflow({
		id: options.id,
		name: options.name,
		nodes: options.nodes,
		connections: options.connections,
		active: false,
		nodeTypes: options.nodeTypes,
		settings,
	});

	const hooks = new ExecutionLifecycleHooks('manual', options.executionId, workflowData);
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => finished.resolve(fullRunData));

	const additionalData = {
		credentialsHelper: options.credentialsHelper,
		hooks,
		executionId: options.executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${UNUSED_URL}/rest`,
		instanceBaseUrl: `${UNUSED_URL}/`,
		formWaitingBaseUrl: `${UNUSED_URL}/form-waiting`,
		webhookBaseUrl: `${UNUSED_URL}/webhook`,
		webhookWaitingBaseUrl: `${UNUSED_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${UNUSED_URL}/webhook-test`,
		variables: {},
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used here');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not used here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	await new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode: options.nodes[0] });
	return await finished.promise;
}
