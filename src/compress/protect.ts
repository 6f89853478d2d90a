// Protected spans: the pieces of text the engine must never alter or lose inside a unit it keeps
// (DESIGN §4 "Never lost"): numbers with their units, dates, URLs, e-mail addresses, file paths,
// identifiers (camelCase, snake_case, Foo.bar, hashes, error codes), inline code, quoted strings,
// negations, and the named entities the query mentions. Word-level transforms ask `isProtectedWord`
// before dropping a word; the guard counts spans before and after with `countSpans`.

import { rarity } from './rarity.js';
import { findCamel, findDotted, findEmails, findNegationContractions, findSnake } from './span-finders.js';

interface SpanPattern {
  re: RegExp;
  /** the pattern can only match when the text holds one of these (cheap pre-filter) */
  needs?: readonly string[];
  digits?: true;
  /** a cheap regex that must match somewhere before the real one runs */
  gate?: RegExp;
  /** counted case-insensitively (negations) */
  lower?: true;
  /** the same as text.match(re), faster (span-finders.ts) */
  find?: (text: string) => string[] | null;
}

const SPAN_PATTERNS: SpanPattern[] = [
  { re: /`[^`\n]{1,200}`/g, needs: ['`'] }, // inline code
  // URLs, without trailing sentence punctuation ("see https://x.io/a." is the URL https://x.io/a):
  // removing a space before that punctuation must not make it part of the URL
  { re: /\b(?:https?|ftp|wss?|file):\/\/[^\s<>"'`)\]]{0,2047}[^\s<>"'`)\].,;:!?]/g, needs: ['://'] },
  { re: /\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b/g, needs: ['@'], find: findEmails }, // e-mail
  // paths: matched from their first "/" (a relative path "src/app/main.ts" is checked as
  // "/app/main.ts"; word removal never splits a word with "/" in it); starting at "/" keeps the
  // scan linear - a leading-segment alternative would be tried at every word of the text
  { re: /(?:~|\.{1,2})?\/(?:[\w.@+-]{1,255}\/){0,32}[\w.@+-]{1,255}|\b[A-Za-z]:\\[\w\\.-]{1,1024}/g, gate: /\/[\w.@+-]|:\\/ },
  { re: /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, gate: /\d-\d/ }, // ISO dates
  { re: /\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/g, gate: /\d[/.-]\d/ }, // numeric dates
  { re: /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b/g, gate: /\d,? \d{4}/ },
  { re: /\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/g, gate: /[a-z] \d{4}/ },
  { re: /\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b/g, needs: [':'], digits: true }, // times
  { re: /(?:[$€£¥] ?)?[-+]?(?<![\d.,/])\d+(?:[.,/]\d+)*(?: ?(?:%|[A-Za-zµ°][A-Za-z]{0,11}\b))?/g, digits: true }, // numbers + unit
  { re: /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g, find: findCamel }, // camelCase (the finder scans for [a-z][A-Z] itself)
  { re: /\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\b/g, gate: /[a-z0-9][A-Z]/ }, // PascalCase with an inner capital
  { re: /\b[A-Za-z0-9]{1,64}(?:_[A-Za-z0-9]{1,64}){1,16}\b/g, needs: ['_'], find: findSnake }, // snake_case
  { re: /\b[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){1,16}(?:\(\))?/g, needs: ['.'], find: findDotted }, // Foo.bar
  // error codes, hashes (both need a digit); the gate is a substring every match holds (the last
  // capital, [-_]?, a digit / seven hex characters), far cheaper than the lookahead at every word
  { re: /\b[A-Z]{2,}[-_]?\d+\b|\b(?=[a-f]*\d)[0-9a-f]{7,40}\b/g, digits: true, gate: /[A-Z][-_]?\d|[0-9a-f]{7}/ },
  { re: /"[^"\n]{1,200}"|“[^”\n]{1,200}”/g, needs: ['"', '“'] }, // double-quoted strings
  { re: /(?<![\w'])'[^'\n]{1,120}'(?![\w'])/g, needs: ["'"] }, // single-quoted strings
  { re: /\b(?:not|no|never|without|none|nor|cannot|neither)\b/gi, lower: true }, // negations
  { re: /\b\w+n't\b/gi, needs: ["n't"], lower: true, find: findNegationContractions }, // negations: don't, isn't
];
const PATTERNS: RegExp[] = SPAN_PATTERNS.map((p) => p.re);
const HAS_DIGIT = /\d/;

function applies(p: SpanPattern, text: string, hasDigit: boolean): boolean {
  if (p.digits && !hasDigit) return false;
  if (p.gate && !p.gate.test(text)) return false;
  if (!p.needs) return true;
  for (const n of p.needs) if (text.indexOf(n) >= 0) return true;
  return false;
}

/** Lower-case words that word removal must never drop. */
const NEGATIONS = new Set(['not', 'no', 'never', 'without', 'none', 'nor', 'cannot', 'neither', "n't"]);

const WORDY = /[0-9_@/\\$%`"'“”.:]|[a-z][A-Z]/;

/** Is this single word protected (word removal must keep it)? */
export function isProtectedWord(word: string, queryTerms: ReadonlySet<string>): boolean {
  const lower = word.toLowerCase();
  if (NEGATIONS.has(lower) || lower.endsWith("n't")) return true;
  if (WORDY.test(word)) return true;
  if (queryTerms.has(lower)) return true;
  // capitalised words inside a sentence are likely names
  const c = word.charCodeAt(0);
  return c >= 65 && c <= 90;
}

/** Capitalised words and quoted phrases of the query: named entities the answer may need. */
export function queryEntities(query: string): string[] {
  const out = new Set<string>();
  if (!query) return [];
  const q = query.length > 2000 ? query.slice(-2000) : query;
  // capitalised words that do not start a sentence, and are not everyday words ("How", "The")
  const caps = q.match(/(?<=[^\s.!?:]\s+)[A-Z][\w'-]*(?: [A-Z][\w'-]*)*/g) ?? [];
  for (const c of caps) {
    if (c.length < 3) continue;
    if (!c.includes(' ') && rarity(c.toLowerCase()) < 3) continue;
    out.add(c);
  }
  const quoted = q.match(/"([^"\n]{2,80})"|'([^'\n]{2,80})'|`([^`\n]{2,80})`/g) ?? [];
  for (const s of quoted) out.add(s.slice(1, -1));
  return [...out];
}

const NUMBER_WITH_UNIT = PATTERNS.findIndex((re) => re.source.includes('µ°'));
/** quote-paired patterns (inline code, double and single quotes): not checked in JSON/logs */
const QUOTED = new Set(
  PATTERNS.map((re, i) => (re.source.startsWith('"') || re.source.startsWith('`') || re.source.startsWith("(?<![\\w'])'") ? i : -1)).filter((i) => i >= 0),
);
const BARE_NUMBER = /[-+]?\d+(?:[.,/]\d+)*/g;

/** The matches of every span pattern in `text` (null: the pattern does not apply or has none),
 *  for the last text asked about: prose selection asks for its block's, and the guard then counts
 *  the spans of the same text (its reference) without scanning it again. */
let lastText: string | undefined;
let lastFound: Array<string[] | null> = [];

function spanMatches(text: string): Array<string[] | null> {
  if (text === lastText) return lastFound;
  const hasDigit = HAS_DIGIT.test(text);
  const all: Array<string[] | null> = new Array(PATTERNS.length);
  for (let p = 0; p < PATTERNS.length; p++) all[p] = applies(SPAN_PATTERNS[p], text, hasDigit) ? find(p, text, PATTERNS[p]) : null;
  lastText = text;
  lastFound = all;
  return all;
}

function find(p: number, text: string, re: RegExp): string[] | null {
  const finder = SPAN_PATTERNS[p].find;
  if (finder) return finder(text);
  re.lastIndex = 0;
  return text.match(re);
}

/** Multiset of protected spans in `text` (span → occurrences). `structured` (JSON, logs): numbers
 *  without the word after them (re-encodings move values away from their neighbours), and no
 *  quoted strings. */
export function countSpans(text: string, entities: readonly string[] = [], structured = false): Map<string, number> {
  const counts = new Map<string, number>();
  if (!text) return counts;
  const hasDigit = structured ? HAS_DIGIT.test(text) : false;
  const memo = structured ? undefined : spanMatches(text);
  for (let p = 0; p < PATTERNS.length; p++) {
    let found: string[] | null;
    if (memo) found = memo[p];
    else {
      if (!applies(SPAN_PATTERNS[p], text, hasDigit)) continue;
      // in JSON every string is quoted and escapes (\") defeat a quote-pairing regex: the JSON
      // transform keeps values by construction, so only the other kinds of span are checked there
      if (QUOTED.has(p)) continue;
      found = find(p, text, p === NUMBER_WITH_UNIT ? BARE_NUMBER : PATTERNS[p]);
    }
    if (!found) continue;
    for (const s of found) {
      const k = SPAN_PATTERNS[p].lower ? s.toLowerCase() : s;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  for (const e of entities) {
    let n = 0;
    for (let at = text.indexOf(e); at >= 0; at = text.indexOf(e, at + e.length)) n++;
    if (n > 0) counts.set(e, (counts.get(e) ?? 0) + n);
  }
  return counts;
}

/** Which span patterns can match inside `block` (selection scoring counts a sentence's spans with
 *  only these). Exact: a unit is a substring of its block that starts after white space, '>' or
 *  the block's start and ends before white space or its end, and the patterns look at most one
 *  character behind a position and test only \b or a non-word class at a match's end, so a match
 *  in the unit alone is also a match at the same place in the block; a pattern with no match
 *  anywhere in the block (every position tried) has none in any of its units. */
export function liveSpanPatterns(block: string): boolean[] {
  const found = spanMatches(block);
  return found.map((f) => f !== null);
}

/** Number of protected spans in `text` (selection scoring; negations are not counted). `live`:
 *  the patterns that can match at all (liveSpanPatterns of the enclosing block). */
export function protectedSpanCount(text: string, live?: readonly boolean[]): number {
  let n = 0;
  const hasDigit = HAS_DIGIT.test(text);
  for (let i = 0; i < PATTERNS.length; i++) {
    if (live && !live[i]) continue;
    if (SPAN_PATTERNS[i].lower || !applies(SPAN_PATTERNS[i], text, hasDigit)) continue;
    const found = find(i, text, PATTERNS[i]);
    if (found) n += found.length;
  }
  return n;
}
