/**
 * How long a request may stay silent before it is given up on. n8n's own default for its HTTP
 * helper; it is an idle time (axios sets it on the socket), so a large upload that keeps sending is
 * never cut off, while a server that stops answering fails with a clear message.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
