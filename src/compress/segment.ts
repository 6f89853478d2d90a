// Segmentation: splits one message text into Blocks of one kind each (prose, markdown, html,
// table, code, json, log) so that each kind gets the transform that is safe for it. The blocks,
// joined with their separators, give back the original text exactly (`joinSegments`). Detection
// errs on the safe side: anything that looks like code is code (white space only), and a JSON value
// is a json block only when it parses.
import type { Block, BlockKind } from './types.js';

export interface Segments {
  blocks: Block[];
  /** separators[i] sits between blocks[i] and blocks[i+1] (one or more newlines) */
  separators: string[];
}

const FENCE = /^\s{0,3}(```+|~~~+)/;
const LOG_LINE =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}|\[?\d{4}\/\d{2}\/\d{2}|\[?\d{1,2}:\d{2}:\d{2}[.,:]?\d*\]?\s|\d{6} \d{6}|[A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d{2}:\d{2}|\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} |\d{2}-\d{2} \d{2}:\d{2}:\d{2}|\[\d{1,2}\.\d{1,2} \d{2}:\d{2}:\d{2}\]|\d{10}(?:\.\d+)? |\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\]?[\s:|-])/;
const STACK_LINE =
  /^(?:\s+at [\w$.<>\[\]/]+|\s+at \S|Traceback \(most recent call last\)|\s+File ".*", line \d+|Caused by: |\s*\.\.\. \d+ (?:more|common frames omitted)|\s+\^+\s*$|[\w.$]+(?:Exception|Error)(?::|$))/;
const TABLE_LINE = /^\s*\|.*\|\s*$/;
const HTML_TAG = /<\/?(?:p|div|span|br|a|table|thead|tbody|tr|td|th|li|ul|ol|h[1-6]|strong|em|b|i|u|img|section|article|header|footer|nav|main|html|body|head|meta|link|script|style|pre|code|blockquote|hr|label|input|button|form|small|sup|sub)\b[^>]{0,500}>/i;
const MD_LINE = /^\s{0,3}(?:#{1,6}\s|[-*+]\s+\S|\d{1,3}[.)]\s+\S|>\s?|(?:[-*_]\s*){3,}$)|\*\*[^*\n]{1,300}\*\*|__[^_\n]{1,300}__|\[[^\]\n]{1,300}\]\([^)\s]{1,2000}\)/;
const CODE_START =
  /^\s*(?:def |class |pass$|break$|continue$|import |from \S+ import |return\b|function\b|const |let |var |if\s*\(|for\s*\(|while\s*\(|elif |else\s*[:{]|try\s*[:{]|except\b|finally\s*[:{]|catch\s*\(|switch\s*\(|case .+:|public |private |protected |static |#include|#define|package |func |fn |impl |struct |enum |interface |type \w+ = |export |async |await |yield |raise |throw |@\w+|\/\/|\/\*|\*\/|\* |#!|module\.exports|require\(|\w+(?:\.\w+)*\s*=\s*[^=]|\w+(?:\.\w+)*\(.*\)\s*;?$|[}\])]+[;,)]*\s*$)/;
const CODE_END = /(?:[{};]|\)\s*:|=>|\):?|\[|,)\s*$/;
const INDENTED = /^(?: {4}|\t)\S/;
/** "Passage 2 (Computational complexity):" - a capitalised word then a lower-case word: prose */
const PROSE_START = /^[A-Z][a-z]+,? (?:\d+ )?[a-z(]/;
/** a line of a numbered code listing ("1459:    self.WEEKS," / "  12 | int x;") */
const NUMBERED = /^\s*\d{1,6}(?::|\s*\||\t)(?:\s|$)/;

type LineTag = 'blank' | 'log' | 'table' | 'html' | 'md' | 'code' | 'prose';

function tagLine(line: string): LineTag {
  if (line.trim() === '') return 'blank';
  if (NUMBERED.test(line)) return 'code';
  if (LOG_LINE.test(line) || STACK_LINE.test(line)) return 'log';
  if (TABLE_LINE.test(line)) return 'table';
  if (HTML_TAG.test(line)) return 'html';
  const t = line.trimStart();
  if (CODE_START.test(t) || (CODE_END.test(line) && /[=(){}[\];]/.test(line) && !/[.!?]["')]?\s*$/.test(line) && !PROSE_START.test(t))) {
    return 'code';
  }
  if (MD_LINE.test(line)) return 'md';
  if (INDENTED.test(line) && /[=(){}[\];]/.test(line)) return 'code';
  return 'prose';
}

/** End offset (exclusive) of the balanced JSON-looking value starting at `start`, or -1. */
function scanBalanced(text: string, start: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      else if (c === 10) return -1; // raw newline inside a JSON string: not JSON
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -2; // never closed
}

interface Para {
  start: number; // first line index
  end: number; // exclusive
  kind: BlockKind;
}

/** Split `text` into blocks; never throws (falls back to one prose block). */
export function segment(text: string): Segments {
  try {
    return segmentLines(text);
  } catch {
    return { blocks: [{ kind: 'prose', text }], separators: [] };
  }
}

function segmentLines(text: string): Segments {
  const trimmed = text.trim();
  const wholeJson =
    ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length > 1) ||
    (trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length > 1);
  if (wholeJson && isJson(trimmed)) {
    return { blocks: [{ kind: 'json', text }], separators: [] };
  }
  const lines = text.split('\n');
  const n = lines.length;
  const fixed: (BlockKind | null)[] = new Array(n).fill(null);
  const fixedId: number[] = new Array(n).fill(0);
  let nextId = 1;
  // line start offsets, for the JSON scanner
  const offsets: number[] = new Array(n);
  for (let i = 0, off = 0; i < n; i++) {
    offsets[i] = off;
    off += lines[i].length + 1;
  }
  let jsonScanDisabled = false;
  for (let i = 0; i < n; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1];
      let j = i + 1;
      while (j < n && !lines[j].trimStart().startsWith(marker)) j++;
      const last = Math.min(j, n - 1);
      for (let k = i; k <= last; k++) {
        fixed[k] = 'code';
        fixedId[k] = nextId;
      }
      nextId++;
      i = last;
      continue;
    }
    const t = line.trimStart();
    const c0 = t.charCodeAt(0);
    if (!jsonScanDisabled && (c0 === 123 || c0 === 91)) {
      const start = offsets[i] + (line.length - t.length);
      const end = scanBalanced(text, start);
      if (end === -2) jsonScanDisabled = true;
      if (end > 0) {
        // the value must end its line
        let j = i;
        while (j + 1 < n && offsets[j + 1] <= end - 1) j++;
        const rest = lines[j].slice(end - offsets[j]).trim();
        const candidate = text.slice(start, end);
        if (rest === '' && (j > i || candidate.length >= 40) && isJson(candidate)) {
          for (let k = i; k <= j; k++) {
            fixed[k] = 'json';
            fixedId[k] = nextId;
          }
          nextId++;
          i = j;
        }
      }
    }
  }
  groupJsonLines(lines, fixed, fixedId);
  const tags: LineTag[] = lines.map((l, i) => (fixed[i] ? 'blank' : tagLine(l)));
  // paragraphs: maximal runs of non-blank lines with the same fixed kind (or none)
  const paras: Para[] = [];
  for (let i = 0; i < n; ) {
    if (fixed[i] === null && tags[i] === 'blank') {
      i++;
      continue;
    }
    const f = fixed[i];
    let j = i + 1;
    if (f !== null) {
      while (j < n && fixedId[j] === fixedId[i]) j++;
      paras.push({ start: i, end: j, kind: f });
    } else {
      while (j < n && fixed[j] === null && tags[j] !== 'blank') j++;
      let kind = classify(tags, i, j);
      if (kind === 'prose' && isDelimited(lines, i, j)) kind = 'table';
      paras.push({ start: i, end: j, kind });
    }
    i = j;
  }
  smoothCode(paras, lines);
  // merge consecutive paragraphs of the same kind (json values stay separate)
  const blocks: Block[] = [];
  const separators: string[] = [];
  let cur: Para | null = null;
  let prevEnd = 0;
  const leading = paras.length > 0 ? lines.slice(0, paras[0].start).map((l) => l + '\n').join('') : '';
  for (const p of paras) {
    if (cur && cur.kind === p.kind && p.kind !== 'json') {
      cur.end = p.end;
      continue;
    }
    if (cur) {
      blocks.push({ kind: cur.kind, text: lines.slice(cur.start, cur.end).join('\n') });
      separators.push('\n' + lines.slice(cur.end, p.start).map((l) => l + '\n').join(''));
    }
    cur = { ...p };
  }
  if (cur) {
    blocks.push({ kind: cur.kind, text: lines.slice(cur.start, cur.end).join('\n') });
    prevEnd = cur.end;
  }
  if (blocks.length === 0) return { blocks: [{ kind: 'prose', text }], separators: [] };
  // keep leading/trailing blank lines inside the first/last block so the join is exact
  if (leading) blocks[0] = { ...blocks[0], text: leading + blocks[0].text };
  const trailing = n - prevEnd;
  if (trailing > 0) {
    const last = blocks.length - 1;
    const tail = lines.slice(prevEnd).map((l) => '\n' + l).join('');
    blocks[last] = { ...blocks[last], text: blocks[last].text + tail };
  }
  return { blocks, separators };
}

function classify(tags: LineTag[], start: number, end: number): BlockKind {
  const count = end - start;
  let log = 0;
  let table = 0;
  let html = 0;
  let md = 0;
  let code = 0;
  for (let i = start; i < end; i++) {
    const t = tags[i];
    if (t === 'log') log++;
    else if (t === 'table') table++;
    else if (t === 'html') html++;
    else if (t === 'md') md++;
    else if (t === 'code') code++;
  }
  if (log >= 3 && log >= count * 0.5) return 'log';
  if (table >= 2 && table >= count * 0.6) return 'table';
  if (code >= 2 && code >= count * 0.4) return 'code';
  if (count === 1 && code === 1) return 'code';
  if (html > 0 && html >= count * 0.3) return 'html';
  if (md > 0) return 'markdown';
  return 'prose';
}

/** JSON Lines (one value per line, ≥ 3 in a row) are a log stream, not separate documents: the
 *  log transform folds their repeats and templates. */
function groupJsonLines(lines: string[], fixed: (BlockKind | null)[], fixedId: number[]): void {
  const n = lines.length;
  const single = (k: number): boolean =>
    fixed[k] === 'json' && (k === 0 || fixedId[k - 1] !== fixedId[k]) && (k + 1 >= n || fixedId[k + 1] !== fixedId[k]);
  for (let i = 0; i < n; ) {
    if (!single(i)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && single(j)) j++;
    if (j - i >= 3) {
      for (let k = i; k < j; k++) {
        fixed[k] = 'log';
        fixedId[k] = fixedId[i];
      }
    }
    i = j;
  }
}

/** CSV/TSV: at least 3 lines, and at least 80 % of them with the same number (≥ 2) of commas or
 *  tabs as the first line. Rows are data: they get table compaction, never sentence selection. */
function isDelimited(lines: string[], start: number, end: number): boolean {
  if (end - start < 3) return false;
  for (const sep of [',', '\t', ';']) {
    const count = (l: string): number => l.split(sep).length - 1;
    const want = count(lines[start]);
    if (want < 2) continue;
    let same = 0;
    for (let k = start; k < end; k++) if (count(lines[k]) === want) same++;
    if (same >= (end - start) * 0.8) return true;
  }
  return false;
}

/** Prose paragraphs sandwiched between code paragraphs (docstrings, comments) are code, and so
 *  are indented paragraphs right after code. */
function smoothCode(paras: Para[], lines: string[]): void {
  for (let k = 1; k < paras.length; k++) {
    const p = paras[k];
    if (p.kind === 'code' || p.kind === 'json' || p.kind === 'log') continue;
    const prev = paras[k - 1];
    if (prev.kind !== 'code') continue;
    const next = paras[k + 1];
    const indented = /^\s+\S/.test(lines[p.start]);
    if (indented || (next && next.kind === 'code' && p.end - p.start <= 12)) p.kind = 'code';
  }
}

/** Join blocks back with their separators. */
export function joinSegments(blocks: readonly Block[], separators: readonly string[]): string {
  let out = blocks.length > 0 ? blocks[0].text : '';
  for (let i = 1; i < blocks.length; i++) out += (separators[i - 1] ?? '\n') + blocks[i].text;
  return out;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
