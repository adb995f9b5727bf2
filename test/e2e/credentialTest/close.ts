import { CLOSE_API_PATH, FakeClose } from '../../fakes/close';
import type { CredentialCase } from './cases';
import { basic, header, WRONG } from './cases';

/** The credential Test button against the fake Close (HTTP Basic, API key : (empty)). */
export const closeCredentialCases: Array<CredentialCase<FakeClose>> = [
	{
		title: 'Close API (API key): right key',
		data: (fake) => ({ apiKey: fake.apiKey, baseUrl: fake.apiBaseUrl }),
		expected: 'OK',
		server: (fake) => fake,
		path: new RegExp(`^${CLOSE_API_PATH}/me/$`),
		checkAuth: (request, fake) => expect(header(request, 'authorization')).toBe(fake.basicAuthorization),
		secrets: (fake) => [fake.apiKey],
	},
	{
		title: 'Close API (API key): wrong key',
		data: (fake) => ({ apiKey: WRONG, baseUrl: fake.apiBaseUrl }),
		expected: 'Error',
		refusedWith: 401,
		server: (fake) => fake,
		path: new RegExp(`^${CLOSE_API_PATH}/me/$`),
		checkAuth: (request) => expect(header(request, 'authorization')).toBe(basic(WRONG, '')),
		secrets: (fake) => [WRONG, fake.apiKey, basic(WRONG, '').slice(6)],
	},
];
