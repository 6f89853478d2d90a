// Repeated blocks across messages: a long block (≥ 400 characters) that already appeared verbatim
// in an EARLIER message is replaced by a short reference such as `[same as message 3, block 2]`
// (1-based message position in the request, 1-based block position inside that message; for a
// JSON block the reference is a JSON string, so the content still parses as JSON). Keeps:
// the first occurrence, untouched. Drops: the later copies. Why: agents re-send the same file, tool
// output or document several times; the model can read the earlier copy. Causal by construction:
// only blocks of messages before the current one are remembered. The earlier copy may itself have
// been compressed; the later copy would have been compressed the same way, so the reference loses
// nothing the model would otherwise have seen.
import type { Block } from '../types.js';

export const MIN_DEDUPE_CHARS = 400;

export class BlockHistory {
  private readonly seen = new Map<string, string>();
  // Remembered blocks whose keys are not computed yet: keys are made when a lookup needs them, in
  // the order the blocks were remembered, so the result is the same as computing them at once —
  // but the last message's blocks (and a cache hit's replayed ones) are never looked up, and
  // normalising a long block is most of what remembering costs.
  private pending: { text: string; messageIndex: number; blockIndex: number }[] = [];

  /** Remember a block of message `messageIndex` (0-based) at `blockIndex` (0-based) sent in full. */
  remember(text: string, messageIndex: number, blockIndex: number): void {
    if (text.length >= MIN_DEDUPE_CHARS) this.pending.push({ text, messageIndex, blockIndex });
  }

  /** The reference for an earlier identical block, or undefined. */
  lookup(text: string): string | undefined {
    if (this.pending.length > 0) this.settle();
    if (this.seen.size === 0) return undefined;
    const key = dedupeKey(text);
    if (key.length < MIN_DEDUPE_CHARS) return undefined;
    return this.seen.get(key);
  }

  private settle(): void {
    for (const { text, messageIndex, blockIndex } of this.pending) {
      const key = dedupeKey(text);
      if (key.length < MIN_DEDUPE_CHARS || this.seen.has(key)) continue;
      this.seen.set(key, `[same as message ${messageIndex + 1}, block ${blockIndex + 1}]`);
    }
    this.pending = [];
  }
}

/** Blocks compare equal modulo trailing white space and blank-line runs. */
function dedupeKey(text: string): string {
  let t = text;
  if (t.indexOf(' \n') >= 0 || t.indexOf('\t\n') >= 0) t = t.replace(/[ \t]+\n/g, '\n');
  if (t.indexOf('\n\n') >= 0) t = t.replace(/\n{2,}/g, '\n');
  return t.trim();
}

/** Replace `block` by a reference when an earlier message held the same block. */
export function dedupe(block: Block, history: BlockHistory): Block {
  const ref = history.lookup(block.text);
  if (ref === undefined) return block;
  // a JSON block stays valid JSON: the reference becomes a JSON string
  const text = block.kind === 'json' ? JSON.stringify(ref) : ref;
  if (text.length >= block.text.length) return block;
  return { kind: block.kind, text, omitted: [block.text] };
}
