// Budgets: how much of a message's text the lossy transforms aim to keep. A level maps to a fixed
// share; `targetRatio` gives the share directly; `targetTokens` is turned into a share causally:
// message i aims at targetTokens / (compressible tokens of messages 0..i), so it never depends on
// later messages (a budget spread over the whole request would change earlier messages as a
// conversation grows and break the provider's prompt cache). The result is "about" the target:
// never-lost spans, verbatim trailing instructions and code are kept whatever the budget.
import type { CompressOptions, Level } from './types.js';

export const LEVEL_KEEP: Record<Exclude<Level, 'off'>, number> = {
  lossless: 1,
  balanced: 0.42,
  aggressive: 0.2,
};

export interface Budget {
  /** the transforms that may run */
  level: Level;
  /** what the stats call it */
  label: Level | 'target';
  /** share of a message's tokens to keep, given its tokens and the compressible tokens so far */
  keepFor(messageTokens: number, cumulativeTokens: number): number;
}

const LEVELS: readonly string[] = ['off', 'lossless', 'balanced', 'aggressive'];

export function resolveBudget(o: CompressOptions): Budget {
  const level: Level = typeof o.level === 'string' && LEVELS.includes(o.level) ? o.level : 'balanced';
  if (level === 'off') return { level, label: level, keepFor: () => 1 };
  const ratio = o.targetRatio;
  if (typeof ratio === 'number' && Number.isFinite(ratio) && ratio > 0) {
    const keep = Math.min(1, ratio);
    return { level: levelForKeep(keep), label: 'target', keepFor: () => keep };
  }
  const tokens = o.targetTokens;
  if (typeof tokens === 'number' && Number.isFinite(tokens) && tokens > 0) {
    return {
      level: 'aggressive',
      label: 'target',
      keepFor: (_m, cumulative) => (cumulative <= 0 ? 1 : Math.max(0.05, Math.min(1, tokens / cumulative))),
    };
  }
  const keep = LEVEL_KEEP[level];
  return { level, label: level, keepFor: () => keep };
}

function levelForKeep(keep: number): Level {
  if (keep >= 1) return 'lossless';
  return keep >= LEVEL_KEEP.balanced ? 'balanced' : 'aggressive';
}
