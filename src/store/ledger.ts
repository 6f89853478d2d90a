// SQL for prepaid balances and the ledger of their changes. The rules (who gets a free credit, what a
// request owes) live in billing/; this file makes each change atomic and never lets a balance go
// below zero, on SQLite and PostgreSQL alike (conditional UPDATEs, no read-modify-write).
import type { Kysely } from 'kysely';
import type { Database, LedgerRow } from './schema.js';
import { newId, nowIso } from './ids.js';

type Db = Kysely<Database>;

export async function getBalanceMicros(db: Db, accountId: string): Promise<number | undefined> {
  const row = await db.selectFrom('balances').select('micros').where('account_id', '=', accountId).executeTakeFirst();
  return row ? Number(row.micros) : undefined;
}

/**
 * Create the balance row of an account with `initialMicros` and, when positive, a `free_credit`
 * ledger entry — once: a second call (or a concurrent one on another node) changes nothing.
 * Returns true when this call created the row.
 */
export async function openBalance(db: Db, accountId: string, initialMicros: number, note: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const at = nowIso();
    const r = await trx
      .insertInto('balances')
      .values({ account_id: accountId, micros: initialMicros, updated_at: at })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .executeTakeFirst();
    const created = Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
    if (created && initialMicros > 0) {
      await trx
        .insertInto('ledger')
        .values({ id: newId('led'), account_id: accountId, created_at: at, kind: 'free_credit', amount_micros: initialMicros, balance_after_micros: initialMicros, request_id: null, note })
        .execute();
    }
    return created;
  });
}

/** Add credit (a grant); the balance row must exist (openBalance). Returns the new balance. */
export async function creditBalance(db: Db, accountId: string, micros: number, note: string | null): Promise<number> {
  if (!Number.isSafeInteger(micros) || micros <= 0) throw new RangeError('a grant must be a positive whole number of micro-dollars');
  return db.transaction().execute(async (trx) => {
    const at = nowIso();
    const row = await trx
      .updateTable('balances')
      .set((eb) => ({ micros: eb('micros', '+', micros), updated_at: at }))
      .where('account_id', '=', accountId)
      .returning('micros')
      .executeTakeFirst();
    if (!row) throw new Error(`account ${accountId} has no balance row`);
    const after = Number(row.micros);
    await trx
      .insertInto('ledger')
      .values({ id: newId('led'), account_id: accountId, created_at: at, kind: 'grant', amount_micros: micros, balance_after_micros: after, request_id: null, note })
      .execute();
    return after;
  });
}

/**
 * Take up to `dueMicros` from the balance, never below zero. Atomic without locks held across
 * statements: the full amount with `WHERE micros >= due`, else whatever is left with a
 * compare-and-set on the value just read (retried if another writer got there first).
 * Writes a `charge` ledger entry for what was taken. Run it inside the caller's transaction.
 */
export async function chargeBalance(
  db: Db,
  accountId: string,
  dueMicros: number,
  requestId: string,
  at: string,
): Promise<{ appliedMicros: number; balanceAfterMicros: number | undefined }> {
  if (dueMicros <= 0) return { appliedMicros: 0, balanceAfterMicros: undefined };
  let applied = 0;
  let after: number | undefined;
  const full = await db
    .updateTable('balances')
    .set((eb) => ({ micros: eb('micros', '-', dueMicros), updated_at: at }))
    .where('account_id', '=', accountId)
    .where('micros', '>=', dueMicros)
    .returning('micros')
    .executeTakeFirst();
  if (full) {
    applied = dueMicros;
    after = Number(full.micros);
  } else {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await getBalanceMicros(db, accountId);
      if (current === undefined || current <= 0) {
        after = current;
        break;
      }
      const take = Math.min(current, dueMicros);
      const cas = await db
        .updateTable('balances')
        .set({ micros: current - take, updated_at: at })
        .where('account_id', '=', accountId)
        .where('micros', '=', current)
        .returning('micros')
        .executeTakeFirst();
      if (cas) {
        applied = take;
        after = Number(cas.micros);
        break;
      }
    }
  }
  if (applied > 0) {
    await db
      .insertInto('ledger')
      .values({ id: newId('led'), account_id: accountId, created_at: at, kind: 'charge', amount_micros: -applied, balance_after_micros: after ?? 0, request_id: requestId, note: null })
      .execute();
  }
  return { appliedMicros: applied, balanceAfterMicros: after };
}

export interface LedgerQuery {
  limit?: number;
  offset?: number;
  kind?: LedgerRow['kind'];
}

export async function listLedger(db: Db, accountId: string, q: LedgerQuery = {}): Promise<LedgerRow[]> {
  let query = db.selectFrom('ledger').selectAll().where('account_id', '=', accountId);
  if (q.kind) query = query.where('kind', '=', q.kind);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(q.limit ?? 50, 1), 1000))
    .offset(Math.max(q.offset ?? 0, 0))
    .execute();
}

export async function countLedger(db: Db, accountId: string, kind?: LedgerRow['kind']): Promise<number> {
  let query = db.selectFrom('ledger').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId);
  if (kind) query = query.where('kind', '=', kind);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sum of every ledger amount of an account: equals its balance (an invariant the tests check). */
export async function sumLedger(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('ledger')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_micros'), eb.lit(0)).as('total'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
