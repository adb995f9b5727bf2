import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

/** The node every fake context reports: what n8n's errors need to name it. */
export const FAKE_NODE: INode = {
	id: 'fake-node',
	name: 'Node Under Test',
	type: 'test.nodeUnderTest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export interface FakeContextOptions {
	/** Parameter values by name ("options.timeout" included), or per item as a function. */
	parameters?: Record<string, unknown> | ((name: string, itemIndex: number) => unknown);
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	node?: Partial<INode>;
	helpers?: Record<string, unknown>;
	getCredentials?: (type: string) => Promise<Record<string, unknown>>;
}

/**
 * Just enough of n8n's execute context for the pure parts of the transfer layer and the node
 * helpers: parameters, input items, Continue On Fail, the node, and the helpers a test hands in.
 * A parameter that is not given returns the caller's fallback, as n8n does.
 */
export function fakeContext(options: FakeContextOptions = {}): IExecuteFunctions {
	const node = { ...FAKE_NODE, ...options.node };
	const parameter = (name: string, itemIndex: number, fallback?: unknown): unknown => {
		const value =
			typeof options.parameters === 'function'
				? options.parameters(name, itemIndex)
				: options.parameters?.[name];
		return value === undefined ? fallback : value;
	};
	const context = {
		getNode: () => node,
		getNodeParameter: parameter,
		getInputData: () => options.items ?? [{ json: {} }],
		continueOnFail: () => options.continueOnFail ?? false,
		getCredentials: options.getCredentials ?? (async () => ({})),
		helpers: options.helpers ?? {},
	};
	return context as unknown as IExecuteFunctions;
}
