// SQL for the `settings` table: small named values (the sealed key pepper) and lock rows.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export async function getSetting(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/** Insert unless a value exists; returns the value that is stored afterwards (first writer wins). */
export async function getOrInsertSetting(db: Db, name: string, value: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ name, value, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const stored = await getSetting(db, name);
  if (stored === undefined) throw new Error(`setting ${name} vanished`);
  return stored;
}

/** Replace a value only if it still equals `expected` (compare-and-set); true when replaced. */
export async function replaceSetting(db: Db, name: string, expected: string, value: string): Promise<boolean> {
  const r = await db
    .updateTable('settings')
    .set({ value, updated_at: new Date().toISOString() })
    .where('name', '=', name)
    .where('value', '=', expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Inside a transaction: serialise with every other transaction that locks the same row (a no-op
 * update takes PostgreSQL's row lock and SQLite's write lock). The row is created on first use.
 */
export async function lockNamed(trx: Db, name: string): Promise<void> {
  const r = await trx.updateTable('settings').set((eb) => ({ value: eb.ref('value') })).where('name', '=', `lock:${name}`).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) {
    await trx
      .insertInto('settings')
      .values({ name: `lock:${name}`, value: '', updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await trx.updateTable('settings').set((eb) => ({ value: eb.ref('value') })).where('name', '=', `lock:${name}`).execute();
  }
}
