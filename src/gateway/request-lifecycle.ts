// The steps POST /v1/chat/completions and POST /v1/messages share, in the order a route calls them:
// admitRequest (authenticate, compression control, upstream target, request facts, draining check,
// billing admission), trackRun (the ChatRun and the response `close` handler that aborts the
// upstream, releases the admission and records one UsageEvent), compressRun (the engine call and
// its metrics), callUpstream (forwarding and the failure mapping) and finishRelay (the outcome).
// The route-specific parts — body validation, Anthropic block mapping, usage readers, error
// shapes, the relay itself — stay in the routes and are passed in, so each route still reads top
// to bottom.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Admission } from '../billing/types.js';
import type { ChatMessage, CompressResult } from '../compress/types.js';
import { UpstreamAbort } from '../upstream/abort.js';
import { classifyUpstreamError, type UpstreamFailure, type UpstreamResponse, type UpstreamTarget } from '../upstream/client.js';
import type { CapturedUsage } from '../upstream/usage.js';
import { authenticate } from './auth.js';
import { compressionControl, type CompressionControl } from './compression-control.js';
import type { GatewayContext, GatewayKey } from './context.js';
import { clientClosedRequest, GatewayError, insufficientBalance, rateLimited, shuttingDown } from './errors.js';
import type { RequestFacts } from './request-log.js';
import { failureToError, type UpstreamStatusFailure } from './upstream-errors.js';
import { resolveTarget, type TargetKind } from './upstream-target.js';
import { buildUsageEvent, type ChatRun } from './usage-event.js';

type Json = Record<string, unknown>;

export interface AdmittedRequest {
  key: GatewayKey;
  control: CompressionControl;
  target: UpstreamTarget;
  kind: TargetKind;
  mode: 'router' | 'byok';
  streaming: boolean;
  admission: Extract<Admission, { ok: true }>;
}

/** A refused admission → 429 (rate limit / concurrency) or 402 (balance). */
export function admissionError(a: Exclude<Admission, { ok: true }>): GatewayError {
  return a.reason === 'rate_limited' ? rateLimited(a.retryAfterSeconds, a.headers) : insufficientBalance(a.headers);
}

/** Everything between a validated body and the compression step; throws the gateway error to answer with. */
export async function admitRequest(ctx: GatewayContext, request: FastifyRequest, body: Json & { model: string }): Promise<AdmittedRequest> {
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
  return { key, control, target, kind, mode, streaming, admission };
}

export interface TrackedRun {
  run: ChatRun;
  /** aborts the upstream call when the client leaves early */
  abort: UpstreamAbort;
  /** the client left while the request was being admitted: the run is already released and
   *  recorded (its `close` event had fired before the handler existed); send nothing */
  gone: boolean;
}

/**
 * Starts the ChatRun and registers the response's `close` handler: a client that left aborts the
 * upstream; the admission is released; then (off the response path) usage is read from the copied
 * non-streamed body with `usageFromBody` when the relay did not capture it, and billing gets one
 * UsageEvent.
 */
export function trackRun(
  ctx: GatewayContext,
  request: FastifyRequest,
  reply: FastifyReply,
  admitted: AdmittedRequest,
  model: string,
  messages: ChatMessage[],
  usageFromBody: (parsed: Json) => CapturedUsage | null,
): TrackedRun {
  const run: ChatRun = {
    requestId: request.id,
    at: new Date(),
    key: admitted.key,
    mode: admitted.mode,
    model,
    messages,
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
    admitted.admission.release();
    const latencyMs = Number(process.hrtime.bigint() - request.ocStart) / 1e6;
    setImmediate(() => {
      if (run.responseCopy && !run.usage) {
        try {
          run.usage = usageFromBody(JSON.parse(Buffer.concat(run.responseCopy).toString('utf8')) as Json);
        } catch {
          /* not JSON (or cut short): no usage reported */
        }
      }
      ctx.billing.record(buildUsageEvent(run, latencyMs, ctx.countTokens));
    });
  };
  res.on('close', onClose);
  const gone = res.destroyed;
  if (gone) onClose();
  return { run, abort, gone };
}

/**
 * Runs the engine when the request asks for compression and records its metrics and stats.
 * `apply` turns a result that saved tokens into the messages to send (null: send the original);
 * returns those messages, or null when nothing compressed is to be sent.
 */
export function compressRun<M>(
  ctx: GatewayContext,
  oc: RequestFacts,
  admitted: AdmittedRequest,
  run: ChatRun,
  apply: (result: CompressResult) => M | null,
): M | null {
  const { control, mode } = admitted;
  if (control.level === 'off' && control.targetRatio === undefined && control.targetTokens === undefined) return null;
  const t0 = performance.now();
  const result = ctx.compress(run.messages, {
    level: control.level === 'off' ? 'balanced' : control.level,
    model: run.model,
    targetRatio: control.targetRatio,
    targetTokens: control.targetTokens,
  });
  oc.compressMs = Math.round((performance.now() - t0) * 100) / 100;
  ctx.metrics.compressionMs.observe(oc.compressMs / 1000);
  run.stats = result.stats;
  oc.originalTokens = result.stats.originalTokens;
  oc.compressedTokens = result.stats.originalTokens;
  const messages = result.stats.savedTokens > 0 ? apply(result) : null;
  if (messages) {
    run.applied = true;
    oc.compressedTokens = result.stats.compressedTokens;
    ctx.metrics.tokensSaved.inc({ mode }, result.stats.savedTokens);
  }
  if (result.stats.originalTokens > 0) ctx.metrics.compressionRatio.observe(oc.compressedTokens / result.stats.originalTokens);
  return messages;
}

/** What callUpstream hands back: the upstream that answered < 400, and when the call started. */
export interface UpstreamCall {
  upstream: UpstreamResponse;
  /** performance.now() when the request was sent: the one upstream timer (finishRelay) */
  start: number;
}

/**
 * Sends the request (`send`) and returns an upstream that answered < 400; otherwise records the
 * failure on the run, the request facts and the metrics, and throws the gateway error
 * (`statusError` maps an answered ≥ 400 in the route's own terms). A client that left before the
 * upstream answered is not an upstream failure: the call was aborted on the client's behalf, so
 * the outcome is `client_aborted` (usage status too) and no upstream error is counted.
 */
export async function callUpstream(
  ctx: GatewayContext,
  oc: RequestFacts,
  run: ChatRun,
  send: () => Promise<UpstreamResponse>,
  statusError: (res: UpstreamResponse) => Promise<UpstreamStatusFailure>,
): Promise<UpstreamCall> {
  const start = performance.now();
  let upstream: UpstreamResponse;
  let mapped: UpstreamStatusFailure | null = null;
  try {
    upstream = await send();
    oc.upstreamStatus = upstream.statusCode;
    // an answered ≥ 400: its error body is read here too (the client may leave, the upstream break off)
    if (upstream.statusCode >= 400) mapped = await statusError(upstream);
  } catch (err) {
    oc.upstreamMs = elapsedMs(start);
    if (run.clientAborted) throw clientGone(oc);
    const failure = classifyUpstreamError(err);
    run.failure = 'upstream_error';
    oc.outcome = `upstream_${failure.kind}`;
    ctx.metrics.upstreamErrors.inc({ kind: failure.kind });
    throw failureToError(failure);
  }
  if (mapped) {
    oc.upstreamMs = elapsedMs(start);
    run.failure = mapped.status;
    oc.outcome = 'upstream_status';
    ctx.metrics.upstreamErrors.inc({ kind: upstream.statusCode >= 500 ? 'status_5xx' : 'status_4xx' });
    throw mapped.error;
  }
  return { upstream, start };
}

/** ms since `start` (performance.now()), to 0.01 ms: the upstream time of the request facts. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/** The client left while the upstream was being called or read: nothing can be sent any more. */
export function clientGone(oc: RequestFacts): GatewayError {
  oc.outcome = 'client_aborted';
  return clientClosedRequest();
}

/** The gateway's own response headers: request id, rate-limit headers, level and token counts. */
export function gatewayHeaders(request: FastifyRequest, admitted: AdmittedRequest, run: ChatRun): Record<string, string | number> {
  const headers: Record<string, string | number> = { 'x-request-id': request.id, ...admitted.admission.headers };
  headers['x-opencompress-level'] = admitted.control.level;
  if (run.stats) {
    headers['x-opencompress-original-tokens'] = run.stats.originalTokens;
    headers['x-opencompress-compressed-tokens'] = run.applied ? run.stats.compressedTokens : run.stats.originalTokens;
  }
  return headers;
}

/** After the relay: upstream time, and the outcome (a mid-stream failure, or ok / client_aborted). */
export function finishRelay(ctx: GatewayContext, oc: RequestFacts, run: ChatRun, upstreamStart: number, failure: UpstreamFailure | null): void {
  oc.upstreamMs = elapsedMs(upstreamStart);
  if (failure) {
    run.failure = 'upstream_error';
    oc.outcome = `upstream_${failure.kind}_mid_stream`;
    ctx.metrics.upstreamErrors.inc({ kind: 'stream' });
  } else if (!oc.outcome) {
    oc.outcome = run.clientAborted ? 'client_aborted' : 'ok';
  }
}
