// The human-readable form of an eval report: one row per kind plus an overall row, then the cases
// that lost something. `--json` prints the report object itself instead.
import type { Aggregate, EvalReport } from './summary.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const clip = (xs: string[]): string =>
  JSON.stringify(xs.map((x) => (x.length > 80 ? `${x.slice(0, 77)}...` : x)));

const columns: Array<[string, (a: Aggregate & { cases: number }) => string]> = [
  ['cases', (a) => String(a.cases)],
  ['tokens', (a) => int(a.original_tokens)],
  ['→ tokens', (a) => int(a.compressed_tokens)],
  ['reduction', (a) => pct(a.reduction)],
  ['answers', (a) => pct(a.answer_retention)],
  ['must-keep', (a) => pct(a.must_keep_retention)],
  ['JSON ok', (a) => pct(a.json_validity)],
  ['determ.', (a) => pct(a.determinism)],
  ['causal', (a) => pct(a.causal_stability)],
  ['median ms', (a) => a.median_ms.toFixed(2)],
  ['tokens/s', (a) => int(a.tokens_per_second)],
];

/** Renders rows as an aligned text table; `leftAligned` lists the text columns (default: the first),
 *  every other column is right-aligned. */
export function renderTable(header: string[], rows: string[][], leftAligned: readonly number[] = [0]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (leftAligned.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function formatReport(report: EvalReport): string {
  const header = ['kind', ...columns.map(([name]) => name)];
  const row = (name: string, a: Aggregate & { cases: number }): string[] => [name, ...columns.map(([, f]) => f(a))];
  const rows = Object.entries(report.by_kind).map(([kind, a]) => row(kind, a));
  rows.push(row('overall', { cases: report.cases, ...report.overall }));
  const target = report.target_ratio === undefined ? '' : `, target ratio ${report.target_ratio}`;
  const out = [`level ${report.level}${target}, ${report.cases} cases`, '', renderTable(header, rows)];
  if (report.failures.length > 0) {
    out.push('', `cases that lost something (${report.failures.length}):`);
    for (const f of report.failures) {
      const parts: string[] = [];
      if (f.lost_answers.length) parts.push(`answers ${clip(f.lost_answers)}`);
      if (f.lost_must_keep.length) parts.push(`must-keep ${clip(f.lost_must_keep)}`);
      if (f.invalid_json) parts.push('invalid JSON');
      out.push(`  ${f.id}: ${parts.join('; ')}`);
    }
  }
  return out.join('\n');
}
