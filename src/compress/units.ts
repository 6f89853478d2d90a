// Units of selection: a prose block is cut into lines, and each line into sentences (a speaker
// label such as "Alice:" or a list marker such as "- " / "3." stays with its line, so a kept
// sentence never loses who said it or which item it is). Selection keeps or drops whole units;
// `renderUnits` rebuilds the text from the kept ones with the original separators.

export interface Unit {
  /** index of the line the unit is on */
  line: number;
  /** offsets in the block text */
  start: number;
  end: number;
  text: string;
  /** 0 for the first sentence of a line */
  order: number;
}

export interface Lines {
  text: string;
  /** per line: [start, end) offsets and the prefix length (speaker label / list marker) */
  starts: number[];
  ends: number[];
  prefix: number[];
  units: Unit[];
}

const PREFIX = /^(?:\s*(?:[-*+•]|\d{1,3}[.)]|[A-Za-z]\))\s+|\s*>\s?|\s*#{1,6}\s+|[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}\s?:\s+)/;
// a sentence ends at . ! ? (optionally followed by closing quotes/brackets) and white space, when
// the next sentence starts with a capital, a digit, a quote or a bracket
const BOUNDARY = /[.!?…]+["')\]”’]*\s+(?=["'(\[“‘]?[A-Z0-9])/g;
const ABBREV = /(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|vs|etc|e\.g|i\.e|cf|al|approx|No|Fig|Inc|Ltd|Co|Corp|U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$/;

const HAS_QUOTES = /["“`]/;
// the same pairing as the guard's span patterns (protect.ts), so a cut never splits a span
const QUOTED_SPAN = /`[^`\n]{1,200}`|"[^"\n]{1,200}"|“[^”\n]{1,200}”/g;

function quotedRanges(line: string): number[] {
  const r: number[] = [];
  QUOTED_SPAN.lastIndex = 0;
  for (let m = QUOTED_SPAN.exec(line); m; m = QUOTED_SPAN.exec(line)) r.push(m.index, m.index + m[0].length);
  return r;
}

function insideRange(ranges: number[], at: number): boolean {
  for (let k = 0; k < ranges.length; k += 2) if (at > ranges[k] && at < ranges[k + 1]) return true;
  return false;
}

export function splitUnits(text: string): Lines {
  const starts: number[] = [];
  const ends: number[] = [];
  const prefix: number[] = [];
  const units: Unit[] = [];
  let pos = 0;
  let line = 0;
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    starts.push(pos);
    ends.push(nl);
    const lineText = text.slice(pos, nl);
    const pm = PREFIX.exec(lineText);
    const p = pm && pm[0].length < lineText.length ? pm[0].length : 0;
    prefix.push(p);
    if (lineText.trim() !== '') {
      let s = p;
      let order = 0;
      const guarded = HAS_QUOTES.test(lineText) ? quotedRanges(lineText) : null;
      BOUNDARY.lastIndex = p;
      for (let m = BOUNDARY.exec(lineText); m; m = BOUNDARY.exec(lineText)) {
        const cut = m.index + m[0].length;
        // never cut inside a quoted passage or inline code (each is one protected span)
        if (guarded && insideRange(guarded, m.index)) continue;
        const head = lineText.slice(Math.max(s, m.index - 12), m.index + 1);
        if (ABBREV.test(head) || cut - s < 12) continue;
        const sentEnd = m.index + m[0].trimEnd().length;
        units.push({ line, start: pos + s, end: pos + sentEnd, text: lineText.slice(s, sentEnd), order: order++ });
        s = cut;
      }
      if (s < lineText.length) {
        const t = lineText.slice(s).trimEnd();
        if (t) units.push({ line, start: pos + s, end: pos + s + t.length, text: t, order: order++ });
      }
    }
    line++;
    if (nl >= text.length) break;
    pos = nl + 1;
  }
  return { text, starts, ends, prefix, units };
}

/** Rebuild the block from the kept units (with `replace` giving a unit's new text, e.g. after
 *  word removal). Lines without a kept unit disappear; blank lines between kept paragraphs stay. */
export function renderUnits(lines: Lines, keep: readonly boolean[], replace: (i: number) => string): string {
  const out: string[] = [];
  const { units, text } = lines;
  let u = 0;
  let pendingBlank = false;
  for (let l = 0; l < lines.starts.length; l++) {
    const lineStart = lines.starts[l];
    const lineEnd = lines.ends[l];
    if (lineStart === lineEnd || text.slice(lineStart, lineEnd).trim() === '') {
      if (out.length > 0) pendingBlank = true;
      continue;
    }
    let acc = '';
    while (u < units.length && units[u].line === l) {
      if (keep[u]) acc += (acc ? ' ' : '') + replace(u);
      u++;
    }
    if (!acc) continue;
    if (pendingBlank) out.push('');
    pendingBlank = false;
    out.push(text.slice(lineStart, lineStart + lines.prefix[l]) + acc);
  }
  return out.join('\n');
}
