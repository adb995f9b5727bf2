import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'crypto';

import { TEST_BUCKET } from '../rig/s3';
import type { S3Rig } from '../rig/useS3';
import type { FakeRequest, FakeResponse } from './fakeServer';
import { FakeServer } from './fakeServer';

/*
 * The one source: /work/shared/seeds/traffio-file-upload.md (Traffio's help article "Uploading Files
 * with the Third Party API"), cited as [seed] with the step it describes. Everything else (how the token
 * is sent, request encoding, error and validation answers, the document type list, the registration's
 * answer shape beyond `file_url`, limits, the form's lifetime) is unverified: our best guess, marked so.
 */

/** [seed] "https://app.traff.io/api_third_party/..." end-points. */
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

/** Unverified: the seed names no lifetime for the form. */
const FORM_LIFETIME_S = 600;

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
		// [seed] "look up the end-point for document types"; the method (GET) and the answer's shape are unverified.
		this.route('GET', `${TRAFFIO_API_PATH}/v1_document_type/document_type`, (request) =>
			this.isAuthorized(request) ? { status: 200, body: { status: 'success', data: DOCUMENT_TYPES } } : this.unauthorized(),
		);
		// [seed] "Ask Permission to Upload": POST with file_type and person_id.
		this.route('POST', `${TRAFFIO_API_PATH}/v1_upload/s3_upload_person_file`, async (request) =>
			this.isAuthorized(request) ? await this.uploadForm(request) : this.unauthorized(),
		);
		// [seed] "Record File in Traffio": POST with document_type_id, file_name, person_id, optional title/description.
		this.route('POST', `${TRAFFIO_API_PATH}/v1_files/person_file`, async (request) =>
			this.isAuthorized(request) ? await this.registerFile(request) : this.unauthorized(),
		);
		// Unverified: what Traffio answers for a path it does not have; a JSON 404 like its other errors here.
		this.noRoute = (request) => ({ status: 404, body: { status: 'error', message: `Route ${request.method} ${request.rawPath} not found` } });
	}

	get apiBaseUrl(): string {
		return `${this.baseUrl}${TRAFFIO_API_PATH}`;
	}

	get bearerAuthorization(): string {
		return `Bearer ${this.accessToken}`;
	}

	/** Unverified: the seed only says an active access token is needed; a bearer header is our guess. */
	private isAuthorized(request: FakeRequest): boolean {
		return request.headers.authorization === this.bearerAuthorization;
	}

	/** Unverified: status and body of a refused token. */
	private unauthorized(): FakeResponse {
		return { status: 401, body: { status: 'error', message: 'Access token is invalid or inactive' } };
	}

	/** Unverified: the status (422) and body of a request missing a field. */
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
		// Unverified: the 404 for an unknown person and its wording.
		if (!customerId) return { status: 404, body: { status: 'error', message: `Person ${personId} not found` } };
		const fileType = String(json.file_type);
		const keyPrefix = `traffio/${this.run}/${customerId}/person/${personId}/${this.forms.length + 1}/`;
		// [seed] The policy signs the Content-Type the form names ("Content-Type": "image/jpeg" for that
		// file_type) and a key under the prefix ("you can add your real filename to the end of the key").
		// The seed states no size limit, so the policy has none beyond S3's own.
		const form = await this.s3.form({
			Key: `${keyPrefix}\${filename}`,
			Conditions: [{ acl: 'private' }, ['eq', '$Content-Type', fileType]],
			Fields: { acl: 'private', 'Content-Type': fileType },
			Expires: FORM_LIFETIME_S,
		});
		const signed = form.fields;
		// [seed] formInputs: acl, Content-Type, key (the prefix), X-Amz-Credential, X-Amz-Algorithm, X-Amz-Date, Policy, X-Amz-Signature.
		const formInputs: Record<string, string> = {
			acl: signed.acl,
			'Content-Type': signed['Content-Type'],
			key: keyPrefix,
			'X-Amz-Credential': signed['X-Amz-Credential'],
			'X-Amz-Algorithm': signed['X-Amz-Algorithm'],
			'X-Amz-Date': signed['X-Amz-Date'],
			Policy: signed.Policy,
			'X-Amz-Signature': signed['X-Amz-Signature'],
		};
		this.forms.push({ personId, customerId, fileType, keyPrefix, formInputs });
		// [seed] The answer: formAttributes (action, method, enctype, key prefix), formInputs, person_id and
		// customer_id as strings; unwrapped, as the seed shows it. Status 200 is unverified.
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
		// [seed] file_name "should be the same value of the key parameter you sent to S3"; the refusals
		// below (key not handed out for this person, object missing) and their wording are unverified.
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
		// [seed] "The response ... will include ... the final storage location of the file in the file_url
		// field"; the other fields, the `data` envelope and the URL's host are unverified.
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
