// Lossy sampling of huge JSON arrays (balanced/aggressive levels). An array of at least 16 items and
// 2000 chars (balanced; 8 and 600 at aggressive) keeps about `keep` of its items, at least 6: always the first and the last, every error-like item (error/exception fields, failed
// statuses, 4xx/5xx codes), every item that mentions a rare query term, numeric outliers, then evenly
// spaced items up to the budget. Each gap becomes one note item `{"$omitted":N}` (N items left out
// there), so the result is still valid JSON and says what is missing. Keys, ids and the kept items
// are untouched.
import { type JArray, type JNode, serialize } from './json-syntax.js';
import { OMITTED_KEY } from './json-table.js';

/** Only "huge" arrays are sampled: at least this many items and this many minified chars
 *  (balanced asks for more than aggressive). */
export interface SampleLimits {
  minItems: number;
  minChars: number;
}
export const BALANCED_LIMITS: SampleLimits = { minItems: 16, minChars: 2000 };
export const AGGRESSIVE_LIMITS: SampleLimits = { minItems: 8, minChars: 600 };
/** A sampled array keeps at least this many items. */
const MIN_KEPT = 6;
/** Numeric fields with fewer values than this are not checked for outliers. */
const MIN_OUTLIER_VALUES = 8;
/** A query term marks items only if it occurs in at most this share of them. */
const RARE_TERM_SHARE = 0.3;

const ERROR_WORD = /\b(?:error|errors|exception|fail|failed|failure|failing|fatal|panic|crash(?:ed)?|traceback|denied|refused|rejected|timed[ _-]?out|timeout|abort(?:ed)?|unauthori[sz]ed|forbidden|critical|invalid)\b/i;
const ERROR_FIELD = /"(?:error|errors|err|exception|exceptions|failure|failures|error_message|errorMessage|error_code|errorCode|stack|stacktrace|stack_trace|stackTrace)":(?!null|false|""|\[\]|\{\}|0[,}\]])/i;
const BAD_STATUS = /"(?:status|status_code|statusCode|code|http_status|httpStatus|response_code|responseCode)":"?(?:[45]\d\d)\b/;
const OK_STATUS_WORD = /"(?:status|state|result|outcome|conclusion|level|severity)":"(?:error|err|failed|failure|fail|fatal|critical|crit|warn|warning|crashed|timed_out|timeout|cancelled|canceled|rejected|denied|aborted|exception|unhealthy|down)"/i;

export interface SampleResult {
  node: JNode;
  /** minified text of every item left out */
  omitted: string[];
}

/** Sample every large array in the value (outer arrays first; only kept items are visited). */
export function sampleArrays(root: JNode, keep: number, queryTerms: ReadonlySet<string>, limits: SampleLimits): SampleResult {
  const omitted: string[] = [];
  const node = visit(root, { keep, terms: queryTerms, limits, omitted });
  return { node, omitted };
}

interface Job {
  keep: number;
  terms: ReadonlySet<string>;
  limits: SampleLimits;
  omitted: string[];
}

function visit(node: JNode, job: Job): JNode {
  if (node.t === 'o') return { t: 'o', k: node.k, v: node.v.map((v) => visit(v, job)) };
  if (node.t !== 'a') return node;
  const sampled = node.v.length >= job.limits.minItems ? sampleOne(node, job) : node;
  return { t: 'a', v: sampled.v.map((v) => visit(v, job)) };
}

function sampleOne(arr: JArray, job: Job): JArray {
  const { keep, terms, omitted } = job;
  const n = arr.v.length;
  const texts = arr.v.map(serialize);
  let total = 2 + n - 1;
  for (const t of texts) total += t.length;
  if (total < job.limits.minChars) return arr;
  const budget = Math.max(MIN_KEPT, Math.ceil(n * Math.max(0, Math.min(1, keep))));
  if (budget >= n) return arr;

  const kept = new Uint8Array(n);
  kept[0] = 1;
  kept[n - 1] = 1;
  // error-like items and items with a rare query term: always kept
  const lower = texts.map((t) => t.toLowerCase());
  for (let i = 0; i < n; i++) if (isErrorLike(texts[i])) kept[i] = 1;
  for (const term of terms) {
    if (term.length < 3) continue;
    const hits: number[] = [];
    for (let i = 0; i < n; i++) if (lower[i].includes(term)) hits.push(i);
    if (hits.length > 0 && hits.length <= Math.max(1, n * RARE_TERM_SHARE)) for (const i of hits) kept[i] = 1;
  }
  markOutliers(arr, kept);
  // fill the rest of the budget with evenly spaced items
  let count = 0;
  for (let i = 0; i < n; i++) count += kept[i];
  const extra = budget - count;
  if (extra > 0) {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (!kept[i]) free.push(i);
    const step = free.length / extra;
    for (let j = 0; j < extra && j < free.length; j++) kept[free[Math.floor(j * step + step / 2)]] = 1;
  }
  const out: JNode[] = [];
  let gap = 0;
  for (let i = 0; i < n; i++) {
    if (kept[i]) {
      if (gap > 0) out.push(note(gap));
      gap = 0;
      out.push(arr.v[i]);
    } else {
      gap++;
      omitted.push(texts[i]);
    }
  }
  if (gap > 0) out.push(note(gap));
  return { t: 'a', v: out };
}

function note(count: number): JNode {
  return { t: 'o', k: [JSON.stringify(OMITTED_KEY)], v: [{ t: 'n', raw: String(count) }] };
}

export function isErrorLike(text: string): boolean {
  return ERROR_FIELD.test(text) || BAD_STATUS.test(text) || OK_STATUS_WORD.test(text) || errorInValues(text);
}

/** An error word inside a string value (not a key): looks at `:"…"` value strings only. */
function errorInValues(text: string): boolean {
  if (!ERROR_WORD.test(text)) return false;
  const re = /:"((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) if (ERROR_WORD.test(m[1])) return true;
  // string items of an array of strings
  return text.charCodeAt(0) === 34 && ERROR_WORD.test(text);
}

/** Keep the items holding the extreme values of each numeric field whose spread is unusual
 *  (an item more than 3 standard deviations from the mean). Id-like fields are skipped. */
function markOutliers(arr: JArray, kept: Uint8Array): void {
  const first = arr.v[0];
  if (first.t !== 'o') return;
  const fields = first.k.filter((k) => !/(?:^"id"$|_id"$|Id"$|"id_)/.test(k)).slice(0, 32);
  for (const key of fields) {
    const vals: number[] = [];
    const idx: number[] = [];
    for (let i = 0; i < arr.v.length; i++) {
      const item = arr.v[i];
      if (item.t !== 'o') continue;
      const p = item.k.indexOf(key);
      if (p < 0) continue;
      const v = item.v[p];
      if (v.t !== 'n') continue;
      const x = Number(v.raw);
      if (Number.isFinite(x)) {
        vals.push(x);
        idx.push(i);
      }
    }
    if (vals.length < MIN_OUTLIER_VALUES) continue;
    let mean = 0;
    for (const x of vals) mean += x;
    mean /= vals.length;
    let sd = 0;
    for (const x of vals) sd += (x - mean) * (x - mean);
    sd = Math.sqrt(sd / vals.length);
    if (sd === 0) continue;
    let marked = 0;
    for (let j = 0; j < vals.length && marked < 3; j++) {
      if (Math.abs(vals[j] - mean) > 3 * sd) {
        kept[idx[j]] = 1;
        marked++;
      }
    }
  }
}
