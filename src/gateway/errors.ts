// Every error the gateway can answer with, declared once (DESIGN.md §3, §9): each is a named
// constructor carrying its HTTP status and OpenAI error `type`. Routes throw these; the one error
// handler (error-handler.ts) renders them as {"error":{"message","type","code"}} — or, once an SSE
// stream has started, as an SSE `error` event.

export type ErrorType =
  | 'invalid_request_error'
  | 'auth_error'
  | 'billing_error'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'not_found_error'
  | 'internal_error';

export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | null;
  /** extra response headers (Retry-After, X-RateLimit-*) */
  readonly headers: Record<string, string>;

  constructor(status: number, type: ErrorType, message: string, code: string | null = null, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.headers = headers;
  }

  toBody(): { error: { message: string; type: ErrorType; code: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }
}

export const invalidRequest = (message: string, code: string | null = null) =>
  new GatewayError(400, 'invalid_request_error', message, code);

export const invalidJson = (detail: string) =>
  new GatewayError(400, 'invalid_request_error', `Request body is not valid JSON: ${detail}`, 'invalid_json');

export const payloadTooLarge = (limitBytes: number) =>
  new GatewayError(413, 'invalid_request_error', `Request body is larger than the limit of ${limitBytes} bytes`, 'payload_too_large');

export const unsupportedMediaType = (contentType: string) =>
  new GatewayError(415, 'invalid_request_error', `Unsupported content type "${contentType}"; send application/json`, 'unsupported_media_type');

export const missingApiKey = () =>
  new GatewayError(401, 'auth_error', 'Missing API key: send "Authorization: Bearer sk-occ-…" or "x-api-key"', 'missing_api_key');

export const invalidApiKey = () =>
  new GatewayError(401, 'auth_error', 'Invalid or revoked API key', 'invalid_api_key');

export const insufficientBalance = (headers: Record<string, string> = {}) =>
  new GatewayError(402, 'billing_error', 'Insufficient balance', 'insufficient_balance', headers);

export const rateLimited = (retryAfterSeconds: number, headers: Record<string, string> = {}) =>
  new GatewayError(429, 'rate_limit_error', `Rate limit exceeded; retry after ${retryAfterSeconds} s`, 'rate_limited', {
    ...headers,
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

export const upstreamNotAllowed = (reason: string) =>
  new GatewayError(400, 'invalid_request_error', `Upstream not allowed: ${reason}`, 'upstream_not_allowed');

export const routerNotConfigured = () =>
  new GatewayError(503, 'upstream_error', 'Router mode is not configured on this gateway (OPENROUTER_API_KEY is unset)', 'router_not_configured');

/** The upstream answered with an error or the connection failed (502), or passed through a 4xx. */
export const upstreamFailed = (message: string, upstreamStatus?: number) =>
  new GatewayError(502, 'upstream_error', message, upstreamStatus ? `upstream_${upstreamStatus}` : 'upstream_unreachable');

/** A client error reported by the upstream (bad model, context too long …), passed on with its status. */
export const upstreamRejected = (status: number, message: string) =>
  new GatewayError(status, 'upstream_error', message, `upstream_${status}`);

export const upstreamTimeout = (what: string) =>
  new GatewayError(504, 'upstream_error', `Upstream timed out (${what})`, 'upstream_timeout');

/** The client went away before the answer (never sent: there is nobody to send it to; nginx's 499). */
export const clientClosedRequest = () =>
  new GatewayError(499, 'invalid_request_error', 'The client closed the request before the upstream answered', 'client_closed_request');

export const notFound = (method: string, url: string) =>
  new GatewayError(404, 'not_found_error', `No route for ${method} ${url.split('?')[0]}`, 'not_found');

export const shuttingDown = () =>
  new GatewayError(503, 'internal_error', 'The gateway is shutting down; retry on another instance', 'shutting_down');

export const internalError = () => new GatewayError(500, 'internal_error', 'Internal error', null);

/** An SSE frame carrying an error, for errors after a stream's headers were sent. */
export function sseErrorEvent(err: GatewayError): string {
  return `event: error\ndata: ${JSON.stringify(err.toBody())}\n\n`;
}
