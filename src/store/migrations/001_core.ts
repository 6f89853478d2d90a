// 001_core: accounts, API keys and the settings table (sealed key pepper, lock rows).
// Portable types only (text, integer); see schema.ts for the conventions.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('upstream_base_url', 'text')
    .addColumn('upstream_provider', 'text')
    .addColumn('upstream_key_sealed', 'text')
    .addColumn('upstream_key_last4', 'text')
    .addColumn('level', 'text')
    .addColumn('rpm', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('concurrency', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_account_idx').ifNotExists().on('api_keys').columns(['account_id', 'revoked_at']).execute();

  await db.schema
    .createTable('settings')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Lock row: account creation updates it first so that "the first account is admin" holds under concurrency.
  await db
    .insertInto('settings')
    .values({ name: 'lock:accounts', value: '', updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}
