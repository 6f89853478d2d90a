// The guard: after a block was compressed, every protected span of the input that is not inside a
// unit the transform deliberately omitted must still be in the output verbatim (as many times).
// If not, the caller sends the original message (stats: guard 'reverted' + the first lost span).
import { countSpans } from './protect.js';

export interface GuardResult {
  ok: boolean;
  /** the first lost span, when not ok */
  lost?: string;
}

export function checkSpans(
  input: string,
  output: string,
  omitted: readonly string[] | undefined,
  entities: readonly string[],
): GuardResult {
  if (input === output) return { ok: true };
  const before = countSpans(input, entities);
  if (before.size === 0) return { ok: true };
  const after = countSpans(output, entities);
  const dropped = omitted && omitted.length > 0 ? countSpans(omitted.join('\n'), entities) : undefined;
  for (const [span, n] of before) {
    const have = after.get(span) ?? 0;
    if (have >= n) continue;
    const allowed = dropped?.get(span) ?? 0;
    if (have + allowed >= n) continue;
    // a span that still occurs verbatim in the output text (e.g. merged into a longer span) is kept
    if (have === 0 && output.includes(span) && n - allowed <= 1) continue;
    if (have > 0 && n - allowed <= have) continue;
    return { ok: false, lost: span.length > 80 ? span.slice(0, 77) + '...' : span };
  }
  return { ok: true };
}
