// The one place errors become HTTP answers: GatewayErrors render as themselves; Fastify's own
// errors (body too large, bad content type, empty body) map to the matching gateway error; any
// other error is logged and answered with a generic 500 that reveals nothing. Also the 404
// handler, so unknown routes answer in the same OpenAI shape.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { GatewayError, internalError, invalidRequest, notFound, payloadTooLarge, unsupportedMediaType } from './errors.js';

export function toGatewayError(err: unknown, config: Pick<Config, 'bodyLimit'>): GatewayError | null {
  if (err instanceof GatewayError) return err;
  const e = err as Partial<FastifyError> & { status?: number; expose?: boolean };
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(config.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(String((e as { contentType?: string }).contentType ?? 'unknown'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest('Request body is empty; send a JSON object', 'invalid_json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalidRequest('Content-Length does not match the body', 'invalid_body');
  }
  const status = e?.statusCode ?? e?.status;
  if (typeof status === 'number' && status === 413) return payloadTooLarge(config.bodyLimit);
  // Errors other modules raise for bad input (validation, conflicts) carry a 4xx status and a
  // message meant for the client.
  if (typeof status === 'number' && status >= 400 && status < 500 && typeof e?.message === 'string') {
    const type = status === 401 || status === 403 ? 'auth_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : 'invalid_request_error';
    return new GatewayError(status, type, e.message, typeof e.code === 'string' && !e.code.startsWith('FST_') ? e.code : null);
  }
  return null;
}

/**
 * The log line of an error no handler expected (answered with a generic 500). Not under `err`:
 * pino's err serializer re-types a plain object as "Object" — and given the Error itself it
 * copies every enumerable property, which may carry request data. Name, message and stack only.
 */
export function logUnhandled(request: FastifyRequest, err: unknown): void {
  const e = err as Error | undefined;
  request.log.error({ error: { type: e?.name ?? typeof err, message: e?.message, stack: e?.stack } }, 'unhandled error');
}

export function installErrorHandlers(app: FastifyInstance, config: Config): void {
  app.setErrorHandler((err, request, reply) => {
    let gw = toGatewayError(err, config);
    if (!gw) {
      logUnhandled(request, err);
      gw = internalError();
    }
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) {
      // the client is gone (or the answer already started): nothing can be sent
      if (!reply.raw.destroyed) reply.raw.destroy();
      return;
    }
    reply.code(gw.status).headers(gw.headers).type('application/json; charset=utf-8').send(gw.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const gw = notFound(request.method, request.url);
    reply.code(gw.status).type('application/json; charset=utf-8').send(gw.toBody());
  });
}
