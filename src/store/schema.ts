// Table types for Kysely: one interface per table, and `Database` listing them all.
// Portable conventions (same on SQLite and PostgreSQL, see docs/storage-and-keys.md):
//   ids        text (`newId(prefix)` from ./ids.ts: time-sortable, random)
//   timestamps text, ISO-8601 UTC from `Date#toISOString()` (sorts and compares as text)
//   booleans   integer 0/1
//   money      integer micro-dollars (bigint in PostgreSQL, parsed to a JS number by openStore)
// To add a table: declare its interface here, add one line to `Database`, and create it in a
// new migration under ./migrations/ (never edit an applied migration).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface AccountsTable {
  id: string;
  /** trimmed and lower-cased; unique */
  email: string;
  /** `scrypt$…` from accounts/passwords.ts; null for accounts created by the CLI without one */
  password_hash: string | null;
  /** 1 for the first account of a fresh install */
  is_admin: Generated<number>;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: Generated<string>;
  /** HMAC-SHA256(pepper, raw key), lower-case hex; unique */
  key_hash: string;
  /** display form, e.g. `sk-occ-AbCd…wxyz` */
  prefix: string;
  mode: 'router' | 'byok';
  upstream_base_url: string | null;
  /** openai | azure | anthropic | groq | together | openrouter | custom … (informational) */
  upstream_provider: string | null;
  /** secrets.seal(upstream key, `${account_id}:${id}`); BYOK only */
  upstream_key_sealed: string | null;
  /** last 4 characters of the upstream key, for the dashboard */
  upstream_key_last4: string | null;
  /** default compression level of the key (off|lossless|balanced|aggressive); null = engine default */
  level: string | null;
  /** requests per minute, 0 = unlimited */
  rpm: Generated<number>;
  /** concurrent requests, 0 = unlimited */
  concurrency: Generated<number>;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Small named values: the sealed key pepper, and lock rows used to serialise rare operations. */
export interface SettingsTable {
  name: string;
  value: string;
  updated_at: ColumnType<string, string, string>;
}

/** One row per request (billing/recorder.ts). Money in integer micro-dollars. */
export interface UsageTable {
  id: string;
  request_id: string;
  created_at: string;
  account_id: string;
  key_id: string;
  mode: 'router' | 'byok';
  model: string;
  /** ok | upstream_error | client_aborted | guard_reverted | not_compressed | invalid_request */
  status: string;
  original_input_tokens: number;
  compressed_input_tokens: number;
  /** max(0, original − compressed) when the request was billed for savings, else 0 */
  tokens_saved: number;
  output_tokens: number;
  cached_input_tokens: number;
  usage_reported: number;
  price_known: number;
  savings_micros: number;
  llm_cost_micros: number;
  fee_micros: number;
  /** what the balance actually paid */
  charged_micros: number;
  /** what the request owed but the balance could not cover */
  shortfall_micros: number;
  latency_ms: number;
}

/** Prepaid balance per account (created lazily with the free credit, billing/balances.ts). */
export interface BalancesTable {
  account_id: string;
  micros: number;
  updated_at: string;
}

/** Every change of a balance: free_credit, grant (positive), charge (negative). */
export interface LedgerTable {
  id: string;
  account_id: string;
  created_at: string;
  kind: 'free_credit' | 'grant' | 'charge';
  amount_micros: number;
  balance_after_micros: number;
  request_id: string | null;
  note: string | null;
}

/** Dashboard sign-in sessions (003_dashboard, accounts/sessions.ts). */
export interface SessionsTable {
  id: string;
  /** SHA-256 hex of the cookie token; the token itself is never stored */
  token_hash: string;
  account_id: string;
  created_at: string;
  expires_at: string;
  user_agent: string | null;
}

/** Failed sign-in counters per hashed (e-mail, IP) and per hashed IP (accounts/login-limit.ts). */
export interface LoginAttemptsTable {
  scope: string;
  failures: number;
  window_start: string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
  usage: UsageTable;
  balances: BalancesTable;
  ledger: LedgerTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
export type ApiKeyPatch = Updateable<ApiKeysTable>;
export type UsageRow = Selectable<UsageTable>;
export type NewUsageRow = Insertable<UsageTable>;
export type LedgerRow = Selectable<LedgerTable>;
export type SessionRow = Selectable<SessionsTable>;
export type NewSessionRow = Insertable<SessionsTable>;
