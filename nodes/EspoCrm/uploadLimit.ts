import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryFile } from '../transfer';
import { bodyJson, formatBytes, formatBytesOver } from '../transfer';
import { fieldDefinition } from './fieldMetadata';
import { espoRequest } from './transport';
import type { RunContext } from '../shared/runContext';

const MB = 1024 * 1024;

export interface UploadLimit {
	/** Bytes; 0 = EspoCRM sets no limit. */
	bytes: number;
	/** Where the limit comes from, in the admin's terms. */
	source: string;
}

function numberOf(value: unknown): number {
	const number = typeof value === 'number' ? value : Number(value ?? 0);
	return Number.isFinite(number) && number > 0 ? number : 0;
}

/**
 * The limit as EspoCRM computes it (Tools/Attachment/DetailsObtainer::getUploadMaxSize): the field's
 * `maxFileSize` (MB) when set, else the `attachmentUploadMaxSize` setting (MB, cast to a whole number
 * first). Both are readable by any API user (GET Settings, GET Metadata). Undefined when they cannot
 * be read: EspoCRM still checks the `size` the upload declares.
 */
async function readUploadLimit(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, entityType: string, field: string): Promise<UploadLimit | undefined> {
	try {
		const own = (await fieldDefinition(ctx, run, itemIndex, entityType, field, 'for its upload limit')) ?? {};
		const fieldMax = numberOf(own.maxFileSize);
		if (fieldMax) return { bytes: fieldMax * MB, source: `the field's "Max File Size" (${fieldMax} MB)` };

		const settings = await run.answers.once('EspoCRM settings', async () => {
			const settingsResponse = await espoRequest(ctx, run, {
				method: 'GET',
				path: 'Settings',
				subject: 'the read of the settings (for the upload limit)',
				itemIndex,
			});
			return bodyJson(settingsResponse.body);
		});
		if (!settings || Array.isArray(settings) || !('attachmentUploadMaxSize' in settings)) return undefined;
		const settingMax = Math.trunc(numberOf(settings.attachmentUploadMaxSize));
		return { bytes: settingMax * MB, source: `the "attachmentUploadMaxSize" setting (${settingMax} MB)` };
	} catch {
		// A role that may not read these, or an older server: the upload itself still carries `size`.
		return undefined;
	}
}

/** One look-up per field and node run (kept in the run's answers): the settings do not change while a run lasts. */
export async function uploadLimitFor(ctx: IExecuteFunctions, run: RunContext, itemIndex: number, entityType: string, field: string): Promise<UploadLimit | undefined> {
	return await run.answers.once(`EspoCRM upload limit\u0000${entityType}\u0000${field}`, async () => await readUploadLimit(ctx, run, itemIndex, entityType, field));
}

/** Refuses, before a byte is sent, a file EspoCRM would refuse for its size. */
export function assertWithinUploadLimit(
	ctx: IExecuteFunctions,
	itemIndex: number,
	file: BinaryFile,
	limit: UploadLimit | undefined,
	where: string,
): void {
	if (!limit || !limit.bytes || file.size <= limit.bytes) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`EspoCRM would refuse the upload of "${file.fileName}" (${formatBytesOver(file.size, limit.bytes)}): the file is larger than this EspoCRM server accepts for ${where} (${formatBytes(limit.bytes)})`,
		{
			itemIndex,
			description: `The limit is ${limit.source}, EspoCRM's own (Administration > Settings "attachmentUploadMaxSize", or the field's "Max File Size" in the Entity Manager). Nothing was sent. Ask the EspoCRM administrator to raise the limit, or upload a smaller file.`,
		},
	);
}
