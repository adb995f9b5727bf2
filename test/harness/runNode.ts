import './environment';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	ExecutionError,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { BinaryMode, FileSpec } from './binaryStore';
import { binaryDataService, makeBinaryData } from './binaryStore';
import { executeWorkflow, itemSourceNode, NodeTypeRegistry } from './executeWorkflow';
import { TestCredentialsHelper } from './credentialsHelper';

/** An input item for the node under test: JSON plus files, turned into n8n binary data per mode. */
export interface TestItem {
	json?: IDataObject;
	files?: Record<string, FileSpec>;
}

export interface RunNodeOptions {
	nodeType: INodeType;
	parameters: IDataObject;
	items: TestItem[];
	/** Items already turned into n8n data (see prepareItems), used instead of `items`. */
	preparedItems?: INodeExecutionData[];
	binaryMode?: BinaryMode;
	credentialTypes?: ICredentialType[];
	/** Credential data by credential type name; the node gets a reference to each. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** The node's typeVersion in the workflow; by default the one n8n gives a new node (defaultVersion). */
	typeVersion?: number;
}

/** The typeVersion n8n puts on a node added now: defaultVersion, else the (highest) version. */
export function defaultTypeVersion(nodeType: INodeType): number {
	const { version, defaultVersion } = nodeType.description;
	return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
}

export interface RunNodeResult {
	/** The node's first output. */
	items: INodeExecutionData[];
	/** The error that stopped the execution, if any. */
	error?: ExecutionError;
	run: IRun;
	credentialsHelper: TestCredentialsHelper;
	/** The exact input items the node received (to check they were not mutated). */
	input: INodeExecutionData[];
}

const SOURCE_NODE_TYPE = 'test.fixtureItems';
const NODE_UNDER_TEST = 'Node Under Test';
const SOURCE_NODE = 'Fixture Items';

export async function prepareItems(items: TestItem[], mode: BinaryMode): Promise<INodeExecutionData[]> {
	await binaryDataService();
	const prepared: INodeExecutionData[] = [];
	for (const item of items) {
		const prepared_item: INodeExecutionData = { json: item.json ?? {} };
		if (item.files) {
			prepared_item.binary = {};
			for (const [property, spec] of Object.entries(item.files)) {
				prepared_item.binary[property] = await makeBinaryData(spec, mode);
			}
		}
		prepared.push(prepared_item);
	}
	return prepared;
}

/**
 * Runs the node inside n8n's real execution engine (WorkflowExecute), fed by a source node,
 * with real binary data handling and credentials applied as n8n applies them.
 */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const input = options.preparedItems ?? (await prepareItems(options.items, options.binaryMode ?? 'memory'));
	const inputSnapshot = JSON.parse(JSON.stringify(input)) as INodeExecutionData[];
	const typeName = `n8n-nodes-crm-attachments.${options.nodeType.description.name}`;

	const credentialRefs: INode['credentials'] = {};
	for (const type of Object.keys(options.credentials ?? {})) {
		credentialRefs[type] = { id: `${type}-id`, name: `${type} test` };
	}
	const nodes: INode[] = [
		{
			id: 'source',
			name: SOURCE_NODE,
			type: SOURCE_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'under-test',
			name: NODE_UNDER_TEST,
			type: typeName,
			typeVersion: options.typeVersion ?? defaultTypeVersion(options.nodeType),
			position: [200, 0],
			parameters: options.parameters as INodeParameters,
			credentials: credentialRefs,
			continueOnFail: options.continueOnFail,
			onError: options.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
		},
	];
	const connections = {
		[SOURCE_NODE]: { main: [[{ node: NODE_UNDER_TEST, type: NodeConnectionTypes.Main, index: 0 }]] },
	};
	const nodeTypes = new NodeTypeRegistry({
		[SOURCE_NODE_TYPE]: itemSourceNode(SOURCE_NODE_TYPE, SOURCE_NODE, input),
		[typeName]: options.nodeType,
	});
	const credentialsHelper = new TestCredentialsHelper(
		options.credentialTypes ?? [],
		{ ...(options.credentials ?? {}) },
	);
	const run = await executeWorkflow({
		id: 'crm-attachments-test',
		name: 'engine test',
		nodes,
		connections,
		nodeTypes,
		credentialsHelper,
		executionId: 'test-execution',
	});

	const taskData = run.data.resultData.runData[NODE_UNDER_TEST]?.[0];
	const items = taskData?.data?.main?.[0] ?? [];
	return {
		items,
		error: run.data.resultData.error,
		run,
		credentialsHelper,
		input: inputSnapshot,
	};
}
