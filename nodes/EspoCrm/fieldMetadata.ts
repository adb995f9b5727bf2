import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RunContext } from '../shared/runContext';
import { bodyJson } from '../transfer';
import { espoRequest } from './transport';

/**
 * A field's definition from EspoCRM's metadata (Controllers/Metadata: GET Metadata?key=entityDefs.
 * {entity}.fields.{field}; servers before 8.2 ignore `key` and send all metadata, where the field's own
 * entry is looked up). Undefined when the answer holds none. Read once per run and field (the run's
 * answers): the field's type (typeVersion 3) and its upload limit both come from it.
 */
export async function fieldDefinition(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	entityType: string,
	field: string,
	purpose: string,
): Promise<IDataObject | undefined> {
	return await run.answers.once(`EspoCRM field metadata\u0000${entityType}\u0000${field}`, async () => {
		const response = await espoRequest(ctx, run, {
			method: 'GET',
			path: 'Metadata',
			qs: { key: `entityDefs.${entityType}.fields.${field}` },
			subject: `the read of field "${field}" of ${entityType} (${purpose})`,
			itemIndex,
		});
		const answer = bodyJson(response.body);
		if (!answer || Array.isArray(answer)) return undefined;
		if (!('entityDefs' in answer)) return answer;
		const entity = (answer.entityDefs as IDataObject | undefined)?.[entityType] as IDataObject | undefined;
		return (entity?.fields as IDataObject | undefined)?.[field] as IDataObject | undefined;
	});
}
