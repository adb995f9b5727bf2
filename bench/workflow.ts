/**
 * Runs a small workflow (several nodes, not only one) in n8n-core's real WorkflowExecute, the way
 * test/harness/runNode.ts runs one node: a source node emits the prepared items, then the nodes of
 * the workflow run as n8n runs them (Merge nodes wait for both inputs, v1 execution order).
 * Used by the benchmark to run our nodes and the chain of n8n's own HTTP Request nodes in the same
 * engine, so both are measured the same way.
 */
import '../test/harness/environment';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IVersionedNodeType,
	IConnections,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { TestCredentialsHelper } from '../test/harness/credentialsHelper';
import { executeWorkflow, isVersioned, itemSourceNode, NodeTypeRegistry } from '../test/harness/executeWorkflow';

export const SOURCE_NODE = 'Files';
const SOURCE_TYPE = 'bench.files';

export interface WorkflowNode {
	name: string;
	/** Our node class instance, or n8n's (possibly versioned) node type. */
	type: INodeType | IVersionedNodeType;
	/**
	 * The node type's name in the workflow. n8n's own nodes need their real name: n8n-core lets only
	 * `n8n-nodes-base.httpRequest` use any credential type (Basic Auth, ...).
	 */
	typeName?: string;
	/** The version to run; defaults to the type's default version. */
	typeVersion?: number;
	parameters: IDataObject;
	/** Credential type names this node gets a reference to. */
	credentials?: string[];
	/**
	 * The nodes feeding input 0, 1, ...; defaults to the node listed before (or the source). A node
	 * named with `output` connects that output (Loop Over Items: 0 is "done", 1 is "loop"); a node
	 * listed later closes a loop.
	 */
	from?: Array<string | NodeOutput>;
	/** Also connect this node's output 0 to input 0 of that node, listed earlier: a loop's way back. */
	loopsBackTo?: string;
	/** Where the workflow's result is read instead of this node's first output (a loop's "done"). */
	resultFrom?: NodeOutput;
	/** The node's settings as in n8n's editor (Retry On Fail, Max Tries, Wait Between Tries). */
	settings?: NodeSettings;
}

export type NodeSettings = Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;

export interface NodeOutput {
	node: string;
	output: number;
}

export interface RunWorkflowOptions {
	nodes: WorkflowNode[];
	input: INodeExecutionData[];
	credentialTypes?: ICredentialType[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

export interface RunWorkflowResult {
	/** The first output of the last node. */
	items: INodeExecutionData[];
	error?: { message: string; description?: string | null };
	/** The node that ran last (where the workflow stopped, when it failed). */
	lastNode?: string;
	run: IRun;
}

function defaultVersion(type: INodeType | IVersionedNodeType): number {
	if (isVersioned(type)) return type.currentVersion;
	const version = type.description.version;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const types: Record<string, INodeType | IVersionedNodeType> = { [SOURCE_TYPE]: itemSourceNode(SOURCE_TYPE, SOURCE_NODE, options.input) };
	const nodes: INode[] = [
		{ id: 'source', name: SOURCE_NODE, type: SOURCE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
	];
	const connections: IConnections = {};
	const connect = (from: string | NodeOutput, to: string, index: number) => {
		const { node, output } = typeof from === 'string' ? { node: from, output: 0 } : from;
		connections[node] ??= { main: [] };
		const outputs = connections[node].main;
		while (outputs.length <= output) outputs.push([]);
		outputs[output]!.push({ node: to, type: NodeConnectionTypes.Main, index });
	};
	let previous = SOURCE_NODE;
	options.nodes.forEach((node, position) => {
		const typeName = node.typeName ?? `bench.${node.name.replace(/\W/g, '')}${position}`;
		types[typeName] = node.type;
		const credentials: INode['credentials'] = {};
		for (const type of node.credentials ?? []) credentials[type] = { id: `${type}-id`, name: `${type} bench` };
		nodes.push({
			id: `node-${position}`,
			name: node.name,
			type: typeName,
			typeVersion: node.typeVersion ?? defaultVersion(node.type),
			position: [200 * (position + 1), 0],
			parameters: node.parameters as INodeParameters,
			credentials,
			...(node.settings ?? {}),
		});
		(node.from ?? [previous]).forEach((from, index) => connect(from, node.name, index));
		if (node.loopsBackTo) connect(node.name, node.loopsBackTo, 0);
		previous = node.name;
	});
	const result = options.nodes[options.nodes.length - 1]?.resultFrom ?? { node: previous, output: 0 };

	const nodeTypes = new NodeTypeRegistry(types);
	const credentialsHelper = new TestCredentialsHelper(options.credentialTypes ?? [], { ...(options.credentials ?? {}) });
	const run = await executeWorkflow({
		id: 'crm-attachments-bench',
		name: 'bench',
		nodes,
		connections,
		nodeTypes,
		credentialsHelper,
		executionId: 'bench-execution',
	});
	// A loop runs its nodes many times: the result is the last run of the result node.
	const runs = run.data.resultData.runData[result.node] ?? [];
	const items = runs[runs.length - 1]?.data?.main?.[result.output] ?? [];
	const error = run.data.resultData.error;
	return {
		items,
		error: error ? { message: error.message, description: (error as { description?: string | null }).description } : undefined,
		lastNode: run.data.resultData.lastNodeExecuted,
		run,
	};
}
