import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import type { INode, INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { PresignedPostUpload } from '../../nodes/PresignedPostUpload/PresignedPostUpload.node';
import { crmEntries } from '../crms/registry';

const PREFIX = 'n8n-nodes-crm-attachments.';
const nodeTypes: INodeType[] = [new PresignedPostUpload(), ...crmEntries().map(([, entry]) => new entry.node())];
const byName = new Map(nodeTypes.map((nodeType) => [`${PREFIX}${nodeType.description.name}`, nodeType]));

const examplesDir = join(__dirname, '..', '..', 'examples');
const saved = readdirSync(examplesDir)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) => {
		const workflow = JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as { nodes: INode[] };
		return workflow.nodes.filter((node) => byName.has(node.type)).map((node) => [`${file}: ${node.name}`, node] as const);
	});

/**
 * The examples are saved at the typeVersion they were made with: each must still open without issues
 * and keep every parameter it holds (typeVersion 3 turned ids into pickers; 1 and 2 keep text fields).
 */
describe('examples as saved', () => {
	it('include nodes of this package', () => {
		expect(saved.length).toBeGreaterThan(5);
	});

	it.each(saved)('%s: a typeVersion the node offers, no parameter issues, no saved parameter hidden', (_name, node) => {
		const nodeType = byName.get(node.type)!;
		const { version, properties } = nodeType.description;
		expect(Array.isArray(version) ? version : [version]).toContain(node.typeVersion);
		expect(NodeHelpers.getNodeParametersIssues(properties, node, nodeType.description)).toBeNull();
		const kept = NodeHelpers.getNodeParameters(properties, node.parameters, true, false, node, nodeType.description) ?? {};
		for (const name of Object.keys(node.parameters)) expect({ name, kept: name in kept }).toEqual({ name, kept: true });
	});
});
