import { FakeTraffio, TRAFFIO_API_PATH } from '../../fakes/traffio';
import type { CredentialCase } from './cases';
import { header, WRONG } from './cases';

/** The credential Test button against the fake Traffio (Bearer access token). */
export const traffioCredentialCases: Array<CredentialCase<FakeTraffio>> = [
	{
		title: 'Traffio API (access token): right token',
		data: (fake) => ({ accessToken: fake.accessToken, baseUrl: fake.apiBaseUrl }),
		expected: 'OK',
		server: (fake) => fake,
		path: new RegExp(`^${TRAFFIO_API_PATH}/v1_document_type/document_type$`),
		checkAuth: (request, fake) => expect(header(request, 'authorization')).toBe(fake.bearerAuthorization),
		secrets: (fake) => [fake.accessToken],
	},
	{
		title: 'Traffio API (access token): wrong token',
		data: (fake) => ({ accessToken: WRONG, baseUrl: fake.apiBaseUrl }),
		expected: 'Error',
		refusedWith: 401,
		server: (fake) => fake,
		path: new RegExp(`^${TRAFFIO_API_PATH}/v1_document_type/document_type$`),
		checkAuth: (request) => expect(header(request, 'authorization')).toBe(`Bearer ${WRONG}`),
		secrets: (fake) => [WRONG, fake.accessToken],
	},
];
