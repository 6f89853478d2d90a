// The eval harness: runs a compressor over eval cases and builds the report of the eval README.
// `opencompress eval` (src/cli/eval.ts) is its command-line face; tests call it directly.
import type { CompressOptions } from '../compress/types.js';
import type { EvalCase } from './cases.js';
import type { Clock } from './clock.js';
import { runCase, type CaseResult, type Compressor } from './run-case.js';
import { buildReport, type EvalReport } from './summary.js';

export { loadCases, parseCases, CaseFormatError, type EvalCase } from './cases.js';
export { formatReport } from './report-table.js';
export { CLOCKS, type Clock } from './clock.js';
export type { CaseResult, Compressor } from './run-case.js';
export type { EvalReport, Aggregate, Failure } from './summary.js';

export interface EvalOptions {
  compress: Compressor;
  options: CompressOptions;
  runs?: number;
  skipCausal?: boolean;
  clock?: Clock;
  /** called after each case (progress, verbose output) */
  onCase?: (result: CaseResult) => void;
}

export function runEval(cases: readonly EvalCase[], opts: EvalOptions): { report: EvalReport; results: CaseResult[] } {
  // One untimed call first so module-level tables (tokenizer, word lists) are loaded before timing.
  if (cases.length > 0) {
    try {
      opts.compress(cases[0].messages, opts.options);
    } catch {
      // reported by runCase for the case itself
    }
  }
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = runCase(c, opts);
    results.push(r);
    opts.onCase?.(r);
  }
  const level = opts.options.level ?? 'balanced';
  return { report: buildReport(level, results, opts.options.targetRatio), results };
}
