// Code. Lossless and balanced: white space only - every token of the code, its indentation and
// line structure stay (they carry meaning in Python, YAML, Makefiles, and a model quoting code needs
// it exact); only trailing spaces/tabs and runs of blank lines go. Aggressive (or a budget below
// OUTLINE_KEEP): an outline - every definition line (def/class/function/method/func/fn …) and all
// code outside definitions stay verbatim, and so does the whole body of any definition the query
// names or mentions; the bodies of the other definitions are replaced by one "..." line at their
// indentation (listed as omitted). Why: when a model is asked about one function of a long file,
// the other bodies are the bulk of the tokens and the signatures are enough to navigate.
import type { Block, Transform, TransformContext } from '../types.js';
import { normalizeWhitespace } from './whitespace.js';

/** budgets at or below this share get the outline */
export const OUTLINE_KEEP = 0.35;
const MIN_OUTLINE_LINES = 30;

const NUM_PREFIX = /^\s*\d{1,6}(?::|\s*\||\t)/;
const DEF =
  /^\s*(?:@\w|(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:def|class|function\*?|func|fn|pub\s+fn|impl|struct|enum|interface|trait|module|type\s+\w+\s+struct)\b|(?:(?:public|private|protected|internal|static|final|abstract|override|async)\s+)+[\w<>\[\], ]+\s+\w+\s*\([^;]*$|[\w$.]+\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)|(?:get |set |async |static )*[A-Za-z_$][\w$]*\s*\([^)]*\)\s*\{\s*$)/;
const FENCE = /^\s{0,3}(```|~~~)/;
const NAME = /(?:def|class|function\*?|func|fn|struct|enum|interface|trait)\s+([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$.]*)\s*=\s*(?:async\s+)?(?:function|\()|([A-Za-z_$][\w$]*)\s*\(/;
const WORDS = /[A-Za-z_$][\w$]*/g;

export const code: Transform = (block: Block, ctx: TransformContext): Block => {
  let text = normalizeWhitespace(block.text, true);
  let omitted: string[] | undefined;
  if (ctx.level !== 'lossless' && ctx.keep <= OUTLINE_KEEP) {
    const o = outline(text, ctx);
    if (o) {
      text = o.text;
      omitted = o.omitted;
    }
  }
  if (text.length >= block.text.length) return block;
  return omitted && omitted.length > 0 ? { ...block, text, omitted } : { ...block, text };
};

function indentOf(line: string): number {
  const body = line.replace(NUM_PREFIX, '');
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 32) n++;
    else if (c === 9) n += 4;
    else return n;
  }
  return -1; // blank
}

function defName(line: string): string {
  const m = NAME.exec(line.replace(NUM_PREFIX, ''));
  if (!m) return '';
  const name = (m[1] ?? m[2] ?? m[3] ?? '').toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1) : name;
}

function mentions(line: string, terms: ReadonlySet<string>): boolean {
  const w = line.match(WORDS);
  if (!w) return false;
  for (const x of w) if (x.length > 3 && terms.has(x.toLowerCase())) return true;
  return false;
}

/** The outline of a code block, or null when there is nothing to gain. */
export function outline(text: string, ctx: TransformContext): { text: string; omitted: string[] } | null {
  const lines = text.split('\n');
  if (lines.length < MIN_OUTLINE_LINES) return null;
  const n = lines.length;
  const indent = lines.map(indentOf);
  const keep = new Array<boolean>(n).fill(true);
  // depth of definitions enclosing each line: a body is every following line indented deeper
  // than its definition line (blank lines included), closing braces at the def's level stay
  for (let i = 0; i < n; i++) {
    const line = lines[i];
    if (FENCE.test(line) || indent[i] < 0) continue;
    if (!DEF.test(line.replace(NUM_PREFIX, '')) || line.trimStart().startsWith('@')) continue;
    const base = indent[i];
    // the header may continue over several lines until it opens the body
    let start = i + 1;
    while (start < n && start - i < 6 && !/[:{]\s*(?:#.*|\/\/.*)?$/.test(lines[start - 1])) start++;
    let end = start;
    while (end < n && (indent[end] < 0 || indent[end] > base) && !FENCE.test(lines[end])) end++;
    while (end > start && indent[end - 1] < 0) end--;
    if (end - start < 3) continue;
    const name = defName(line);
    const relevant = (name && ctx.queryTerms.has(name)) || ctx.queryTerms.has(name.replace(/^_+/, ''));
    if (relevant) {
      // keep the whole body (an enclosing class may have dropped it), nested definitions included
      for (let k = start; k < end; k++) keep[k] = true;
      i = end - 1;
      continue;
    }
    // nested definitions and lines that mention a query term stay; the rest of the body goes
    for (let k = start; k < end; k++) {
      const body = lines[k].replace(NUM_PREFIX, '');
      if (DEF.test(body) && !body.trimStart().startsWith('@')) continue;
      if (mentions(body, ctx.queryTerms)) continue;
      keep[k] = false;
    }
  }
  const out: string[] = [];
  const omitted: string[] = [];
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      out.push(lines[i]);
      i++;
      continue;
    }
    let j = i;
    while (j < n && !keep[j]) j++;
    const first = lines.slice(i, j).find((l) => l.trim() !== '') ?? lines[i];
    const pad = ' '.repeat(Math.max(0, indentOf(first)));
    out.push(`${pad}...`);
    for (let k = i; k < j; k++) if (lines[k].trim() !== '') omitted.push(lines[k]);
    i = j;
  }
  if (omitted.length === 0) return null;
  return { text: out.join('\n'), omitted };
}
