import '../../harness/environment';

import type { IDataObject } from 'n8n-workflow';

import { EspoCrmApi } from '../../../credentials/EspoCrmApi.credentials';
import { EspoCrm } from '../../../nodes/EspoCrm/EspoCrm.node';
import { FakeEspoCrm } from '../../fakes/espoCrm';
import { loadOptionsContext as contextFor } from '../../harness/loadOptionsContext';

const espo = new FakeEspoCrm({ sitePath: '/crm' });

beforeAll(async () => {
	await espo.start();
});

afterAll(async () => {
	await espo.stop();
});

/** A load-options context as n8n builds it when the editor opens a list (real request helpers and credentials). */
function loadOptionsContext(parameters: IDataObject, mode: 'apiKey' | 'hmac' | 'basic' = 'hmac') {
	return contextFor({
		nodeType: new EspoCrm(),
		parameters,
		credentialType: new EspoCrmApi(),
		credentials: espo.credentials(mode) as never,
		path: 'parameters.entityType',
		typeVersion: 2,
	});
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
		expect(result.results).toEqual([{ name: 'Photo (one image)', value: 'photo', description: 'API name "photo", type image' }]);
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
