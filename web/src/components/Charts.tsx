// Plain SVG charts (no chart library): daily tokens original vs compressed as two areas, and daily
// savings as bars. They scale with their container through the viewBox.
import type { DailyPoint } from '../api';
import { compact, usd } from '../format';

const W = 720;
const H = 220;
const PAD = { l: 48, r: 12, t: 12, b: 28 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function shortDate(d: string): string {
  return new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function xTicks(n: number): number[] {
  if (n <= 1) return [0];
  const step = Math.max(1, Math.round((n - 1) / 4));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

export function TokensChart({ points }: { points: DailyPoint[] }) {
  const n = points.length;
  const max = niceMax(Math.max(0, ...points.map((p) => p.originalInputTokens)));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (n <= 1 ? iw / 2 : (i * iw) / (n - 1));
  const y = (v: number) => PAD.t + ih - (v / max) * ih;
  const line = (get: (p: DailyPoint) => number) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ');
  const area = (get: (p: DailyPoint) => number) => `${line(get)} L${x(n - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z`;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Daily input tokens, original versus compressed">
        {grid.map((g) => (
          <g key={g}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(g)} y2={y(g)} className="grid" />
            <text x={PAD.l - 8} y={y(g) + 4} className="axis" textAnchor="end">
              {compact(g)}
            </text>
          </g>
        ))}
        {xTicks(n).map((i) => (
          <text key={i} x={x(i)} y={H - 8} className="axis" textAnchor={i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'}>
            {shortDate(points[i].date)}
          </text>
        ))}
        {n > 0 && (
          <>
            <path d={area((p) => p.originalInputTokens)} className="area-original" />
            <path d={line((p) => p.originalInputTokens)} className="line-original" />
            <path d={area((p) => p.compressedInputTokens)} className="area-compressed" />
            <path d={line((p) => p.compressedInputTokens)} className="line-compressed" />
          </>
        )}
        {points.map((p, i) => (
          <rect key={p.date} x={x(i) - iw / Math.max(n, 1) / 2} y={PAD.t} width={iw / Math.max(n, 1)} height={ih} className="hover-target">
            <title>{`${shortDate(p.date)}: ${p.originalInputTokens.toLocaleString()} → ${p.compressedInputTokens.toLocaleString()} tokens, ${p.calls} calls`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="legend">
        <span className="swatch swatch-original" /> Original input tokens
        <span className="swatch swatch-compressed" /> Sent after compression
      </figcaption>
    </figure>
  );
}

export function SavingsChart({ points }: { points: DailyPoint[] }) {
  const n = points.length;
  const h = 160;
  const ih = h - PAD.t - PAD.b;
  const iw = W - PAD.l - PAD.r;
  const max = niceMax(Math.max(0, ...points.map((p) => p.savingsUsd)));
  const bw = Math.max(2, (iw / Math.max(n, 1)) * 0.7);
  const x = (i: number) => PAD.l + ((i + 0.5) * iw) / Math.max(n, 1);
  const y = (v: number) => PAD.t + ih - (v / max) * ih;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-label="Daily money saved">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(f * max)} y2={y(f * max)} className="grid" />
            <text x={PAD.l - 8} y={y(f * max) + 4} className="axis" textAnchor="end">
              {f === 0 ? '$0' : usd(f * max)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect key={p.date} x={x(i) - bw / 2} y={y(p.savingsUsd)} width={bw} height={Math.max(0, y(0) - y(p.savingsUsd))} rx={2} className="bar-savings">
            <title>{`${shortDate(p.date)}: ${usd(p.savingsUsd)} saved`}</title>
          </rect>
        ))}
        {xTicks(n).map((i) => (
          <text key={i} x={x(i)} y={h - 8} className="axis" textAnchor="middle">
            {shortDate(points[i].date)}
          </text>
        ))}
      </svg>
      <figcaption className="legend">
        <span className="swatch swatch-savings" /> Money saved on input tokens (before fee)
      </figcaption>
    </figure>
  );
}
