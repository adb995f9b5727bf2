import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	binaryPropertyNameProperty,
	concurrencyOption,
	fileNameOption,
	optionsCollection,
	timeoutOption,
} from '../../../shared/descriptions';
import type { BinaryFile, PresignedPostForm, ServiceConnection } from '../../../transfer';
import { requestTimeoutMs } from '../../../shared/requestTimeout';
import {
	keySafeName,
	resolveObjectKey,
	storedButNotRegistered,
	uploadToPresignedPost,
} from '../../../transfer';
import { traffioApiRequest, traffioClient, unwrapData } from '../../transport';
import { requiredText } from '../../../shared/validation';
import { readUploadInput, uploadEachFile } from '../../../shared/uploadOperation';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['personFile'], operation: ['upload'] } };

/** Traffio's document type for files linked to a person. */
export const PERSON_FILE_DOCUMENT_TYPE = 6;

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{
		displayName: 'Person ID',
		name: 'personId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 15',
		description: 'The ID of the person the file is linked to',
	},
	{
		displayName: 'Document Type Name or ID',
		name: 'documentTypeId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getDocumentTypes' },
		default: PERSON_FILE_DOCUMENT_TYPE,
		description:
			'What kind of document the file is; 6 is a person file. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	binaryPropertyNameProperty,
	optionsCollection([
		concurrencyOption,
		{
			displayName: 'File Description',
			name: 'fileDescription',
			type: 'string',
			default: '',
			description: 'A description stored with the file in Traffio',
		},
		fileNameOption,
		{
			displayName: 'File Title',
			name: 'fileTitle',
			type: 'string',
			default: '',
			description: 'A human-friendly title for the file in Traffio',
		},
		timeoutOption,
	]),
]);

interface PersonFileForm {
	form: PresignedPostForm;
	/** The key prefix Traffio assigned (it ends with "/"): the file's name is appended to it. */
	keyPrefix: string;
}

function idValue(value: unknown): string | number {
	const text = String(value).trim();
	return /^\d+$/.test(text) ? Number(text) : text;
}

async function requestPersonFileForm(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	personId: string,
	file: BinaryFile,
): Promise<PersonFileForm> {
	const answer = unwrapData(
		(await traffioApiRequest(ctx, run, itemIndex, {
			method: 'POST',
			path: '/v1_upload/s3_upload_person_file',
			// The policy signs this MIME type: the form's Content-Type must be the file's.
			body: { file_type: file.mimeType, person_id: idValue(personId) },
			subject: `the upload form for "${file.fileName}" on person "${personId}"`,
			// An unused form costs nothing: asking again after a lost answer is safe.
			idempotent: true,
		})) as IDataObject,
	);
	const attributes = answer.formAttributes as IDataObject | undefined;
	const inputs = answer.formInputs as IDataObject | undefined;
	const keyPrefix = attributes?.key ?? inputs?.key;
	if (
		!attributes ||
		typeof attributes.action !== 'string' ||
		!inputs ||
		typeof inputs !== 'object' ||
		Array.isArray(inputs) ||
		typeof keyPrefix !== 'string'
	) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Traffio's answer to the upload form request for "${file.fileName}" has no upload form`,
			{
				itemIndex,
				description:
					'Traffio should answer with formAttributes (action, key) and formInputs. Check the Base URL in the Traffio credential: it must be the third-party API root (https://app.traff.io/api_third_party).',
			},
		);
	}
	return {
		form: { url: attributes.action, fields: inputs as PresignedPostForm['fields'] },
		keyPrefix,
	};
}

interface PersonFileTarget {
	personId: string;
	documentTypeId: string | number;
	fileTitle?: string;
	fileDescription?: string;
}

async function uploadPersonFile(
	ctx: IExecuteFunctions,
	run: RunContext,
	itemIndex: number,
	connection: ServiceConnection,
	target: PersonFileTarget,
	file: BinaryFile,
): Promise<IDataObject> {
	const { personId, documentTypeId } = target;
	const { form, keyPrefix } = await requestPersonFileForm(ctx, run, itemIndex, personId, file);
	const name = keySafeName(file.fileName);
	const key = keyPrefix.includes('${filename}') ? resolveObjectKey(keyPrefix, name) : `${keyPrefix}${name}`;
	await uploadToPresignedPost(ctx, run, itemIndex, form, file, {
		key,
		requireHttps: connection.secure,
		formSource: 'Traffio',
		timeoutMs: requestTimeoutMs(ctx, itemIndex),
	});

	const registration: IDataObject = {
		document_type_id: idValue(documentTypeId),
		file_name: key,
		person_id: idValue(personId),
	};
	if (target.fileTitle) registration.file_title = target.fileTitle;
	if (target.fileDescription) registration.file_description = target.fileDescription;
	const subject = `the file record for "${file.fileName}" on person "${personId}"`;
	let record: IDataObject | IDataObject[];
	try {
		record = await traffioApiRequest(ctx, run, itemIndex, {
			method: 'POST',
			path: '/v1_files/person_file',
			body: registration,
			subject,
		});
	} catch (error) {
		throw storedButNotRegistered(ctx, itemIndex, error, {
			serviceName: 'Traffio',
			fileName: file.fileName,
			key,
			registration: subject,
			howToRecover: `register it with Traffio's person file API (POST /v1_files/person_file with file_name "${key}", person_id ${JSON.stringify(registration.person_id)} and document_type_id ${JSON.stringify(registration.document_type_id)}), or run the item again to upload it anew.`,
		});
	}
	return unwrapData(record as IDataObject);
}

/**
 * Traffio's three steps per file: ask for a signed S3 form for the person and MIME type, post the
 * file to S3 under the assigned prefix, then register the stored key as the person's file.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const input = await readUploadInput(this, itemIndex);
	const { options } = input;
	const documentTypeId = this.getNodeParameter('documentTypeId', itemIndex, PERSON_FILE_DOCUMENT_TYPE) as string | number;
	const target: PersonFileTarget = {
		personId: requiredText(this, itemIndex, 'personId', 'Person ID', 'the ID of the person the file is linked to'),
		documentTypeId: String(documentTypeId).trim() === '' ? PERSON_FILE_DOCUMENT_TYPE : documentTypeId,
		fileTitle: (options.fileTitle as string) || undefined,
		fileDescription: (options.fileDescription as string) || undefined,
	};
	const connection = await traffioClient.connection(this, run, itemIndex);
	// No "If Already Attached" here, so uploadEachFile takes no lock: files go one after the other.
	return await uploadEachFile(run, input, `person/${target.personId}`, async (file) => {
		const record = await uploadPersonFile(this, run, itemIndex, connection, target, file);
		return {
			json: { ...record, fileName: file.fileName, size: file.size, mimeType: file.mimeType },
			pairedItem: { item: itemIndex },
		};
	});
}
