import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'crypto';

import { TEST_BUCKET } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { FakeRequest, FakeResponse } from './fakeServer';
import { FakeServer } from './fakeServer';

/** Where the third-party API lives below the fake's origin, as in https://app.traff.io/api_third_party. */
export const TRAFFIO_API_PATH = '/api_third_party';

export interface HandedOutForm {
	personId: string;
	customerId: string;
	fileType: string;
	keyPrefix: string;
	formInputs: Record<string, string>;
}

export interface PersonFileRecord {
	file_id: number;
	person_id: string;
	document_type_id: number;
	file_name: string;
	file_title: string | null;
	file_description: string | null;
	file_url: string;
	/** What S3 stored, for the tests (Traffio itself does not say). */
	stored: { size: number; contentType?: string };
}

export const DOCUMENT_TYPES = [
	{ id: 6, name: 'Person File' },
	{ id: 2, name: 'Licence' },
	{ id: 9, name: 'Induction Record' },
];

const MAX_FILE_BYTES = 50 * 1024 * 1024;

/**
 * A fake Traffio third-party API enforcing the documented upload contract: a bearer access token,
 * a REAL presigned S3 POST per person and MIME type (the policy requires that exact Content-Type and
 * a key under the assigned prefix), and a registration that is accepted only when the key was
 * handed out for that person and the object really exists in S3.
 */
export class FakeTraffio extends FakeServer {
	readonly persons = new Map<string, string>([['15', '1']]);
	readonly forms: HandedOutForm[] = [];
	readonly files: PersonFileRecord[] = [];
	private nextFileId = 100;
	private readonly run = randomUUID();

	constructor(
		private readonly s3: S3Rig,
		readonly accessToken = `tk_${randomUUID().replace(/-/g, '')}`,
	) {
		super('Traffio');
		this.route('GET', `${TRAFFIO_API_PATH}/v1_document_type/document_type`, (request) =>
			this.isAuthorized(request) ? { status: 200, body: { status: 'success', data: DOCUMENT_TYPES } } : this.unauthorized(),
		);
		this.route('POST', `${TRAFFIO_API_PATH}/v1_upload/s3_upload_person_file`, async (request) =>
			this.isAuthorized(request) ? await this.uploadForm(request) : this.unauthorized(),
		);
		this.route('POST', `${TRAFFIO_API_PATH}/v1_files/person_file`, async (request) =>
			this.isAuthorized(request) ? await this.registerFile(request) : this.unauthorized(),
		);
	}

	get apiBaseUrl(): string {
		return `${this.baseUrl}${TRAFFIO_API_PATH}`;
	}

	get bearerAuthorization(): string {
		return `Bearer ${this.accessToken}`;
	}

	private isAuthorized(request: FakeRequest): boolean {
		return request.headers.authorization === this.bearerAuthorization;
	}

	private unauthorized(): FakeResponse {
		return { status: 401, body: { status: 'error', message: 'Access token is invalid or inactive' } };
	}

	private missing(fields: Record<string, unknown>): FakeResponse | undefined {
		const errors: Record<string, string[]> = {};
		for (const [name, value] of Object.entries(fields)) {
			if (value === undefined || value === null || String(value).trim() === '') errors[name] = [`The ${name} field is required.`];
		}
		return Object.keys(errors).length ? { status: 422, body: { status: 'error', message: 'Validation failed', errors } } : undefined;
	}

	private async uploadForm(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const invalid = this.missing({ file_type: json.file_type, person_id: json.person_id });
		if (invalid) return invalid;
		const personId = String(json.person_id);
		const customerId = this.persons.get(personId);
		if (!customerId) return { status: 404, body: { status: 'error', message: `Person ${personId} not found` } };
		const fileType = String(json.file_type);
		const keyPrefix = `traffio/${this.run}/${customerId}/person/${personId}/${this.forms.length + 1}/`;
		const form = await this.s3.form({
			Key: `${keyPrefix}\${filename}`,
			Conditions: [
				{ acl: 'private' },
				['eq', '$Content-Type', fileType],
				['content-length-range', 1, MAX_FILE_BYTES],
			],
			Fields: { acl: 'private', 'Content-Type': fileType },
			Expires: 600,
		});
		const formInputs = { ...form.fields, key: keyPrefix };
		this.forms.push({ personId, customerId, fileType, keyPrefix, formInputs });
		return {
			status: 200,
			body: {
				formAttributes: { action: form.url, method: 'POST', enctype: 'multipart/form-data', key: keyPrefix },
				formInputs,
				person_id: personId,
				customer_id: customerId,
			},
		};
	}

	private async registerFile(request: FakeRequest): Promise<FakeResponse> {
		const json = (request.json ?? {}) as Record<string, unknown>;
		const invalid = this.missing({ document_type_id: json.document_type_id, file_name: json.file_name, person_id: json.person_id });
		if (invalid) return invalid;
		const personId = String(json.person_id);
		if (!this.persons.has(personId)) return { status: 404, body: { status: 'error', message: `Person ${personId} not found` } };
		const documentTypeId = Number(json.document_type_id);
		if (!DOCUMENT_TYPES.some((type) => type.id === documentTypeId)) {
			return { status: 422, body: { status: 'error', message: 'Validation failed', errors: { document_type_id: ['Unknown document type.'] } } };
		}
		const fileName = String(json.file_name);
		const form = this.forms.find((candidate) => candidate.personId === personId && fileName.startsWith(candidate.keyPrefix));
		if (!form || fileName === form.keyPrefix) {
			return { status: 422, body: { status: 'error', message: 'Validation failed', errors: { file_name: ['Not a key issued for this person.'] } } };
		}
		let stored: PersonFileRecord['stored'];
		try {
			const head = await this.s3.client.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: fileName }));
			stored = { size: head.ContentLength ?? 0, contentType: head.ContentType };
		} catch {
			return { status: 422, body: { status: 'error', message: 'Validation failed', errors: { file_name: ['The file was not found in storage.'] } } };
		}
		const record: PersonFileRecord = {
			file_id: this.nextFileId++,
			person_id: personId,
			document_type_id: documentTypeId,
			file_name: fileName,
			file_title: typeof json.file_title === 'string' ? json.file_title : null,
			file_description: typeof json.file_description === 'string' ? json.file_description : null,
			file_url: `https://files.traff.io/${fileName}`,
			stored,
		};
		this.files.push(record);
		const { stored: _stored, ...answer } = record;
		return { status: 200, body: { status: 'success', data: answer } };
	}
}
