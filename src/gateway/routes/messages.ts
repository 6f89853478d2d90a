// POST /v1/messages — the Anthropic Messages API, so apps on the official `@anthropic-ai/sdk`
// (baseURL = the gateway, apiKey = an sk-occ- key, sent as x-api-key) get the same compression and
// billing as OpenAI clients. The flow mirrors chat-completions.ts (shared steps in
// request-lifecycle.ts): authenticate, pick the upstream, admit, compress (anthropic-compress.ts
// maps blocks to the engine and back), forward, relay, then one UsageEvent when the response has
// closed. A native Anthropic upstream gets the client's text with only the gateway's edits spliced
// in (compressed messages, `opencompress` removed: raw-json.ts); its JSON answer is relayed byte
// for byte and its SSE events as they came, except that error events and events carrying the
// upstream key are redacted (native-stream-tap.ts). Any OpenAI-compatible upstream gets a
// translated Chat Completions request and its answer is translated back (upstream/anthropic/).
// Errors use Anthropic's shape (anthropic-errors.ts), registered for this route's scope only.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { classifyUpstreamError, type UpstreamFailure } from '../../upstream/client.js';
import { NativeStreamTap } from '../../upstream/anthropic/native-stream-tap.js';
import { ChatToMessagesStream, messageToEvents } from '../../upstream/anthropic/translate-stream.js';
import { toAnthropicMessage } from '../../upstream/anthropic/translate-response.js';
import { readAnthropicUsage } from '../../upstream/anthropic/usage.js';
import type { GatewayContext, RouteModule } from '../context.js';
import { invalidRequest, upstreamFailed } from '../errors.js';
import { editBody } from '../raw-json.js';
import { CONTROL_FIELD } from '../compression-control.js';
import { withHeldLog } from '../request-log.js';
import { relayBody } from '../relay.js';
import { admitRequest, callUpstream, clientGone, compressRun, elapsedMs, finishRelay, gatewayHeaders, trackRun } from '../request-lifecycle.js';
import { failureToError } from '../upstream-errors.js';
import { applyCompressed, toEngineInput } from '../anthropic-compress.js';
import { installAnthropicErrorHandler } from '../anthropic-errors.js';
import { relayAnthropicSse } from '../anthropic-relay.js';
import { prepareCall, readJsonObject, TRANSLATED_BODY_LIMIT, upstreamStatusError } from '../anthropic-upstream.js';

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

async function handle(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const body = requireMessagesBody(request.body);
  const admitted = await admitRequest(ctx, request, body);
  const { target, control, streaming } = admitted;
  const oc = request.oc;
  const engineInput = toEngineInput(body);
  const { run, abort, gone } = trackRun(ctx, request, reply, admitted, body.model, engineInput.messages, (parsed) => readAnthropicUsage(parsed.usage));
  if (gone) {
    reply.hijack();
    return;
  }
  const res = reply.raw;

  // Compress: user text and tool_result text, written back into the same blocks.
  const compressed = compressRun(ctx, oc, admitted, run, (result) => applyCompressed(body, engineInput, result));
  const out: Json = compressed ? { ...body, messages: compressed } : body;

  // Forward.
  const nativeBody = () => editBody(request.rawBody, body, { messages: compressed, remove: control.bodyFieldStripped ? [CONTROL_FIELD] : undefined });
  const call = prepareCall(target, out, nativeBody, request.headers);
  if (call.native) oc.provider = 'anthropic-native';
  const { upstream, start: upstreamStart } = await callUpstream(
    ctx,
    oc,
    run,
    () => ctx.upstream.chat(call.target, body.model, call.payload, abort),
    (r) => upstreamStatusError(r, [target.apiKey]),
  );

  // Relay.
  const upstreamType = String(upstream.headers['content-type'] ?? 'application/json');
  const isSse = upstreamType.includes('text/event-stream');
  const headers = gatewayHeaders(request, admitted, run);
  const upstreamId = upstream.headers['request-id'] ?? upstream.headers['x-request-id'];
  if (typeof upstreamId === 'string') headers['x-upstream-request-id'] = upstreamId;
  if (isSse) {
    headers['content-type'] = call.native ? upstreamType : 'text/event-stream; charset=utf-8';
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }

  let failure: UpstreamFailure | null = null;
  if (isSse) {
    const secrets = [target.apiKey];
    const transform = call.native ? new NativeStreamTap(secrets) : new ChatToMessagesStream(body.model, target.provider.usageOf, secrets);
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
    let answer: Awaited<ReturnType<typeof readJsonObject>>;
    try {
      answer = await readJsonObject(upstream.body);
    } catch (err) {
      oc.upstreamMs = elapsedMs(upstreamStart);
      if (run.clientAborted) throw clientGone(oc);
      const f = classifyUpstreamError(err);
      run.failure = 'upstream_error';
      oc.outcome = `upstream_${f.kind}_mid_body`;
      ctx.metrics.upstreamErrors.inc({ kind: 'stream' });
      throw f.kind === 'timeout' ? failureToError(f) : upstreamFailed(`Upstream answer failed: ${f.message}`);
    }
    const { payload, tooLarge } = answer;
    if (!payload) {
      oc.upstreamMs = elapsedMs(upstreamStart);
      run.failure = 'upstream_error';
      oc.outcome = tooLarge ? 'upstream_too_large' : 'upstream_bad_json';
      throw upstreamFailed(
        tooLarge
          ? `Upstream returned an answer larger than ${TRANSLATED_BODY_LIMIT / (1024 * 1024)} MB`
          : 'Upstream answered with something that is not a Chat Completions JSON object',
      );
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
  finishRelay(ctx, oc, run, upstreamStart, failure);
}

export const messagesRoute: RouteModule = async (app, ctx) => {
  await app.register(async (scope) => {
    installAnthropicErrorHandler(scope, ctx.config);
    // the log line waits for the handler: upstream time and outcome are known only after the relay
    scope.post('/v1/messages', withHeldLog((request, reply) => handle(ctx, request, reply)));
  });
};
