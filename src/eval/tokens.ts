// The eval's token count: o200k (GPT-4o family) via gpt-tokenizer, whatever model the engine targets,
// so that reductions are comparable across runs. Special-token text such as `<|endoftext|>` inside
// content is counted as ordinary text instead of throwing.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

const asText = { disallowedSpecial: new Set<string>() };

export function o200kTokens(text: string): number {
  return text === '' ? 0 : countTokens(text, asText);
}

/** Counts a list of texts, reusing counts already known for identical strings (unchanged messages). */
export function countAll(texts: readonly string[], known?: Map<string, number>): { total: number; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const t of texts) {
    let n = counts.get(t) ?? known?.get(t);
    if (n === undefined) n = o200kTokens(t);
    counts.set(t, n);
    total += n;
  }
  return { total, counts };
}
