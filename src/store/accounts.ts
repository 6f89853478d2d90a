// SQL for the `accounts` table. Callers (accounts/accounts.ts) own the rules: e-mail normalisation,
// who becomes admin, password hashing.
import type { Kysely } from 'kysely';
import type { AccountRow, Database, NewAccountRow } from './schema.js';

type Db = Kysely<Database>;

export async function insertAccount(db: Db, row: NewAccountRow): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function findAccountById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Db, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function listAccounts(db: Db, opts: { limit?: number; offset?: number } = {}): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(opts.limit ?? 1000)
    .offset(opts.offset ?? 0)
    .execute();
}

export async function countAccounts(db: Db): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setPasswordHash(db: Db, id: string, passwordHash: string | null): Promise<boolean> {
  const r = await db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function setAdmin(db: Db, id: string, isAdmin: boolean): Promise<boolean> {
  const r = await db.updateTable('accounts').set({ is_admin: isAdmin ? 1 : 0 }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Inside a transaction: take a write lock on the account row (a no-op update) so that concurrent
 * transactions touching the same account's keys run one after the other, on SQLite and PostgreSQL
 * alike. Returns false when the account does not exist.
 */
export async function lockAccount(trx: Db, id: string): Promise<boolean> {
  // A non-key column, so PostgreSQL takes FOR NO KEY UPDATE and foreign-key inserts elsewhere are not blocked.
  const r = await trx.updateTable('accounts').set((eb) => ({ is_admin: eb.ref('is_admin') })).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
