// The logs transform.
// Lossless: trailing white space removed; identical consecutive lines folded as `line [×N]`; a run of
// consecutive ordinary lines with the same template (same text once numbers, timestamps, ids, hex
// are masked) written as the first line plus
//   [+K more like the line above, with V → a, b, c]              (one slot varies)
//   [+K more like the line above, with (V1, V2) → (a1, a2), (b1, b2)]   (several slots vary)
// where V… are the first line's values of the varying slots and each following tuple is one line's
// values, in order — every value, timestamp and id is still there.
// Balanced/aggressive: lines are grouped by template over the whole block. Every error, failure and
// stack-trace line (and its indented continuation lines) and every line with a rare query term is
// kept verbatim. Warning lines are kept too: the first of each warning template verbatim, the later
// ones of that template folded into it with all their values (the same `[+K more like the line
// above, with …]` note, so every timestamp and value survives). Ordinary lines: the first and last
// of every template verbatim, the rest sampled toward ctx.keep (aggressive: none), and the first
// kept line of the template says how many were left out: `line [+N similar]`.
// Every level: consecutive lines sharing a timestamp-and-source prefix are written under it once
// (error lines only open such groups, and warnings too at balanced; at aggressive any line joins).
import type { Block, Transform, TransformContext } from '../types.js';
import { type Entry, render } from './log-render.js';
import { lineSeverity, lineShape, type LineShape, type Severity } from './log-templates.js';

export { looksLikeLog } from './log-templates.js';

/** A query term selects lines only if it occurs in at most this share of them. */
const RARE_TERM_SHARE = 0.1;
/** Share of the budget left after the must-keep lines that sampling may fill. */
const FILL = 0.5;
const FILL_AGGRESSIVE = 0;

export const logs: Transform = (block: Block, ctx: TransformContext): Block => {
  try {
    const r = compressLog(block.text, ctx);
    if (r.text.length >= block.text.length) return block;
    const out: Block = { kind: block.kind, text: r.text };
    const omitted = [...(block.omitted ?? []), ...r.omitted];
    if (omitted.length > 0) out.omitted = omitted;
    return out;
  } catch {
    return block;
  }
};

interface LogOut {
  text: string;
  omitted: string[];
}

function compressLog(text: string, ctx: TransformContext): LogOut {
  const lines = text.split('\n');
  const n = lines.length;
  for (let i = 0; i < n; i++) lines[i] = normalizeSpaces(trimEnd(lines[i]));
  const severity = new Uint8Array(n) as unknown as Severity[];
  for (let i = 0; i < n; i++) {
    const line = lines[i];
    if (line === '') continue;
    severity[i] = lineSeverity(line);
    // indented continuation lines (stack frames, wrapped messages) share their record's severity
    if (severity[i] < severity[i - 1] && (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9)) severity[i] = severity[i - 1];
  }
  const shapes: (LineShape | null)[] = new Array(n).fill(null);
  const shapeOf = (i: number): LineShape => (shapes[i] ??= lineShape(lines[i]));

  const omitted: string[] = [];
  let entries: Entry[];
  if (ctx.level !== 'lossless' && ctx.keep < 1) {
    entries = select(lines, severity, shapes, shapeOf, ctx, omitted);
  } else {
    entries = lines.map((t, i) => ({ text: t, important: severity[i] > 0, error: severity[i] === 2, dropped: 0 }));
  }
  return { text: render(entries, (e) => (e.shape ??= lineShape(e.text))), omitted };
}

const INNER_SPACES = /(\S)[ \t]{2,}(?=\S)/g;

/** Runs of spaces/tabs between words (column padding) become one space; indentation stays. */
function normalizeSpaces(s: string): string {
  return s.indexOf('  ') < 0 && s.indexOf('\t') < 0 ? s : s.replace(INNER_SPACES, '$1 ');
}

function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0) {
    const c = s.charCodeAt(e - 1);
    if (c === 32 || c === 9 || c === 13) e--;
    else break;
  }
  return e === s.length ? s : s.slice(0, e);
}

/** Lossy selection: which lines stay, and the per-template counts of the ones left out. */
function select(
  lines: string[],
  severity: Severity[],
  shapes: (LineShape | null)[],
  shapeOf: (i: number) => LineShape,
  ctx: TransformContext,
  omitted: string[],
): Entry[] {
  const n = lines.length;
  const keep = new Uint8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += lines[i].length + 1;
    if (severity[i] === 2) keep[i] = 1;
  }
  const queried = new Uint8Array(n);
  markQueryLines(lines, ctx.queryTerms, queried);
  for (let i = 0; i < n; i++) if (queried[i]) keep[i] = 1;
  // warnings: the first of each template verbatim, the later ones folded into it with their values
  const foldInto = new Map<number, LineShape[]>();
  const folded = new Uint8Array(n);
  const warnFirst = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (severity[i] !== 1 || keep[i]) continue;
    const t = shapeOf(i).template;
    const first = warnFirst.get(t);
    if (first === undefined) {
      warnFirst.set(t, i);
      keep[i] = 1;
      foldInto.set(i, [shapeOf(i)]);
    } else {
      (foldInto.get(first) as LineShape[]).push(shapeOf(i));
      folded[i] = 1;
    }
  }
  // template groups of the remaining non-empty lines
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (keep[i] || folded[i] || lines[i] === '') continue;
    const t = shapeOf(i).template;
    let g = groups.get(t);
    if (!g) groups.set(t, (g = []));
    g.push(i);
  }
  for (const g of groups.values()) {
    keep[g[0]] = 1;
    keep[g[g.length - 1]] = 1;
  }
  let used = 0;
  for (let i = 0; i < n; i++) if (keep[i]) used += lines[i].length + 1;
  const budget = Math.max(0, Math.min(1, ctx.keep)) * total;
  let spare = (budget - used) * (ctx.level === 'aggressive' ? FILL_AGGRESSIVE : FILL);
  if (spare > 0) {
    let rest = 0;
    for (const g of groups.values()) for (let j = 1; j < g.length - 1; j++) rest += lines[g[j]].length + 1;
    if (rest > 0) {
      const share = Math.min(1, spare / rest);
      for (const g of groups.values()) {
        const inner = g.length - 2;
        const extra = Math.floor(inner * share);
        if (extra <= 0) continue;
        const step = inner / extra;
        for (let j = 0; j < extra; j++) keep[g[1 + Math.floor(j * step + step / 2)]] = 1;
      }
    }
    spare = 0;
  }
  // how many of each template were left out, reported on its first kept line
  const droppedAt = new Map<number, number>();
  for (const g of groups.values()) {
    let dropped = 0;
    for (const i of g) {
      if (!keep[i]) {
        dropped++;
        omitted.push(lines[i]);
      }
    }
    if (dropped > 0) droppedAt.set(g[0], dropped);
  }
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    const entry: Entry = {
      text: lines[i],
      important: severity[i] > 0 || queried[i] === 1,
      error: ctx.level !== 'aggressive' && (severity[i] > 0 || queried[i] === 1),
      dropped: droppedAt.get(i) ?? 0,
    };
    const shape = shapes[i];
    if (shape) entry.shape = shape;
    const run = foldInto.get(i);
    if (run && run.length > 1) entry.folded = run;
    out.push(entry);
  }
  return out;
}

/** Keep lines holding a query term that is rare in this block (common terms such as the service
 *  name select nothing). */
function markQueryLines(lines: string[], terms: ReadonlySet<string>, keep: Uint8Array): void {
  const useful = [...terms].filter((t) => t.length >= 3);
  if (useful.length === 0) return;
  const lower = lines.map((l) => l.toLowerCase());
  const limit = Math.max(1, lines.length * RARE_TERM_SHARE);
  for (const term of useful) {
    const hits: number[] = [];
    for (let i = 0; i < lower.length && hits.length <= limit; i++) if (lower[i].includes(term)) hits.push(i);
    if (hits.length > 0 && hits.length <= limit) for (const i of hits) keep[i] = 1;
  }
}
