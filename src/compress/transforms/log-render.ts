// Writing the logs transform's kept lines: identical consecutive lines folded as `line [×N]`, runs
// of same-template lines written once with their varying values (`[+K more like the line above,
// with V → a, b]`), warning folds, and lines sharing a timestamp-and-source prefix written under it
// once. Pure string work over the entries chosen by logs.ts.
import type { LineShape } from './log-templates.js';

/** One kept line (or the first line of a fold) and how it may be written. */
export interface Entry {
  text: string;
  /** kept verbatim, never folded into a run */
  important: boolean;
  /** never loses its prefix inside a shared-prefix group (errors; warnings at balanced; query lines) */
  error: boolean;
  /** count of similar lines left out (lossy), shown as ` [+N similar]` */
  dropped: number;
  /** later lines of the same template folded into this one (lossy, warnings), with their values */
  folded?: LineShape[];
  /** the line's template and values, computed on first use */
  shape?: LineShape;
}

/** Write the entries: identical consecutive lines folded with a count, runs of same-template
 *  ordinary lines written once with their varying values (when that is shorter). */
export function render(entries: Entry[], shapeOf: (e: Entry) => LineShape): string {
  const out: string[] = [];
  const whole: boolean[] = [];
  let i = 0;
  const m = entries.length;
  while (i < m) {
    const e = entries[i];
    if (e.folded) {
      out.push(foldRun(e.text, e.folded));
      whole.push(e.error);
      i++;
      continue;
    }
    // identical consecutive lines
    let j = i + 1;
    while (j < m && entries[j].text === e.text && !entries[j].dropped && !e.dropped && !entries[j].folded && e.text !== '') j++;
    if (j - i >= 2) {
      out.push(`${e.text} [×${j - i}]`);
      whole.push(e.error);
      i = j;
      continue;
    }
    // a run of ordinary lines with the same template
    if (!e.important && e.dropped === 0 && e.text !== '' && !betterRunAhead(entries, i, shapeOf)) {
      const first = shapeOf(e);
      let k = i + 1;
      const run: LineShape[] = [first];
      // slots that vary within the run: fixed by the second line; a later line that differs from
      // the first in another slot starts a new run
      let varies: boolean[] | null = null;
      while (k < m) {
        const f = entries[k];
        if (f.important || f.dropped !== 0 || f.folded || f.text === '' || f.text === entries[k - 1].text) break;
        const s = shapeOf(f);
        if (s.template !== first.template) break;
        if (varies === null) varies = first.values.map((v, x) => v !== s.values[x]);
        else if (s.values.some((v, x) => !(varies as boolean[])[x] && v !== first.values[x])) break;
        run.push(s);
        k++;
      }
      if (run.length >= 2) {
        const folded = foldRun(e.text, run);
        let plain = 0;
        for (let x = i; x < k; x++) plain += roughTokens(entries[x].text) + 1;
        if (roughTokens(folded) + 1 < plain * 0.95) {
          out.push(folded);
          whole.push(false);
          i = k;
          continue;
        }
      }
    }
    out.push(e.dropped > 0 ? `${e.text} [+${e.dropped} similar]` : e.text);
    whole.push(e.error);
    i++;
  }
  return factorPrefixes(out, whole).join('\n');
}

/** True when a run starting at the next line would vary in fewer slots than one starting here
 *  (e.g. this line has another timestamp than the burst that follows it). */
function betterRunAhead(entries: Entry[], i: number, shapeOf: (e: Entry) => LineShape): boolean {
  const plain = (e: Entry | undefined): e is Entry => e !== undefined && !e.important && !e.dropped && !e.folded && e.text !== '';
  const a = entries[i];
  const b = entries[i + 1];
  const c = entries[i + 2];
  if (!plain(b) || !plain(c)) return false;
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  const sc = shapeOf(c);
  if (sa.template !== sb.template || sb.template !== sc.template) return false;
  return differing(sb, sc) < differing(sa, sb);
}

function differing(x: LineShape, y: LineShape): number {
  let n = 0;
  for (let k = 0; k < x.values.length; k++) if (x.values[k] !== y.values[k]) n++;
  return n;
}

/** Shortest shared prefix worth factoring (it must also hold a digit: a timestamp, a pid). */
const MIN_PREFIX = 16;

/** Consecutive lines that start with the same timestamp-and-source prefix (cut at a space) are
 *  written under it once, indented:
 *    Dec 10 09:11:26 LabSZ sshd[24443]:
 *      Invalid user user from 103.99.0.122
 *      input_userauth_request: invalid user user [preauth]
 *  An error or warning line may only open such a group (its prefix is the header right above it, so it still
 *  reads whole); it never loses its prefix inside one. */
function factorPrefixes(lines: string[], whole: boolean[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const a = lines[i];
    const b = i + 1 < lines.length && !whole[i + 1] ? lines[i + 1] : '';
    const p = sharedPrefix(a, b);
    if (p < MIN_PREFIX) {
      out.push(a);
      i++;
      continue;
    }
    const prefix = a.slice(0, p);
    let j = i + 2;
    while (j < lines.length && !whole[j] && lines[j].startsWith(prefix) && lines[j].length > p) j++;
    out.push(prefix.trimEnd());
    for (let k = i; k < j; k++) out.push('  ' + lines[k].slice(p));
    i = j;
  }
  return out;
}

/** Length of the common prefix of a and b, cut just after a space, if it holds a digit. */
function sharedPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length) - 1;
  let k = 0;
  while (k < max && a.charCodeAt(k) === b.charCodeAt(k)) k++;
  while (k > 0 && a.charCodeAt(k - 1) !== 32) k--;
  if (k < MIN_PREFIX || a.charCodeAt(0) === 32 || a.charCodeAt(0) === 91 && a.startsWith('[+')) return 0;
  return /\d/.test(a.slice(0, k)) ? k : 0;
}

const ROUGH_TOKEN = /[A-Za-z]+|\d{1,3}|[^\sA-Za-z\d]/g;

/** A quick token estimate (words, 3-digit chunks, punctuation), close enough to o200k to decide
 *  whether a fold pays off. */
function roughTokens(s: string): number {
  ROUGH_TOKEN.lastIndex = 0;
  let n = 0;
  let m: RegExpExecArray | null;
  while ((m = ROUGH_TOKEN.exec(s)) !== null) n += m[0].length > 5 ? Math.ceil(m[0].length / 5) : 1;
  return n;
}

/** First line verbatim, then the varying slot values of the others. */
function foldRun(firstText: string, run: LineShape[]): string {
  const slots = run[0].values.length;
  const varying: number[] = [];
  for (let s = 0; s < slots; s++) {
    const v = run[0].values[s];
    for (let r = 1; r < run.length; r++) {
      if (run[r].values[s] !== v) {
        varying.push(s);
        break;
      }
    }
  }
  const more = run.length - 1;
  if (varying.length === 0) return `${firstText} [×${run.length}]`;
  const tuple = (shape: LineShape): string =>
    varying.length === 1 ? shape.values[varying[0]] : `(${varying.map((s) => shape.values[s]).join(', ')})`;
  const rest: string[] = [];
  for (let r = 1; r < run.length; r++) rest.push(tuple(run[r]));
  return `${firstText}\n[+${more} more like the line above, with ${tuple(run[0])} → ${rest.join(', ')}]`;
}
