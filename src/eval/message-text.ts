// The text the eval measures: every message's string content and the text of its `text` parts.
// Other parts (images, audio) and fields (tool_calls, names) are not content and are not counted.
import type { ChatMessage } from '../compress/types.js';

/** The texts of one message, in order: its string content, or the `text` of each text part. */
export function messageTexts(message: ChatMessage): string[] {
  const c = message.content;
  if (typeof c === 'string') return [c];
  if (!Array.isArray(c)) return [];
  const out: string[] = [];
  for (const part of c) {
    if (part && part.type === 'text' && typeof part.text === 'string') out.push(part.text);
  }
  return out;
}

/** Every text of every message, in order. */
export function allTexts(messages: readonly ChatMessage[]): string[] {
  const out: string[] = [];
  for (const m of messages) out.push(...messageTexts(m));
  return out;
}
