// One compact log line and the request metrics per request, written when the response closes
// (so hijacked streaming responses are covered too). Routes add what they know (key id, mode,
// model, level, tokens, upstream time, outcome) to `request.oc`; headers and bodies are never
// logged. Also sets `x-request-id` on every response and maintains the in-flight gauge.
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

export function installRequestLog(app: FastifyInstance, metrics: GatewayMetrics): void {
  // Labelled metric children by (route, status, mode): prom-client hashes the label object on
  // every inc/observe otherwise. Bounded: routes are registered routes, statuses and modes few.
  const children = new Map<string, { requests: { inc(): void }; duration: { observe(v: number): void } }>();
  const series = (route: string, status: number, mode: string) => {
    const k = `${route}|${status}|${mode}`;
    let c = children.get(k);
    if (!c) {
      c = { requests: metrics.requests.labels({ route, status: String(status), mode }), duration: metrics.duration.labels({ route }) };
      if (children.size < 1000) children.set(k, c);
    }
    return c;
  };
  app.decorateRequest('oc', null as unknown as RequestFacts);
  app.decorateRequest('ocStart', 0n);
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    request.ocStart = process.hrtime.bigint();
    request.oc = {};
    reply.header('x-request-id', request.id);
    metrics.inflight.inc();
    reply.raw.once('close', () => {
      metrics.inflight.dec();
      const seconds = Number(process.hrtime.bigint() - request.ocStart) / 1e9;
      const route = request.routeOptions?.url ?? 'unmatched';
      const status = reply.raw.writableFinished ? reply.raw.statusCode : 499;
      // The compression level is logged as `compression`: spread as `level` it would repeat pino's
      // own "level" key in the JSON line, and parsers keep the last one ("off" instead of "info").
      const { level: compression, ...oc } = request.oc;
      const s = series(route, status, oc.mode ?? 'none');
      s.requests.inc();
      s.duration.observe(seconds);
      if (oc.upstreamMs !== undefined && status < 400) metrics.overhead.observe(Math.max(0, seconds - oc.upstreamMs / 1000));
      const q = request.url.indexOf('?');
      request.log.info(
        {
          method: request.method,
          url: q < 0 ? request.url : request.url.slice(0, q),
          status,
          ms: Math.round(seconds * 10000) / 10,
          ...oc,
          compression,
        },
        'request',
      );
    });
    done();
  });
}
