// The JSON transform. Lossless: minify (white space outside strings removed, every scalar's source
// text kept byte for byte) and arrays of same-shape objects as compact tables (json-table.ts).
// Balanced/aggressive: large arrays are also sampled toward ctx.keep (json-sample.ts), URL templates
// (and at aggressive empty and derived link fields) pruned (json-prune.ts). The result is always
// valid JSON; `decodeJsonTable` reads it back. JSON Lines (structured logs) are minified line by line
// and, at the lossy levels, folded like logs. Never throws, never grows the text.
import type { Block, Transform, TransformContext } from '../types.js';
import { type JNode, type ParseResult, minifyText, parseJson, serialize } from './json-syntax.js';
import { pruneFields } from './json-prune.js';
import { AGGRESSIVE_LIMITS, BALANCED_LIMITS, sampleArrays } from './json-sample.js';
import { REF_KEY, dedupeSubtrees } from './json-refs.js';
import { logs } from './logs.js';
import type { JsonHistory } from './json-history.js';
import { OMITTED_KEY, TABLE_KEY, encodeTables, markerKeysIn } from './json-table.js';

export { decodeJsonTable } from './json-table.js';
export { JsonHistory } from './json-history.js';

/** What the JSON transform reads from the context beyond TransformContext: the request's memory of
 *  the JSON sent in earlier messages (optional; without it references stay inside one value). */
export interface JsonContext {
  jsonHistory?: JsonHistory;
}

/** Deeper values are only minified (the structural passes recurse). */
const MAX_DEPTH = 200;

// One-entry cache: a segmenter that calls isJson(text) right before json() on the same text parses
// it once. Only small texts are cached (a parse tree is several times its text), and json() clears
// the entry it used, so nothing large stays alive between requests.
const CACHE_MAX_CHARS = 256 * 1024;
let lastText: string | null = null;
let lastParse: ParseResult | null = null;

function parseCached(text: string, keep: boolean): ParseResult | null {
  if (text === lastText) {
    const r = lastParse;
    if (!keep) lastText = lastParse = null;
    return r;
  }
  const r = parseJson(text);
  if (keep && text.length <= CACHE_MAX_CHARS) {
    lastText = text;
    lastParse = r;
  }
  return r;
}

/** True when `text` (surrounding white space aside) is one JSON object or array. */
export function isJson(text: string): boolean {
  try {
    const t = text.trimStart();
    const c = t.charCodeAt(0);
    if (c !== 123 && c !== 91) return false;
    return parseCached(text, true) !== null;
  } catch {
    return false;
  }
}

export const json: Transform = (block: Block, ctx: TransformContext): Block => {
  try {
    const r = compressJson(block.text, ctx);
    if (r === null || r.text.length >= block.text.length) return block;
    const out: Block = { kind: block.kind, text: r.text };
    const omitted = [...(block.omitted ?? []), ...r.omitted];
    if (omitted.length > 0) out.omitted = omitted;
    return out;
  } catch {
    return block;
  }
};

interface JsonOut {
  text: string;
  omitted: string[];
}

function compressJson(text: string, ctx: TransformContext): JsonOut | null {
  const parsed = parseCached(text, false);
  if (parsed === null) return compressJsonLines(text, ctx);
  if (parsed.depth > MAX_DEPTH) return { text: minifyText(text), omitted: [] };
  return encode(parsed.node, ctx);
}

const MARKERS = [TABLE_KEY, OMITTED_KEY, REF_KEY];

/** Sample (lossy levels), de-duplicate, table-encode, serialize. */
function encode(input: JNode, ctx: TransformContext | null): JsonOut {
  let root = input;
  const used = markerKeysIn(root, MARKERS);
  if (used.has(TABLE_KEY) || used.has(OMITTED_KEY)) return { text: serialize(root), omitted: [] };
  let omitted: string[] = [];
  if (ctx !== null && ctx.level !== 'lossless' && ctx.keep < 1) {
    const limits = ctx.level === 'aggressive' ? AGGRESSIVE_LIMITS : BALANCED_LIMITS;
    const s = sampleArrays(root, ctx.keep, ctx.queryTerms, limits);
    const aggressive = ctx.level === 'aggressive';
    const p = pruneFields(s.node, { templates: true, empties: aggressive, derived: aggressive });
    root = p.node;
    omitted = [...s.omitted, ...p.omitted];
  }
  root = encodeTables(root).node;
  if (!used.has(REF_KEY)) {
    const history = ctx === null ? undefined : (ctx as TransformContext & JsonContext).jsonHistory;
    const across: string[] = [];
    root = dedupeSubtrees(root, history, across);
    if (across.length > 0) omitted = omitted.concat(across);
  }
  return { text: serialize(root), omitted };
}

/** JSON Lines (one value per line, e.g. structured logs): each line minified on its own, and at the
 *  lossy levels the lines then go through the logs transform (fold by template, errors kept).
 *  Null if the text is not JSON Lines. */
function compressJsonLines(text: string, ctx: TransformContext): JsonOut | null {
  if (text.indexOf('\n') < 0) return null;
  const lines = text.split('\n');
  const out: string[] = [];
  let values = 0;
  for (const line of lines) {
    if (line.trim() === '') {
      out.push('');
      continue;
    }
    const p = parseJson(line);
    if (p === null) return null;
    values++;
    out.push(p.depth > MAX_DEPTH ? minifyText(line) : encode(p.node, null).text);
  }
  if (values < 2) return null;
  const minified = out.join('\n').trim();
  if (ctx.level === 'lossless' || ctx.keep >= 1 || values < 3) return { text: minified, omitted: [] };
  const folded = logs({ kind: 'log', text: minified }, ctx);
  return { text: folded.text, omitted: folded.omitted ?? [] };
}
