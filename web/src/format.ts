// Number, money and date formatting shared by every page, so the same value reads the same everywhere.

const intFmt = new Intl.NumberFormat('en-US');

export function int(n: number): string {
  return intFmt.format(Math.round(n));
}

/** 12,345 → "12.3k" for chart axes and stat cards */
export function compact(n: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** Dollars with enough precision for sub-cent fees (money is kept in micro-dollars). */
export function usd(n: number): string {
  const abs = Math.abs(n);
  if (abs > 0 && abs < 0.01) {
    const s = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 }).format(abs);
    return n < 0 ? `−${s}` : s;
  }
  const s = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: abs < 1 && abs > 0 ? 3 : 2 }).format(abs);
  return n < 0 ? `−${s}` : s;
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)}%`;
}

export function dateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString('en-US', { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function date(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
}

/** "3 minutes ago", "yesterday", or a date for older times */
export function ago(iso: string | null): string {
  if (!iso) return 'Never';
  const s = (Date.now() - new Date(iso).getTime()) / 1000;
  if (s < 45) return 'Just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 2 * 86400) return 'Yesterday';
  if (s < 30 * 86400) return `${Math.round(s / 86400)} days ago`;
  return date(iso);
}

export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Dollars for headline numbers: at most 4 decimals, "<$0.0001" below that. */
export function usdShort(n: number): string {
  const abs = Math.abs(n);
  if (abs > 0 && abs < 0.0001) return n < 0 ? '−<$0.0001' : '<$0.0001';
  if (abs > 0 && abs < 0.01) return `${n < 0 ? '−' : ''}$${abs.toFixed(4)}`;
  return usd(n);
}
