// SQL for prepaid balances and the ledger of their changes. The rules (who gets a free credit, what a
// request owes) live in billing/; this file makes each change atomic and never lets a balance go
// below zero, on SQLite and PostgreSQL alike (conditional UPDATEs, no read-modify-write).
import type { Kysely } from 'kysely';
import type { Database, LedgerRow } from './schema.js';
import { nowIso } from './ids.js';
import { newRowId } from './usage.js';

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
        .values({ id: newRowId('led'), account_id: accountId, created_at: at, kind: 'free_credit', amount_micros: initialMicros, balance_after_micros: initialMicros, request_id: null, note })
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
      .values({ id: newRowId('led'), account_id: accountId, created_at: at, kind: 'grant', amount_micros: micros, balance_after_micros: after, request_id: null, note })
      .execute();
    return after;
  });
}

export interface Charge {
  requestId: string;
  dueMicros: number;
}

/**
 * Take what `charges` owe from one account's balance, never below zero, in one statement when the
 * balance covers them all: `UPDATE … SET micros = micros − total WHERE micros >= total`. Otherwise
 * whatever is left is taken with a compare-and-set on the value just read (retried if another
 * writer got there first) and handed to the charges in order; the rest is their shortfall.
 * No read-modify-write across statements, so concurrent writers (threads, processes, nodes) can
 * never overdraw. Writes one `charge` ledger entry for what was taken (its request id when a
 * single request paid, else a note "N requests"). Run it inside the caller's transaction.
 * Returns what each charge paid, in order.
 */
export async function chargeAccount(db: Db, accountId: string, charges: Charge[], at: string): Promise<{ applied: number[]; balanceAfterMicros: number | undefined }> {
  const total = charges.reduce((s, c) => s + Math.max(0, c.dueMicros), 0);
  const applied = charges.map(() => 0);
  if (total <= 0) return { applied, balanceAfterMicros: undefined };
  let taken = 0;
  let after: number | undefined;
  const full = await db
    .updateTable('balances')
    .set((eb) => ({ micros: eb('micros', '-', total), updated_at: at }))
    .where('account_id', '=', accountId)
    .where('micros', '>=', total)
    .returning('micros')
    .executeTakeFirst();
  if (full) {
    taken = total;
    after = Number(full.micros);
  } else {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await getBalanceMicros(db, accountId);
      if (current === undefined || current <= 0) {
        after = current;
        break;
      }
      const take = Math.min(current, total);
      const cas = await db
        .updateTable('balances')
        .set({ micros: current - take, updated_at: at })
        .where('account_id', '=', accountId)
        .where('micros', '=', current)
        .returning('micros')
        .executeTakeFirst();
      if (cas) {
        taken = take;
        after = Number(cas.micros);
        break;
      }
    }
  }
  if (taken > 0) {
    // Hand out what was taken in order; the rest of each charge is its shortfall.
    let left = taken;
    let paying = 0;
    let lastPaid = '';
    for (let i = 0; i < charges.length && left > 0; i++) {
      const pay = Math.min(Math.max(0, charges[i].dueMicros), left);
      if (pay <= 0) continue;
      applied[i] = pay;
      left -= pay;
      paying++;
      lastPaid = charges[i].requestId;
    }
    // One ledger entry per account per batch (the usage rows itemise each request).
    await db
      .insertInto('ledger')
      .values({
        id: newRowId('led'),
        account_id: accountId,
        created_at: at,
        kind: 'charge',
        amount_micros: -taken,
        balance_after_micros: after ?? 0,
        request_id: paying === 1 ? lastPaid : null,
        note: paying === 1 ? null : `${paying} requests`,
      })
      .execute();
  }
  return { applied, balanceAfterMicros: after };
}

/** One charge (see chargeAccount). */
export async function chargeBalance(
  db: Db,
  accountId: string,
  dueMicros: number,
  requestId: string,
  at: string,
): Promise<{ appliedMicros: number; balanceAfterMicros: number | undefined }> {
  const r = await chargeAccount(db, accountId, [{ requestId, dueMicros }], at);
  return { appliedMicros: r.applied[0], balanceAfterMicros: r.balanceAfterMicros };
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
