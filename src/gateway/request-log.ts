// One compact log line and the request metrics per request, written when the response closes
// (so hijacked streaming responses are covered too). Routes add what they know (key id, mode,
// model, level, tokens, upstream time, outcome) to `request.oc`; headers and bodies are never
// logged. Also sets `x-request-id` on every response and maintains the in-flight gauge.
// A route whose handler is still running when the response closes (a relay finishing its
// bookkeeping, an upstream call a client walked away from) wraps its handler in `withHeldLog`:
// status and duration are taken at `close`, the line and metrics are written when the handler
// has returned (or thrown) — so upstream time and outcome are always in them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { writeInfoLine } from './logging.js';
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
    /** true while a route's handler holds the log line (withHeldLog) */
    ocHold: boolean;
    /** the line to write when the hold is released (set at `close` while held) */
    ocFlush: (() => void) | null;
  }
}

/**
 * `handler` with the request's log line held until it has finished: status and ms are still taken
 * at `close`, the line and metrics are written after the handler returned or threw.
 */
export function withHeldLog<R>(handler: (request: FastifyRequest, reply: FastifyReply) => Promise<R>): (request: FastifyRequest, reply: FastifyReply) => Promise<R> {
  return async (request, reply) => {
    request.ocHold = true;
    try {
      return await handler(request, reply);
    } finally {
      const flush = request.ocFlush;
      request.ocHold = false;
      request.ocFlush = null;
      if (flush) flush();
    }
  };
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
  app.decorateRequest('ocHold', false);
  app.decorateRequest('ocFlush', null);
  const write = (request: FastifyRequest, seconds: number, status: number) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const facts = request.oc;
    const s = series(route, status, facts.mode ?? 'none');
    s.requests.inc();
    s.duration.observe(seconds);
    // The line is built as one object (no spread copies of `request.oc`: two allocations per
    // request): method, url, status, ms, then the facts in the order the route set them, then the
    // compression level — logged as `compression`: as `level` it would repeat pino's own "level"
    // key in the JSON line, and parsers keep the last one ("off" instead of "info").
    const q = request.url.indexOf('?');
    const line: Record<string, unknown> = {
      method: request.method,
      url: q < 0 ? request.url : request.url.slice(0, q),
      status,
      ms: Math.round(seconds * 10000) / 10,
    };
    for (const k in facts) if (k !== 'level') line[k] = facts[k as keyof RequestFacts];
    // the upstream clock stops when the relay's bookkeeping ends, which can be just after the
    // response closed (a held line): upstream time is at most the request's time
    if (facts.upstreamMs !== undefined) {
      const upstreamMs = Math.min(facts.upstreamMs, Math.round(seconds * 100_000) / 100);
      line.upstreamMs = upstreamMs;
      if (status < 400) metrics.overhead.observe(Math.max(0, seconds - upstreamMs / 1000));
    }
    line.compression = facts.level;
    writeInfoLine(request.log as Logger, line, 'request');
  };
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    request.ocStart = process.hrtime.bigint();
    request.oc = {};
    reply.header('x-request-id', request.id);
    metrics.inflight.inc();
    // on, not once: a response emits 'close' once, and once() wraps and later unwraps each listener
    reply.raw.on('close', () => {
      metrics.inflight.dec();
      const seconds = Number(process.hrtime.bigint() - request.ocStart) / 1e9;
      const status = reply.raw.writableFinished ? reply.raw.statusCode : 499;
      if (request.ocHold) request.ocFlush = () => write(request, seconds, status);
      else write(request, seconds, status);
    });
    done();
  });
}
