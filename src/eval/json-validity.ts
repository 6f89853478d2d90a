// JSON validity: every message content that parsed as JSON before compression must still be readable
// as JSON after it — either it parses with JSON.parse, or it is an engine re-encoding (the compact
// table of src/compress/transforms/json.ts) that `decodeJsonTable` reads back.
import * as jsonTransform from '../compress/transforms/json.js';
import type { ChatMessage } from '../compress/types.js';
import { messageTexts } from './message-text.js';

type Decoder = (text: string) => unknown;
const decodeJsonTable: Decoder | undefined = (() => {
  const fn = (jsonTransform as Record<string, unknown>).decodeJsonTable;
  return typeof fn === 'function' ? (fn as Decoder) : undefined;
})();

export function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** True when `text` is JSON or an engine re-encoding that decodes back to a value. */
export function readableAsJson(text: string): boolean {
  if (parsesAsJson(text)) return true;
  if (!decodeJsonTable) return false;
  try {
    return decodeJsonTable(text) !== undefined;
  } catch {
    return false;
  }
}

/** Positions (message index, text index) of the texts that parse as JSON. */
export function jsonTextPositions(messages: readonly ChatMessage[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  messages.forEach((m, i) => {
    messageTexts(m).forEach((t, j) => {
      if (parsesAsJson(t)) out.push([i, j]);
    });
  });
  return out;
}

/** Whether every text at `positions` in the compressed messages is still readable as JSON. */
export function jsonStillValid(compressed: readonly ChatMessage[], positions: ReadonlyArray<[number, number]>): boolean {
  for (const [i, j] of positions) {
    const m = compressed[i];
    const text = m === undefined ? undefined : messageTexts(m)[j];
    if (text === undefined || !readableAsJson(text)) return false;
  }
  return true;
}
