import type { HttpResponse } from '../../nodes/transfer/httpResponse';
import { bodyJson, bodyText, headerValue, networkFailureOf, RESPONSE_CUT_OFF } from '../../nodes/transfer/httpResponse';

describe('networkFailureOf', () => {
	it.each([
		'ECONNRESET',
		'ECONNREFUSED',
		'ECONNABORTED',
		'ETIMEDOUT',
		'ESOCKETTIMEDOUT',
		'EPIPE',
		'EAI_AGAIN',
		'ENOTFOUND',
		'EHOSTUNREACH',
		'ENETUNREACH',
		'ERR_SOCKET_CONNECTION_TIMEOUT',
	])('reads %s from error.code, with the error\'s text', (code) => {
		expect(networkFailureOf(Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code }))).toEqual({ code, message: `connect ${code} 127.0.0.1:9` });
	});

	it('ignores codes that are no network failure, and non-string codes', () => {
		expect(networkFailureOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
		expect(networkFailureOf(Object.assign(new Error('x'), { code: 404 }))).toBeUndefined();
		expect(networkFailureOf({ code: 'ECONNRESET' })).toEqual({ code: 'ECONNRESET', message: 'ECONNRESET' });
	});

	it('reads n8n\'s wrapped form: the code in httpCode, the original text in messages', () => {
		const wrapped = { message: 'The connection to the server was closed unexpectedly', httpCode: 'ECONNRESET', messages: ['read ECONNRESET'] };
		expect(networkFailureOf(wrapped)).toEqual({ code: 'ECONNRESET', message: 'read ECONNRESET' });
		const same = { message: 'read ECONNRESET', httpCode: 'ECONNRESET', messages: ['read ECONNRESET'] };
		expect(networkFailureOf(same)).toEqual({ code: 'ECONNRESET', message: 'read ECONNRESET' });
	});

	it('reads failures axios only names in its text', () => {
		expect(networkFailureOf(new Error('socket hang up'))).toEqual({ code: 'ECONNRESET', message: 'socket hang up' });
		expect(networkFailureOf(new Error('timeout of 800ms exceeded'))).toEqual({ code: 'ETIMEDOUT', message: 'timeout of 800ms exceeded' });
		expect(networkFailureOf(new Error('Stream has been aborted'))).toEqual({ code: RESPONSE_CUT_OFF, message: 'Stream has been aborted' });
		expect(networkFailureOf({ message: 'wrapped', messages: ['Socket Hang Up'] })).toEqual({ code: 'ECONNRESET', message: 'Socket Hang Up' });
	});

	it('does not take look-alike texts for failures', () => {
		expect(networkFailureOf(new Error('the stream has been aborted by the user'))).toBeUndefined();
		expect(networkFailureOf(new Error('timeout of ms exceeded'))).toBeUndefined();
		expect(networkFailureOf(new Error('bad request'))).toBeUndefined();
	});

	it('looks through causes, and stops at a cycle', () => {
		const inner = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
		const middle = Object.assign(new Error('middle'), { cause: inner });
		expect(networkFailureOf(Object.assign(new Error('outer'), { cause: middle }))).toEqual({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
		const cycle: { message: string; cause?: unknown } = { message: 'a' };
		cycle.cause = cycle;
		expect(networkFailureOf(cycle)).toBeUndefined();
		expect(networkFailureOf(undefined)).toBeUndefined();
		expect(networkFailureOf('ECONNRESET')).toBeUndefined();
	});
});

describe('headerValue', () => {
	const response: HttpResponse = { statusCode: 200, headers: { 'Retry-After': '5', 'set-cookie': ['a=1', 'b=2'], empty: undefined }, body: '' };

	it('finds a header whatever the case of its name, the first of several values', () => {
		expect(headerValue(response, 'retry-after')).toBe('5');
		expect(headerValue(response, 'RETRY-AFTER')).toBe('5');
		expect(headerValue(response, 'Set-Cookie')).toBe('a=1');
		expect(headerValue(response, 'missing')).toBeUndefined();
		expect(headerValue({ statusCode: 200, headers: undefined as never, body: '' }, 'x')).toBeUndefined();
	});
});

describe('bodyText and bodyJson', () => {
	it('turns any body into text', () => {
		expect(bodyText(undefined)).toBe('');
		expect(bodyText(null)).toBe('');
		expect(bodyText('text')).toBe('text');
		expect(bodyText(Buffer.from('bytes'))).toBe('bytes');
		expect(bodyText({ a: 1 })).toBe('{"a":1}');
		const circular: Record<string, unknown> = {};
		circular.self = circular;
		expect(bodyText(circular)).toBe('[object Object]');
	});

	it('reads JSON given parsed, as text or as bytes, and nothing else', () => {
		expect(bodyJson({ a: 1 })).toEqual({ a: 1 });
		expect(bodyJson(' {"a":1} ')).toEqual({ a: 1 });
		expect(bodyJson(Buffer.from('[1]'))).toEqual([1]);
		expect(bodyJson('{broken')).toBeUndefined();
		expect(bodyJson('plain')).toBeUndefined();
		expect(bodyJson('')).toBeUndefined();
		expect(bodyJson(undefined)).toBeUndefined();
	});
});
