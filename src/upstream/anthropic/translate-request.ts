// Anthropic Messages request → OpenAI Chat Completions request, for sending an Anthropic-SDK client's
// request to an OpenAI-compatible upstream (BYOK OpenAI-compatible keys, Router keys via OpenRouter).
// system → a system message; text/image/document blocks → content parts; tool_use → assistant
// tool_calls; tool_result → tool messages (placed right after the assistant turn, as OpenAI
// requires); tools → functions; tool_choice, max_tokens, stop_sequences, temperature, top_p,
// metadata.user_id, stream. What has no Chat Completions equivalent is dropped (thinking blocks and
// the `thinking` option, cache_control, top_k, server tools, citations) — docs/anthropic.md lists it.
// Bad input (a message without a role, a tool without a name) is an AnthropicTranslationError.

type Json = Record<string, unknown>;

export class AnthropicTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnthropicTranslationError';
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textOfBlocks(blocks: unknown): string {
  if (typeof blocks === 'string') return blocks;
  if (!Array.isArray(blocks)) return '';
  return blocks
    .filter((b): b is Json => isObject(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

/** An Anthropic image/document source → an OpenAI content part (null when not representable). */
function mediaPart(block: Json): Json | null {
  const source = isObject(block.source) ? block.source : null;
  if (!source) return null;
  if (block.type === 'image') {
    if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${String(source.media_type)};base64,${String(source.data)}` } };
    if (source.type === 'url') return { type: 'image_url', image_url: { url: String(source.url) } };
    return null;
  }
  if (block.type === 'document') {
    if (source.type === 'text') return { type: 'text', text: String(source.data ?? '') };
    if (source.type === 'content') return { type: 'text', text: textOfBlocks(source.content) };
    if (source.type === 'base64') {
      const filename = typeof block.title === 'string' && block.title ? block.title : 'document.pdf';
      return { type: 'file', file: { filename, file_data: `data:${String(source.media_type)};base64,${String(source.data)}` } };
    }
    return null;
  }
  return null;
}

/** A user turn: tool messages first (its tool_result blocks), then one user message for the rest. */
function userMessages(content: unknown): Json[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) throw new AnthropicTranslationError('message content must be a string or an array of content blocks');
  const tools: Json[] = [];
  const parts: Json[] = [];
  const toolImages: Json[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_result') {
      const inner = Array.isArray(b.content) ? b.content : [];
      for (const i of inner) if (isObject(i) && i.type === 'image') {
        const p = mediaPart(i);
        if (p) toolImages.push(p);
      }
      tools.push({ role: 'tool', tool_call_id: String(b.tool_use_id ?? ''), content: textOfBlocks(b.content) });
    } else if (b.type === 'image' || b.type === 'document') {
      const p = mediaPart(b);
      if (p) parts.push(p);
    }
    // other blocks (search_result, container_upload, …) have no Chat Completions form
  }
  const out: Json[] = [...tools];
  const userParts = [...toolImages, ...parts];
  if (userParts.length) {
    const allText = userParts.every((p) => p.type === 'text');
    out.push({ role: 'user', content: allText && userParts.length === 1 ? userParts[0].text : userParts });
  }
  return out;
}

function assistantMessage(content: unknown): Json {
  if (typeof content === 'string') return { role: 'assistant', content };
  if (!Array.isArray(content)) throw new AnthropicTranslationError('message content must be a string or an array of content blocks');
  const texts: string[] = [];
  const calls: Json[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') texts.push(b.text);
    else if (b.type === 'tool_use') {
      calls.push({ id: String(b.id ?? ''), type: 'function', function: { name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) } });
    }
    // thinking / redacted_thinking: no Chat Completions equivalent (dropped)
  }
  // null content is only valid next to tool_calls; a turn that was only thinking becomes ''
  const m: Json = { role: 'assistant', content: texts.length ? texts.join('') : calls.length ? null : '' };
  if (calls.length) m.tool_calls = calls;
  return m;
}

function tools(list: unknown): Json[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new AnthropicTranslationError('"tools" must be an array');
  const out: Json[] = [];
  for (const t of list) {
    if (!isObject(t) || typeof t.name !== 'string' || !t.name) throw new AnthropicTranslationError('each tool needs a "name"');
    // Anthropic server tools (web_search_…, bash_…, text_editor_…) carry a versioned `type` and no schema.
    if (typeof t.type === 'string' && t.type !== 'custom' && t.input_schema === undefined) {
      throw new AnthropicTranslationError(`tool "${t.name}" of type "${t.type}" is an Anthropic server tool; it needs an Anthropic upstream`);
    }
    const fn: Json = { name: t.name, parameters: isObject(t.input_schema) ? t.input_schema : { type: 'object', properties: {} } };
    if (typeof t.description === 'string') fn.description = t.description;
    out.push({ type: 'function', function: fn });
  }
  return out;
}

function toolChoice(choice: unknown): { tool_choice?: unknown; parallel_tool_calls?: boolean } {
  if (!isObject(choice)) return {};
  const out: { tool_choice?: unknown; parallel_tool_calls?: boolean } = {};
  if (choice.type === 'auto') out.tool_choice = 'auto';
  else if (choice.type === 'any') out.tool_choice = 'required';
  else if (choice.type === 'none') out.tool_choice = 'none';
  else if (choice.type === 'tool') out.tool_choice = { type: 'function', function: { name: String(choice.name ?? '') } };
  if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  return out;
}

export interface TranslateOptions {
  /** OpenAI's own API (and Azure) want `max_completion_tokens` (reasoning models reject `max_tokens`);
   *  most other OpenAI-compatible servers only know `max_tokens` (the default) */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

/** The Chat Completions body for an (already compressed) Anthropic Messages body. */
export function toChatCompletionsRequest(body: Json, options: TranslateOptions = {}): Json {
  if (!Array.isArray(body.messages)) throw new AnthropicTranslationError('"messages" must be an array');
  const messages: Json[] = [];
  const sys = textOfBlocks(body.system);
  if (sys) messages.push({ role: 'system', content: sys });
  for (const m of body.messages) {
    if (!isObject(m)) throw new AnthropicTranslationError('each message must be an object');
    if (m.role === 'user') messages.push(...userMessages(m.content));
    else if (m.role === 'assistant') messages.push(assistantMessage(m.content));
    else throw new AnthropicTranslationError(`unsupported message role ${JSON.stringify(m.role)}; use "user" or "assistant"`);
  }
  const out: Json = { model: body.model, messages };
  if (typeof body.max_tokens === 'number') out[options.maxTokensField ?? 'max_tokens'] = body.max_tokens;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length) out.stop = body.stop_sequences;
  if (typeof body.temperature === 'number') out.temperature = body.temperature;
  if (typeof body.top_p === 'number') out.top_p = body.top_p;
  if (body.stream === true) out.stream = true;
  const fns = tools(body.tools);
  if (fns && fns.length) {
    out.tools = fns;
    Object.assign(out, toolChoice(body.tool_choice));
  }
  if (isObject(body.metadata) && typeof body.metadata.user_id === 'string') out.user = body.metadata.user_id;
  return out;
}
