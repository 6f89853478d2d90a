// Compression for the Anthropic Messages route: the engine speaks OpenAI chat messages, so an
// Anthropic request is mapped to engine input, compressed, and the compressed text written back into
// exactly the block positions it came from. What the engine may compress: user `text` blocks (and a
// user message whose content is a plain string) and the text of `tool_result` blocks (as tool-role
// messages). Everything else — assistant turns, `tool_use`, images, documents, `thinking`,
// `redacted_thinking`, `cache_control` markers, the `system` field — is given to the engine only as
// read-only context (system and assistant text, so queries and repeated-block references work the
// same as on the chat route) or not at all, and is never written back: the returned body shares
// those objects with the client's body, so they are serialised to the same JSON.
//
// The mapping is positional and depends only on messages 0..i, so the engine's causal, cache-safe
// invariant carries over: a growing conversation sends earlier turns as the same bytes.
import type { ChatMessage, CompressResult, ContentPart } from '../compress/types.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where one engine text slot came from in the Anthropic body. */
interface Slot {
  /** index in the engine's message list */
  engineIndex: number;
  /** part index inside that engine message's content (-1: the content is a string) */
  partIndex: number;
  /** index of the Anthropic message */
  message: number;
  /** block index in the Anthropic message (-1: the message content is a string) */
  block: number;
  /** for tool_result: block index inside its content (-1: its content is a string) */
  inner: number;
}

export interface EngineInput {
  messages: ChatMessage[];
  slots: Slot[];
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .filter((b): b is Json => isObject(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

/** An assistant turn as read-only engine context: its text and its tool calls (for queries). */
function assistantContext(content: unknown): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const texts: string[] = [];
  const calls: Json[] = [];
  if (Array.isArray(content)) {
    for (const b of content) {
      if (!isObject(b)) continue;
      if (b.type === 'text' && typeof b.text === 'string') texts.push(b.text);
      else if (b.type === 'tool_use') {
        calls.push({ id: String(b.id ?? ''), type: 'function', function: { name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) } });
      }
    }
  }
  const m: ChatMessage = { role: 'assistant', content: texts.length ? texts.join('\n') : null };
  if (calls.length) m.tool_calls = calls;
  return m;
}

/** Builds the engine's input (and where each text came from) from an Anthropic request body. */
export function toEngineInput(body: Json): EngineInput {
  const messages: ChatMessage[] = [];
  const slots: Slot[] = [];
  const sys = systemText(body.system);
  if (sys) messages.push({ role: 'system', content: sys });
  const list = Array.isArray(body.messages) ? body.messages : [];
  list.forEach((m: unknown, mi: number) => {
    if (!isObject(m)) return;
    if (m.role !== 'user') {
      messages.push(assistantContext(m.content));
      return;
    }
    if (typeof m.content === 'string') {
      slots.push({ engineIndex: messages.length, partIndex: -1, message: mi, block: -1, inner: -1 });
      messages.push({ role: 'user', content: m.content });
      return;
    }
    if (!Array.isArray(m.content)) return;
    // Runs of text blocks become one user message; each tool_result becomes a tool message, in
    // block order (so the engine sees the question after the results it refers to).
    let pending: ContentPart[] | null = null;
    const flush = () => {
      if (pending && pending.length) messages.push({ role: 'user', content: pending });
      pending = null;
    };
    m.content.forEach((b: unknown, bi: number) => {
      if (!isObject(b)) return;
      if (b.type === 'text' && typeof b.text === 'string') {
        if (!pending) pending = [];
        slots.push({ engineIndex: messages.length, partIndex: pending.length, message: mi, block: bi, inner: -1 });
        pending.push({ type: 'text', text: b.text });
      } else if (b.type === 'tool_result') {
        flush();
        const engineIndex = messages.length;
        const callId = String(b.tool_use_id ?? '');
        if (typeof b.content === 'string') {
          slots.push({ engineIndex, partIndex: -1, message: mi, block: bi, inner: -1 });
          messages.push({ role: 'tool', tool_call_id: callId, content: b.content });
        } else if (Array.isArray(b.content)) {
          const parts: ContentPart[] = [];
          b.content.forEach((inner: unknown, ii: number) => {
            if (isObject(inner) && inner.type === 'text' && typeof inner.text === 'string') {
              slots.push({ engineIndex, partIndex: parts.length, message: mi, block: bi, inner: ii });
              parts.push({ type: 'text', text: inner.text });
            }
          });
          if (parts.length) messages.push({ role: 'tool', tool_call_id: callId, content: parts });
        }
      }
      // images, documents, search results, …: not compressed, not engine context
    });
    flush();
  });
  return { messages, slots };
}

function engineText(result: CompressResult, s: Slot): string | null {
  const m = result.messages[s.engineIndex];
  if (!m) return null;
  if (s.partIndex < 0) return typeof m.content === 'string' ? m.content : null;
  const p = Array.isArray(m.content) ? m.content[s.partIndex] : undefined;
  const text = (p as { text?: unknown } | undefined)?.text;
  return p && p.type === 'text' && typeof text === 'string' ? text : null;
}

/**
 * The Anthropic `messages` array with the engine's compressed text written back into the same
 * block positions. Objects on the path to a changed text are copied; everything else is the
 * client's own object. Returns null when no text changed.
 */
export function applyCompressed(body: Json, input: EngineInput, result: CompressResult): unknown[] | null {
  const original = body.messages as unknown[];
  let out: unknown[] | null = null;
  for (const s of input.slots) {
    const text = engineText(result, s);
    const before = input.messages[s.engineIndex];
    const was = s.partIndex < 0 ? before.content : (before.content as ContentPart[])[s.partIndex];
    const wasText = typeof was === 'string' ? was : (was as unknown as { text: string }).text;
    if (text === null || text === wasText) continue;
    out ??= original.slice();
    const msg = { ...(out[s.message] as Json) };
    out[s.message] = msg;
    if (s.block < 0) {
      msg.content = text;
      continue;
    }
    const blocks = (msg.content as unknown[]).slice();
    msg.content = blocks;
    const block = { ...(blocks[s.block] as Json) };
    blocks[s.block] = block;
    if (block.type === 'text') block.text = text;
    else if (s.inner < 0) block.content = text;
    else {
      const inner = (block.content as unknown[]).slice();
      inner[s.inner] = { ...(inner[s.inner] as Json), text };
      block.content = inner;
    }
  }
  return out;
}
