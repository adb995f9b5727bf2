import { NodeApiError } from 'n8n-workflow';

import type { ErrorContext } from '../../nodes/transfer/httpErrors';
import type { HttpResponse } from '../../nodes/transfer/httpResponse';
import { isSuccessStatus, looksLikeHtml, networkError, readGenericFailure, redactSecrets, responseError, xmlElement } from '../../nodes/transfer/httpErrors';
import { RESPONSE_CUT_OFF } from '../../nodes/transfer/httpResponse';
import { fakeContext } from '../shared/fakeContext';

function answer(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
	return { statusCode, headers, body };
}

const context: ErrorContext = { serviceName: 'Acme CRM', itemIndex: 3, subject: 'the upload of "a.pdf"' };

describe('readGenericFailure', () => {
	it.each<[string, unknown, { code?: string; message?: string }]>([
		['a JSON message', { message: 'bad id' }, { message: 'bad id' }],
		['a nested error message and code', { error: { message: 'nope', code: 'E1' } }, { code: 'E1', message: 'nope' }],
		['an error string', { error: 'denied' }, { message: 'denied' }],
		['the first of errors[]', { errors: [{ message: 'first' }, { message: 'second' }] }, { message: 'first' }],
		['a detail', { detail: 'not here' }, { message: 'not here' }],
		['a top-level code only', { code: 'INVALID_DATA' }, { code: 'INVALID_DATA', message: undefined }],
		['JSON sent as text', '{"message":"as text","code":"T"}', { code: 'T', message: 'as text' }],
		['message before the nested one', { message: 'top', error: { message: 'inner' } }, { message: 'top' }],
		['code before the nested one', { code: 'TOP', error: { code: 'INNER' } }, { code: 'TOP', message: undefined }],
		['the nested message before errors[]', { error: { message: 'inner' }, errors: [{ message: 'listed' }] }, { message: 'inner' }],
		['errors[] before detail', { errors: [{ message: 'listed' }], detail: 'detail' }, { message: 'listed' }],
		['an error string before errors[]', { error: 'plain', errors: [{ message: 'listed' }] }, { message: 'plain' }],
	])('reads %s', (_name, body, expected) => {
		expect(readGenericFailure(answer(400, body))).toEqual(expected);
	});

	it('reads S3-style XML by its Code and Message', () => {
		const xml = '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message> Policy expired. </Message></Error>';
		expect(readGenericFailure(answer(403, xml))).toEqual({ code: 'AccessDenied', message: 'Policy expired.' });
		expect(readGenericFailure(answer(403, '<Error><Code>NoSuchKey</Code></Error>'))).toEqual({ code: 'NoSuchKey', message: undefined });
	});

	it('reads Code and Message only from an answer that is XML, not from text that merely contains such tags', () => {
		const text = 'upload refused, see <Code>Q1</Code> and <Message>quota</Message>';
		expect(readGenericFailure(answer(400, text))).toEqual({ message: text });
	});

	it('keeps XML without Code or Message as text', () => {
		expect(readGenericFailure(answer(500, '<Error><Other>x</Other></Error>'))).toEqual({ message: '<Error><Other>x</Other></Error>' });
	});

	it('says an HTML page is no API answer, with its text stripped of tags, scripts and styles', () => {
		const page = '<!DOCTYPE html><html><head><style>p{color:red}</style><script>var x = 1;</script></head><body><h1>Bad   Gateway</h1>\n<p>nginx</p></body></html>';
		const failure = readGenericFailure(answer(502, page));
		expect(failure?.code).toBeUndefined();
		expect(failure?.message).toBe(
			'the server answered with an HTML page instead of the API\'s answer ("Bad Gateway nginx"); check the base URL, and any proxy or login page in front of the service',
		);
	});

	it('keeps words apart where a tag, a script or a style stood between them, styles with blanks inside included', () => {
		const page = '<html><head><style>p { color: red }</style></head><body>Bad<script>var x = 1;</script>Gateway<style>\n</style>at<b>the</b><i>proxy</i></body></html>';
		expect(readGenericFailure(answer(502, page))?.message).toContain('("Bad Gateway at the proxy")');
	});

	it('cuts an HTML page\'s text to 120 characters', () => {
		const failure = readGenericFailure(answer(502, `<html><body>${'a'.repeat(200)}</body></html>`));
		expect(failure?.message).toContain(`("${'a'.repeat(120)}")`);
	});

	it('keeps plain text, trimmed and cut to 300 characters', () => {
		expect(readGenericFailure(answer(500, '  out of cheese \n'))).toEqual({ message: 'out of cheese' });
		expect(readGenericFailure(answer(500, 'x'.repeat(400)))?.message).toBe('x'.repeat(300));
	});

	it('reads a JSON object without any known field, or a JSON array, as text', () => {
		expect(readGenericFailure(answer(500, { status: 'bad' }))).toEqual({ message: '{"status":"bad"}' });
		expect(readGenericFailure(answer(500, '[1,2]'))).toEqual({ message: '[1,2]' });
	});

	it('has nothing to say about an empty body', () => {
		expect(readGenericFailure(answer(500, ''))).toBeUndefined();
		expect(readGenericFailure(answer(500, '   '))).toBeUndefined();
		expect(readGenericFailure(answer(500, undefined))).toBeUndefined();
	});

	it('reads an empty errors[] or a detail that is no text as no message', () => {
		expect(readGenericFailure(answer(400, { errors: [] }))).toEqual({ message: '{"errors":[]}' });
		expect(readGenericFailure(answer(400, { detail: 5 }))).toEqual({ message: '{"detail":5}' });
	});

	it('ignores fields of the wrong type', () => {
		expect(readGenericFailure(answer(400, { message: 5, code: 7, error: { message: 1, code: 2 }, detail: 'the detail' }))).toEqual({
			code: undefined,
			message: 'the detail',
		});
	});
});

describe('the small readers', () => {
	it('tells HTML pages by their opening, in any case, after blank space', () => {
		for (const page of ['<!DOCTYPE html><p>', '  <html>', '<HEAD>', '\n<body>']) expect(looksLikeHtml(page)).toBe(true);
		for (const text of ['<?xml version="1.0"?>', 'the <html> tag', '<div>', '']) expect(looksLikeHtml(text)).toBe(false);
	});

	it('reads the first XML element of a name, trimmed, across lines', () => {
		expect(xmlElement('<a><Key> k\n1 </Key><Key>k2</Key></a>', 'Key')).toBe('k\n1');
		expect(xmlElement('<a><Keys>x</Keys></a>', 'Key')).toBeUndefined();
	});

	it('redacts secrets of 4 characters or more, every occurrence', () => {
		expect(redactSecrets('key abcd and abcd', ['abcd'])).toBe('key [redacted] and [redacted]');
		expect(redactSecrets('key abc', ['abc', ''])).toBe('key abc');
		expect(redactSecrets('nothing', undefined)).toBe('nothing');
	});

	it('counts 2xx, and only 2xx, as success', () => {
		expect([199, 200, 204, 299, 300, 404].map(isSuccessStatus)).toEqual([false, true, true, true, false, false]);
	});
});

describe('responseError', () => {
	const ctx = fakeContext();

	it('says the service refused the subject, with its code and message and the status', () => {
		const error = responseError(ctx, answer(404, { code: 'NOT_FOUND', message: 'no such record' }), context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Acme CRM refused the upload of "a.pdf": NOT_FOUND: no such record (HTTP 404)');
		expect(error.description).toMatch(/^Check the id in the node parameters/);
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(3);
		expect(error.errorResponse).toEqual({ httpCode: '404', serviceCode: 'NOT_FOUND', serviceMessage: 'no such record' });
	});

	it('says a 429 is rate limiting and a 5xx a failure of the service', () => {
		expect(responseError(ctx, answer(429, ''), context).message).toBe(
			'Acme CRM is limiting the request rate and refused the upload of "a.pdf" (HTTP 429)',
		);
		expect(responseError(ctx, answer(500, 'boom'), context).message).toBe('Acme CRM failed while handling the upload of "a.pdf": boom (HTTP 500)');
		expect(responseError(ctx, answer(499, ''), context).message).toBe('Acme CRM refused the upload of "a.pdf" (HTTP 499)');
	});

	it('takes the fix given, else the service\'s own per status, else the default per status, else the 4xx or 5xx default', () => {
		const own = { ...context, fixes: { 404: 'Look in the bin.' } };
		expect(responseError(ctx, answer(404, ''), own, 'Do this.').description).toBe('Do this.');
		expect(responseError(ctx, answer(404, ''), own).description).toBe('Look in the bin.');
		expect(responseError(ctx, answer(401, ''), own).description).toMatch(/^Check the credential/);
		expect(responseError(ctx, answer(507, ''), context).description).toMatch(/^The service had an internal problem/);
		expect(responseError(ctx, answer(418, ''), context).description).toMatch(/^The service refused the values the node sent\. Check the node parameters \(ids/);
	});

	it('uses the service\'s own reader when it has one, and the generic one when that finds nothing', () => {
		const own = { ...context, readFailure: (response: HttpResponse) => (response.statusCode === 400 ? { code: 'OWN' } : undefined) };
		expect(responseError(ctx, answer(400, { message: 'generic' }), own).message).toBe('Acme CRM refused the upload of "a.pdf": OWN (HTTP 400)');
		expect(responseError(ctx, answer(403, { message: 'generic' }), own).message).toBe('Acme CRM refused the upload of "a.pdf": generic (HTTP 403)');
	});

	it('redacts credential values from the message, the description and the service message', () => {
		const secret = 'sk_live_SECRET';
		const error = responseError(ctx, answer(401, { message: `bad key ${secret}` }), { ...context, secrets: [secret], fixes: { 401: `Replace ${secret}.` } });
		expect(error.message).toBe('Acme CRM refused the upload of "a.pdf": bad key [redacted] (HTTP 401)');
		expect(error.description).toBe('Replace [redacted].');
		expect(error.errorResponse).toEqual({ httpCode: '401', serviceCode: null, serviceMessage: 'bad key [redacted]' });
	});
});

describe('networkError', () => {
	const ctx = fakeContext();

	function failure(code: string): Error {
		return Object.assign(new Error(`failed: ${code}`), { code });
	}

	it.each([
		['ECONNREFUSED', 'the connection was refused'],
		['ECONNRESET', 'the connection was reset'],
		['EPIPE', 'the connection was closed while sending'],
		['ETIMEDOUT', 'it stopped answering (timed out)'],
		['ESOCKETTIMEDOUT', 'it stopped answering (timed out)'],
		['ECONNABORTED', 'it stopped answering (timed out)'],
		['ENOTFOUND', 'its host name could not be resolved'],
		['EAI_AGAIN', 'its host name could not be resolved'],
		['ENETUNREACH', 'the network failed (ENETUNREACH)'],
	])('names %s in the user\'s words', (code, reason) => {
		const error = networkError(ctx, failure(code), context) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`Could not reach Acme CRM for the upload of "a.pdf": ${reason}`);
		expect(error.errorResponse).toEqual({ networkErrorCode: code, message: error.message });
		expect(error.context.itemIndex).toBe(3);
	});

	it('says an answer that stopped before its end was cut off (axios says "stream has been aborted")', () => {
		const error = networkError(ctx, new Error('stream has been aborted'), context) as NodeApiError;
		expect(error.message).toBe('Could not reach Acme CRM for the upload of "a.pdf": its answer stopped before the end (it stopped answering or the connection broke)');
		expect(error.errorResponse).toEqual({ networkErrorCode: RESPONSE_CUT_OFF, message: error.message });
	});

	it('points at the Timeout option for a timeout, and at the URL and network otherwise', () => {
		const timeouts = [...['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT'].map(failure), new Error('stream has been aborted')];
		for (const timeout of timeouts) {
			expect((networkError(ctx, timeout, context) as NodeApiError).description).toBe(
				'Acme CRM sent nothing for longer than the node\'s "Timeout" option allows, so the node gave up instead of waiting forever. Run the workflow again later; if Acme CRM is only slow, raise "Timeout" in the node\'s options.',
			);
		}
		expect((networkError(ctx, failure('ECONNRESET'), context) as NodeApiError).description).toBe(
			'Check that the service\'s URL is right and reachable from the n8n host (firewall, proxy, DNS), then run the workflow again.',
		);
	});

	it('redacts secrets from the message', () => {
		const error = networkError(ctx, failure('ECONNRESET'), { ...context, serviceName: 'host-SECRET', secrets: ['SECRET'] });
		expect(error.message).toBe('Could not reach host-[redacted] for the upload of "a.pdf": the connection was reset');
	});

	it('hands back an error that is no network failure unchanged, and wraps anything else thrown', () => {
		const plain = new Error('not the network');
		expect(networkError(ctx, plain, context)).toBe(plain);
		const wrapped = networkError(ctx, 'a string', context);
		expect(wrapped).toBeInstanceOf(Error);
		expect(wrapped.message).toBe('a string');
	});
});

describe('n8n does not swap our messages for its generic ones', () => {
	const ctx = fakeContext();
	// n8n's NodeApiError replaces any message that contains a Node error code (EPERM, ENOENT,
	// EHOSTUNREACH, ...) anywhere, even inside a file name, with its own text naming no service or file.

	it('keeps the message of a refusal whose file name or service text contains an error code', () => {
		const error = responseError(ctx, answer(403, { message: 'EACCES on bucket' }), { ...context, subject: 'the upload of "keeperman.pdf"' });
		expect(error.message).toBe('Acme CRM refused the upload of "keeperman.pdf": EACCES on bucket (HTTP 403)');
	});

	it('keeps the message of a network failure whose code n8n knows', () => {
		const error = networkError(ctx, Object.assign(new Error('unreachable'), { code: 'EHOSTUNREACH' }), context);
		expect(error.message).toBe('Could not reach Acme CRM for the upload of "a.pdf": the network failed (EHOSTUNREACH)');
	});
});
