// POST /v1/chat/completions — the request flow of DESIGN.md §3: body (parsed by request-body.ts),
// authenticate, pick the upstream, admit (rate limit + balance), compress, forward with undici,
// relay the answer (JSON or SSE) as it arrives, then — when the response has closed — release the
// admission and hand billing one UsageEvent. Every field the gateway does not own passes through
// untouched; an unchanged body is forwarded as the client's exact bytes.
// The steps shared with POST /v1/messages live in request-lifecycle.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatMessage } from '../../compress/types.js';
import { SseRelay } from '../../upstream/sse-relay.js';
import { readUsage } from '../../upstream/usage.js';
import type { UpstreamFailure } from '../../upstream/client.js';
import type { GatewayContext, RouteModule } from '../context.js';
import { invalidRequest } from '../errors.js';
import { relayBody, relaySse } from '../relay.js';
import { admitRequest, callUpstream, compressRun, finishRelay, gatewayHeaders, trackRun } from '../request-lifecycle.js';
import { upstreamStatusError } from '../upstream-errors.js';
import { holdRequestLog, releaseRequestLog } from '../request-log.js';

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

async function handle(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = requireChatBody(request.body);
  const admitted = await admitRequest(ctx, request, body);
  const { target, control, streaming } = admitted;
  const oc = request.oc;
  const usageOf = target.provider.usageOf;
  const { run, abort, gone } = trackRun(ctx, request, reply, admitted, body.model, body.messages, (parsed) =>
    readUsage(usageOf ? usageOf(parsed) : parsed.usage),
  );
  if (gone) {
    reply.hijack();
    return;
  }
  const res = reply.raw;

  // Compress.
  let out: Record<string, unknown> = body;
  let modified = control.bodyFieldStripped;
  const compressed = compressRun(ctx, oc, admitted, run, (result) => result.messages);
  if (compressed) {
    out = { ...body, messages: compressed };
    modified = true;
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
  const extraHeaders = target.untrusted ? forwardedHeaders(request.headers) : undefined;
  const upstream = await callUpstream(
    ctx,
    oc,
    run,
    () => ctx.upstream.chat(target, body.model, payload, abort, extraHeaders),
    (r) => upstreamStatusError(r, [target.apiKey]),
  );

  // Relay.
  const contentType = String(upstream.headers['content-type'] ?? 'application/json');
  const isSse = contentType.includes('text/event-stream');
  const headers: Record<string, string | number> = { 'content-type': contentType, ...gatewayHeaders(request, admitted, run) };
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

  let failure: UpstreamFailure | null;
  if (isSse) {
    const relay = new SseRelay({ hideUsageChunk: hideUsage, usageOf: target.provider.usageOf, secrets: [target.apiKey] });
    failure = (await relaySse(res, upstream.body, relay)).failure;
    run.usage = relay.usage;
    if (relay.upstreamError && !failure) {
      run.failure = 'upstream_error';
      oc.outcome = 'upstream_stream_error';
    }
  } else {
    run.responseCopy = [];
    failure = (await relayBody(res, upstream.body, run.responseCopy, Number(headers['content-length'] ?? -1))).failure;
  }
  finishRelay(ctx, oc, run, upstreamStart, failure);
}

export const chatCompletionsRoute: RouteModule = (app, ctx) => {
  app.post('/v1/chat/completions', async (request, reply) => {
    // the log line waits for the handler: upstream time and outcome are known only after the relay
    holdRequestLog(request);
    try {
      await handle(ctx, request, reply);
    } finally {
      releaseRequestLog(request);
    }
  });
};
