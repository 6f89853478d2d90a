// Prose: query-aware sentence selection, then low-value word removal inside the kept sentences.
// Keeps: the sentences that score best for the query (BM25 of the sentence against the query's
// terms), for information density (mean word rarity from a frequency list), for never-lost spans
// (numbers, dates, identifiers, URLs, names), and for position (first sentence of a block and of a
// paragraph), plus the neighbours of strongly relevant sentences - until the block's budget
// (ctx.keep of its size) is reached; the sentences most relevant to the query are kept whatever the
// budget, and spans and query terms weigh heavily in the score. Drops: the lowest-scoring sentences, exact and near duplicates
// of kept sentences, fillers and stutters inside kept sentences. Why: in long contexts (RAG
// documents, transcripts, pasted articles) most sentences do not bear on the question, and the
// ones that do are the ones sharing its rare words. Lossless level: this pass does not run.
import type { Block, Transform, TransformContext } from '../types.js';
import { splitUnits, renderUnits, type Unit } from '../units.js';
import { rarity, UNKNOWN_RARITY } from '../rarity.js';
import { liveSpanPatterns, protectedSpanCount } from '../protect.js';
import { removeLowValueWords } from '../word-removal.js';
import { stem } from '../stem.js';

/** blocks smaller than this (estimated tokens) only get word removal: little to gain, and in a
 *  short context every sentence tends to matter */
const MIN_SELECT_TOKENS = { balanced: 150, aggressive: 120 };
const MIN_BLOCK_TOKENS = 30;
const WORD = /[A-Za-z][A-Za-z'-]*|\d+(?:[.,:/-]\d+)*/g;
const K1 = 1.2;
/** share of a neighbour's relevance a unit inherits, by distance (answers sit next to the match) */
const NEIGHBOUR_DECAY = [0.6, 0.4, 0.25];
const B = 0.75;

interface Scored {
  unit: Unit;
  tokens: number;
  words: string[];
  set: Set<string>;
  /** stems of this unit that are query terms (with repeats) */
  hits: string[];
  /** the unit's rarest word: near duplicates share it, so it buckets the duplicate check */
  rarest: string;
  rarity: number;
  content: number;
  score: number;
  relevance: number;
  protectedSpans: number;
}

interface WordInfo {
  stem: string;
  rarity: number;
}
/** per surface form: its stem and rarity (one map lookup per word instead of three) */
const infoMemo = new Map<string, WordInfo>();

function wordInfo(word: string): WordInfo {
  let info = infoMemo.get(word);
  if (info === undefined) {
    const lower = word.toLowerCase();
    info = { stem: stem(lower), rarity: rarity(lower) };
    if (infoMemo.size >= 100_000) infoMemo.clear();
    infoMemo.set(word, info);
  }
  return info;
}

function estimateTokens(s: string): number {
  return Math.ceil(s.length / 4);
}

export const prose: Transform = (block: Block, ctx: TransformContext): Block => {
  if (ctx.level === 'lossless') return block;
  const lines = splitUnits(block.text);
  const units = lines.units;
  if (units.length === 0) return block;
  const total = estimateTokens(block.text);
  const aggressive = ctx.level === 'aggressive' || ctx.keep < 0.3;
  const keep: boolean[] = new Array(units.length).fill(true);
  const omitted: string[] = [];
  // the size that matters is the message's: a paragraph between code fences of a long document is
  // selected like the rest of it (but a block of a few words never is)
  const size = Math.max(total, ctx.messageTokens ?? 0);
  const minSize = aggressive ? MIN_SELECT_TOKENS.aggressive : MIN_SELECT_TOKENS.balanced;
  if (size >= minSize && total >= MIN_BLOCK_TOKENS && ctx.keep < 1 && units.length > 2) {
    const labelOf = (u: Unit): string => {
      const p = lines.prefix[u.line];
      return p > 0 ? block.text.slice(lines.starts[u.line], lines.starts[u.line] + p) : '';
    };
    select(units, ctx, total, keep, labelOf, liveSpanPatterns(block.text));
    const lineKept = new Set<number>();
    for (let i = 0; i < units.length; i++) if (keep[i]) lineKept.add(units[i].line);
    for (let i = 0; i < units.length; i++) {
      if (keep[i]) continue;
      const u = units[i];
      // a line dropped whole also drops its speaker label / list marker
      const p = lines.prefix[u.line];
      omitted.push(p > 0 && !lineKept.has(u.line) && u.order === 0 ? block.text.slice(lines.starts[u.line], lines.starts[u.line] + p) + u.text : u.text);
    }
  }
  const text = renderUnits(lines, keep, (i) => removeLowValueWords(units[i].text, { aggressive, queryTerms: ctx.queryTerms }));
  if (text.length >= block.text.length) return block;
  return omitted.length > 0 ? { ...block, text, omitted } : { ...block, text };
};

function select(units: Unit[], ctx: TransformContext, total: number, keep: boolean[], labelOf: (u: Unit) => string, live: readonly boolean[]): void {
  const n = units.length;
  const scored: Scored[] = new Array(n);
  const df = new Map<string, number>();
  const queryStems = new Set<string>();
  for (const t of ctx.queryTerms) queryStems.add(stem(t));
  let lenSum = 0;
  for (let i = 0; i < n; i++) {
    const u = units[i];
    // the speaker label / list marker of the line counts for relevance ("Marketing: …")
    const label = labelOf(u);
    const labelWords = label ? (label.match(WORD) ?? []).length : 0;
    const raw = (label ? label + ' ' + u.text : u.text).match(WORD) ?? [];
    const words: string[] = [];
    const seen = new Set<string>();
    const hits: string[] = [];
    let rare = 0;
    let content = 0;
    let rarest = '';
    let rarestR = -1;
    for (let k = 0; k < raw.length; k++) {
      const info = wordInfo(raw[k]);
      const w = info.stem;
      if (k < labelWords) {
        // label words only count for relevance, not for density ("PhD D: - ." is not dense)
        if (queryStems.size > 0 && queryStems.has(w)) {
          hits.push(w);
          if (!seen.has(w)) df.set(w, (df.get(w) ?? 0) + 1);
        }
        seen.add(w);
        continue;
      }
      const r = info.rarity;
      rare += r;
      if (r > 2.5) content++;
      words.push(w);
      // bucket key: the rarest word of the list (numbers and names vary between near duplicates)
      if (r < UNKNOWN_RARITY && (r > rarestR || (r === rarestR && w < rarest))) {
        rarestR = r;
        rarest = w;
      }
      const q = queryStems.size > 0 && queryStems.has(w);
      if (q) hits.push(w);
      if (!seen.has(w)) {
        seen.add(w);
        if (q) df.set(w, (df.get(w) ?? 0) + 1);
      }
    }
    lenSum += words.length;
    scored[i] = { unit: u, tokens: estimateTokens(u.text) + 1, words, set: seen, hits, rarest, rarity: rare, content, score: 0, relevance: 0, protectedSpans: 0 };
  }
  const avgLen = lenSum / n || 1;
  // relevance (BM25) and density
  for (let i = 0; i < n; i++) {
    const s = scored[i];
    let bm25 = 0;
    const hits = s.hits;
    for (let h = 0; h < hits.length; h++) {
      const w = hits[h];
      if (hits.indexOf(w) !== h) continue; // each distinct term once, with its frequency
      let f = 0;
      for (const x of hits) if (x === w) f++;
      const d = df.get(w) ?? 0;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      bm25 += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * s.words.length) / avgLen));
    }
    s.relevance = bm25;
    const content = s.content;
    const density = s.words.length > 0 ? s.rarity / s.words.length : 0;
    s.protectedSpans = protectedSpanCount(s.unit.text, live);
    const position = (i === 0 ? 1 : 0) + (s.unit.order === 0 ? 0.3 : 0) + (i === n - 1 ? 0.3 : 0);
    const tiny = s.words.length <= 3 && content === 0 ? -1.5 : 0;
    s.score = 2.2 * bm25 + 0.5 * density + 0.15 * Math.min(content, 8) + 0.6 * Math.min(s.protectedSpans, 4) + position + tiny;
  }
  // neighbours of strongly relevant sentences inherit part of their relevance
  const maxRel = scored.reduce((m, s) => Math.max(m, s.relevance), 0);
  if (maxRel > 0) {
    for (let i = 0; i < n; i++) {
      let near = 0;
      for (let d = 1; d <= NEIGHBOUR_DECAY.length; d++) {
        const w = NEIGHBOUR_DECAY[d - 1];
        if (i - d >= 0) near = Math.max(near, w * scored[i - d].relevance);
        if (i + d < n) near = Math.max(near, w * scored[i + d].relevance);
      }
      scored[i].score += near;
    }
  }
  // greedy by score, skipping near duplicates, until the budget is used
  const order = scored.map((_, i) => i).sort((a, b) => scored[b].score - scored[a].score || a - b);
  const budget = Math.max(1, Math.round(total * ctx.keep));
  keep.fill(false);
  let used = 0;
  const keptSets = new Map<string, Array<Set<string>>>();
  // the most relevant units are kept whatever the budget - unless "most relevant" is a large part
  // of the block (a query term on every line), then the budget decides
  let relevanceFloor = maxRel > 0 ? maxRel * 0.6 : Infinity;
  let top = 0;
  for (const s of scored) if (s.relevance >= relevanceFloor) top++;
  if (top > Math.max(3, n * 0.25)) relevanceFloor = Infinity;
  const spanMust = ctx.keep >= 0.5;
  for (const i of order) {
    const s = scored[i];
    const must = (s.relevance > 0 && s.relevance >= relevanceFloor) || (s.protectedSpans > 0 && spanMust);
    if (used >= budget && !must) continue;
    const set = s.set;
    const bucket = set.size >= 4 ? keptSets.get(s.rarest) : undefined;
    if (bucket && isNearDuplicate(set, bucket)) continue;
    keep[i] = true;
    used += s.tokens;
    if (set.size >= 4) {
      if (bucket) bucket.push(set);
      else keptSets.set(s.rarest, [set]);
    }
  }
}

function isNearDuplicate(set: Set<string>, kept: Array<Set<string>>): boolean {
  for (let k = kept.length - 1, checked = 0; k >= 0 && checked < 20; k--) {
    const other = kept[k];
    // Jaccard ≥ 0.8 needs sizes within 0.8 of each other
    if (other.size < set.size * 0.8 || set.size < other.size * 0.8) continue;
    checked++;
    let inter = 0;
    for (const w of set) if (other.has(w)) inter++;
    const union = set.size + other.size - inter;
    if (union > 0 && inter / union >= 0.8) return true;
  }
  return false;
}
