import { API_PATH as ONEPAGE_API_PATH, OnePageCrmFake } from '../../fakes/onePageCrm';
import type { CredentialCase } from './cases';
import { basic, header, WRONG } from './cases';

/** The credential Test button against the fake OnePageCRM (HTTP Basic, user ID : API key). */
export const onePageCrmCredentialCases: Array<CredentialCase<OnePageCrmFake>> = [
	{
		title: 'OnePageCRM API (user ID + API key): right key',
		data: (fake) => ({ userId: fake.userId, apiKey: fake.apiKey, baseUrl: fake.apiBaseUrl }),
		expected: 'OK',
		server: (fake) => fake,
		path: new RegExp(`^${ONEPAGE_API_PATH}/contacts$`),
		checkAuth: (request, fake) => {
			expect(header(request, 'authorization')).toBe(fake.basicHeader);
			expect(request.query.per_page).toBe('1');
		},
		secrets: (fake) => [fake.apiKey],
	},
	{
		title: 'OnePageCRM API (user ID + API key): wrong key',
		data: (fake) => ({ userId: fake.userId, apiKey: WRONG, baseUrl: fake.apiBaseUrl }),
		expected: 'Error',
		refusedWith: 401,
		server: (fake) => fake,
		path: new RegExp(`^${ONEPAGE_API_PATH}/contacts$`),
		checkAuth: (request, fake) => expect(header(request, 'authorization')).toBe(basic(fake.userId, WRONG)),
		secrets: (fake) => [WRONG, fake.apiKey, basic(fake.userId, WRONG).slice(6)],
	},
	{
		title: 'OnePageCRM API: a Base URL without the API (HTTP 404)',
		data: (fake) => ({ userId: fake.userId, apiKey: fake.apiKey, baseUrl: `${fake.baseUrl}/api/v2` }),
		expected: 'Error',
		refusedWith: 404,
		server: (fake) => fake,
		path: /^\/api\/v2\/contacts$/,
		checkAuth: (request, fake) => expect(header(request, 'authorization')).toBe(fake.basicHeader),
		secrets: (fake) => [fake.apiKey],
	},
];
