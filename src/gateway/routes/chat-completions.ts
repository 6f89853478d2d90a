// POST /v1/chat/completions — the request flow of DESIGN.md §3: body (parsed by request-body.ts),
// authenticate, pick the upstream, admit (rate limit + balance), compress, forward with undici,
// relay the answer (JSON or SSE) as it arrives, then — when the response has closed — release the
// admission and hand billing one UsageEvent. Every field the gateway does not own passes through
// untouched; an unchanged body is forwarded as the client's exact bytes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Admission } from '../../billing/types.js';
import type { ChatMessage } from '../../compress/types.js';
import { SseRelay } from '../../upstream/sse-relay.js';
import { UpstreamAbort } from '../../upstream/abort.js';
import { readUsage } from '../../upstream/usage.js';
import { readBodyText, upstreamErrorMessage } from '../../upstream/error-message.js';
import { UpstreamFailure, type UpstreamResponse } from '../../upstream/client.js';
import { authenticate } from '../auth.js';
import { compressionControl } from '../compression-control.js';
import type { GatewayContext, RouteModule } from '../context.js';
import {
  GatewayError,
  insufficientBalance,
  invalidRequest,
  rateLimited,
  shuttingDown,
  upstreamFailed,
  upstreamNotAllowed,
  upstreamRejected,
  upstreamTimeout,
} from '../errors.js';
import { relayBody, relaySse } from '../relay.js';
import { resolveTarget } from '../upstream-target.js';
import { buildUsageEvent, type ChatRun } from '../usage-event.js';

/** Client headers passed on to a user's own upstream (BYOK): account selection and beta flags. */
const FORWARDED_HEADERS = ['openai-organization', 'openai-project', 'openai-beta', 'anthropic-beta', 'http-referer', 'x-title'];

function forwardedHeaders(headers: FastifyRequest['headers']): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of FORWARDED_HEADERS) {
    const v = headers[name];
    if (typeof v === 'string') (out ??= {})[name] = v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireChatBody(body: unknown): Record<string, unknown> & { model: string; messages: ChatMessage[] } {
  if (!isObject(body)) throw invalidRequest('Request body must be a JSON object', 'invalid_body');
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('"model" is required and must be a string', 'invalid_model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalidRequest('"messages" must be a non-empty array', 'invalid_messages');
  for (const m of body.messages) {
    if (!isObject(m) || typeof m.role !== 'string') throw invalidRequest('Each message must be an object with a "role"', 'invalid_messages');
  }
  return body as Record<string, unknown> & { model: string; messages: ChatMessage[] };
}

/** An upstream failure before any answer byte was sent → the gateway error to answer with. */
function failureToError(f: UpstreamFailure): GatewayError {
  if (f.kind === 'timeout') return upstreamTimeout(f.phase ?? 'headers');
  if (f.kind === 'not_allowed') return upstreamNotAllowed(f.message);
  return upstreamFailed(`Upstream unreachable: ${f.message}`);
}

/** The upstream answered ≥ 400 → the gateway error (502 for 5xx and credential problems). */
async function upstreamStatusError(res: UpstreamResponse, secrets: string[]): Promise<{ error: GatewayError; status: 'upstream_error' | 'invalid_request' }> {
  const text = await readBodyText(res.body);
  const message = upstreamErrorMessage(res.statusCode, text, secrets);
  if (res.statusCode >= 500 || res.statusCode === 401 || res.statusCode === 403) {
    return { error: upstreamFailed(message, res.statusCode), status: 'upstream_error' };
  }
  const error = upstreamRejected(res.statusCode, message);
  const retry = res.headers['retry-after'];
  if (res.statusCode === 429 && typeof retry === 'string') error.headers['retry-after'] = retry;
  return { error, status: res.statusCode === 429 ? 'upstream_error' : 'invalid_request' };
}

/** The forwarded body: the raw client text (plus spliced-in fields) when nothing else changed. */
function serializeBody(out: Record<string, unknown>, added: Record<string, unknown>, raw: string | null): string {
  const addedKeys = Object.keys(added);
  if (raw !== null) {
    if (addedKeys.length === 0) return raw;
    const open = raw.indexOf('{');
    // The raw text parsed as an object with at least `model` and `messages`, so a member follows '{'.
    if (open >= 0) return `{${JSON.stringify(added).slice(1, -1)},${raw.slice(open + 1)}`;
  }
  return JSON.stringify(addedKeys.length ? { ...out, ...added } : out);
}

function admissionError(a: Exclude<Admission, { ok: true }>): GatewayError {
  return a.reason === 'rate_limited' ? rateLimited(a.retryAfterSeconds, a.headers) : insufficientBalance(a.headers);
}

async function handle(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = requireChatBody(request.body);
  const key = await authenticate(ctx, request);
  const oc = request.oc;
  oc.keyId = key.id;
  oc.model = body.model;
  const control = compressionControl(request.headers, body, key.level);
  const { target, kind } = resolveTarget(ctx, key, request.headers);
  const mode = kind === 'router' ? 'router' : 'byok';
  const streaming = body.stream === true;
  Object.assign(oc, { mode, target: kind, provider: target.provider.name, level: control.level, stream: streaming });
  if (ctx.draining()) throw shuttingDown();

  const admission = await ctx.billing.admit(
    { id: key.id, accountId: key.accountId, mode, rpm: key.rpm, concurrency: key.concurrency },
    { model: body.model },
  );
  if (!admission.ok) throw admissionError(admission);

  const run: ChatRun = {
    requestId: request.id,
    at: new Date(),
    key,
    mode,
    model: body.model,
    messages: body.messages,
    stats: null,
    applied: false,
    usage: null,
    failure: null,
    clientAborted: false,
    responseCopy: null,
  };
  const abort = new UpstreamAbort();
  const res = reply.raw;
  let closed = false;
  const onClose = () => {
    if (closed) return;
    closed = true;
    if (!res.writableFinished) {
      run.clientAborted = true;
      abort.abort();
    }
    admission.release();
    const latencyMs = Number(process.hrtime.bigint() - request.ocStart) / 1e6;
    setImmediate(() => {
      if (run.responseCopy && !run.usage) {
        try {
          const parsed = JSON.parse(Buffer.concat(run.responseCopy).toString('utf8')) as Record<string, unknown>;
          run.usage = readUsage(target.provider.usageOf ? target.provider.usageOf(parsed) : parsed.usage);
        } catch {
          /* not JSON (or cut short): no usage reported */
        }
      }
      ctx.billing.record(buildUsageEvent(run, latencyMs, ctx.countTokens));
    });
  };
  res.once('close', onClose);
  if (res.destroyed) {
    // the client left while we were admitting: release and record now, send nothing
    onClose();
    reply.hijack();
    return;
  }

  // Compress.
  let out: Record<string, unknown> = body;
  let modified = control.bodyFieldStripped;
  if (control.level !== 'off' || control.targetRatio !== undefined || control.targetTokens !== undefined) {
    const t0 = performance.now();
    const result = ctx.compress(body.messages, {
      level: control.level === 'off' ? 'balanced' : control.level,
      model: body.model,
      targetRatio: control.targetRatio,
      targetTokens: control.targetTokens,
    });
    oc.compressMs = Math.round((performance.now() - t0) * 100) / 100;
    ctx.metrics.compressionMs.observe(oc.compressMs / 1000);
    run.stats = result.stats;
    oc.originalTokens = result.stats.originalTokens;
    oc.compressedTokens = result.stats.originalTokens;
    if (result.stats.savedTokens > 0) {
      out = { ...body, messages: result.messages };
      modified = true;
      run.applied = true;
      oc.compressedTokens = result.stats.compressedTokens;
      ctx.metrics.tokensSaved.inc({ mode }, result.stats.savedTokens);
    }
    if (result.stats.originalTokens > 0) ctx.metrics.compressionRatio.observe(oc.compressedTokens / result.stats.originalTokens);
  }

  // Provider quirks on the outgoing body. New top-level fields are collected in `added` so that an
  // otherwise unchanged body can be forwarded as the client's bytes with the fields spliced in.
  let hideUsage = false;
  const added: Record<string, unknown> = {};
  if (streaming && target.provider.streamUsage) {
    const so = body.stream_options;
    if (!(isObject(so) && so.include_usage === true)) {
      const value = { ...(isObject(so) ? so : {}), include_usage: true };
      if (so === undefined) added.stream_options = value;
      else {
        out = { ...out, stream_options: value };
        modified = true;
      }
      hideUsage = true;
    }
  }
  if (target.provider.bodyDefaults) {
    for (const [k, v] of Object.entries(target.provider.bodyDefaults)) if (!(k in out)) added[k] = v;
  }
  const payload = serializeBody(out, added, modified ? null : request.rawBody);

  // Forward.
  const upstreamStart = performance.now();
  let upstream: UpstreamResponse;
  try {
    upstream = await ctx.upstream.chat(target, body.model, payload, abort, target.untrusted ? forwardedHeaders(request.headers) : undefined);
  } catch (err) {
    const failure = err instanceof UpstreamFailure ? err : new UpstreamFailure('connect', 'upstream request failed');
    run.failure = 'upstream_error';
    oc.outcome = `upstream_${failure.kind}`;
    ctx.metrics.upstreamErrors.inc({ kind: failure.kind });
    throw failureToError(failure);
  }
  oc.upstreamStatus = upstream.statusCode;
  if (upstream.statusCode >= 400) {
    const { error, status } = await upstreamStatusError(upstream, [target.apiKey]);
    run.failure = status;
    oc.outcome = 'upstream_status';
    ctx.metrics.upstreamErrors.inc({ kind: upstream.statusCode >= 500 ? 'status_5xx' : 'status_4xx' });
    throw error;
  }

  // Relay.
  const contentType = String(upstream.headers['content-type'] ?? 'application/json');
  const isSse = contentType.includes('text/event-stream');
  const headers: Record<string, string | number> = { 'content-type': contentType, 'x-request-id': request.id, ...admission.headers };
  headers['x-opencompress-level'] = control.level;
  if (run.stats) {
    headers['x-opencompress-original-tokens'] = run.stats.originalTokens;
    headers['x-opencompress-compressed-tokens'] = run.applied ? run.stats.compressedTokens : run.stats.originalTokens;
  }
  const upstreamId = upstream.headers['x-request-id'];
  if (typeof upstreamId === 'string') headers['x-upstream-request-id'] = upstreamId;
  if (isSse) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  } else {
    const len = upstream.headers['content-length'];
    const enc = upstream.headers['content-encoding'];
    if (typeof len === 'string') headers['content-length'] = len;
    if (typeof enc === 'string') headers['content-encoding'] = enc;
  }
  reply.hijack();
  res.writeHead(upstream.statusCode, headers);

  let result;
  if (isSse) {
    const relay = new SseRelay({ hideUsageChunk: hideUsage, usageOf: target.provider.usageOf });
    result = await relaySse(res, upstream.body, relay);
    run.usage = relay.usage;
    if (relay.upstreamError && !result.failure) {
      run.failure = 'upstream_error';
      oc.outcome = 'upstream_stream_error';
    }
  } else {
    run.responseCopy = [];
    result = await relayBody(res, upstream.body, run.responseCopy, Number(headers['content-length'] ?? -1));
  }
  oc.upstreamMs = Math.round((performance.now() - upstreamStart) * 100) / 100;
  if (result.failure) {
    run.failure = 'upstream_error';
    oc.outcome = `upstream_${result.failure.kind}_mid_stream`;
    ctx.metrics.upstreamErrors.inc({ kind: 'stream' });
  } else if (!oc.outcome) {
    oc.outcome = run.clientAborted ? 'client_aborted' : 'ok';
  }
}

export const chatCompletionsRoute: RouteModule = (app, ctx) => {
  app.post('/v1/chat/completions', (request, reply) => handle(ctx, request, reply));
};
