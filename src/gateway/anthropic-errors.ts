// Errors on the Anthropic Messages route, in Anthropic's shape:
//   {"type":"error","error":{"type":"authentication_error","message":"…"}}
// with the HTTP status the gateway would use on the OpenAI routes. The gateway's errors (errors.ts)
// are mapped by status: 400 invalid_request_error, 401 authentication_error, 402 billing_error,
// 403 permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error,
// 502/500 api_error, 503 overloaded_error, 504 timeout_error; an upstream's own 529 stays 529
// overloaded_error (the SDK retries it). Headers (Retry-After, X-RateLimit-*) are kept. The route
// registers this handler in its own Fastify scope, so body-parsing errors (400 invalid JSON,
// 413, 415) are rendered this way too.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { GatewayError, internalError } from './errors.js';
import { logUnhandled, toGatewayError } from './error-handler.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

export function anthropicErrorBody(err: GatewayError): { type: 'error'; error: { type: AnthropicErrorType; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(err.status), message: err.message } };
}

/** Renders errors thrown in `scope` (the Messages route's plugin) in Anthropic's shape. */
export function installAnthropicErrorHandler(scope: FastifyInstance, config: Config): void {
  scope.setErrorHandler((err, request, reply) => {
    let gw = toGatewayError(err, config);
    if (!gw) {
      logUnhandled(request, err);
      gw = internalError();
    }
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) {
      if (!reply.raw.destroyed) reply.raw.destroy();
      return;
    }
    reply.code(gw.status).headers(gw.headers).type('application/json; charset=utf-8').send(anthropicErrorBody(gw));
  });
}
