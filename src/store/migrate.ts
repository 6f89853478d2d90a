// Applies pending migrations, each in its own transaction, recording names in `opencompress_migrations`.
// Safe to run from several processes at once: PostgreSQL serialises on an advisory lock, SQLite on
// its write lock (the first statement of each transaction is a write). Re-running is a no-op.
import { sql, type Kysely } from 'kysely';
import { migrations as defaultMigrations, type Migration } from './migrations/index.js';

export type Dialect = 'sqlite' | 'postgres';

const TABLE = 'opencompress_migrations';
const PG_LOCK_ID = 73_019_401; // arbitrary constant shared by every OpenCompress process

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, list: Migration[] = defaultMigrations): Promise<MigrationResult> {
  const names = list.map((m) => m.name);
  if (new Set(names).size !== names.length) throw new Error('duplicate migration names');
  const applied: string[] = [];
  let alreadyApplied: string[] = [];
  // One bookkeeping transaction to create the table, then one transaction per migration.
  await db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(PG_LOCK_ID)})`.execute(trx);
    await sql`create table if not exists ${sql.table(TABLE)} (name text primary key, applied_at text not null)`.execute(trx);
  });
  for (const migration of list) {
    const done = await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${sql.lit(PG_LOCK_ID)})`.execute(trx);
      else await sql`delete from ${sql.table(TABLE)} where name = ${'\u0000lock'}`.execute(trx); // takes SQLite's write lock now
      const row = await trx.selectFrom(TABLE).select('name').where('name', '=', migration.name).executeTakeFirst();
      if (row) return false;
      await migration.up(trx);
      await trx.insertInto(TABLE).values({ name: migration.name, applied_at: new Date().toISOString() }).execute();
      return true;
    });
    if (done) applied.push(migration.name);
  }
  const rows = await db.selectFrom(TABLE).select('name').execute();
  alreadyApplied = rows.map((r: { name: string }) => r.name).filter((n: string) => !applied.includes(n));
  const unknown = alreadyApplied.filter((n) => !names.includes(n));
  if (unknown.length) throw new Error(`the database has migrations this version does not know (${unknown.join(', ')}); upgrade OpenCompress`);
  return { applied, alreadyApplied };
}
