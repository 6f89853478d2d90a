// Aggregates per-case results into the report of the eval README: overall and per kind, reduction
// token-weighted, retention / validity / determinism / causal stability case-averaged (a case counts
// for a retention or validity figure only when it has something to retain or validate; with no such
// case the figure is 1), median ms over cases, tokens per second = original tokens / total time.
import type { CaseResult } from './run-case.js';

export interface Aggregate {
  original_tokens: number;
  compressed_tokens: number;
  reduction: number;
  answer_retention: number;
  must_keep_retention: number;
  json_validity: number;
  determinism: number;
  causal_stability: number;
  median_ms: number;
  tokens_per_second: number;
}

export interface Failure {
  id: string;
  lost_answers: string[];
  lost_must_keep: string[];
  invalid_json: boolean;
}

export interface EvalReport {
  level: string;
  target_ratio?: number;
  cases: number;
  overall: Aggregate;
  by_kind: Record<string, { cases: number } & Aggregate>;
  failures: Failure[];
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function mean(values: number[]): number {
  return values.length === 0 ? 1 : values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function aggregate(results: readonly CaseResult[]): Aggregate {
  const original = results.reduce((a, r) => a + r.originalTokens, 0);
  const compressed = results.reduce((a, r) => a + r.compressedTokens, 0);
  const timed = results.filter((r) => Number.isFinite(r.ms));
  const totalMs = timed.reduce((a, r) => a + r.ms, 0);
  const timedTokens = timed.reduce((a, r) => a + r.originalTokens, 0);
  const defined = <T>(xs: Array<T | null>): T[] => xs.filter((x): x is T => x !== null);
  return {
    original_tokens: original,
    compressed_tokens: compressed,
    reduction: original === 0 ? 0 : round(1 - compressed / original, 4),
    answer_retention: round(mean(defined(results.map((r) => r.answerRetention))), 4),
    must_keep_retention: round(mean(defined(results.map((r) => r.mustKeepRetention))), 4),
    json_validity: round(mean(defined(results.map((r) => r.jsonValid)).map(Number)), 4),
    determinism: round(mean(results.map((r) => Number(r.deterministic))), 4),
    causal_stability: round(mean(results.map((r) => Number(r.causalStable))), 4),
    median_ms: round(median(timed.map((r) => r.ms)), 3),
    tokens_per_second: totalMs > 0 ? Math.round(timedTokens / (totalMs / 1000)) : 0,
  };
}

export function failures(results: readonly CaseResult[]): Failure[] {
  return results
    .filter((r) => r.lostAnswers.length > 0 || r.lostMustKeep.length > 0 || r.jsonValid === false)
    .map((r) => ({
      id: r.id,
      lost_answers: r.lostAnswers,
      lost_must_keep: r.lostMustKeep,
      invalid_json: r.jsonValid === false,
    }));
}

export function buildReport(level: string, results: readonly CaseResult[], targetRatio?: number): EvalReport {
  const kinds = [...new Set(results.map((r) => r.kind))].sort();
  const byKind: EvalReport['by_kind'] = {};
  for (const kind of kinds) {
    const rs = results.filter((r) => r.kind === kind);
    byKind[kind] = { cases: rs.length, ...aggregate(rs) };
  }
  return {
    level,
    ...(targetRatio === undefined ? {} : { target_ratio: targetRatio }),
    cases: results.length,
    overall: aggregate(results),
    by_kind: byKind,
    failures: failures(results),
  };
}
