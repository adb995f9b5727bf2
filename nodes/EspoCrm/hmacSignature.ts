import { createHmac } from 'crypto';

/** Where EspoCRM's REST API lives below the site URL. */
export const API_PATH = '/api/v1/';

/**
 * The resource path EspoCRM signs: the URL path after `/api/v1`, with its leading slash, as it goes
 * on the wire (percent-encoded) and WITHOUT the query string. EspoCRM's server compares against
 * `$request->getMethod() . ' ' . $request->getResourcePath()`, and getResourcePath() is the URI path
 * minus the API base path (Espo\Core\Authentication\Logins\Hmac, Espo\Core\Api\RequestWrapper);
 * its own PHP client signs `$method . ' /' . $action` and appends GET parameters only to the URL.
 */
export function signedResourcePath(url: string, baseURL?: string): string {
	// Joined the way axios joins baseURL and a relative url: by concatenation, not URL resolution.
	const absolute = /^[a-z][a-z\d+.-]*:\/\//i.test(url) || !baseURL;
	const target = new URL(absolute ? url : `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`);
	const path = target.pathname;
	const at = path.indexOf(API_PATH);
	if (at === -1) return path;
	return `/${path.slice(at + API_PATH.length)}`;
}

/** The string EspoCRM signs: `METHOD /ResourcePath`. */
export function hmacSigningString(method: string, resourcePath: string): string {
	return `${method.toUpperCase()} ${resourcePath}`;
}

/**
 * The `X-Hmac-Authorization` value: base64(apiKey + ':' + hex(HMAC-SHA256(METHOD + ' /' + path, secretKey))).
 * EspoCRM 8.4.1 and later check this hex digest (and still accept the raw-byte digest of older clients).
 */
export function hmacAuthorization(
	method: string,
	resourcePath: string,
	apiKey: string,
	secretKey: string,
): string {
	const digest = createHmac('sha256', secretKey)
		.update(hmacSigningString(method, resourcePath), 'utf8')
		.digest('hex');
	return Buffer.from(`${apiKey}:${digest}`, 'utf8').toString('base64');
}
