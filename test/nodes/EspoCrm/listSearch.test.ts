import '../../harness/environment';

import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INode, INodeType, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../../nodes/EspoCrm/EspoCrm.node';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import { TestCredentialsHelper } from '../../harness/credentialsHelper';

const espo = new FakeEspoCrm({ sitePath: '/crm' });

beforeAll(async () => {
	await espo.start();
});

afterAll(async () => {
	await espo.stop();
});

const TYPE = 'n8n-nodes-crm-attachments.espoCrm';

/** A load-options context as n8n builds it when the editor opens a list (real request helpers and credentials). */
function loadOptionsContext(parameters: IDataObject, mode: 'apiKey' | 'hmac' | 'basic' = 'hmac') {
	const nodeType = new EspoCrm();
	const node: INode = {
		id: 'espo',
		name: 'EspoCRM',
		type: TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as never,
		credentials: { espoCrmApi: { id: 'espo-id', name: 'espo' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => nodeType as INodeType,
			getByNameAndVersion: () => nodeType as INodeType,
			getKnownTypes: () => ({}),
		},
	});
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper([new EspoCrmApi()], { espoCrmApi: espo.credentials(mode) as never }),
		currentNodeParameters: parameters,
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters.entityType');
}

describe('EspoCRM node: entity type and field lists', () => {
	it('lists the entity types that have a field of the chosen kind (HMAC-signed metadata request, site under a path)', async () => {
		const context = loadOptionsContext({ resource: 'attachment', operation: 'upload', fieldType: 'attachmentMultiple' });
		const result = await new EspoCrm().methods.listSearch.searchEntityTypes.call(context);
		expect(result.results.map((entry) => entry.value)).toEqual(['Case', 'Note']);
		const request = espo.server.requests.at(-1)!;
		expect(request.path).toBe('/crm/api/v1/Metadata');
		expect(request.query).toEqual({ key: 'entityDefs' });
		expect(request.status).toBe(200);
	});

	it('lists File and Image fields of the chosen entity type', async () => {
		const context = loadOptionsContext({
			resource: 'attachment',
			operation: 'upload',
			fieldType: 'file',
			entityType: { __rl: true, mode: 'list', value: 'Case' },
		});
		const result = await new EspoCrm().methods.listSearch.searchFields.call(context);
		expect(result.results).toEqual([{ name: 'photo (image)', value: 'photo' }]);
	});

	it('filters by the search text', async () => {
		const context = loadOptionsContext({ resource: 'attachment', operation: 'upload', fieldType: 'file' }, 'apiKey');
		const result = await new EspoCrm().methods.listSearch.searchEntityTypes.call(context, 'doc');
		expect(result.results.map((entry) => entry.value)).toEqual(['Document']);
	});

	it('explains that names can be typed when the metadata request is refused', async () => {
		// EspoCRM's Metadata controller serves every signed-in user (Controllers/Metadata::getActionRead):
		// a refusal comes from a proxy or a customised server, so it is injected here.
		espo.server.injectFault({ method: 'GET', path: /\/Metadata$/, status: 403, headers: { 'X-Status-Reason': 'No access to metadata.' } });
		const context = loadOptionsContext({ resource: 'attachment', operation: 'upload', fieldType: 'file' });
		await expect(new EspoCrm().methods.listSearch.searchEntityTypes.call(context)).rejects.toThrow(
			/EspoCRM refused the metadata request .*switch to "Name".*No access to metadata\. \(HTTP 403\)/,
		);
	});
});
