// OpenAI Chat Completions answer (JSON) → Anthropic Message, for Anthropic-SDK clients served by an
// OpenAI-compatible upstream. The first choice becomes the message: its text as one `text` block,
// its tool calls as `tool_use` blocks (arguments parsed as JSON; unparseable arguments are kept
// under `_raw` so nothing is silently lost). finish_reason → stop_reason: stop → end_turn,
// length → max_tokens, tool_calls/function_call → tool_use, content_filter → refusal.
import { readUsage, type CapturedUsage } from '../usage.js';
import { toAnthropicUsage } from './usage.js';

type Json = Record<string, unknown>;

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'stop_sequence' | 'refusal' | 'pause_turn';

export function stopReasonOf(finish: unknown): StopReason | null {
  switch (finish) {
    case null:
    case undefined:
      return null;
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** an Anthropic-looking message id from the upstream's id */
export function messageId(upstreamId: unknown): string {
  const id = typeof upstreamId === 'string' && upstreamId ? upstreamId.replace(/[^A-Za-z0-9_-]/g, '') : '';
  return id.startsWith('msg_') ? id : `msg_${id || Date.now().toString(36)}`;
}

export function parseToolInput(args: unknown): unknown {
  if (typeof args !== 'string' || args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : { _raw: args };
  } catch {
    return { _raw: args };
  }
}

export interface TranslatedMessage {
  message: Json;
  usage: CapturedUsage | null;
}

/** The Anthropic Message for a chat.completion payload; `model` is what the client asked for. */
export function toAnthropicMessage(payload: Json, model: string, usageOf?: (p: Json) => unknown): TranslatedMessage {
  const choice = (Array.isArray(payload.choices) ? payload.choices[0] : undefined) as Json | undefined;
  const msg = (choice?.message ?? {}) as Json;
  const content: Json[] = [];
  if (typeof msg.content === 'string' && msg.content !== '') content.push({ type: 'text', text: msg.content });
  else if (Array.isArray(msg.content)) {
    const text = (msg.content as Json[]).filter((p) => p?.type === 'text' && typeof p.text === 'string').map((p) => p.text).join('');
    if (text) content.push({ type: 'text', text });
  }
  if (Array.isArray(msg.tool_calls)) {
    for (const call of msg.tool_calls as Json[]) {
      const fn = (call?.function ?? {}) as Json;
      content.push({ type: 'tool_use', id: String(call?.id ?? ''), name: String(fn.name ?? ''), input: parseToolInput(fn.arguments) });
    }
  }
  const usage = readUsage(usageOf ? usageOf(payload) : payload.usage);
  const message: Json = {
    id: messageId(payload.id),
    type: 'message',
    role: 'assistant',
    model: typeof payload.model === 'string' && payload.model ? payload.model : model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason) ?? 'end_turn',
    stop_sequence: null,
    usage: toAnthropicUsage(usage),
  };
  return { message, usage };
}
