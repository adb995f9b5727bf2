import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty, fileNameOption, optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { fileOutputFields } from '../../../shared/fileOutput';
import type { BinaryFile } from '../../../transfer';
import { mayHaveBeenProcessed, splitList } from '../../../transfer';
import { apiPath, espoRequest, responseObject, uploadAttachment } from '../../transport';
import { assertWithinUploadLimit, uploadLimitFor } from '../../uploadLimit';
import { DOCUMENT, DOCUMENT_FILE_FIELD, documentItem } from './common';
import { readUploadInput } from '../../../shared/uploadOperation';
import type { RunContext } from '../../../shared/runContext';

const displayOptions = { show: { resource: ['document'], operation: ['create'] } };

/** The related records a Document links to out of the box (Document.json `links`, all hasMany). */
const RELATED_LINKS = [
	{ link: 'accounts', label: 'Account IDs', entity: 'Account' },
	{ link: 'contacts', label: 'Contact IDs', entity: 'Contact' },
	{ link: 'leads', label: 'Lead IDs', entity: 'Lead' },
	{ link: 'opportunities', label: 'Opportunity IDs', entity: 'Opportunity' },
];

export const description: INodeProperties[] = updateDisplayOptions(displayOptions, [
	{ ...binaryPropertyNameProperty, description: 'The binary property of the input item that holds the Document\'s file (one file per Document)' },
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. Service contract 2026',
		description: 'The Document\'s name. Leave empty to use the file name.',
	},
	{
		displayName: 'Related Records',
		name: 'relatedRecords',
		type: 'collection',
		placeholder: 'Add Related Records',
		default: {},
		description: 'Records to link the Document to, by the links EspoCRM defines for Documents',
		options: RELATED_LINKS.map(({ link, label, entity }) => ({
			displayName: label,
			name: link,
			type: 'string' as const,
			default: '',
			placeholder: 'e.g. 6571f0a2b3c4d5e6f, 6571f0a2b3c4d5e70',
			description: `IDs of ${entity} records to link the Document to (link "${link}"), separated by commas`,
		})),
	},
	optionsCollection([
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
		},
		{
			displayName: 'Document Type',
			name: 'type',
			type: 'options',
			default: '',
			description: 'The Document\'s "Type" field (an administrator may have changed its options)',
			options: [
				{ name: '(None)', value: '' },
				{ name: 'Contract', value: 'Contract' },
				{ name: 'EULA', value: 'EULA' },
				{ name: 'License Agreement', value: 'License Agreement' },
				{ name: 'NDA', value: 'NDA' },
			],
		},
		fileNameOption,
		{
			displayName: 'Folder ID',
			name: 'folderId',
			type: 'string',
			default: '',
			placeholder: 'e.g. 6571f0a2b3c4d5e6f',
			description: 'The ID of the Document Folder to put the Document in',
		},
		{
			displayName: 'Publish Date',
			name: 'publishDate',
			type: 'string',
			default: '',
			placeholder: 'e.g. 2026-11-30',
			description: 'YYYY-MM-DD. EspoCRM requires it; empty means today in the workflow\'s time zone, as EspoCRM\'s own form does.',
		},
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			default: 'Active',
			options: [
				{ name: 'Active', value: 'Active' },
				{ name: 'Canceled', value: 'Canceled' },
				{ name: 'Draft', value: 'Draft' },
				{ name: 'Expired', value: 'Expired' },
			],
		},
		timeoutOption,
	]),
]);

interface RelatedRecords {
	link: string;
	ids: string[];
	/** True when Document has a link-multiple field of this name: the ids go into the create request. */
	inCreateRequest: boolean;
}

interface DocumentDefs {
	fields: Record<string, IDataObject>;
	links: Record<string, IDataObject>;
}

function objectOf(value: unknown): Record<string, IDataObject> {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, IDataObject>) : {};
}

/**
 * Document's fields and links from `GET Metadata?key=entityDefs.Document` (Controllers/Metadata,
 * `key` since 8.2; older servers send all metadata). Administrators add links and link-multiple
 * fields, so the server's own definitions decide how each link is set.
 */
async function documentDefs(ctx: IExecuteFunctions, run: RunContext, itemIndex: number): Promise<DocumentDefs> {
	const response = await espoRequest(ctx, run, {
		method: 'GET',
		path: 'Metadata',
		qs: { key: `entityDefs.${DOCUMENT}` },
		subject: 'the read of the Document definitions (to link related records)',
		itemIndex,
	});
	let defs = responseObject(response);
	if (!defs.links && defs.entityDefs) defs = objectOf(objectOf(defs.entityDefs)[DOCUMENT]);
	return { fields: objectOf(defs.fields), links: objectOf(defs.links) };
}

function readRelatedRecords(ctx: IExecuteFunctions, itemIndex: number): Array<{ link: string; ids: string[] }> {
	const related = ctx.getNodeParameter('relatedRecords', itemIndex, {}) as IDataObject;
	return Object.entries(related)
		.map(([link, value]) => ({ link, ids: [...new Set(splitList(String(value ?? '')))] }))
		.filter(({ ids }) => ids.length > 0);
}

/** Checks every requested link against the server's definitions before anything is uploaded. */
function planLinks(ctx: IExecuteFunctions, itemIndex: number, defs: DocumentDefs, requested: Array<{ link: string; ids: string[] }>): RelatedRecords[] {
	return requested.map(({ link, ids }) => {
		const linkDef = defs.links[link];
		if (!linkDef || (linkDef.type !== 'hasMany' && linkDef.type !== 'manyMany')) {
			const available = Object.entries(defs.links)
				.filter(([, def]) => def?.type === 'hasMany' || def?.type === 'manyMany')
				.map(([name]) => `"${name}"`);
			throw new NodeOperationError(ctx.getNode(), `This EspoCRM's Documents have no link "${link}" to several records (item ${itemIndex + 1})`, {
				itemIndex,
				description: `The server's Document definitions list these links: ${available.join(', ') || 'none'}. Remove the related records for "${link}", or ask the administrator to add the link (Administration > Entity Manager > Document > Relationships). Nothing was uploaded.`,
			});
		}
		// Relation/Saver takes `{link}Ids` on create for every hasMany link, but LinkCheck refuses more
		// than one id where no link-multiple field exists; those are related afterwards instead.
		return { link, ids, inCreateRequest: defs.fields[link]?.type === 'linkMultiple' };
	});
}

/** Today in the workflow's time zone, as EspoCRM's form fills Document.json's `publishDate` default. */
function today(ctx: IExecuteFunctions): string {
	const parts = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.getTimezone(), year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
	const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? '';
	return `${part('year')}-${part('month')}-${part('day')}`;
}

function readPublishDate(ctx: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const text = String(value ?? '').trim();
	if (text === '') return today(ctx);
	const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
	if (!date) {
		throw new NodeOperationError(ctx.getNode(), `"Publish Date" of item ${itemIndex + 1} is not a date: "${text}"`, {
			itemIndex,
			description: 'Give the date as YYYY-MM-DD (for example {{ $now.toFormat("yyyy-MM-dd") }}), or leave it empty for today.',
		});
	}
	return date;
}

/** Keeps EspoCRM's own words and adds what already exists, so the user can finish by hand. */
function withRecovery(ctx: IExecuteFunctions, itemIndex: number, error: unknown, what: string): NodeApiError | NodeOperationError {
	const base =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	const maybe = mayHaveBeenProcessed(error)
		? ' EspoCRM gave no clear answer, so the step may have been done anyway: look in EspoCRM before you run the item again.'
		: '';
	base.description = `${base.description ? `${base.description} ` : ''}${what}${maybe}`;
	return base;
}

/**
 * A Document from a binary file in one step, as EspoCRM's own form makes it: `POST Attachment` with
 * `relatedType: Document`, `field: file` (the file's type is checked against the field's `accept`
 * list), then `POST Document` with `fileId` (File/Saver relates the attachment), the folder and the
 * related records; links without a link-multiple field then by `POST Document/{id}/{link}`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: RunContext): Promise<INodeExecutionData[]> {
	const { files, options } = await readUploadInput(this, itemIndex);
	if (files.length > 1) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex + 1} has ${files.length} files but a Document holds one`, {
			itemIndex,
			description: 'Give one binary property in "Input Binary Field" (split the files into items first, for example with the Split Out node).',
		});
	}
	const file: BinaryFile = files[0];
	const name = String(this.getNodeParameter('name', itemIndex, '') ?? '').trim() || file.fileName;
	const publishDate = readPublishDate(this, itemIndex, options.publishDate);
	const folderId = String(options.folderId ?? '').trim();
	const requested = readRelatedRecords(this, itemIndex);
	const links = requested.length > 0 ? planLinks(this, itemIndex, await documentDefs(this, run, itemIndex), requested) : [];

	const limit = await uploadLimitFor(this, run, itemIndex, DOCUMENT, DOCUMENT_FILE_FIELD);
	assertWithinUploadLimit(this, itemIndex, file, limit, 'the file of a Document');

	const attachment = await uploadAttachment(
		this,
		run,
		itemIndex,
		{ name: file.fileName, type: file.mimeType, role: 'Attachment', size: file.size, relatedType: DOCUMENT, field: DOCUMENT_FILE_FIELD },
		file,
	);
	const attachmentId = attachment.id as string;

	const body: IDataObject = { name, fileId: attachmentId, publishDate };
	if (folderId) body.folderId = folderId;
	if (options.status) body.status = options.status;
	if (options.type) body.type = options.type;
	if (options.description) body.description = options.description;
	for (const { link, ids, inCreateRequest } of links) if (inCreateRequest) body[`${link}Ids`] = ids;

	let document: IDataObject;
	try {
		const response = await espoRequest(this, run, {
			method: 'POST',
			path: DOCUMENT,
			body,
			subject: `the creation of Document "${name}"`,
			itemIndex,
			fixes: {
				403: 'A related record or the folder may not exist or not be visible to the API user (EspoCRM refuses to link to records it cannot find), or the API user\'s role may not create Documents. Check the IDs under "Related Records" and "Folder ID".',
			},
		});
		document = responseObject(response);
	} catch (error) {
		throw withRecovery(
			this,
			itemIndex,
			error,
			`EspoCRM stored "${file.fileName}" as attachment "${attachmentId}", but no Document was created, so nothing is lost: fix the cause above and run the item again (the stored attachment then stays unused), or create the Document in EspoCRM with that file.`,
		);
	}
	const documentId = String(document.id ?? '');

	const linked: IDataObject = {};
	for (const { link, ids, inCreateRequest } of links) {
		if (!inCreateRequest) {
			try {
				await espoRequest(this, run, {
					method: 'POST',
					path: apiPath(DOCUMENT, documentId, link),
					body: { ids },
					subject: `linking Document "${documentId}" to ${ids.length === 1 ? 'the record' : `${ids.length} records`} of "${link}"`,
					itemIndex,
					fixes: {
						404: `One of the IDs under "Related Records" for "${link}" does not exist or is not visible to the API user.`,
					},
				});
			} catch (error) {
				throw withRecovery(
					this,
					itemIndex,
					error,
					`The Document "${name}" was created (ID "${documentId}") with its file; only the link "${link}" is missing. Link the records in EspoCRM (the Document's "${link}" panel) or with POST Document/${documentId}/${link} {"ids": [...]}; running the item again would create a second Document.`,
				);
			}
		}
		linked[link] = ids;
	}

	return [
		documentItem(itemIndex, document, {
			...fileOutputFields(file),
			linked,
		}),
	];
}
