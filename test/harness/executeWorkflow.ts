import './environment';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	INode,
	INodeTypes,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createDeferredPromise, Workflow } from 'n8n-workflow';

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
