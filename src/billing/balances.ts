// Prepaid balances (DESIGN.md §5): the free credit of a new account, credit grants, and the balance
// check of admission. The free credit is granted lazily, the first time anything reads or charges
// the account's balance (admission, dashboard, `credits grant`), so account creation needs no hook
// into billing and every way of creating an account (CLI, dashboard, tests) gets it. The admission
// check reads through a short in-process cache (≤ 1 s old, refreshed by this process's own charges),
// so the hot path rarely touches the database; the charge itself is always atomic in the store.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { findAccountById } from '../store/accounts.js';
import { creditBalance, getBalanceMicros, openBalance } from '../store/ledger.js';
import { usdToMicros } from './fees.js';

type Db = Kysely<Database>;

/** A request is admitted while the balance is at least this (1 micro-dollar: any positive balance). */
export const MIN_ADMIT_MICROS = 1;

/** The note on the ledger entry of the sign-up credit. */
export const FREE_CREDIT_NOTE = 'free credit for a new account';

/** The account's balance in micro-dollars, opening it with the free credit on first use. */
export async function ensureBalance(db: Db, accountId: string, freeCreditMicros: number): Promise<number> {
  const existing = await getBalanceMicros(db, accountId);
  if (existing !== undefined) return existing;
  await openBalance(db, accountId, freeCreditMicros, FREE_CREDIT_NOTE);
  return (await getBalanceMicros(db, accountId)) ?? 0;
}

/**
 * Grant `usd` of credit to an existing account; returns the new balance in micro-dollars.
 * Throws on an unknown account or a non-positive / sub-micro-dollar amount.
 */
export async function grantCredits(db: Db, accountId: string, usd: number, note: string | null, freeCreditUsd: number): Promise<number> {
  const micros = usdToMicros(usd);
  if (!(micros > 0)) throw new RangeError('the amount must be at least 0.000001 USD');
  if (!(await findAccountById(db, accountId))) throw new Error(`no account with id ${accountId}`);
  await ensureBalance(db, accountId, usdToMicros(freeCreditUsd));
  return creditBalance(db, accountId, micros, note);
}

/** The admission side: cached balance reads, updated by the recorder after each charge. */
export class BalanceCache {
  private readonly cache = new Map<string, { micros: number; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly freeCreditMicros: number,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 100_000,
  ) {}

  private readonly pending = new Map<string, Promise<number>>();

  async get(accountId: string): Promise<number> {
    const hit = this.cache.get(accountId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.micros;
    // Concurrent admissions of one account share a single read.
    let read = this.pending.get(accountId);
    if (!read) {
      read = ensureBalance(this.db, accountId, this.freeCreditMicros).then(
        (micros) => {
          this.pending.delete(accountId);
          this.set(accountId, micros);
          return micros;
        },
        (err: unknown) => {
          this.pending.delete(accountId);
          throw err;
        },
      );
      this.pending.set(accountId, read);
    }
    return read;
  }

  /** Record a balance this process just wrote (after a charge or a grant). */
  set(accountId: string, micros: number): void {
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(accountId, { micros, at: Date.now() });
  }

  forget(accountId: string): void {
    this.cache.delete(accountId);
  }
}
