// SQL for the `usage` table: batch inserts (billing/recorder.ts) and the reads behind the dashboard
// and /v1/usage (billing/reports.ts): filtered pages, monthly and daily aggregates. Timestamps are
// ISO-8601 UTC text, so a month is `substr(created_at, 1, 7)` and a day `substr(created_at, 1, 10)`
// on both SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { CompiledQuery, PostgresAdapter, sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database, NewUsageRow, UsageRow } from './schema.js';

type Db = Kysely<Database>;

/**
 * Ids for the high-volume billing rows (usage, ledger): `<prefix>_` + base36 time (sortable, same
 * shape as ids.ts `newId`) + 20 hex characters from `randomUUID()` (80 random bits). ~20× cheaper
 * than `newId` per row, which matters at thousands of rows per second.
 */
export function newRowId(prefix: string): string {
  const u = randomUUID();
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${u.slice(0, 8)}${u.slice(9, 13)}${u.slice(24, 32)}`;
}

/** Every column of a usage row, in the order of the batch INSERT's parameters. */
const USAGE_COLUMNS = [
  'id', 'request_id', 'created_at', 'account_id', 'key_id', 'mode', 'model', 'status',
  'original_input_tokens', 'compressed_input_tokens', 'tokens_saved', 'output_tokens', 'cached_input_tokens',
  'usage_reported', 'price_known', 'savings_micros', 'llm_cost_micros', 'fee_micros', 'charged_micros',
  'shortfall_micros', 'latency_ms',
] as const satisfies readonly (keyof NewUsageRow)[];

/** Rows per INSERT statement (21 × 500 = 10,500 parameters: inside SQLite's 32,766 and PostgreSQL's 65,535). */
export const USAGE_ROWS_PER_INSERT = 500;

// The n-row INSERT is written here as text rather than through Kysely's query builder: building a
// 500-row INSERT as an operation tree and compiling it for every batch cost more CPU than SQLite's
// own work (~5 % of a pass-through request). Only the placeholder style differs by dialect.
const COLUMN_LIST = USAGE_COLUMNS.map((c) => `"${c}"`).join(', ');
const SQLITE_ROW = `(${USAGE_COLUMNS.map(() => '?').join(', ')})`;

/** The INSERT text for n rows, built once per dialect and n (CHUNK_SIZES keeps the set small). */
const insertTexts = new Map<string, string>();
function insertSql(db: Db, n: number): string {
  const numbered = db.getExecutor().adapter instanceof PostgresAdapter;
  const key = `${numbered ? 'pg' : 'sqlite'}:${n}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    text = buildInsertSql(numbered, n);
    insertTexts.set(key, text);
  }
  return text;
}

function buildInsertSql(numbered: boolean, n: number): string {
  const rows: string[] = new Array(n);
  const width = USAGE_COLUMNS.length;
  for (let r = 0; r < n; r++) {
    if (!numbered) {
      rows[r] = SQLITE_ROW;
      continue;
    }
    const p: string[] = new Array(width);
    for (let c = 0; c < width; c++) p[c] = `$${r * width + c + 1}`;
    rows[r] = `(${p.join(', ')})`;
  }
  return `insert into "usage" (${COLUMN_LIST}) values ${rows.join(', ')}`;
}

/** Row counts a batch is cut into, largest first: a few distinct INSERT texts, so each is prepared
 *  once and then reused (statement-cache.ts) instead of one new text for every batch size. */
const CHUNK_SIZES = [USAGE_ROWS_PER_INSERT, 100, 20, 5, 1];

/** Insert usage rows: multi-row INSERTs of CHUNK_SIZES rows. Run it in the caller's transaction. */
export async function insertUsageRows(db: Db, rows: NewUsageRow[]): Promise<void> {
  let start = 0;
  for (const size of CHUNK_SIZES) {
    while (rows.length - start >= size) {
      const params: unknown[] = new Array(size * USAGE_COLUMNS.length);
      let i = 0;
      for (let r = start; r < start + size; r++) for (const c of USAGE_COLUMNS) params[i++] = rows[r][c];
      await db.executeQuery(CompiledQuery.raw(insertSql(db, size), params));
      start += size;
    }
  }
}

export interface UsageFilter {
  accountId: string;
  keyId?: string;
  model?: string;
  status?: string;
  /** ISO timestamps: from inclusive, to exclusive */
  from?: string;
  to?: string;
}

/** A filter bound as the stored form (`toISOString()`), so text comparison is time comparison. */
function isoBound(value: string, name: string): string {
  const d = new Date(value);
  if (typeof value !== 'string' || value.trim() === '' || Number.isNaN(d.getTime())) throw new RangeError(`invalid date for "${name}": ${String(value).slice(0, 40)}`);
  return d.toISOString();
}

function filtered(db: Db, f: UsageFilter): SelectQueryBuilder<Database, 'usage', {}> {
  let q = db.selectFrom('usage').where('account_id', '=', f.accountId);
  if (f.keyId) q = q.where('key_id', '=', f.keyId);
  if (f.model) q = q.where('model', '=', f.model);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('created_at', '>=', isoBound(f.from, 'from'));
  if (f.to) q = q.where('created_at', '<', isoBound(f.to, 'to'));
  return q;
}

/** Newest first. */
export async function listUsage(db: Db, f: UsageFilter, page: { limit: number; offset: number }): Promise<UsageRow[]> {
  return filtered(db, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
}

export async function countUsage(db: Db, f: UsageFilter): Promise<number> {
  const row = await filtered(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Statuses of the requests the average compression rate counts: the request was sent upstream and
 * answered in full, with the engine's result applied (`ok`) or reverted by its guard
 * (`guard_reverted`, 0 % for that request). Not counted: `not_compressed` (compression off — level
 * `off` — or nothing to compress), `client_aborted` (incomplete), `upstream_error`, `invalid_request`.
 * docs/billing.md "Average compression rate".
 */
export const COMPRESSION_RATE_STATUSES = ['ok', 'guard_reverted'] as const;
const RATE_STATUS_LIST = COMPRESSION_RATE_STATUSES.map((s) => `'${s}'`).join(', ');

export interface UsageTotals {
  calls: number;
  original_input_tokens: number;
  compressed_input_tokens: number;
  tokens_saved: number;
  output_tokens: number;
  savings_micros: number;
  fee_micros: number;
  llm_cost_micros: number;
  charged_micros: number;
  shortfall_micros: number;
  /** original input tokens of the COMPRESSION_RATE_STATUSES rows (denominator of the average rate) */
  rate_original_input_tokens: number;
  /** tokens saved by the COMPRESSION_RATE_STATUSES rows (numerator of the average rate) */
  rate_tokens_saved: number;
}

const totals = {
  calls: sql<number>`count(*)`,
  original_input_tokens: sql<number>`coalesce(sum(original_input_tokens), 0)`,
  compressed_input_tokens: sql<number>`coalesce(sum(compressed_input_tokens), 0)`,
  tokens_saved: sql<number>`coalesce(sum(tokens_saved), 0)`,
  output_tokens: sql<number>`coalesce(sum(output_tokens), 0)`,
  savings_micros: sql<number>`coalesce(sum(savings_micros), 0)`,
  fee_micros: sql<number>`coalesce(sum(fee_micros), 0)`,
  llm_cost_micros: sql<number>`coalesce(sum(llm_cost_micros), 0)`,
  charged_micros: sql<number>`coalesce(sum(charged_micros), 0)`,
  shortfall_micros: sql<number>`coalesce(sum(shortfall_micros), 0)`,
  rate_original_input_tokens: sql<number>`coalesce(sum(case when status in (${sql.raw(RATE_STATUS_LIST)}) then original_input_tokens else 0 end), 0)`,
  rate_tokens_saved: sql<number>`coalesce(sum(case when status in (${sql.raw(RATE_STATUS_LIST)}) then tokens_saved else 0 end), 0)`,
};

function toTotals(row: Record<string, unknown>): UsageTotals {
  const out = {} as Record<string, number>;
  for (const k of Object.keys(totals)) out[k] = Number(row[k] ?? 0);
  return out as unknown as UsageTotals;
}

export async function sumUsage(db: Db, f: UsageFilter): Promise<UsageTotals> {
  const row = await filtered(db, f)
    .select(Object.entries(totals).map(([k, v]) => v.as(k)))
    .executeTakeFirstOrThrow();
  return toTotals(row as Record<string, unknown>);
}

/** Totals grouped by `YYYY-MM` (period length 7) or `YYYY-MM-DD` (10), oldest first. */
export async function sumUsageBy(db: Db, f: UsageFilter, period: 'month' | 'day'): Promise<(UsageTotals & { period: string })[]> {
  const len = period === 'month' ? 7 : 10;
  const bucket = sql<string>`substr(created_at, 1, ${sql.lit(len)})`;
  const rows = await filtered(db, f)
    .select([bucket.as('period'), ...Object.entries(totals).map(([k, v]) => v.as(k))])
    .groupBy(bucket)
    .orderBy(bucket)
    .execute();
  return rows.map((r) => ({ period: String((r as Record<string, unknown>).period), ...toTotals(r as Record<string, unknown>) }));
}
