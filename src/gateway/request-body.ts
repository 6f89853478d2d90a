// Request bodies: JSON only, read as a string under the configured size limit (Fastify answers
// 413 beyond it), parsed with plain JSON.parse, the raw text kept on the request: the forwarded
// body is built from it (raw-json.ts editBody) — the exact bytes the client sent when the gateway
// changes nothing, otherwise the client's text with only the edited members spliced in.
import type { FastifyInstance } from 'fastify';
import { invalidJson } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the body exactly as received (JSON requests) */
    rawBody: string | null;
  }
}

export function installJsonParser(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest('rawBody', null);
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.length === 0) return done(invalidJson('the body is empty'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(invalidJson((err as Error).message), undefined);
    }
  });
}
