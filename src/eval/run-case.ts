// Measures one eval case: tokens before/after, retention of answers and must-keep strings, JSON
// validity, determinism (every run gives the same bytes), causal stability (compressing
// messages[0..k] gives the first k messages of the full compression, for every k) and the time of
// `compressMessages` alone (median of warm runs, CPU or wall clock). The compressor is passed in so
// the harness can be pointed at any engine build with the same signature.
import type { ChatMessage, CompressOptions, CompressResult } from '../compress/types.js';
import type { EvalCase } from './cases.js';
import { timed, type Clock } from './clock.js';
import { jsonStillValid, jsonTextPositions } from './json-validity.js';
import { allTexts } from './message-text.js';
import { haystack, missing } from './retention.js';
import { countAll } from './tokens.js';

export type Compressor = (messages: ChatMessage[], options: CompressOptions) => CompressResult;

export interface CaseOptions {
  compress: Compressor;
  options: CompressOptions;
  /** timed runs per case (median taken); default 3 */
  runs?: number;
  /** skip the causal check (it costs one compression per message) */
  skipCausal?: boolean;
  /** how compressMessages is timed (default 'cpu', see clock.ts) */
  clock?: Clock;
}

export interface CaseResult {
  id: string;
  kind: string;
  messages: number;
  originalTokens: number;
  compressedTokens: number;
  lostAnswers: string[];
  lostMustKeep: string[];
  /** answers / must-keep strings not even present in the original messages (a data problem) */
  absentAnswers: string[];
  absentMustKeep: string[];
  /** null when the case has no answers */
  answerRetention: number | null;
  mustKeepRetention: number | null;
  /** null when no message content parsed as JSON before compression */
  jsonValid: boolean | null;
  deterministic: boolean;
  /** null when stable, else the first prefix length k whose compression differed */
  causalBreakAt: number | null;
  causalStable: boolean;
  /** median ms of compressMessages; NaN when it threw */
  ms: number;
  /** the engine's error, when compressMessages threw */
  error?: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function share(total: number, lost: number): number | null {
  return total === 0 ? null : (total - lost) / total;
}

/** First k in 1..n-1 at which compress(messages[0..k]) is not the first k of `full`, or null. */
function causalBreak(c: EvalCase, full: string[], opts: CaseOptions): number | null {
  const n = c.messages.length;
  for (let k = 1; k < n; k++) {
    const prefix = opts.compress(c.messages.slice(0, k), opts.options).messages;
    if (prefix.length !== k) return k;
    for (let i = 0; i < k; i++) {
      if (JSON.stringify(prefix[i]) !== full[i]) return k;
    }
  }
  return null;
}

export function runCase(c: EvalCase, opts: CaseOptions): CaseResult {
  const runs = Math.max(1, opts.runs ?? 3);
  const originalTexts = allTexts(c.messages);
  const before = countAll(originalTexts);
  const originalHay = haystack(originalTexts);
  const jsonPositions = jsonTextPositions(c.messages);

  let compressed: ChatMessage[] = c.messages;
  let deterministic = false;
  let causalBreakAt: number | null = 1;
  let ms = Number.NaN;
  let error: string | undefined;
  try {
    // The first call warms this case's code paths; its output is the reference for determinism.
    compressed = opts.compress(c.messages, opts.options).messages;
    const reference = JSON.stringify(compressed);
    const times: number[] = [];
    deterministic = true;
    for (let r = 0; r < runs; r++) {
      const { value: again, ms: t } = timed(opts.clock ?? 'cpu', () => opts.compress(c.messages, opts.options));
      times.push(t);
      if (JSON.stringify(again.messages) !== reference) deterministic = false;
    }
    ms = median(times);
    causalBreakAt = opts.skipCausal ? null : causalBreak(c, compressed.map((m) => JSON.stringify(m)), opts);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    compressed = c.messages;
    deterministic = false;
  }

  const compressedTexts = allTexts(compressed);
  const after = countAll(compressedTexts, before.counts);
  const hay = haystack(compressedTexts);
  const lostAnswers = missing(c.answers, hay);
  const lostMustKeep = missing(c.mustKeep, hay);
  return {
    id: c.id,
    kind: c.kind,
    messages: c.messages.length,
    originalTokens: before.total,
    compressedTokens: after.total,
    lostAnswers,
    lostMustKeep,
    absentAnswers: missing(c.answers, originalHay),
    absentMustKeep: missing(c.mustKeep, originalHay),
    answerRetention: share(c.answers.length, lostAnswers.length),
    mustKeepRetention: share(c.mustKeep.length, lostMustKeep.length),
    jsonValid: jsonPositions.length === 0 ? null : jsonStillValid(compressed, jsonPositions),
    deterministic,
    causalBreakAt,
    causalStable: causalBreakAt === null,
    ms,
    ...(error === undefined ? {} : { error }),
  };
}
