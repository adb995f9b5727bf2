import type { IDataObject } from 'n8n-workflow';

/**
 * The document type list's exact shape is not publicly documented (unverified): accept a bare
 * list or one wrapped in `data`, and the usual id/name spellings.
 */
export function documentTypeList(answer: IDataObject | IDataObject[]): IDataObject[] {
	if (Array.isArray(answer)) return answer;
	for (const name of ['data', 'document_types', 'documentTypes', 'results']) {
		const value = answer[name];
		if (Array.isArray(value)) return value as IDataObject[];
	}
	return [];
}

export function documentTypeId(type: IDataObject): string | number | undefined {
	const id = type.id ?? type.document_type_id;
	return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

export function documentTypeName(type: IDataObject): string {
	for (const name of ['name', 'title', 'document_type', 'document_type_name', 'description']) {
		const value = type[name];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	return `Document type ${String(documentTypeId(type))}`;
}
