// The upstream half of POST /v1/messages: builds what is sent (the client's Anthropic text with the
// gateway's edits spliced in to a native Anthropic upstream, or its Chat Completions translation to
// any OpenAI-compatible one) and turns upstream failures into gateway errors — the shared mapping
// of upstream-errors.ts (connect → 502, timeout → 504, 5xx/401/403 → 502, other 4xx passed on),
// except that Anthropic's own 529 "overloaded" is passed on as 529 so the official SDK backs off
// and retries.
import type { FastifyRequest } from 'fastify';
import type { UpstreamResponse, UpstreamTarget } from '../upstream/client.js';
import { upstreamErrorMessage } from '../upstream/error-message.js';
import { readBodyCapped, readBodyText } from '../upstream/read-capped.js';
import { isAnthropicNative, nativeMessagesProfile } from '../upstream/providers/anthropic-native.js';
import { AnthropicTranslationError, toChatCompletionsRequest } from '../upstream/anthropic/translate-request.js';
import { GatewayError, invalidRequest } from './errors.js';
import { statusErrorFromText, type UpstreamStatusFailure } from './upstream-errors.js';

type Json = Record<string, unknown>;

export interface PreparedCall {
  /** true: Anthropic's Messages API; false: Chat Completions (translated both ways) */
  native: boolean;
  target: UpstreamTarget;
  payload: string;
}

/**
 * What to send where. `body` is the (compressed) Anthropic body, translated for a Chat
 * Completions upstream; a native upstream gets `nativePayload()` — the client's text with only
 * the gateway's edits spliced in (raw-json.ts editBody).
 */
export function prepareCall(target: UpstreamTarget, body: Json, nativePayload: () => string, headers: FastifyRequest['headers']): PreparedCall {
  if (isAnthropicNative(target.provider)) {
    return {
      native: true,
      target: { ...target, provider: nativeMessagesProfile(target.provider, headers) },
      payload: nativePayload(),
    };
  }
  let chat: Json;
  try {
    const official = target.provider.name === 'openai' || target.provider.name === 'azure';
    chat = toChatCompletionsRequest(body, { maxTokensField: official ? 'max_completion_tokens' : 'max_tokens' });
  } catch (err) {
    if (err instanceof AnthropicTranslationError) throw invalidRequest(err.message, 'invalid_messages');
    throw err;
  }
  if (chat.stream === true && target.provider.streamUsage) chat.stream_options = { include_usage: true };
  if (target.provider.bodyDefaults) {
    for (const [k, v] of Object.entries(target.provider.bodyDefaults)) if (!(k in chat)) chat[k] = v;
  }
  return { native: false, target, payload: JSON.stringify(chat) };
}

/** The upstream answered ≥ 400 → the gateway error, and the usage status to record. */
export async function upstreamStatusError(res: UpstreamResponse, secrets: string[]): Promise<UpstreamStatusFailure> {
  const text = await readBodyText(res.body);
  const message = upstreamErrorMessage(res.statusCode, text, secrets);
  if (res.statusCode === 529) return { error: new GatewayError(529, 'upstream_error', message, 'upstream_529'), status: 'upstream_error' };
  return statusErrorFromText(res, message);
}

/** The largest translated-path JSON answer read (bytes); a longer one is refused as too large. */
export const TRANSLATED_BODY_LIMIT = 32 * 1024 * 1024;

/**
 * Reads a whole (translated-path) JSON answer, up to TRANSLATED_BODY_LIMIT: `payload` is null when
 * it is not a JSON object, or when it is longer than the cap (`tooLarge`, the rest not read).
 */
export async function readJsonObject(body: AsyncIterable<Uint8Array>, limit = TRANSLATED_BODY_LIMIT): Promise<{ payload: Json | null; tooLarge: boolean }> {
  const { buffer, truncated } = await readBodyCapped(body, limit);
  if (truncated) return { payload: null, tooLarge: true };
  try {
    const v: unknown = JSON.parse(buffer.toString('utf8'));
    return { payload: v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null, tooLarge: false };
  } catch {
    return { payload: null, tooLarge: false };
  }
}
