// One compact log line and the request metrics per request, written when the response closes
// (so hijacked streaming responses are covered too). Routes add what they know (key id, mode,
// model, level, tokens, upstream time, outcome) to `request.oc`; headers and bodies are never
// logged. Also maintains the in-flight gauge used for graceful shutdown.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayMetrics } from './metrics.js';

export interface RequestFacts {
  keyId?: string;
  mode?: 'router' | 'byok';
  target?: string;
  provider?: string;
  model?: string;
  level?: string;
  stream?: boolean;
  originalTokens?: number;
  compressedTokens?: number;
  compressMs?: number;
  /** ms spent waiting for / reading from the upstream */
  upstreamMs?: number;
  upstreamStatus?: number;
  outcome?: string;
  error?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** facts for the request's log line and metrics */
    oc: RequestFacts;
    /** process.hrtime.bigint() when the request arrived */
    ocStart: bigint;
  }
}

export function installRequestLog(app: FastifyInstance, metrics: GatewayMetrics): { inflight: () => number } {
  let inflight = 0;
  app.decorateRequest('oc', null as unknown as RequestFacts);
  app.decorateRequest('ocStart', 0n);
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    request.ocStart = process.hrtime.bigint();
    request.oc = {};
    inflight++;
    metrics.inflight.inc();
    reply.raw.once('close', () => {
      inflight--;
      metrics.inflight.dec();
      const seconds = Number(process.hrtime.bigint() - request.ocStart) / 1e9;
      const route = request.routeOptions?.url ?? 'unmatched';
      const status = reply.raw.writableFinished ? reply.raw.statusCode : 499;
      const oc = request.oc;
      metrics.requests.inc({ route, status: String(status), mode: oc.mode ?? 'none' });
      metrics.duration.observe({ route }, seconds);
      if (oc.upstreamMs !== undefined && status < 400) metrics.overhead.observe(Math.max(0, seconds - oc.upstreamMs / 1000));
      request.log.info(
        {
          method: request.method,
          url: request.url.split('?')[0],
          status,
          ms: Math.round(seconds * 10000) / 10,
          ...oc,
        },
        'request',
      );
    });
    done();
  });
  return { inflight: () => inflight };
}
