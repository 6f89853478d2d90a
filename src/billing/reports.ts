// Read functions over usage, balances and the ledger, for the dashboard API (session-authenticated,
// own account only — the caller passes the signed-in account's id) and for /v1/usage (sk-occ- key).
// They return API-ready objects: snake_case, money in USD (from integer micro-dollars), and
// `compression_rate` = share of input tokens removed (0.4 = the prompt got 40% smaller).
import type { Kysely } from 'kysely';
import type { Database, LedgerRow, UsageRow } from '../store/schema.js';
import { countUsage, listUsage, sumUsage, sumUsageBy, type UsageFilter, type UsageTotals } from '../store/usage.js';
import { countLedger, listLedger } from '../store/ledger.js';
import { ensureBalance, grantCredits as grant } from './balances.js';
import { microsToUsd, usdToMicros } from './fees.js';

type Db = Kysely<Database>;

export type { UsageFilter } from '../store/usage.js';

export interface UsageRowApi {
  id: string;
  request_id: string;
  created_at: string;
  key_id: string;
  mode: string;
  model: string;
  status: string;
  original_input_tokens: number;
  compressed_input_tokens: number;
  tokens_saved: number;
  output_tokens: number;
  cached_input_tokens: number;
  compression_rate: number;
  savings_usd: number;
  llm_cost_usd: number;
  fee_usd: number;
  charged_usd: number;
  shortfall_usd: number;
  latency_ms: number;
}

function rate(saved: number, original: number): number {
  return original > 0 ? Math.round((saved / original) * 10_000) / 10_000 : 0;
}

export function usageRowToApi(r: UsageRow): UsageRowApi {
  const original = Number(r.original_input_tokens);
  const saved = Number(r.tokens_saved);
  return {
    id: r.id,
    request_id: r.request_id,
    created_at: r.created_at,
    key_id: r.key_id,
    mode: r.mode,
    model: r.model,
    status: r.status,
    original_input_tokens: original,
    compressed_input_tokens: Number(r.compressed_input_tokens),
    tokens_saved: saved,
    output_tokens: Number(r.output_tokens),
    cached_input_tokens: Number(r.cached_input_tokens),
    compression_rate: rate(saved, original),
    savings_usd: microsToUsd(Number(r.savings_micros)),
    llm_cost_usd: microsToUsd(Number(r.llm_cost_micros)),
    fee_usd: microsToUsd(Number(r.fee_micros)),
    charged_usd: microsToUsd(Number(r.charged_micros)),
    shortfall_usd: microsToUsd(Number(r.shortfall_micros)),
    latency_ms: Number(r.latency_ms),
  };
}

export interface UsagePage {
  data: UsageRowApi[];
  total: number;
  limit: number;
  offset: number;
}

function clampLimit(limit: number | undefined, max = 500): number {
  const n = Math.floor(Number(limit ?? 50));
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), max) : 50;
}

/** Per-request usage, newest first, filtered (key, model, status, date range) and paged. */
export async function usagePage(db: Db, filter: UsageFilter, page: { limit?: number; offset?: number } = {}): Promise<UsagePage> {
  const limit = clampLimit(page.limit);
  const offset = Math.max(0, Math.floor(Number(page.offset ?? 0)) || 0);
  const [rows, total] = await Promise.all([listUsage(db, filter, { limit, offset }), countUsage(db, filter)]);
  return { data: rows.map(usageRowToApi), total, limit, offset };
}

const CSV_COLUMNS: (keyof UsageRowApi)[] = [
  'created_at', 'request_id', 'key_id', 'mode', 'model', 'status', 'original_input_tokens', 'compressed_input_tokens',
  'tokens_saved', 'output_tokens', 'cached_input_tokens', 'compression_rate', 'savings_usd', 'llm_cost_usd', 'fee_usd',
  'charged_usd', 'shortfall_usd', 'latency_ms',
];

function csvCell(v: unknown): string {
  const s = String(v ?? '');
  // Quote when needed, and defuse spreadsheet formulas in text cells (model names come from clients).
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The filtered usage as CSV (header + newest-first rows, at most `maxRows`). */
export async function usageCsv(db: Db, filter: UsageFilter, maxRows = 100_000): Promise<string> {
  const lines = [CSV_COLUMNS.join(',')];
  const pageSize = 1000;
  for (let offset = 0; offset < maxRows; offset += pageSize) {
    const rows = await listUsage(db, filter, { limit: Math.min(pageSize, maxRows - offset), offset });
    for (const r of rows) {
      const api = usageRowToApi(r);
      lines.push(CSV_COLUMNS.map((c) => csvCell(api[c])).join(','));
    }
    if (rows.length < pageSize) break;
  }
  return lines.join('\r\n') + '\r\n';
}

export interface TotalsApi {
  calls: number;
  original_input_tokens: number;
  compressed_input_tokens: number;
  tokens_saved: number;
  output_tokens: number;
  savings_usd: number;
  fees_usd: number;
  llm_cost_usd: number;
  charged_usd: number;
  /**
   * share of input tokens removed, token-weighted, over the requests that were sent and answered in
   * full (status ok or guard_reverted): Σ tokens_saved / Σ original_input_tokens of those rows only.
   * The other totals count every row, so this is not tokens_saved / original_input_tokens above
   * when the period has failed, aborted or uncompressed requests (docs/billing.md).
   */
  avg_compression_rate: number;
}

function totalsToApi(t: UsageTotals): TotalsApi {
  return {
    calls: t.calls,
    original_input_tokens: t.original_input_tokens,
    compressed_input_tokens: t.compressed_input_tokens,
    tokens_saved: t.tokens_saved,
    output_tokens: t.output_tokens,
    savings_usd: microsToUsd(t.savings_micros),
    fees_usd: microsToUsd(t.fee_micros),
    llm_cost_usd: microsToUsd(t.llm_cost_micros),
    charged_usd: microsToUsd(t.charged_micros),
    avg_compression_rate: rate(t.rate_tokens_saved, t.rate_original_input_tokens),
  };
}

function monthStart(d: Date, monthsBack = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - monthsBack, 1));
}

/** Totals of the current calendar month (UTC). */
export async function monthTotals(db: Db, accountId: string, now = new Date(), keyId?: string): Promise<TotalsApi & { month: string }> {
  const from = monthStart(now);
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const t = await sumUsage(db, { accountId, keyId, from: from.toISOString(), to: to.toISOString() });
  return { month: from.toISOString().slice(0, 7), ...totalsToApi(t) };
}

/** One entry per calendar month (UTC) with usage, oldest first, over the last `months` months. */
export async function monthlyAggregates(db: Db, accountId: string, opts: { months?: number; now?: Date; keyId?: string } = {}): Promise<(TotalsApi & { month: string })[]> {
  const now = opts.now ?? new Date();
  const months = Math.min(Math.max(opts.months ?? 12, 1), 120);
  const rows = await sumUsageBy(db, { accountId, keyId: opts.keyId, from: monthStart(now, months - 1).toISOString() }, 'month');
  return rows.map((r) => ({ month: r.period, ...totalsToApi(r) }));
}

/** The last `days` days (UTC, default 30, today included), every day present (zeros when idle). */
export async function dailySeries(db: Db, accountId: string, opts: { days?: number; now?: Date; keyId?: string } = {}): Promise<(TotalsApi & { date: string })[]> {
  const now = opts.now ?? new Date();
  const days = Math.min(Math.max(opts.days ?? 30, 1), 366);
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const rows = await sumUsageBy(db, { accountId, keyId: opts.keyId, from: first.toISOString() }, 'day');
  const byDay = new Map(rows.map((r) => [r.period, r]));
  const empty: UsageTotals = { calls: 0, original_input_tokens: 0, compressed_input_tokens: 0, tokens_saved: 0, output_tokens: 0, savings_micros: 0, fee_micros: 0, llm_cost_micros: 0, charged_micros: 0, shortfall_micros: 0, rate_original_input_tokens: 0, rate_tokens_saved: 0 };
  const out: (TotalsApi & { date: string })[] = [];
  for (let i = 0; i < days; i++) {
    const date = new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    out.push({ date, ...totalsToApi(byDay.get(date) ?? empty) });
  }
  return out;
}

export interface BalanceApi {
  balance_usd: number;
  balance_micros: number;
}

/** The account's balance (opening it with the free credit on first read). */
export async function balance(db: Db, accountId: string, freeCreditUsd: number): Promise<BalanceApi> {
  const micros = await ensureBalance(db, accountId, usdToMicros(freeCreditUsd));
  return { balance_usd: microsToUsd(micros), balance_micros: micros };
}

export interface LedgerEntryApi {
  id: string;
  created_at: string;
  kind: LedgerRow['kind'];
  amount_usd: number;
  balance_after_usd: number;
  request_id: string | null;
  note: string | null;
}

export async function ledgerEntries(
  db: Db,
  accountId: string,
  page: { limit?: number; offset?: number; kind?: LedgerRow['kind'] } = {},
): Promise<{ data: LedgerEntryApi[]; total: number; limit: number; offset: number }> {
  const limit = clampLimit(page.limit);
  const offset = Math.max(0, Math.floor(Number(page.offset ?? 0)) || 0);
  const [rows, total] = await Promise.all([listLedger(db, accountId, { limit, offset, kind: page.kind }), countLedger(db, accountId, page.kind)]);
  return {
    data: rows.map((r) => ({
      id: r.id,
      created_at: r.created_at,
      kind: r.kind,
      amount_usd: microsToUsd(Number(r.amount_micros)),
      balance_after_usd: microsToUsd(Number(r.balance_after_micros)),
      request_id: r.request_id,
      note: r.note,
    })),
    total,
    limit,
    offset,
  };
}

/** Admin action (dashboard, CLI): grant credit; returns the new balance. */
export async function grantCredits(db: Db, accountId: string, usd: number, note: string | null, freeCreditUsd: number): Promise<BalanceApi> {
  const micros = await grant(db, accountId, usd, note, freeCreditUsd);
  return { balance_usd: microsToUsd(micros), balance_micros: micros };
}

/** `GET /v1/usage/summary`: the account's balance and this month's totals. */
export async function usageSummary(db: Db, accountId: string, freeCreditUsd: number, now = new Date()) {
  const [bal, month] = await Promise.all([balance(db, accountId, freeCreditUsd), monthTotals(db, accountId, now)]);
  return {
    balance_usd: bal.balance_usd,
    month: {
      month: month.month,
      calls: month.calls,
      original_input_tokens: month.original_input_tokens,
      compressed_input_tokens: month.compressed_input_tokens,
      tokens_saved: month.tokens_saved,
      savings_usd: month.savings_usd,
      fees_usd: month.fees_usd,
      charged_usd: month.charged_usd,
      avg_compression_rate: month.avg_compression_rate,
    },
  };
}
