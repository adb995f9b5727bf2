import './environment';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';
import type { Readable } from 'stream';

/** How the test hands a file to the node: inline in the item (n8n's memory mode) or in n8n's filesystem store. */
export type BinaryMode = 'memory' | 'filesystem';

let ready: Promise<BinaryDataService> | undefined;

/** n8n's real binary data service, with the filesystem manager, as n8n starts it. */
export async function binaryDataService(): Promise<BinaryDataService> {
	ready ??= (async () => {
		const service = Container.get(BinaryDataService);
		await service.init();
		return service;
	})();
	return await ready;
}

export interface FileSpec {
	fileName: string;
	mimeType: string;
	content: Buffer | { stream: () => Readable; size: number };
}

export const FIXTURE_WORKFLOW_ID = 'crm-attachments-test';
export const FIXTURE_EXECUTION_ID = 'fixtures';

/** Binary data exactly as n8n would hand it to the next node in the given mode. */
export async function makeBinaryData(spec: FileSpec, mode: BinaryMode): Promise<IBinaryData> {
	const extension = spec.fileName.includes('.') ? spec.fileName.split('.').pop() : undefined;
	const base: IBinaryData = {
		data: '',
		mimeType: spec.mimeType,
		fileName: spec.fileName,
		fileExtension: extension,
	};
	if (mode === 'memory') {
		if (!Buffer.isBuffer(spec.content)) throw new Error('memory mode needs a Buffer');
		return { ...base, data: spec.content.toString(BINARY_ENCODING), bytes: spec.content.length };
	}
	const service = await binaryDataService();
	const source = Buffer.isBuffer(spec.content) ? spec.content : spec.content.stream();
	return await service.store(
		{ type: 'execution', workflowId: FIXTURE_WORKFLOW_ID, executionId: FIXTURE_EXECUTION_ID },
		source,
		base,
	);
}
