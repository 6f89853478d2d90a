// POST /v1/chat/completions — the request flow of DESIGN.md §3: body (parsed by request-body.ts),
// authenticate, pick the upstream, admit (rate limit + balance), compress, forward with undici,
// relay the answer (JSON or SSE) as it arrives, then — when the response has closed — release the
// admission and hand billing one UsageEvent. Every field the gateway does not own passes through
// untouched: the forwarded body is the client's text with only the gateway's edits spliced in.
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
import { editBody } from '../raw-json.js';
import { CONTROL_FIELD } from '../compression-control.js';
import { withHeldLog } from '../request-log.js';

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

type ChatBody = Record<string, unknown> & { model: string; messages: ChatMessage[] };

function requireChatBody(body: unknown): ChatBody {
  if (!isObject(body)) throw invalidRequest('Request body must be a JSON object', 'invalid_body');
  if (typeof body.model !== 'string' || body.model === '') throw invalidRequest('"model" is required and must be a string', 'invalid_model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalidRequest('"messages" must be a non-empty array', 'invalid_messages');
  for (const m of body.messages) {
    if (!isObject(m) || typeof m.role !== 'string') throw invalidRequest('Each message must be an object with a "role"', 'invalid_messages');
  }
  return body as ChatBody;
}

/**
 * The forwarded body (raw-json.ts editBody): `messages` replaced when the engine changed them, the
 * gateway's `opencompress` field removed, `stream_options.include_usage` set when the gateway asks
 * for usage, provider default fields put first — every other byte is the client's.
 */
function forwardBody(
  raw: string | null,
  body: ChatBody,
  compressed: ChatMessage[] | null,
  stripControl: boolean,
  includeUsage: boolean,
  defaults: Record<string, unknown> | undefined,
): string {
  const prepend: Record<string, unknown> = {};
  const so = body.stream_options;
  if (includeUsage && so === undefined) prepend.stream_options = { include_usage: true };
  if (defaults) for (const [k, v] of Object.entries(defaults)) if (!(k in body)) prepend[k] = v;
  return editBody(raw, body, {
    messages: compressed,
    remove: stripControl ? [CONTROL_FIELD] : undefined,
    prepend,
    merge: includeUsage && so !== undefined ? { key: 'stream_options', members: { include_usage: true } } : undefined,
  });
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

  // Compress, then the outgoing body with the provider's quirks: usage asked for on streams (the
  // extra chunk hidden later if the client did not ask), the profile's default fields.
  const compressed = compressRun(ctx, oc, admitted, run, (result) => result.messages);
  const so = body.stream_options;
  const hideUsage = streaming && !!target.provider.streamUsage && !(isObject(so) && so.include_usage === true);
  const payload = forwardBody(request.rawBody, body, compressed, control.bodyFieldStripped, hideUsage, target.provider.bodyDefaults);

  // Forward.
  const extraHeaders = target.untrusted ? forwardedHeaders(request.headers) : undefined;
  const { upstream, start: upstreamStart } = await callUpstream(
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
  // the log line waits for the handler: upstream time and outcome are known only after the relay
  app.post('/v1/chat/completions', withHeldLog((request, reply) => handle(ctx, request, reply)));
};
