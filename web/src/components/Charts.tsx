// Plain SVG charts (no chart library): daily tokens original vs compressed as two areas, and daily
// savings as bars. They measure their container and draw at 1:1 pixels, so axis text keeps its
// size on a phone instead of shrinking with a scaled viewBox.
import { useEffect, useRef, useState } from 'react';
import type { DailyPoint } from '../api';
import { compact, usd } from '../format';

const PAD = { l: 56, r: 12, t: 12, b: 28 };

function useWidth(initial = 720): [React.RefObject<HTMLElement | null>, number] {
  const ref = useRef<HTMLElement | null>(null);
  const [w, setW] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setW(Math.max(240, Math.round(el.clientWidth)));
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

/** A round axis maximum whose halves and quarters are round too. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 4, 5, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function shortDate(d: string): string {
  return new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** Indices of the dates to label: evenly spaced, always the last one, never two crowded together. */
function xTicks(n: number, width: number): number[] {
  if (n <= 1) return [0];
  const wanted = Math.max(2, Math.min(6, Math.floor(width / 110)));
  const step = Math.max(1, Math.ceil((n - 1) / (wanted - 1)));
  const out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) {
    if (n - 1 - out[out.length - 1] < step / 2) out.pop();
    out.push(n - 1);
  }
  return out;
}

function money(v: number): string {
  return v === 0 ? '$0' : usd(v);
}

export function TokensChart({ points }: { points: DailyPoint[] }) {
  const [ref, W] = useWidth();
  const H = W < 500 ? 180 : 220;
  const n = points.length;
  const max = niceMax(Math.max(0, ...points.map((p) => p.originalInputTokens)));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (n <= 1 ? iw / 2 : (i * iw) / (n - 1));
  const y = (v: number) => PAD.t + ih - (v / max) * ih;
  const line = (get: (p: DailyPoint) => number) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ');
  const area = (get: (p: DailyPoint) => number) => `${line(get)} L${x(n - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z`;
  const grid = (W < 500 ? [0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]).map((f) => f * max);
  return (
    <figure className="chart" ref={ref as React.RefObject<HTMLElement>}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="Daily input tokens, original versus compressed">
        {grid.map((g) => (
          <g key={g}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(g)} y2={y(g)} className="grid" />
            <text x={PAD.l - 8} y={y(g) + 4} className="axis" textAnchor="end">
              {compact(g)}
            </text>
          </g>
        ))}
        {xTicks(n, iw).map((i) => (
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
  const [ref, W] = useWidth();
  const H = 160;
  const n = points.length;
  const ih = H - PAD.t - PAD.b;
  const iw = W - PAD.l - PAD.r;
  const max = niceMax(Math.max(0, ...points.map((p) => p.savingsUsd)));
  const bw = Math.max(2, (iw / Math.max(n, 1)) * 0.7);
  const x = (i: number) => PAD.l + ((i + 0.5) * iw) / Math.max(n, 1);
  const y = (v: number) => PAD.t + ih - (v / max) * ih;
  return (
    <figure className="chart" ref={ref as React.RefObject<HTMLElement>}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="Daily money saved">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(f * max)} y2={y(f * max)} className="grid" />
            <text x={PAD.l - 8} y={y(f * max) + 4} className="axis" textAnchor="end">
              {money(f * max)}
            </text>
          </g>
        ))}
        {points.map((p, i) => (
          <rect key={p.date} x={x(i) - bw / 2} y={y(p.savingsUsd)} width={bw} height={Math.max(0, y(0) - y(p.savingsUsd))} rx={2} className="bar-savings">
            <title>{`${shortDate(p.date)}: ${usd(p.savingsUsd)} saved`}</title>
          </rect>
        ))}
        {xTicks(n, iw).map((i) => (
          <text key={i} x={x(i)} y={H - 8} className="axis" textAnchor={i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle'}>
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
