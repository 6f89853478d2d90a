// POST /v1/messages — the Anthropic Messages API, so apps on the official `@anthropic-ai/sdk`
// (baseURL = the gateway, apiKey = an sk-occ- key, sent as x-api-key) get the same compression and
// billing as OpenAI clients. The flow mirrors chat-completions.ts: authenticate, pick the upstream,
// admit, compress (anthropic-compress.ts maps blocks to the engine and back), forward, relay, then
// one UsageEvent when the response has closed. A native Anthropic upstream gets the body as-is and
// its JSON/SSE bytes are relayed unchanged; any OpenAI-compatible upstream gets a translated Chat
// Completions request and its answer is translated back (upstream/anthropic/). Errors use
// Anthropic's shape (anthropic-errors.ts), registered for this route's scope only.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Admission } from '../../billing/types.js';
import { UpstreamAbort } from '../../upstream/abort.js';
import { classifyUpstreamError, UpstreamFailure, type UpstreamResponse } from '../../upstream/client.js';
import { NativeStreamTap } from '../../upstream/anthropic/native-stream-tap.js';
import { ChatToMessagesStream, messageToEvents } from '../../upstream/anthropic/translate-stream.js';
import { toAnthropicMessage } from '../../upstream/anthropic/translate-response.js';
import { readAnthropicUsage } from '../../upstream/anthropic/usage.js';
import { authenticate } from '../auth.js';
import { compressionControl } from '../compression-control.js';
import type { GatewayContext, RouteModule } from '../context.js';
import { GatewayError, insufficientBalance, invalidRequest, rateLimited, shuttingDown, upstreamFailed } from '../errors.js';
import { relayBody } from '../relay.js';
import { resolveTarget } from '../upstream-target.js';
import { buildUsageEvent, type ChatRun } from '../usage-event.js';
import { applyCompressed, toEngineInput } from '../anthropic-compress.js';
import { installAnthropicErrorHandler } from '../anthropic-errors.js';
import { relayAnthropicSse } from '../anthropic-relay.js';
import { failureToError, prepareCall, readJsonObject, upstreamStatusError } from '../anthropic-upstream.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireMessagesBody(body: unknown): Json & { model: string; messages: unknown[] } {
  if (!isObject(body)) throw invalidRequest('Request body must be a JSON object', 'invalid_body');
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('model: Field required (a non-empty string)', 'invalid_model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalidRequest('messages: must be a non-empty array', 'invalid_messages');
  for (const m of body.messages) {
    if (!isObject(m) || (m.role !== 'user' && m.role !== 'assistant')) {
      throw invalidRequest('messages: each message must be an object with role "user" or "assistant"', 'invalid_messages');
    }
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
      throw invalidRequest('messages: content must be a string or an array of content blocks', 'invalid_messages');
    }
  }
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) {
    throw invalidRequest('system: must be a string or an array of text blocks', 'invalid_body');
  }
  return body as Json & { model: string; messages: unknown[] };
}

function admissionError(a: Exclude<Admission, { ok: true }>): GatewayError {
  return a.reason === 'rate_limited' ? rateLimited(a.retryAfterSeconds, a.headers) : insufficientBalance(a.headers);
}

async function handle(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = requireMessagesBody(request.body);
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

  const engineInput = toEngineInput(body);
  const run: ChatRun = {
    requestId: request.id,
    at: new Date(),
    key,
    mode,
    model: body.model,
    messages: engineInput.messages,
    stats: null,
    applied: false,
    usage: null,
    failure: null,
    clientAborted: false,
    responseCopy: null,
  };
  const abort = new UpstreamAbort();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) {
      run.clientAborted = true;
      abort.abort();
    }
    admission.release();
    const latencyMs = Number(process.hrtime.bigint() - request.ocStart) / 1e6;
    setImmediate(() => {
      if (run.responseCopy && !run.usage) {
        try {
          const parsed = JSON.parse(Buffer.concat(run.responseCopy).toString('utf8')) as Json;
          run.usage = readAnthropicUsage(parsed.usage);
        } catch {
          /* not JSON (or cut short): no usage reported */
        }
      }
      ctx.billing.record(buildUsageEvent(run, latencyMs, ctx.countTokens));
    });
  });

  // Compress: user text and tool_result text, written back into the same blocks.
  let out: Json = body;
  let modified = control.bodyFieldStripped;
  if (control.level !== 'off' || control.targetRatio !== undefined || control.targetTokens !== undefined) {
    const t0 = performance.now();
    const result = ctx.compress(engineInput.messages, {
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
    const messages = result.stats.savedTokens > 0 ? applyCompressed(body, engineInput, result) : null;
    if (messages) {
      out = { ...body, messages };
      modified = true;
      run.applied = true;
      oc.compressedTokens = result.stats.compressedTokens;
      ctx.metrics.tokensSaved.inc({ mode }, result.stats.savedTokens);
    }
    if (result.stats.originalTokens > 0) ctx.metrics.compressionRatio.observe(oc.compressedTokens / result.stats.originalTokens);
  }

  // Forward.
  const call = prepareCall(target, out, modified ? null : request.rawBody, request.headers);
  if (call.native) oc.provider = 'anthropic-native';
  const upstreamStart = performance.now();
  let upstream: UpstreamResponse;
  try {
    upstream = await ctx.upstream.chat(call.target, body.model, call.payload, abort);
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
  const upstreamType = String(upstream.headers['content-type'] ?? 'application/json');
  const isSse = upstreamType.includes('text/event-stream');
  const headers: Record<string, string | number> = { 'x-request-id': request.id, ...admission.headers };
  headers['x-opencompress-level'] = control.level;
  if (run.stats) {
    headers['x-opencompress-original-tokens'] = run.stats.originalTokens;
    headers['x-opencompress-compressed-tokens'] = run.applied ? run.stats.compressedTokens : run.stats.originalTokens;
  }
  const upstreamId = upstream.headers['request-id'] ?? upstream.headers['x-request-id'];
  if (typeof upstreamId === 'string') headers['x-upstream-request-id'] = upstreamId;
  if (isSse) {
    headers['content-type'] = call.native ? upstreamType : 'text/event-stream; charset=utf-8';
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }

  let failure: UpstreamFailure | null = null;
  if (isSse) {
    const transform = call.native ? new NativeStreamTap() : new ChatToMessagesStream(body.model, target.provider.usageOf);
    reply.hijack();
    res.writeHead(upstream.statusCode, headers);
    failure = (await relayAnthropicSse(res, upstream.body, transform)).failure;
    run.usage = transform.usage;
    if (transform.upstreamError && !failure) {
      run.failure = 'upstream_error';
      oc.outcome = 'upstream_stream_error';
    }
  } else if (call.native) {
    headers['content-type'] = upstreamType;
    const len = upstream.headers['content-length'];
    const enc = upstream.headers['content-encoding'];
    if (typeof len === 'string') headers['content-length'] = len;
    if (typeof enc === 'string') headers['content-encoding'] = enc;
    reply.hijack();
    res.writeHead(upstream.statusCode, headers);
    run.responseCopy = [];
    failure = (await relayBody(res, upstream.body, run.responseCopy, Number(headers['content-length'] ?? -1))).failure;
  } else {
    let payload: Json | null;
    try {
      payload = await readJsonObject(upstream.body);
    } catch (err) {
      const f = err instanceof UpstreamFailure ? err : classifyUpstreamError(err);
      run.failure = 'upstream_error';
      oc.outcome = `upstream_${f.kind}_mid_body`;
      ctx.metrics.upstreamErrors.inc({ kind: 'stream' });
      throw f.kind === 'timeout' ? failureToError(f) : upstreamFailed(`Upstream answer failed: ${f.message}`);
    }
    if (!payload) {
      run.failure = 'upstream_error';
      oc.outcome = 'upstream_bad_json';
      throw upstreamFailed('Upstream answered with something that is not a Chat Completions JSON object');
    }
    const translated = toAnthropicMessage(payload, body.model, target.provider.usageOf);
    run.usage = translated.usage;
    // A server that ignored `stream` still gets the client an event stream.
    const text = streaming ? messageToEvents(translated.message) : JSON.stringify(translated.message);
    headers['content-type'] = streaming ? 'text/event-stream; charset=utf-8' : 'application/json';
    headers['content-length'] = Buffer.byteLength(text);
    reply.hijack();
    res.writeHead(200, headers);
    res.end(text);
  }
  oc.upstreamMs = Math.round((performance.now() - upstreamStart) * 100) / 100;
  if (failure) {
    run.failure = 'upstream_error';
    oc.outcome = `upstream_${failure.kind}_mid_stream`;
    ctx.metrics.upstreamErrors.inc({ kind: 'stream' });
  } else if (!oc.outcome) {
    oc.outcome = run.clientAborted ? 'client_aborted' : 'ok';
  }
}

export const messagesRoute: RouteModule = async (app, ctx) => {
  await app.register(async (scope) => {
    installAnthropicErrorHandler(scope, ctx.config);
    scope.post('/v1/messages', (request, reply) => handle(ctx, request, reply));
  });
};
