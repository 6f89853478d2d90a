// The guard: after a block was compressed, every protected span of the input that is not inside a
// unit the transform deliberately omitted must still be in the output verbatim (as many times).
// If not, the caller sends the original message (stats: guard 'reverted' + the first lost span).
// Prose and code are checked as multisets (each occurrence in a kept unit must survive); JSON and
// logs as sets (a compact table names a key once for all rows, a fold lists a repeated value once),
// with numbers checked without the word after them.
import { countSpans } from './protect.js';

export interface GuardResult {
  ok: boolean;
  /** the first lost span, when not ok */
  lost?: string;
}

const NUMBER = /^(?:[$€£¥] ?)?[-+]?\d/;

function numbersWithUnits(spans: Map<string, number>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [span, n] of spans) {
    const sp = span.indexOf(' ');
    if (sp > 0 && NUMBER.test(span)) {
      const bare = span.slice(0, sp);
      // "$ 20 per" keeps its currency sign apart: only a number followed by a word counts
      if (/\d$/.test(bare) || bare.endsWith('%')) m.set(bare, (m.get(bare) ?? 0) + n);
    }
  }
  return m;
}

export function checkSpans(
  input: string,
  output: string,
  omitted: readonly string[] | undefined,
  entities: readonly string[],
  structured = false,
): GuardResult {
  if (input === output) return { ok: true };
  const before = countSpans(input, entities, structured);
  if (before.size === 0) return { ok: true };
  const after = countSpans(output, entities, structured);
  const dropped = omitted && omitted.length > 0 ? countSpans(omitted.join('\n'), entities, structured) : undefined;
  // a bare number whose next token was markup ("**42** users" → "42 users") now reads as a number
  // with a unit: it is still there
  let withUnit: Map<string, number> | undefined;
  for (const [span, n] of before) {
    let have = after.get(span) ?? 0;
    if (have < n && NUMBER.test(span) && !span.includes(' ')) {
      withUnit ??= numbersWithUnits(after);
      have += withUnit.get(span) ?? 0;
    }
    if (structured) {
      if (have > 0 || (dropped?.get(span) ?? 0) > 0 || output.includes(span)) continue;
      return { ok: false, lost: span.length > 80 ? span.slice(0, 77) + '...' : span };
    }
    if (have >= n) continue;
    const allowed = dropped?.get(span) ?? 0;
    if (have + allowed >= n) continue;
    // a span that still occurs verbatim in the output text (e.g. merged into a longer span) is kept
    // (not for plain lower-case words such as negations: "not" is inside "nothing")
    if (have === 0 && n - allowed <= 1 && span.length > 3 && !/^[a-z']+$/.test(span) && output.includes(span)) continue;
    return { ok: false, lost: span.length > 80 ? span.slice(0, 77) + '...' : span };
  }
  return { ok: true };
}
